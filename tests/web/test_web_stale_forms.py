"""Forms from a page whose session has ended (signed out in another tab) or been replaced
(signed in again): the reader is told so in their language and offered the way back,
never a bare "forbidden" nor "your role does not allow this"."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from .conftest import sign_in


def _alert(html: str) -> str:
    match = re.search(r'role="alert">(.*?)</p>', html, re.S)
    assert match, "the page shows no refusal"
    return unescape(match[1])


def _ended(client: TestClient, user: str, lang: str) -> str:
    """Signed in (in ``lang``), then out in another tab whose browser still sends the old
    cookie; returns the old page's CSRF token."""
    client.cookies.clear()
    token = sign_in(client, user)
    client.post("/lang", data={"lang": lang, "csrf_token": token, "next": "/overview"})
    cookie = client.cookies.get("sounding_session")
    client.post("/logout", data={"csrf_token": token})
    client.cookies.set("sounding_session", cookie)
    return token


def test_stale_language_and_sign_out_forms_go_back_to_the_page(client: TestClient) -> None:
    """A page from an earlier session (signed out and in again in another tab): its forms
    neither fail with a bare "forbidden" nor act; the page comes back, fresh."""
    stale = sign_in(client, "ed")
    client.post("/logout", data={"csrf_token": stale})
    fresh = sign_in(client, "ed")
    assert fresh != stale
    for form in ({"lang": "fr"}, {}):
        response = client.post("/lang" if form else "/logout", follow_redirects=False,
                               data={**form, "csrf_token": stale, "next": "/queue"})
        assert (response.status_code, response.headers["location"]) == (303, "/queue")
    page = client.get("/queue").text
    assert 'lang="en"' in page and 'id="sign-out"' in page  # still signed in, in English


def test_language_or_sign_out_after_the_session_ended(client: TestClient) -> None:
    """Signed out in another tab: a language click offers the sign-in form in that language,
    back to the page; a sign-out click just lands on the sign-in form."""
    token = _ended(client, "ed", "en")
    response = client.post("/lang", data={"lang": "fr", "csrf_token": token, "next": "/learn"})
    assert response.status_code == 401
    assert _alert(response.text).startswith("Votre session a pris fin")
    assert 'name="next" value="/learn"' in response.text
    assert "forbidden" not in response.text
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login")



def test_an_action_after_sign_out_asks_to_sign_in_again_in_the_readers_language(
        client: TestClient) -> None:
    for lang, words in (("fr", "Votre session a pris fin"), ("en", "Your session has ended")):
        token = _ended(client, "ed", lang)
        response = client.post("/queue/1/approve", data={"csrf_token": token, "next": "/queue"})
        assert response.status_code == 401
        assert _alert(response.text).startswith(words)
        assert 'action="/login"' in response.text and 'name="next" value="/queue"' in response.text
        assert "rôle" not in response.text and "role does not" not in response.text


def test_an_editors_form_from_an_earlier_session_asks_for_a_reload(client: TestClient) -> None:
    stale = sign_in(client, "ed")
    client.post("/logout", data={"csrf_token": stale})
    fresh = sign_in(client, "ed")
    client.post("/lang", data={"lang": "fr", "csrf_token": fresh, "next": "/overview"})
    response = client.post("/queue/1/approve", data={"csrf_token": stale, "next": "/queue"})
    assert response.status_code == 403
    assert "rechargez-la" in _alert(response.text)
    assert "draft" in client.get("/queue.json").text  # nothing was approved


def test_a_viewer_is_still_told_their_role_does_not_allow_it(client: TestClient) -> None:
    token = sign_in(client, "vi")
    response = client.post("/queue/1/approve", data={"csrf_token": token, "next": "/queue"})
    assert response.status_code == 403
    assert _alert(response.text) == "Your role does not allow this."
