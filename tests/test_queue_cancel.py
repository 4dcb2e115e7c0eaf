"""Cancelling queued posts: kept as 'cancelled', hidden from the listing, never published,
all or none; refused for what is published or being sent; through the server too."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import RecordingNetwork
from sounding.errors import InputError, NotFound
from sounding.store import Store
from sounding.store import connector_store as cs
from sounding.web.app import create_app
from sounding.workflows import publish
from sounding.workflows.accounts import add_account
from sounding.workflows.queue import add_to_queue, cancel_queued, list_queue

ACCOUNT = "bluesky:brand"


@pytest.fixture
def queued(cli) -> Callable[[int], None]:
    """A workspace with one Bluesky account; ``queued(n)`` adds n drafts, #1 to #n."""
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0

    def add(n: int) -> None:
        for i in range(n):
            assert cli("queue", "add", "--account", ACCOUNT, "--text", f"post {i}",
                       "--draft").code == 0
    return add


def _statuses(db: Path) -> dict[int, str]:
    with Store.open(db, read_only=True) as store:
        return {r["queue_id"]: r["status"] for r in store.table("queue").to_pylist()}


def _set_status(db: Path, queue_id: int, status: str) -> None:
    with Store.open(db) as store, store.transaction() as con:
        con.execute("UPDATE queue SET status = ? WHERE queue_id = ?", [status, queue_id])


def test_cancelled_entries_are_kept_and_left_out_of_the_listing(cli, queued, db: Path) -> None:
    queued(3)
    result = cli("queue", "cancel", "1", "3")
    assert result.code == 0, result.err
    assert result.out.strip() == "cancelled #1, #3"
    assert _statuses(db) == {1: "cancelled", 2: "draft", 3: "cancelled"}
    listed = cli("queue", "list").out.splitlines()
    assert len(listed) == 1 and listed[0].startswith("#2 ")
    assert [r["queue_id"] for r in json.loads(cli("queue", "list", "--json").out)] == [2]
    shown = json.loads(cli("queue", "list", "--status", "cancelled", "--json").out)
    assert [(r["queue_id"], r["status"]) for r in shown] == [(1, "cancelled"), (3, "cancelled")]


def test_cancelling_again_changes_nothing_and_says_so(cli, queued, db: Path) -> None:
    queued(2)
    assert cli("queue", "cancel", "1").code == 0
    again = cli("queue", "cancel", "1", "2")
    assert again.code == 0, again.err
    assert again.out.strip() == "cancelled #2"
    assert "already cancelled, left as it was: #1" in again.err
    alone = cli("queue", "cancel", "1")
    assert alone.code == 0 and alone.out.strip() == ""
    assert "already cancelled" in alone.err
    assert _statuses(db) == {1: "cancelled", 2: "cancelled"}


@pytest.mark.parametrize("status", ["published", "sending"])
def test_a_published_or_sending_entry_refuses_the_lot(cli, queued, db: Path,
                                                      status: str) -> None:
    queued(2)
    _set_status(db, 2, status)
    result = cli("queue", "cancel", "1", "2")
    assert result.code == 1
    assert f"#2 is {status}: a post published or being sent cannot be cancelled" in result.err
    assert "nothing was cancelled" in result.err
    assert _statuses(db) == {1: "draft", 2: status}


def test_an_unknown_entry_is_not_found_and_refuses_the_lot(cli, queued, db: Path) -> None:
    queued(1)
    result = cli("queue", "cancel", "1", "99", "98")
    assert result.code == 1
    assert "no queue entry #98, #99; nothing was cancelled" in result.err
    assert _statuses(db) == {1: "draft"}
    with Store.open(db) as store:
        with pytest.raises(NotFound):
            cancel_queued(store, [99])
        with pytest.raises(InputError, match="no queue entry to cancel"):
            cancel_queued(store, [])
        with pytest.raises(InputError, match="unknown status 'gone'"):
            list_queue(store, "gone")


def test_cancel_goes_through_the_servers_operations(store: Store) -> None:
    """While 'sounding serve' holds the workspace the CLI sends the operation to it."""
    add_account(store, "bluesky", "brand")
    first = add_to_queue(store, ACCOUNT, "hello", status="draft")["queue_id"]
    api = TestClient(create_app(store, "tok"), base_url="http://127.0.0.1")

    def op(args: Any) -> Any:
        return api.post("/api/ops/queue_cancel", json=args, headers={"x-sounding-token": "tok"})
    refused = op({"queue_ids": ["1"]})
    assert refused.status_code == 400 and "expected list" in refused.json()["error"]
    answer = op({"queue_ids": [first]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"] == {"cancelled": [first], "already_cancelled": []}
    missing = op({"queue_ids": [first + 5]})
    assert missing.status_code == 404 and missing.json()["type"] == "NotFound"
    assert list_queue(store) == [] and len(list_queue(store, "cancelled")) == 1




def test_the_publisher_never_sends_a_cancelled_entry(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    add_account(store, "bluesky", "brand")
    past = datetime.now(UTC) - timedelta(minutes=5)
    ids = [add_to_queue(store, ACCOUNT, text)["queue_id"] for text in ("keep", "drop", "race")]
    cancel_queued(store, [ids[1]])
    network = RecordingNetwork()
    read = cs.due_entries

    def due_then_cancelled(s: Store, now: datetime) -> list[dict[str, Any]]:
        entries = read(s, now)  # read while #3 was still scheduled...
        cancel_queued(s, [ids[2]])  # ...and cancelled before the run claims it
        return entries
    monkeypatch.setattr(publish, "due_entries", due_then_cancelled)
    result = publish.publish_due(store, now=past + timedelta(minutes=10),
                                 connect_fn=lambda account, **kw: network)
    assert network.sent == ["keep"]
    assert [(e["queue_id"], e["outcome"]) for e in result["entries"]] == [
        (ids[0], "published"), (ids[2], "skipped")]
    statuses = {r["queue_id"]: r["status"] for r in list_queue(store, "cancelled")}
    assert statuses == {ids[1]: "cancelled", ids[2]: "cancelled"}
