"""Human corrections: 'label' overrides the model, 'review' ranks, 'retrain' adapts and measures."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import sounding.cli.corrections  # noqa: F401  (registers label, review, retrain)
from sounding.enrich import REACTIONS, ReactionModel
from sounding.enrich.adapt import (
    Adaptation,
    ReactionAdapter,
    Scores,
    holdout_split,
    score_labels,
)
from sounding.errors import InputError, NotFound
from sounding.models import Account, Batch, Item
from sounding.simulate import LaunchConfig, simulate_launch
from sounding.store import Store
from sounding.store import web_store as ws
from sounding.store.corrections_store import corrected_items, put_model_reactions
from sounding.workflows import corrections
from sounding.workflows.kpis import kpis

SHIPPED = ReactionModel.load()


def _classify(store: Store, ids: list[str], texts: list[str]) -> None:
    batch = SHIPPED.predict_batch(texts, detect_language=False)
    p = batch.probabilities
    put_model_reactions(store, pa.table({
        "item_id": ids, "label": batch.labels, "p_interest": p[:, 0], "p_animosity": p[:, 1],
        "p_neutral": p[:, 2], "uncertain": batch.uncertain,
        "flags": pa.array([list(f) for f in batch.flags], pa.list_(pa.string()))}),
        version="shipped")


@pytest.fixture
def launch_store(db: Path) -> Iterator[tuple[Store, dict[str, str]]]:
    """A simulated launch, its replies classified by the shipped model; and their truth."""
    launch = simulate_launch(LaunchConfig(scale=0.3), seed=5)
    store = Store.open(db)
    store.write(launch.batch, kind="demo", source="test")
    truth: dict[str, str] = launch.truth["reactions"]
    texts = dict(zip(launch.batch.items.column("item_id").to_pylist(),
                     launch.batch.items.column("text").to_pylist(), strict=True))
    _classify(store, list(truth), [texts[i] for i in truth])
    yield store, truth
    store.close()


def _model_label(store: Store, item_id: str) -> str:
    return str(ws.item_reactions(store, [item_id])[item_id]["model_label"])


def test_label_overrides_the_model_everywhere(launch_store: tuple[Store, dict[str, str]]
                                               ) -> None:
    store, truth = launch_store
    item = next(iter(truth))
    other = next(r for r in REACTIONS if r != _model_label(store, item))
    before = kpis(store, None).as_dict()["reaction_shares"][other]
    result = corrections.label_op(store, item, other, "ana")
    assert result == {"item_id": item, "label": other, "username": "ana",
                      "model_label": _model_label(store, item)}
    assert ws.item_reactions(store, [item])[item]["source"] == "human"
    assert kpis(store, None).as_dict()["reaction_shares"][other] > before
    corrections.label_op(store, item, "neutral", "bob")  # the newest label wins
    assert ws.item_reactions(store, [item])[item]["label"] == "neutral"
    with pytest.raises(NotFound, match="no item"):
        corrections.label_op(store, "bluesky:nothing", "neutral", "ana")
    with pytest.raises(InputError, match="unknown"):
        corrections.label_op(store, item, "love", "ana")


def test_label_command(launch_store: tuple[Store, dict[str, str]], cli: Any,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    store, truth = launch_store
    store.close()
    item = next(iter(truth))
    done = cli("label", item, "animosity", "--by", "ana")
    assert done.code == 0, done.err
    assert f"{item}: animosity (by ana; the model said" in done.out
    monkeypatch.setenv("USER", "zoe")
    assert json.loads(cli("label", item, "neutral", "--json").out)["username"] == "zoe"
    missing = cli("label", "bluesky:nothing", "neutral")
    assert missing.code == 1 and "no item 'bluesky:nothing'" in missing.err
    assert "sounding review" in missing.err
    bad = cli("label", item, "love")
    assert bad.code == 1 and "label 'love' is unknown" in bad.err


def _brand_thread(store: Store) -> None:
    """The brand's post and its own answer, a reply by someone, and a post by someone."""
    at = datetime(2026, 9, 20, tzinfo=UTC)
    brand = "bluesky:brand.example"
    store.write(Batch.from_records(
        accounts=[Account(brand, "bluesky", "brand.example", brand)],
        items=[Item("bluesky:p1", "bluesky", brand, "new bread", at, account_id=brand),
               Item("bluesky:r1", "bluesky", "bluesky:ann", "lovely", at, kind="reply",
                    parent_id="bluesky:p1"),
               Item("bluesky:r2", "bluesky", brand, "thanks!", at, kind="reply",
                    parent_id="bluesky:r1", account_id=brand),
               Item("bluesky:o1", "bluesky", "bluesky:bob", "my own post", at)]),
        kind="test", source="test")


