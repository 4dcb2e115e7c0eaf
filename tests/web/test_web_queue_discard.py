"""The queue page's Discard button: an editor's form with the session's CSRF token; the
entry is kept as cancelled, leaves the table, is counted, and is never offered again."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from sounding.store import Store

from .conftest import PWN, sign_in

# Seeded queue: 1 and 2 drafts (2 with a hostile text), 3 approved, 4 published.


def _discard_buttons(html: str) -> dict[int, str]:
    found = re.findall(r'action="/queue/(\d+)/cancel".*?<button type="submit" '
                       r'class="discard">([^<]+)</button>', html)
    return {int(i): unescape(label) for i, label in found}


def _status(store: Store, queue_id: int) -> str:
    return str(store.query("SELECT status FROM queue WHERE queue_id = ?",
                           [queue_id])[0][0].as_py())


def test_discard_needs_an_editor_and_the_csrf_token(client: TestClient,
                                                    web_store: Store) -> None:
    token = sign_in(client, "vi")
    assert "/cancel" not in client.get("/queue").text
    assert client.post("/queue/1/cancel", data={"csrf_token": token}).status_code == 403
    token = sign_in(client, "ed")
    assert client.post("/queue/1/cancel", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/queue/1/cancel", data={}).status_code == 403
    assert _status(web_store, 1) == "draft"
    assert client.post("/queue/1/cancel", data={"csrf_token": token}).status_code == 200


def test_a_discarded_entry_leaves_the_table_and_is_counted(client: TestClient,
                                                           web_store: Store) -> None:
    token = sign_in(client, "ed")
    page = client.get("/queue").text
    assert _discard_buttons(page) == {1: "Discard", 2: "Discard", 3: "Discard"}
    assert f"<script>{PWN}" not in page  # the hostile text stays escaped
    answer = client.post("/queue/2/cancel", data={"csrf_token": token, "next": "/queue"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/queue"
    assert _status(web_store, 2) == "cancelled"
    data = client.get("/queue.json").json()
    assert [e["queue_id"] for e in data["entries"] if e["queue_id"] == 2] == []
    assert data["counts"]["cancelled"] == 1 and data["counts"]["draft"] == 1
    again = client.post("/queue/2/cancel", data={"csrf_token": token}, follow_redirects=False)
    assert again.status_code == 303 and _status(web_store, 2) == "cancelled"  # a no-op
    english = client.get("/queue").text
    assert "cancelled: 1" in english and 'data-queue="2"' not in english
    client.post("/lang", data={"lang": "fr", "csrf_token": token, "next": "/queue"})
    french = unescape(client.get("/queue").text)
    assert _discard_buttons(french) == {1: "Écarter", 3: "Écarter"}
    assert "écarté: 1" in french and "Discard" not in french

