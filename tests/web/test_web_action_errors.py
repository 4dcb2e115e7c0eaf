"""Errors the workflows raise behind a page or a form (a queue entry in the wrong status or
gone, an unknown item, no posts or variants to compare) are worded in the reader's language,
never in the command line's words nor with its flags; the known customers say why they are
not ranked; French verdicts name their metric with its article."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from sounding.errors import InputError, NotFound
from sounding.store import Store

from .conftest import PWN, alert_text, signed_in

# Seeded queue: 1 and 2 drafts, 3 approved, 4 published.
QUEUE_CASES = [
    ("/queue/4/approve", {}, "publié", "seul un brouillon peut être approuvé",
     "only a draft can be approved"),
    ("/queue/4/edit", {"text": "new words"}, "publié", "son texte ne peut plus être modifié",
     "its text cannot be edited"),
    ("/queue/1/schedule", {"when": "2999-01-01T09:30"}, "brouillon",
     "seule une entrée approuvée ou programmée", "only an approved or scheduled entry"),
    ("/queue/1/draft", {}, "brouillon", "peut repasser en brouillon",
     "can go back to draft"),
    ("/queue/4/cancel", {}, "publié", "une entrée publiée ou en cours d'envoi ne peut pas être "
     "écartée", "a post published or being sent cannot be discarded"),
]


@pytest.mark.parametrize(("path", "form", "status_fr", "words_fr", "words_en"), QUEUE_CASES)
def test_a_queue_entry_in_the_wrong_status_is_refused_in_french(
        client: TestClient, path: str, form: dict[str, str], status_fr: str, words_fr: str,
        words_en: str) -> None:
    token = signed_in(client, "fr")
    response = client.post(path, data={"csrf_token": token, **form})
    assert response.status_code == 400
    text = alert_text(response.text)
    assert words_fr in text and f"« {status_fr} »" in text, text
    assert "cannot" not in text and "--" not in text
    client.post("/lang", data={"lang": "en", "csrf_token": token, "next": "/overview"})
    english = alert_text(client.post(path, data={"csrf_token": token, **form}).text)
    assert words_en in english, english


def test_a_queue_entry_that_does_not_exist_is_a_404_in_french(client: TestClient) -> None:
    token = signed_in(client, "fr")
    for action in ("approve", "draft", "edit", "schedule", "cancel"):
        form = {"text": "words", "when": "2999-01-01T09:30"}
        response = client.post(f"/queue/999/{action}", data={"csrf_token": token, **form})
        assert response.status_code == 404, action
        assert "Il n'existe aucune entrée 999 dans la file." in alert_text(response.text)


def test_a_label_on_an_unknown_item_is_refused_in_french_and_escaped(
        client: TestClient) -> None:
    token = signed_in(client, "fr")
    item = f"<script>{PWN}</script>"
    response = client.post("/items/label", data={"csrf_token": token, "item_id": item,
                                                 "label": "interest"})
    assert response.status_code == 404
    assert f"Il n'existe aucun contenu « {item} »." == alert_text(response.text)
    assert "<script>window" not in response.text


def test_a_thread_of_an_unknown_item_is_refused_in_both_languages(client: TestClient) -> None:
    token = signed_in(client, "fr", "vi")
    response = client.get("/thread?id=nope")
    assert response.status_code == 404
    assert alert_text(response.text) == "Il n'existe aucun contenu « nope »."
    client.post("/lang", data={"lang": "en", "csrf_token": token, "next": "/overview"})
    assert alert_text(client.get("/thread?id=nope").text) == "There is no item 'nope'."
    assert client.get("/thread.json?id=nope").json()["key"] == "no_item"


def test_a_workflow_hint_naming_a_flag_never_reaches_a_page(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import labels

    def broken(store: Store, item_id: str) -> list[object]:
        raise InputError("the thread cannot be read", hint="run it again with --debug")
    monkeypatch.setattr(labels, "thread", broken)
    signed_in(client, "en", "vi")
    response = client.get("/thread?id=bluesky:post-0002")
    assert response.status_code == 400 and "the thread cannot be read" in response.text
    assert "--debug" not in response.text
    assert client.get("/thread.json?id=bluesky:post-0002").json()["hint"] == ""


def test_learn_says_why_in_french_whatever_the_workflow_words(
        web_store: Store, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page knows "no posts" from "no variants" by the data, not by the English words."""
    from sounding.report import views_learn

    def reworded(*args: object, **kwargs: object) -> None:
        raise NotFound("nothing to compare here", hint="see --help")
    monkeypatch.setattr(views_learn, "learn", reworded)
    signed_in(client, "fr", "vi")
    html = client.get("/learn?period=2030-01-01..2030-01-31").text
    assert "Aucune publication de la marque sur cette période" in unescape(html)
    html = unescape(client.get("/learn").text)
    assert "ne portent aucune variante" in html
    assert "nothing to compare" not in html and "--help" not in html


def test_the_known_customers_say_why_they_are_not_ranked(client: TestClient) -> None:
    token = signed_in(client, "fr", "vi")
    rows = {s["name"]: s for s in client.get("/audience.json?cluster=0").json()["segments"]}
    assert rows["customers"]["unranked"] == "customer_base"
    assert rows["customers"]["rank_index"] is None
    assert all(s["unranked"] is None for n, s in rows.items() if n != "customers")

    def row(html: str) -> str:
        return unescape(html.split('data-segment="customers"')[1].split("</tr>")[0])
    french = row(client.get("/audience?cluster=0").text)
    assert "Non classé : tous les clients sont dans ce segment" in french
    client.post("/lang", data={"lang": "en", "csrf_token": token, "next": "/overview"})
    html = client.get("/audience?cluster=0").text
    assert "Not ranked: every customer is in this segment" in row(html)
    assert html.count('class="muted not-ranked"') == 1


def test_french_verdicts_name_the_metric_with_its_article(client: TestClient) -> None:
    signed_in(client, "fr", "vi")
    for query, words in (("", "sur l'intérêt"), ("?metric=engagement",
                                                 "sur le taux d'interaction"),
                         ("?metric=animosity", "sur l'animosité")):
        html = client.get("/learn" + query).text
        verdicts = unescape(html.split('<ul class="verdicts">')[1].split("</ul>")[0])
        assert verdicts.count(words) == 4, (query, verdicts)
        assert not re.search(r"sur (intérêt|engagement|animosité|interest)", verdicts)


def test_a_label_on_a_brand_post_is_refused_in_both_languages(
        web_store: Store, client: TestClient) -> None:
    token = signed_in(client, "fr")
    form = {"csrf_token": token, "item_id": "bluesky:post-0002", "label": "interest"}
    response = client.post("/items/label", data=form)
    assert response.status_code == 400
    assert alert_text(response.text).startswith("« bluesky:post-0002 » n'est pas une réaction")
    client.post("/lang", data={"lang": "en", "csrf_token": token, "next": "/overview"})
    english = alert_text(client.post("/items/label", data=form).text)
    assert english.startswith("'bluesky:post-0002' is not a reaction"), english
    assert web_store.scalar("SELECT count(*) FROM labels WHERE item_id = ?",
                            ["bluesky:post-0002"]) == 0