def test_only_a_reaction_takes_a_label(db: Path, cli: Any) -> None:
    with Store.open(db) as store:
        _brand_thread(store)
        for item, what in (("bluesky:p1", "post, by the brand"),
                           ("bluesky:r2", "reply, by the brand"), ("bluesky:o1", "post")):
            with pytest.raises(InputError, match=re.escape(f"'{item}' ({what}) is not a "
                                                           "reaction")):
                corrections.label_op(store, item, "interest", "ana")
        assert corrections.label_op(store, "bluesky:r1", "interest", "ana")["label"] == "interest"
    refused = cli("label", "bluesky:p1", "interest")
    assert refused.code == 1
    assert "'bluesky:p1' (post, by the brand) is not a reaction" in refused.err
    assert "hint: label the replies, quotes, comments and mentions" in refused.err
    with Store.open(db) as store:  # retraining counts the one reaction labelled, no other
        assert corrected_items(store).column("item_id").to_pylist() == ["bluesky:r1"]


def _odd_item(store: Store) -> str:
    """An item whose text is rich markup, much seen and with a doubtful model label."""
    now = datetime(2026, 9, 20, tzinfo=UTC)
    store.write(Batch(
        items=pa.Table.from_pylist([{
            "item_id": "bluesky:odd", "network": "bluesky", "author_id": "bluesky:did:x",
            "text": "[bold red]hi[/] c'est moyen", "created_at": now, "kind": "reply"}]),
        metric_snapshots=pa.Table.from_pylist([{
            "item_id": "bluesky:odd", "observed_at": now, "likes": 5000, "replies": 300}]),
    ), kind="test", source="test")
    put_model_reactions(store, pa.table({
        "item_id": ["bluesky:odd"], "label": ["neutral"], "p_interest": [0.33],
        "p_animosity": [0.33], "p_neutral": [0.34], "uncertain": [True],
        "flags": pa.array([[]], pa.list_(pa.string()))}), version="test")
    return "bluesky:odd"


def test_review_ranks_doubtful_and_seen_items(launch_store: tuple[Store, dict[str, str]],
                                              cli: Any) -> None:
    store, truth = launch_store
    odd = _odd_item(store)
    items = corrections.review_op(store, n=20)["items"]
    assert len(items) == 20 and items[0]["item_id"] == odd
    worth = [row["worth"] for row in items]
    assert worth == sorted(worth, reverse=True)
    top = [max(r["p_interest"], r["p_animosity"], r["p_neutral"]) for r in items]
    assert np.mean(top) < 0.6  # doubtful first
    corrections.label_op(store, odd, "neutral", "ana")
    assert odd not in {r["item_id"] for r in corrections.review_op(store, n=20)["items"]}
    with pytest.raises(InputError):
        corrections.review_op(store, n=0)
    store.close()
    cli("label", next(iter(truth)), "neutral")
    ws_file = cli("review", "--n", "3")
    assert ws_file.code == 0, ws_file.err
    assert "model:" in ws_file.out and "2 items labelled so far" in ws_file.out
    assert len(json.loads(cli("review", "--n", "3", "--json").out)["items"]) == 3


def test_review_leaves_out_what_cannot_take_a_label(
        launch_store: tuple[Store, dict[str, str]]) -> None:
    """An author added as a brand account: review still listed its replies, which
    `label` then refused as the brand's own."""
    from sounding.workflows.accounts import add_account

    store, _ = launch_store
    top = corrections.review_op(store, n=50)["items"][0]
    author = store.query("SELECT a.network, a.handle FROM items i JOIN actors a "
                         "ON a.actor_id = i.author_id WHERE i.item_id = ?",
                         [top["item_id"]]).to_pylist()[0]
    add_account(store, author["network"], author["handle"])
    listed = {r["item_id"] for r in corrections.review_op(store, n=5000)["items"]}
    assert top["item_id"] not in listed
    with pytest.raises(InputError, match="not a reaction"):
        corrections.label_op(store, top["item_id"], "interest", "ana")
    store.close()


def test_review_prints_text_literally(db: Path, cli: Any) -> None:
    with Store.open(db) as store:
        _odd_item(store)
    shown = cli("review", "--n", "1")
    assert shown.code == 0, shown.err
    assert "[bold red]hi[/]" in shown.out


def test_retrain_refuses_too_few_labels(launch_store: tuple[Store, dict[str, str]],
                                        cli: Any) -> None:
    store, truth = launch_store
    for item in list(truth)[:5]:
        corrections.label_op(store, item, truth[item], "ana")
    with pytest.raises(InputError, match="at least 40 labelled items; the workspace has 5"):
        corrections.retrain_op(store)
    store.close()
    refused = cli("retrain")
    assert refused.code == 1 and "35 more needed" in refused.err
    assert "sounding review" in refused.err


def test_retrain_refuses_labels_of_one_kind(launch_store: tuple[Store, dict[str, str]]
                                            ) -> None:
    """Every label 'interest': the adapted model said interest to everything and, scored
    on the classes present, looked perfect; it was saved."""
    store, truth = launch_store
    for item in list(truth)[:45]:
        corrections.label_op(store, item, "interest", "ana")
    with pytest.raises(InputError, match="labels of at least two kinds; all 45 are "
                                         "'interest'"):
        corrections.retrain_op(store)
    store.close()


