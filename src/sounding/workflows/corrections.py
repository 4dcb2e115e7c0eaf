"""Human corrections of the reaction model: label an item, list what to review, retrain.

A person's label overrides the model everywhere (the store's ``item_reactions`` view).
``retrain`` adapts the shipped model to the workspace's labels and, when it does not do
worse on held-out labels, saves it beside the workspace file as ``<workspace>.model/``,
which reaction classification then uses instead of the shipped model.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sounding.enrich import REACTIONS, ReactionModel
from sounding.enrich.adapt import Adaptation, adapt_with_holdout, holdout_split
from sounding.errors import InputError, NotFound, check_seed
from sounding.store import Store
from sounding.store import corrections_store as cs
from sounding.workflows.labels import correct_label

__all__ = ["MIN_CORRECTIONS", "MIN_HELDOUT", "label_op", "model_dir", "retrain_op", "review_op"]

MIN_CORRECTIONS = 40  # 10 held out, 30 to learn from (4 folds of 7-8 to pick the penalty)
MIN_HELDOUT = 10
MIN_TRAINING = MIN_CORRECTIONS - MIN_HELDOUT  # 4 folds of 7-8 to pick the penalty


def model_dir(db: Path) -> Path:
    """Where a workspace's adapted reaction model lives: ``<workspace file>.model/``."""
    return db.with_name(db.name + ".model")


def label_op(store: Store, item_id: str, label: str, username: str) -> dict[str, Any]:
    """Record ``username``'s label for an item; says what the model had said."""
    try:
        correct_label(store, item_id, label, username)
    except NotFound as exc:
        raise NotFound(str(exc), hint="item ids look like 'bluesky:…'; 'sounding review' "
                       "lists some, the dashboard's items page finds any") from exc
    model = cs.model_scores(store, item_id) or {}
    return {"item_id": item_id, "label": label, "username": username,
            "model_label": model.get("model_label")}


def review_op(store: Store, n: int = 50) -> dict[str, Any]:
    """The ``n`` unlabelled items most worth a person's look (doubtful and much seen)."""
    if n < 1:
        raise InputError(f"--n must be at least 1, not {n}",
                         hint="the number of items to list, such as 50 (the default)")
    rows = cs.review_candidates(store, n).to_pylist()
    for row in rows:
        row["created_at"] = row["created_at"].isoformat()
    return {"items": rows, "labelled": cs.corrected_items(store).num_rows}


def _card(adaptation: Adaptation, corrections: int, seed: int) -> dict[str, Any]:
    return {
        "base": "shipped", "corrections": corrections, "trained_on": adaptation.n_train,
        "heldout": adaptation.n_heldout, "seed": seed,
        "shipped_heldout": adaptation.shipped.as_dict(),
        "adapted_heldout": adaptation.adapted.as_dict(),
        "penalty": adaptation.penalty, "temperature": adaptation.temperature,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _card_text(card: dict[str, Any]) -> str:
    before, after = card["shipped_heldout"], card["adapted_heldout"]
    return (
        "# Workspace reaction model\n\n"
        f"The shipped model adapted on {card['trained_on']} of the workspace's "
        f"{card['corrections']} human labels ({card['created_at']}); the other "
        f"{card['heldout']} were held out (seed {card['seed']}).\n\n"
        "| held-out labels | accuracy | macro-F1 |\n|---|---|---|\n"
        f"| shipped | {100 * before['accuracy']:.1f} | {100 * before['macro_f1']:.1f} |\n"
        f"| adapted | {100 * after['accuracy']:.1f} | {100 * after['macro_f1']:.1f} |\n\n"
        f"L2 penalty toward the shipped weights {card['penalty']}, temperature "
        f"{card['temperature']:.3f}. Delete this folder to go back to the shipped model.\n"
    )


def _save(model: ReactionModel, folder: Path, card: dict[str, Any]) -> None:
    """Write the model next to ``folder`` first, then swap it in, so a reader never sees
    half a model."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    model.metadata_ = {**model.metadata_, "workspace": card}
    model.save(str(staging))
    (staging / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    (staging / "MODEL_CARD.md").write_text(_card_text(card), encoding="utf-8")
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _check_training_share(labels: list[int], holdout: float, seed: int) -> None:
    """Refuse a held-out share that leaves too little to learn from: the penalty is chosen
    on 4 folds of the training share, which a handful of labels cannot give. (A lopsided
    mix is warned of, not refused: the shipped model's weights are the starting point.)"""
    train, _ = holdout_split(labels, share=holdout, minimum=MIN_HELDOUT, seed=seed)
    if len(train) < MIN_TRAINING:
        raise InputError(
            f"--holdout {holdout} leaves {len(train)} of the {len(labels)} labels to learn "
            f"from; retrain needs at least {MIN_TRAINING}",
            hint="give --holdout a smaller share, such as 0.25 (the default), or label "
                 "more items")


def retrain_op(store: Store, *, holdout: float = 0.25, seed: int = 0) -> dict[str, Any]:
    """Adapt the shipped model to the human labels; save it if held-out scores hold up."""
    if not 0.0 < holdout < 1.0:
        raise InputError(f"the held-out share must be between 0 and 1, not {holdout}",
                         hint="give --holdout a share such as 0.25 (the default)")
    check_seed(seed, default=0)
    rows = [r for r in cs.corrected_items(store).to_pylist() if r["label"] in REACTIONS]
    if len(rows) < MIN_CORRECTIONS:
        raise InputError(
            f"retrain needs at least {MIN_CORRECTIONS} labelled items; the workspace has "
            f"{len(rows)} ({MIN_CORRECTIONS - len(rows)} more needed)",
            hint="label items with 'sounding label ITEM_ID LABEL'; 'sounding review' lists "
                 "the ones most worth a look")
    kinds = sorted({r["label"] for r in rows})
    if len(kinds) < 2:  # nothing to tell apart: the model would learn to say one thing
        raise InputError(
            f"retrain needs labels of at least two kinds; all {len(rows)} are "
            f"'{kinds[0]}'",
            hint="label some replies of the other kinds too (interest, animosity, neutral); "
                 "'sounding review' lists the ones most worth a look")
    labels = [REACTIONS.index(r["label"]) for r in rows]
    _check_training_share(labels, holdout, seed)
    adaptation = adapt_with_holdout(
        ReactionModel.load(context="brand"), [r["text"] for r in rows], labels,
        share=holdout, minimum=MIN_HELDOUT, seed=seed)
    card = _card(adaptation, len(rows), seed)
    folder = model_dir(store.path)
    if adaptation.not_worse:
        _save(adaptation.model, folder, card)
    return {**card, "saved": adaptation.not_worse,
            "model_dir": str(folder) if adaptation.not_worse else None,
            "warnings": _lopsided([r["label"] for r in rows])}


FEW_OF_A_KIND = 5  # labels of one reaction below which the adapted model leans away from it


def _lopsided(labels: list[str]) -> list[str]:
    """Reactions with too few labels, or none, for the adapted model to keep saying them:
    45 'interest' and 1 'animosity' taught it to say interest to nearly everything, and
    a dozen held-out labels drawn from the same mix cannot show it."""
    counts = {r: labels.count(r) for r in REACTIONS}
    return [f"only {n} '{r}' label{'s' * (n != 1)} of {len(labels)}: the adapted model will "
            f"seldom say {r}; label more of them (sounding review) and retrain"
            for r, n in counts.items() if n < FEW_OF_A_KIND]
