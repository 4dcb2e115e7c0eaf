"""The queue page's Discard button: an editor's form with the session's CSRF token; the
entry is kept as cancelled, leaves the table, is counted, and is never offered again."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from sounding.store import Store

from .conftest import PWN, alert_text, sign_in, signed_in

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
    for confirm in ("", "yes"):
        assert client.post("/queue/1/cancel", data={"csrf_token": token,
                                                    "confirm": confirm}).status_code == 403
    token = sign_in(client, "ed")
    for confirm in ("", "yes"):
        assert client.post("/queue/1/cancel", data={"csrf_token": "forged",
                                                    "confirm": confirm}).status_code == 403
        assert client.post("/queue/1/cancel", data={"confirm": confirm}).status_code == 403
    assert _status(web_store, 1) == "draft"
    assert client.post("/queue/1/cancel", data={"csrf_token": token,
                                                "confirm": "yes"}).status_code == 200


def test_a_discarded_entry_leaves_the_table_and_is_counted(client: TestClient,
                                                           web_store: Store) -> None:
    token = sign_in(client, "ed")
    page = client.get("/queue").text
    assert _discard_buttons(page) == {1: "Discard", 2: "Discard", 3: "Discard"}
    assert f"<script>{PWN}" not in page  # the hostile text stays escaped
    answer = client.post("/queue/2/cancel", data={"csrf_token": token, "next": "/queue",
                                                  "confirm": "yes"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/queue"
    assert _status(web_store, 2) == "cancelled"
    data = client.get("/queue.json").json()
    assert [e["queue_id"] for e in data["entries"] if e["queue_id"] == 2] == []
    assert data["counts"]["cancelled"] == 1 and data["counts"]["draft"] == 1
    again = client.post("/queue/2/cancel", data={"csrf_token": token, "confirm": "yes"},
                        follow_redirects=False)
    assert again.status_code == 303 and _status(web_store, 2) == "cancelled"  # a no-op
    english = client.get("/queue").text
    assert "cancelled: 1" in english and 'data-queue="2"' not in english
    client.post("/lang", data={"lang": "fr", "csrf_token": token, "next": "/queue"})
    french = unescape(client.get("/queue").text)
    assert _discard_buttons(french) == {1: "Écarter", 3: "Écarter"}
    assert "écarté\u202f: 1" in french and "Discard" not in french



def _confirm_form(html: str) -> tuple[str, dict[str, str]]:
    """The confirmation page's form: its action and its fields."""
    match = re.search(r'<form method="post" action="([^"]+)" class="inline confirm-discard">'
                      r"(.*?)</form>", html, re.S)
    assert match, "no confirmation form"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', match[2]))
    return match[1], {k: unescape(v) for k, v in fields.items()}


def test_one_click_asks_and_only_the_confirmed_form_discards(client: TestClient,
                                                             web_store: Store) -> None:
    token = signed_in(client, "fr")
    asked = client.post("/queue/2/cancel", data={"csrf_token": token, "next": "/queue"},
                        follow_redirects=False)
    assert asked.status_code == 200 and _status(web_store, 2) == "draft"
    page = unescape(asked.text)
    assert "Écarter l'entrée 2 de la file ?" in page and "Non, la garder" in page
    assert f"<script>{PWN}" not in asked.text and "&lt;script&gt;" in asked.text
    action, fields = _confirm_form(asked.text)
    assert action == "/queue/2/cancel" and fields["confirm"] == "yes"
    assert fields["next"] == "/queue" and fields["csrf_token"] == token
    done = client.post(action, data=fields, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/queue")
    assert _status(web_store, 2) == "cancelled"


def test_the_confirmation_is_in_english_and_refusals_need_no_confirmation(
        client: TestClient, web_store: Store) -> None:
    token = sign_in(client, "ed")
    asked = client.post("/queue/1/cancel", data={"csrf_token": token})
    assert "Discard queue entry 1?" in asked.text and "Yes, discard it" in asked.text
    assert _status(web_store, 1) == "draft"
    published = client.post("/queue/4/cancel", data={"csrf_token": token})
    assert published.status_code == 400 and "cannot be discarded" in alert_text(published.text)
    assert client.post("/queue/999/cancel", data={"csrf_token": token}).status_code == 404
