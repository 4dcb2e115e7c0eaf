"""``sounding user add``: the password comes from a prompt or a variable and is never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from sounding.store import Store
from sounding.workflows import users


def test_user_add_from_an_environment_variable(cli, db: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASH_PW", "s3cret-pass-word")
    result = cli("user", "add", "alice", "--role", "editor", "--password-env", "DASH_PW")
    assert result.code == 0, result.err
    assert "alice" in result.out and "s3cret" not in result.out + result.err
    with Store.open(db) as store:
        assert users.authenticate(store, "alice", "s3cret-pass-word")
    again = cli("user", "add", "alice", "--password-env", "DASH_PW")
    assert again.code == 1 and "already exists" in again.err


def test_user_add_prompts_without_echo(cli, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    asked: list[dict[str, object]] = []

    def prompt(text: str, **kw: object) -> str:
        asked.append(kw)
        return "prompted-pass-1"

    monkeypatch.setattr(typer, "prompt", prompt)
    assert cli("user", "add", "bob").code == 0
    assert asked == [{"hide_input": True, "confirmation_prompt": True}]
    with Store.open(db) as store:
        assert users.authenticate(store, "bob", "prompted-pass-1")


def test_user_add_refuses_a_bad_role(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASH_PW", "s3cret-pass-word")
    result = cli("user", "add", "carol", "--role", "root", "--password-env", "DASH_PW")
    assert result.code == 1 and "role 'root'" in result.err


def test_user_add_replace_says_so_and_ends_the_old_sessions(
        cli, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """--replace printed 'added', and the old password's sessions went on."""
    monkeypatch.setenv("DASH_PW", "first-pass-word")
    assert cli("user", "add", "alice", "--password-env", "DASH_PW").out.strip() == \
        "user alice added as viewer"
    with Store.open(db) as store:
        cookie = users.open_session(store, "alice")
        assert users.session_for(store, cookie) is not None
    monkeypatch.setenv("DASH_PW", "second-pass-word")
    replaced = cli("user", "add", "alice", "--role", "admin", "--password-env", "DASH_PW",
                   "--replace")
    assert replaced.out.strip() == "user alice replaced, now admin"
    with Store.open(db) as store:
        assert users.session_for(store, cookie) is None
        assert users.authenticate(store, "alice", "second-pass-word")
    fresh = cli("user", "add", "bob", "--password-env", "DASH_PW", "--replace")
    assert fresh.out.strip() == "user bob added as viewer"
