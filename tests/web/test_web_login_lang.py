"""The sign-in page speaks the language the pages choose (the user's, this browser's last
choice, the browser's languages), and a language chosen on it is the one the pages show
once signed in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sounding.store import Store

from .conftest import PASSWORD, signed_in


def _lang(html: str) -> str:
    match = re.search(r'<html lang="(\w+)"', html)
    assert match
    return match[1]


def _sign_in_as_a_browser(client: TestClient, page: str, user: str = "ed") -> str:
    """Send the sign-in form of ``page`` with every field it carries; the page then shown."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    answer = client.post("/login", data={**fields, "username": user, "password": PASSWORD})
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def _stored_lang(store: Store, user: str) -> str | None:
    row = store.query("SELECT lang FROM users WHERE username = ?", [user])
    return row.column(0)[0].as_py()


def test_the_language_chosen_on_the_sign_in_page_stays_once_signed_in(
        client: TestClient, web_store: Store) -> None:
    page = client.get("/login?lang=fr&next=/queue").text
    assert _lang(page) == "fr" and "Se connecter" in page
    after = _sign_in_as_a_browser(client, page)
    assert _lang(after) == "fr" and "Plan et file" in after
    assert _stored_lang(web_store, "ed") == "fr"
    assert _lang(client.get("/overview").text) == "fr"


def test_a_choice_on_the_sign_in_page_wins_over_the_users_earlier_one(
        client: TestClient, web_store: Store) -> None:
    token = signed_in(client, "en")
    client.post("/logout", data={"csrf_token": token})
    page = client.get("/login?lang=fr").text
    assert _lang(_sign_in_as_a_browser(client, page)) == "fr"
    assert _stored_lang(web_store, "ed") == "fr"


def test_the_sign_in_page_follows_the_pages_choice(client: TestClient) -> None:
    browser_fr = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    assert _lang(client.get("/login", headers=browser_fr).text) == "fr"
    signed_in(client, "fr")
    client.cookies.delete("sounding_lang")  # the user's own choice, from another browser
    assert _lang(client.get("/login").text) == "fr"  # signed in: the user's language
    page = client.get("/login", headers={"Accept-Language": "en"}).text
    assert _lang(page) == "fr" and 'name="lang"' not in page  # nothing chosen here
