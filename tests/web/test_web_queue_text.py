"""The queue page's forms refuse what may not go out, in the reader's language: approving
the planner's placeholder, a text longer than its network takes. A refusal links back to
the form's own page (a path on this site only) and gives an edited text back to correct."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from sounding.store import Store
from sounding.store.connector_store import record_text_limit
from sounding.workflows.accounts import add_account
from sounding.workflows.queue_text import placeholder

from .conftest import PWN, alert_text, signed_in

# Seeded queue: 1 and 2 drafts on a Bluesky account, 3 approved, 4 published.






def _back(html: str) -> str:
    match = re.search(r'<a href="([^"]*)" class="back">', html)
    assert match, "the page has no link back"
    return unescape(match[1])


def _row(store: Store, queue_id: int) -> tuple[str, str]:
    row = store.query("SELECT status, text FROM queue WHERE queue_id = ?",
                      [queue_id]).to_pylist()[0]
    return row["status"], row["text"]


def _set_text(store: Store, queue_id: int, text: str) -> None:
    with store.transaction() as con:
        con.execute("UPDATE queue SET text = ? WHERE queue_id = ?", [text, queue_id])


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", "L'entrée 1 de la file contient encore le texte provisoire du planificateur : "
     "rédigez d'abord la publication, puis approuvez-la."),
    ("en", "Queue entry 1 still holds the planner's placeholder text: write the post first, "
     "then approve it.")])
def test_approving_the_placeholder_is_refused_and_links_back_to_the_queue(
        client: TestClient, web_store: Store, lang: str, words: str) -> None:
    text = placeholder("format=video, topic=product")
    _set_text(web_store, 1, text)
    token = signed_in(client, lang)
    response = client.post("/queue/1/approve", data={"csrf_token": token, "next": "/queue"})
    assert response.status_code == 400
    assert alert_text(response.text) == words
    assert _back(response.text) == "/queue"
    assert _row(web_store, 1) == ("draft", text)
    assert client.post("/queue/1/approve", data={"csrf_token": "forged"}).status_code == 403
    written = client.post("/queue/1/edit", data={"csrf_token": token, "text": "Pistachio!"},
                          follow_redirects=False)
    assert written.status_code == 303
    assert client.post("/queue/1/approve", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    assert _row(web_store, 1) == ("approved", "Pistachio!")


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", "Le texte compte 799 caractères ; Bluesky en accepte 300 au plus : "
     "raccourcissez-le."),
    ("en", "The text has 799 characters; Bluesky takes at most 300: shorten it.")])
def test_an_edit_too_long_for_bluesky_is_refused_and_given_back(
        client: TestClient, web_store: Store, lang: str, words: str) -> None:
    token = signed_in(client, lang)
    typed = f"<script>{PWN}</script>" + "x" * (799 - len(f"<script>{PWN}</script>"))
    response = client.post("/queue/1/edit", data={"csrf_token": token, "text": typed,
                                                  "next": "/queue"})
    assert response.status_code == 400
    assert alert_text(response.text) == words
    assert _row(web_store, 1) == ("draft", "Our croissant of the week: pistachio")
    assert _back(response.text) == "/queue"
    form = re.search(r'<form method="post" action="/queue/1/edit".*?</form>', response.text,
                     re.S)
    assert form, "the refused text is not given back in a form"
    assert f'name="csrf_token" value="{token}"' in form[0]
    assert f"&lt;script&gt;{PWN}" in form[0] and f"<script>{PWN}" not in response.text
    shorter = typed[:300]
    again = client.post("/queue/1/edit", data={"csrf_token": token, "text": shorter,
                                               "next": "/queue"}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/queue"
    assert _row(web_store, 1) == ("draft", shorter)


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", "Le texte compte 501 caractères comme Mastodon les compte (un lien pour 23, une "
     "mention @nom@domaine pour @nom) ; faute de connaître la limite de l'instance, "
     "sounding applique à mastodon:briochebramble@pouet.example celle de Mastodon par "
     "défaut, 500, jusqu'à ce qu'une collecte la lise : raccourcissez-le."),
    ("en", "The text has 501 characters as Mastodon counts them (a link as 23, a mention "
     "@user@domain as @user); not knowing the instance's own limit, sounding holds "
     "mastodon:briochebramble@pouet.example to Mastodon's default of 500 until a collect "
     "reads it: shorten it.")])
def test_the_forms_hold_a_mastodon_entry_to_mastodon_s_default_limit(
        client: TestClient, web_store: Store, lang: str, words: str) -> None:
    with web_store.transaction() as con:
        con.execute("UPDATE queue SET account_id = 'mastodon:briochebramble@pouet.example' "
                    "WHERE queue_id = 1")
    token = signed_in(client, lang)
    typed = "x" * 501
    response = client.post("/queue/1/edit", data={"csrf_token": token, "text": typed})
    assert response.status_code == 400
    assert alert_text(response.text) == words
    assert _row(web_store, 1) == ("draft", "Our croissant of the week: pistachio")
    _set_text(web_store, 1, typed)  # written by another path: approving refuses it too
    refused = client.post("/queue/1/approve", data={"csrf_token": token})
    assert refused.status_code == 400 and alert_text(refused.text) == words
    assert _row(web_store, 1) == ("draft", typed)
    linked = "See https://example.org/" + "a" * 600  # 28 characters as Mastodon counts
    edited = client.post("/queue/1/edit", data={"csrf_token": token, "text": linked},
                         follow_redirects=False)
    assert edited.status_code == 303 and _row(web_store, 1) == ("draft", linked)


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", "Le texte compte 1001 caractères comme Mastodon les compte (un lien pour 23, une "
     "mention @nom@domaine pour @nom) ; l'instance de mastodon:briochebramble@pouet.example "
     "en accepte 1000 au plus : raccourcissez-le."),
    ("en", "The text has 1001 characters as Mastodon counts them (a link as 23, a mention "
     "@user@domain as @user); the instance of mastodon:briochebramble@pouet.example takes "
     "at most 1000: shorten it.")])
def test_the_forms_hold_a_mastodon_entry_to_its_instance_s_recorded_limit(
        client: TestClient, web_store: Store, lang: str, words: str) -> None:
    account = add_account(web_store, "mastodon", "briochebramble",
                          service_url="https://pouet.example")["account_id"]
    record_text_limit(web_store, account, 1000)  # as collect or publish read it
    with web_store.transaction() as con:
        con.execute("UPDATE queue SET account_id = ? WHERE queue_id = 1", [account])
    token = signed_in(client, lang)
    response = client.post("/queue/1/edit", data={"csrf_token": token, "text": "x" * 1001})
    assert response.status_code == 400 and alert_text(response.text) == words
    edited = client.post("/queue/1/edit", data={"csrf_token": token, "text": "x" * 1000},
                         follow_redirects=False)
    assert edited.status_code == 303 and _row(web_store, 1) == ("draft", "x" * 1000)
    approved = client.post("/queue/1/approve", data={"csrf_token": token},
                           follow_redirects=False)
    assert approved.status_code == 303 and _row(web_store, 1) == ("approved", "x" * 1000)


def test_a_refusal_on_the_thread_page_links_back_to_it(client: TestClient) -> None:
    token = signed_in(client, "fr")
    page = "/thread?id=bluesky%3Apost-0002"
    response = client.post("/items/label", data={"csrf_token": token, "item_id": "nope",
                                                 "label": "interest", "next": page})
    assert response.status_code == 404
    assert _back(response.text) == page


@pytest.mark.parametrize("next_path", [
    "//evil.example/queue", "https://evil.example/", "/\t/evil.example", "/\\evil.example",
    "javascript:alert(1)"])
def test_the_link_back_never_leaves_the_site(client: TestClient, next_path: str) -> None:
    token = signed_in(client, "en")
    response = client.post("/queue/4/approve", data={"csrf_token": token, "next": next_path})
    assert response.status_code == 400
    assert _back(response.text) == "/overview"


@pytest.mark.parametrize(("lang", "note"), [
    ("fr", "Une entrée approuvée est publiée à son heure prévue"),
    ("en", "An approved entry is published at its planned time")])
def test_the_queue_page_says_an_approved_entry_is_published_at_its_time(
        client: TestClient, lang: str, note: str) -> None:
    signed_in(client, lang)
    page = unescape(client.get("/queue").text)
    assert re.search(rf'class="note approve-note">{note}', page)
    assert re.search(rf'class="approve" title="{note}', page)


@pytest.mark.parametrize(("lang", "shown"), [
    ("fr", "[à écrire] une publication qui essaie format=video, topic=product"),
    ("en", "[to write] a post trying format=video, topic=product")])
def test_the_placeholder_is_worded_in_the_page_language_and_stays_one_when_saved(
        client: TestClient, web_store: Store, lang: str, shown: str) -> None:
    _set_text(web_store, 1, placeholder("format=video, topic=product"))
    token = signed_in(client, lang)
    page = unescape(client.get("/queue").text)
    assert f'aria-label="{"Texte" if lang == "fr" else "Text"}">{shown}</textarea>' in page
    client.post("/queue/1/edit", data={"csrf_token": token, "text": shown})
    assert _row(web_store, 1) == ("draft", shown)
    refused = client.post("/queue/1/approve", data={"csrf_token": token})
    assert refused.status_code == 400
    assert _row(web_store, 1) == ("draft", shown)
