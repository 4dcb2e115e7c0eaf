"""The planner's words on the Test and learn page are the reader's: no labelled reaction
(no guardrail baseline) and the guardrail's cautions on risky drafts, in French and in
English, with the data's names escaped."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from sounding.simulate import LaunchConfig, simulate_launch
from sounding.store import Store
from sounding.web.app import create_app
from sounding.workflows.users import add_user

from .conftest import PASSWORD, PWN, TOKEN, sign_in

HOSTILE = f"<script>{PWN}</script>"


def _client(path: Path, scale: float, labelled: bool) -> TestClient:
    """A small simulated launch (its true reactions as labels when ``labelled``), its
    'topic' factor renamed to a hostile name, and an editor."""
    launch = simulate_launch(LaunchConfig(scale=scale), seed=3)
    store = Store.open(path)
    store.write(launch.batch, kind="demo", source="t")
    labels = launch.truth["reactions"] if labelled else {}
    with store.transaction() as con:
        con.register("truth", pa.table({"item_id": list(labels), "label": list(labels.values())},
                                       schema=pa.schema([("item_id", pa.string()),
                                                         ("label", pa.string())])))
        con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                    "SELECT item_id, 'reaction', 'truth', label FROM truth")
        con.execute("UPDATE variants SET factor = ? WHERE factor = 'topic'", [HOSTILE])
    add_user(store, "ed", PASSWORD, "editor")
    return TestClient(create_app(store, TOKEN), base_url="http://127.0.0.1")


def _in(lang: str, client: TestClient) -> None:
    token = sign_in(client, "ed")
    client.post("/lang", data={"lang": lang, "csrf_token": token, "next": "/learn"})


@pytest.mark.parametrize(("lang", "words", "not_words"), [
    ("fr", "Aucune réaction à ces publications n'est encore étiquetée : le garde-fou "
     "d'animosité n'a pas de référence", "no labelled reactions"),
    ("en", "No reaction to these posts is labelled yet, so the animosity guardrail has no "
     "baseline", "no labelled reactions:"),
])
def test_no_labelled_reaction_is_said_in_the_readers_language(
        tmp_path: Path, lang: str, words: str, not_words: str) -> None:
    client = _client(tmp_path / "w.duckdb", 0.3, labelled=False)
    _in(lang, client)
    for query in ("", "?metric=engagement", "?metric=animosity"):
        html = client.get("/learn" + query).text
        notice = unescape(" ".join(re.findall(r'<p class="notice">(.*?)</p>', html, re.S)))
        assert words in notice and not_words not in notice, (query, notice)
        assert "--" not in notice
        assert HOSTILE not in html and "&lt;script&gt;" in html  # the factor, escaped
    assert client.get("/learn.json").json()["plan"]["error_key"] == "no_baseline"


def test_the_guardrails_cautions_are_in_the_readers_language(tmp_path: Path) -> None:
    client = _client(tmp_path / "w.duckdb", 0.05, labelled=True)
    _in("fr", client)
    drafts = client.get("/learn.json").json()["plan"]["drafts"]
    cautions = [c for d in drafts for c in d["cautions"]]
    assert cautions and all(not d["safe"] for d in drafts if d["cautions"])
    assert {c["kind"] for c in cautions} <= {"trying", "least_risky", "equally_risky"}
    html = client.get("/learn").text
    shown = [unescape(s) for s in re.findall(r'<small class="caution">(.*?)</small>', html)]
    assert len(shown) == len(cautions)
    assert all("aucun niveau n'est" in s and "P(animosité > plafond) = " in s for s in shown)
    assert not any("no level is safe" in s for s in shown)
    assert any(s.startswith(f"{HOSTILE} : ") for s in shown)  # named, yet escaped in the page
    assert HOSTILE not in html
    _in("en", client)
    english = unescape(" ".join(re.findall(r'<small class="caution">(.*?)</small>',
                                           client.get("/learn").text)))
    assert "no level is safe enough" in english and "aucun niveau" not in english
