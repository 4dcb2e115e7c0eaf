"""A post nothing was sent for goes back to the queue; a service that does not answer is named.

The Bluesky account points at a port nobody listens on, so no network is needed: every
call fails before a post could be made.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from sounding.connectors.connect import connect
from sounding.connectors.retry import RetryPolicy
from sounding.errors import NetworkFailure
from sounding.store import Store
from sounding.workflows.accounts import add_account
from sounding.workflows.publish import publish_due
from sounding.workflows.queue import add_to_queue

ENV = "SOUNDING_TEST_DEAD_PW"
SECRET = "pw-never-shown-4242"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


def _fast(account: Any, **kwargs: Any) -> Any:
    return connect(account, policy=RetryPolicy(tries=2, sleep=lambda s: None), **kwargs)


@pytest.fixture
def dead(store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(ENV, SECRET)
    url = f"http://127.0.0.1:{_closed_port()}"
    added = add_account(store, "bluesky", "dead.test", service_url=url, credential_env=ENV)
    return str(added["account_id"])


def test_an_unreachable_service_leaves_the_entry_scheduled_and_cancellable(
        store: Store, dead: str, db: Path, cli: Any) -> None:
    first = add_to_queue(store, dead, "first")["queue_id"]
    add_to_queue(store, dead, "second")
    result = publish_due(store, connect_fn=_fast)
    assert (result["due"], result["pending"]) == (2, 2)
    detail = result["entries"][0]["detail"]
    assert "127.0.0.1" in detail and "refused" in detail.lower() and "nothing was sent" in detail
    rows = store.query("SELECT status, idempotency_key, error FROM queue "
                       "ORDER BY queue_id").to_pylist()
    assert [(r["status"], r["idempotency_key"]) for r in rows] == [("scheduled", None)] * 2
    assert all("127.0.0.1" in r["error"] and SECRET not in r["error"] for r in rows)
    store.close()
    cancelled = cli("queue", "cancel", str(first))
    assert cancelled.code == 0 and f"cancelled #{first}" in cancelled.out, cancelled.err


def test_no_answer_names_the_service_and_the_cause(store: Store, dead: str) -> None:
    from sounding.store.connector_store import account_settings

    connector = _fast(account_settings(store, dead)[0])
    with pytest.raises(NetworkFailure) as caught:
        connector.profile(None)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "http://127.0.0.1:" in message and "refused" in message.lower()
    assert "NetworkError()" not in message and SECRET not in message
