"""Classifying a workspace, and `sounding classify` outside any workspace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sounding.errors import ConfigError
from sounding.models import Account, Actor, Batch, Item
from sounding.store import Store
from sounding.workflows.enrich import enrich_workspace, load_model

T0 = datetime(2026, 9, 7, 10, tzinfo=UTC)
BRAND = "bluesky:brand"


def _shop(store: Store) -> None:
    items = [
        Item("bluesky:p1", "bluesky", BRAND, "Our new bread is out", T0, account_id=BRAND),
        Item("bluesky:r1", "bluesky", "bluesky:ann", "I love it, where can I buy it?", T0,
             kind="reply", parent_id="bluesky:p1"),
        Item("bluesky:r2", "bluesky", "bluesky:bob", "Worst bakery ever, you are scammers",
             T0, kind="reply", parent_id="bluesky:p1"),
        Item("bluesky:r3", "bluesky", "bluesky:cyd", "", T0, kind="reply",
             parent_id="bluesky:p1"),
    ]
    store.write(Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(a, "bluesky", a.split(":")[1]) for a in
                (BRAND, "bluesky:ann", "bluesky:bob", "bluesky:cyd")],
        items=items), kind="test", source="t")


def test_enrich_labels_answers_and_languages_once(store: Store) -> None:
    _shop(store)
    first = enrich_workspace(store)
    assert first["items"] == 4 and first["reactions"] == 3  # the brand's post gets none
    rows = store.query("SELECT item_id, label FROM item_reactions").to_pylist()
    labels = {r["item_id"]: r["label"] for r in rows}
    assert labels == {"bluesky:r1": "interest", "bluesky:r2": "animosity",
                      "bluesky:r3": "neutral"}
    scores = json.loads(store.scalar(
        "SELECT scores FROM enrichments WHERE item_id = 'bluesky:r3' AND enricher = 'reaction'"))
    assert scores["flags"] == ["empty"] and scores["uncertain"] is True
    assert store.scalar("SELECT label FROM enrichments WHERE item_id = 'bluesky:r1' "
                        "AND enricher = 'language'") == "en"
    again = enrich_workspace(store)
    assert again["items"] == 0
    assert store.scalar("SELECT count(*) FROM enrichments") == 7


def test_a_text_changed_by_a_later_import_is_read_again(store: Store) -> None:
    """The old reading of a rewritten reply stayed (interest for a now hostile text):
    enrich read only the items it had never read."""
    _shop(store)
    enrich_workspace(store)
    rewritten = Item("bluesky:r1", "bluesky", "bluesky:ann",
                     "Worst bakery ever, you are thieves and scammers", T0, kind="reply",
                     parent_id="bluesky:p1")
    same = Item("bluesky:r2", "bluesky", "bluesky:bob", "Worst bakery ever, you are scammers",
                T0, kind="reply", parent_id="bluesky:p1")
    store.write(Batch.from_records(items=[rewritten, same]), kind="test", source="t2")
    again = enrich_workspace(store)
    assert again["items"] == 1 and again["reactions"] == 1  # r1 only: r2 did not change
    label = store.scalar("SELECT label FROM item_reactions WHERE item_id = 'bluesky:r1'")
    assert label == "animosity"
    assert store.scalar("SELECT count(*) FROM enrichments") == 7


@pytest.mark.parametrize("damage", ["empty weights", "cut weights", "no bits", "cut head"])
def test_a_damaged_model_folder_is_said_to_be_damaged(tmp_path: Path, damage: str) -> None:
    """An empty weights.npz printed "Aborted." alone, a cut one "BadZipFile ... this is
    unexpected", a model.json without a key "KeyError: 'bits'"."""
    import shutil

    from sounding.enrich.artifact import DEFAULT_MODEL_DIR

    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    weights, head = folder / "weights.npz", folder / "language.npz"
    if damage == "empty weights":
        weights.write_bytes(b"")
    elif damage == "cut weights":
        weights.write_bytes(weights.read_bytes()[:5000])
    elif damage == "cut head":
        head.write_bytes(head.read_bytes()[:5000])
    else:
        description = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        del description["bits"]
        (folder / "model.json").write_text(json.dumps(description), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_model(folder)
    assert "damaged" in str(caught.value) or "cannot read" in str(caught.value)
    assert caught.value.hint


def test_a_model_folder_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neither a sounding model"):
        load_model(tmp_path)
    (tmp_path / "config.json").write_text('{"model_type": "bert"}')  # a config alone
    with pytest.raises(ConfigError, match="not a Hugging Face model that can be loaded"):
        load_model(tmp_path)
    with pytest.raises(ConfigError, match=r"config\.json: a file, not a model folder"):
        load_model(tmp_path / "config.json")


def test_classify_command_writes_one_json_object_per_line(tmp_path: Path) -> None:
    source = tmp_path / "texts.txt"
    # a line separator, a form feed and NEL inside a text split it in three before
    source.write_bytes(b"J'adore vos croissants\nhttps://example.com\n" + b"caf\xe9\r\n"
                       + "one\u2028still one\x0cand\x85on\n".encode())
    result = subprocess.run([sys.executable, "-m", "sounding", "classify", str(source)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4
    assert rows[2]["flags"] == ["invalid_utf8"]  # the bytes reach the model, which says so
    assert set(rows[0]) == {"lang", "reaction", "p_interest", "p_animosity", "p_neutral",
                            "uncertain", "flags"}
    assert rows[1]["reaction"] == "neutral" and "only_urls" in rows[1]["flags"]
    assert abs(sum(rows[2][k] for k in ("p_interest", "p_animosity", "p_neutral")) - 1) < 1e-3


def test_languages_setting_restricts_detection_and_names_the_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brand answered in French and English says so: a short French question that the
    eight-language default may call Spanish is French, and the labels' version says which
    languages were allowed, so changing the set labels the languages again."""
    question = "Il y a un parking pas loin de la boutique ?"
    source = tmp_path / "texts.txt"
    source.write_text(question + "\n", encoding="utf-8")
    env = {**os.environ, "SOUNDING_LANGUAGES": "fr, EN"}
    result = subprocess.run([sys.executable, "-m", "sounding", "classify", str(source)],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["lang"] == "fr"
    bad = subprocess.run([sys.executable, "-m", "sounding", "classify", "--languages", "fr,xx",
                          str(source)], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "unknown language code xx" in bad.stderr
    with Store.open(tmp_path / "w.duckdb") as store:
        _shop(store)
        first = enrich_workspace(store, languages=["en", "fr"])
        assert first["model"].endswith("+lang=en,fr")
        assert enrich_workspace(store, languages=["en", "fr"])["items"] == 0
        assert enrich_workspace(store)["items"] == first["items"]  # another set: labelled again


def test_classify_reads_questions_to_a_brand_as_interest_unless_told_general(
    tmp_path: Path,
) -> None:
    """The shipped model has a brand context (the default) and a general one: a question
    to a brand is interest (DESIGN.md), while the sentiment corpora call questions neutral."""
    source = tmp_path / "questions.txt"
    questions = ["Do you deliver to Leeds on Sundays?", "Vous livrez à Lyon le dimanche ?",
                 "Is there a vegan version of the lemon tart?", "Do you have gluten-free bread?",
                 "Est-ce que vous faites des gâteaux sur commande ?",
                 "Avez-vous une version sans gluten ?", "When do you open on Sunday?",
                 "Vous ouvrez à quelle heure le samedi ?", "Is the shop open on bank holidays?",
                 "Can I order online?"]  # fmt: skip
    source.write_text("\n".join(questions), encoding="utf-8")
    runs = {}
    for context in ("brand", "general"):
        result = subprocess.run([sys.executable, "-m", "sounding", "classify", "--context",
                                 context, str(source)], capture_output=True, text=True,
                                timeout=120)  # fmt: skip
        assert result.returncode == 0, result.stderr
        runs[context] = [json.loads(line) for line in result.stdout.splitlines()]
    interest = {c: [r["reaction"] for r in rows].count("interest") for c, rows in runs.items()}
    assert interest["brand"] >= interest["general"] + 3, interest
    mean = {c: sum(r["p_interest"] for r in rows) / len(rows) for c, rows in runs.items()}
    assert mean["brand"] > mean["general"] + 0.2, mean
    bad = subprocess.run([sys.executable, "-m", "sounding", "classify", "--context", "tweets",
                          str(source)], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "tweets" in bad.stderr