def test_retrain_improves_held_out_accuracy(launch_store: tuple[Store, dict[str, str]],
                                            db: Path, cli: Any) -> None:
    store, truth = launch_store
    for item in list(truth)[:240]:  # people correct 240 of the 750 replies
        ws.insert_label(store, item, truth[item], "ana")
    store.close()
    done = cli("retrain", "--json")
    assert done.code == 0, done.err
    result = json.loads(done.out)
    assert (result["corrections"], result["heldout"], result["trained_on"]) == (240, 60, 180)
    before, after = result["shipped_heldout"], result["adapted_heldout"]
    for metric in ("accuracy", "macro_f1"):  # the remaining errors are cut by 40% or more
        assert 1 - after[metric] <= 0.6 * (1 - before[metric]), (metric, before, after)
    folder = corrections.model_dir(db)
    assert result["saved"] and result["model_dir"] == str(folder)
    assert json.loads((folder / "card.json").read_text())["corrections"] == 240
    adapted = ReactionModel.load(str(folder))
    unseen = list(truth)[240:]  # replies nobody labelled: neither model learnt from them
    with Store.open(db, read_only=True) as store:
        rows = store.query("SELECT item_id, text FROM items").to_pylist()
    text = {r["item_id"]: r["text"] for r in rows}
    texts, y = [text[i] for i in unseen], [REACTIONS.index(truth[i]) for i in unseen]
    new = score_labels(y, adapted.predict_batch(texts).probabilities.argmax(1).tolist())
    old = score_labels(y, SHIPPED.predict_batch(texts).probabilities.argmax(1).tolist())
    assert 1 - new.accuracy <= 0.6 * (1 - old.accuracy), (old, new)
    assert "saved to" in cli("retrain").out


def test_retrain_keeps_no_model_that_does_worse(
        launch_store: tuple[Store, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    store, truth = launch_store
    for item in list(truth)[:40]:
        ws.insert_label(store, item, truth[item], "ana")
    worse = Adaptation(SHIPPED, Scores(0.8, 0.7, 10), Scores(0.7, 0.75, 10), 30, 10, 0.01, 1.0)
    monkeypatch.setattr(corrections, "adapt_with_holdout", lambda *a, **k: worse)
    result = corrections.retrain_op(store)
    assert not result["saved"] and result["model_dir"] is None
    assert not corrections.model_dir(store.path).exists()


def test_holdout_split_is_seeded_stratified_and_large_enough() -> None:
    labels = [0] * 60 + [1] * 20 + [2] * 20
    train, test = holdout_split(labels, share=0.25, minimum=10, seed=3)
    assert len(test) == 25 and sorted([*train, *test]) == list(range(100))
    assert np.bincount(np.asarray(labels)[test]).tolist() == [15, 5, 5]
    assert (holdout_split(labels, seed=3)[1] == test).all()
    assert not (holdout_split(labels, seed=4)[1] == test).all()
    assert len(holdout_split(labels[:20], share=0.25, minimum=10)[1]) == 10


def test_score_labels_matches_scikit_learn() -> None:
    from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped]

    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 3, 200).tolist(), rng.integers(0, 3, 200).tolist()
    scores = score_labels(y, p)
    assert scores.accuracy == pytest.approx(accuracy_score(y, p))
    assert scores.macro_f1 == pytest.approx(f1_score(y, p, average="macro"))


def test_a_strong_penalty_keeps_the_shipped_scores() -> None:
    texts = ["I love it", "worst service ever", "open on Sunday?", "great bread", "awful"] * 4
    labels = [2] * len(texts)  # all neutral: a weak penalty would pull everything there
    adapter = ReactionAdapter(SHIPPED, penalties=(1e6,), folds=2).fit(texts, labels)
    assert adapter.penalty_ == 1e6
    assert np.allclose(adapter.model_.decision_function(texts),
                       SHIPPED.decision_function(texts), atol=1e-3)
    assert adapter.model_.metadata_["adapted"]["texts"] == len(texts)


def test_retrain_warns_of_a_reaction_with_too_few_labels(
        launch_store: tuple[Store, dict[str, str]]) -> None:
    """45 'interest' and 1 'animosity': the adapted model said interest to nearly all, and
    its dozen held-out labels, drawn from the same mix, could not show it."""
    store, truth = launch_store
    items = list(truth)
    for item in items[:45]:
        corrections.label_op(store, item, "interest", "ana")
    corrections.label_op(store, items[45], "animosity", "ana")
    warnings = corrections.retrain_op(store)["warnings"]
    assert warnings == [
        "only 1 'animosity' label of 46: the adapted model will seldom say animosity; label "
        "more of them (sounding review) and retrain",
        "only 0 'neutral' labels of 46: the adapted model will seldom say neutral; label "
        "more of them (sounding review) and retrain"]
    store.close()
