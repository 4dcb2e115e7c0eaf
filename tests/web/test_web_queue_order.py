"""The queue page lists entries in the order they go out: by planned time, those without
one last, then by id (whatever was changed last)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sounding.store import Store

from .conftest import sign_in

# Seeded queue: 1 and 2 drafts, 3 approved, 4 published (none planned).


def test_the_queue_is_ordered_by_planned_time_then_id(client: TestClient,
                                                      web_store: Store) -> None:
    with web_store.transaction() as con:
        con.execute("INSERT INTO queue (queue_id, account_id, text, status, scheduled_at) "
                    "VALUES (5, 'bluesky:briochebramble.bsky.social', 'Early', 'scheduled', "
                    "TIMESTAMPTZ '2999-01-01 08:00:00+00')")
    token = sign_in(client, "ed")
    client.post("/queue/3/schedule", data={"csrf_token": token, "when": "2999-02-01T09:30"})
    client.post("/queue/1/edit", data={"csrf_token": token, "text": "changed last"})
    page = client.get("/queue").text
    assert [int(i) for i in re.findall(r'<tr data-queue="(\d+)"', page)] == [5, 3, 1, 2, 4]
    entries = client.get("/queue.json").json()["entries"]
    assert [e["queue_id"] for e in entries] == [5, 3, 1, 2, 4]
    assert entries[1]["scheduled_at"].startswith("2999-02-01T09:30")
