"""The few seconds a session is remembered never outlast a sign-out made meanwhile."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sounding.web import auth


def test_a_session_read_during_a_sign_out_is_not_remembered_after_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's request read the session from the store; a sign-out (or role change)
    dropped the remembered sessions before that read was remembered, so the old session
    was then honoured for up to 5 s more: it must be read again instead."""
    reads: list[str] = []

    def session_for(store: object, cookie: str) -> object:
        reads.append(cookie)
        if len(reads) == 1:
            auth.forget_sessions()  # the sign-out lands while this read is under way
        return SimpleNamespace(username="ann", cookie=cookie)

    monkeypatch.setattr(auth.users, "session_for", session_for)
    auth.forget_sessions()
    request = SimpleNamespace(cookies={auth.SESSION_COOKIE: "c1"},
                              app=SimpleNamespace(state=SimpleNamespace(store=None)))
    auth.current(request)  # type: ignore[arg-type]
    auth.current(request)  # type: ignore[arg-type]
    assert reads == ["c1", "c1"]
    auth.current(request)  # type: ignore[arg-type]  # now remembered: no sign-out since
    assert reads == ["c1", "c1"]
