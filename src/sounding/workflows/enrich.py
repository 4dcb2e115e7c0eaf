"""Enrichment workflow: the language of every item and the reaction of every answer.

The model is the one shipped with sounding, a folder given with ``--model`` (a sounding
model, or a local Hugging Face sequence-classification model), or the workspace's own
adapted model (``WORKSPACE.model/``, written by ``sounding retrain``) when it exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sounding.enrich import DEFAULT_MODEL_DIR, ReactionBatch, ReactionModel, check_context
from sounding.errors import ConfigError
from sounding.store import Store
from sounding.store.enrich_store import items_to_enrich, put_enrichments
from sounding.workflows.corrections import model_dir

__all__ = ["classify_texts", "enrich_workspace", "load_model"]

Progress = Callable[[int, int], None]


class Classifier(Protocol):
    """What the workflows need of a reaction model."""

    def predict_batch(self, texts: Sequence[object]) -> ReactionBatch: ...


def load_model(path: str | Path | None = None, *, workspace: Path | None = None,
               languages: Sequence[str] | None = None, context: str = "brand"
               ) -> tuple[Classifier, str]:
    """The model to use and a version string naming it (stored with every label).

    ``languages`` restricts language detection (None: the default eight); a restricted set
    is part of the version, so changing it labels the items' languages again. ``context``
    is how a sounding model reads the texts (``ReactionModel.load``); a workspace's items
    are replies and mentions addressed to the brand, read in the default ``brand``."""
    check_context(context)  # here too: a Hugging Face model never reaches the artifact
    languages = sorted({code.lower() for code in languages}) if languages else None
    classifier, version = _load_model(path, workspace, {"languages": languages} if languages
                                      else {}, context)  # fmt: skip
    return classifier, version + (f"+lang={','.join(languages)}" if languages else "")


def _load_model(path: str | Path | None, workspace: Path | None, options: dict[str, Any],
                context: str) -> tuple[Classifier, str]:
    if path is None and workspace is not None and model_dir(workspace).is_dir():
        path = model_dir(workspace)
    if path is None:
        model = ReactionModel.load(context=context, **options)
        return model, "default:" + _model_digest(DEFAULT_MODEL_DIR) + _read_as(model)
    folder = Path(path)
    if not folder.is_dir():
        raise ConfigError(f"--model {folder}: " + ("a file, not a model folder"
                                                   if folder.exists() else "no such folder"))
    if (folder / "config.json").exists():
        from sounding.enrich.hf import HuggingFaceReactionModel

        try:
            hf = HuggingFaceReactionModel(str(folder), **options)
        except (OSError, ValueError, KeyError) as exc:  # a folder with a config alone
            first = " ".join(str(exc).split())[:200]
            raise ConfigError(f"--model {folder}: not a Hugging Face model that can be "
                              f"loaded ({type(exc).__name__}: {first})",
                              hint="a folder saved with save_pretrained: config.json, the "
                                   "weights and the tokenizer's files") from None
        return hf, "hf:" + _digest(folder / "config.json")
    if not (folder / "model.json").exists():
        raise ConfigError(f"--model {folder}: neither a sounding model (model.json) nor a "
                          "Hugging Face model (config.json)")
    model = ReactionModel.load(str(folder), context=context, **options)
    return model, "local:" + _model_digest(folder) + _read_as(model)


def _read_as(model: ReactionModel) -> str:
    """The labels' version names the context the model actually read with, when not brand."""
    return "" if model.context_ == "brand" else f"+{model.context_}"


def _digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _model_digest(folder: Path) -> str:
    """Names the reaction weights and, where there is one, the language head: labels made
    with another head carry another version (a folder without one keeps its old name)."""
    head = folder / "language.json"
    return _digest(folder / "model.json", *([head] if head.is_file() else []))


def classify_texts(model: Classifier, texts: Iterable[str | bytes], batch: int = 4096
                   ) -> Iterator[dict[str, Any]]:
    """One JSON-ready result per text (bytes are decoded by the model, which flags those
    that are not UTF-8), streamed in batches (for ``sounding classify``)."""
    chunk: list[str | bytes] = []
    for text in texts:
        chunk.append(text)
        if len(chunk) == batch:
            yield from _results(model.predict_batch(chunk))
            chunk = []
    if chunk:
        yield from _results(model.predict_batch(chunk))


def _results(result: ReactionBatch) -> Iterator[dict[str, Any]]:
    for r in result:
        yield {"lang": r.lang, "reaction": r.reaction, "p_interest": round(r.p_interest, 4),
               "p_animosity": round(r.p_animosity, 4), "p_neutral": round(r.p_neutral, 4),
               "uncertain": r.uncertain, "flags": list(r.flags)}


def _label_tables(rows: pa.Table, result: ReactionBatch) -> tuple[pa.Table, pa.Table]:
    probs = result.probabilities.astype(np.float64)
    language = pa.table({"item_id": rows["item_id"], "label": pa.array(result.lang)})
    reactions = pa.table({
        "item_id": rows["item_id"], "label": pa.array(result.labels),
        "p_interest": probs[:, 0].round(4), "p_animosity": probs[:, 1].round(4),
        "p_neutral": probs[:, 2].round(4), "uncertain": pa.array(result.uncertain),
        "flags": pa.array([list(f) for f in result.flags], pa.list_(pa.string())),
    }).filter(rows["wants_reaction"])
    return language, reactions


def enrich_workspace(store: Store, *, model: str | None = None, redo: bool = False,
                     languages: Sequence[str] | None = None,
                     progress: Progress | None = None) -> dict[str, Any]:
    """Label every item not yet labelled by this model; returns what was done."""
    classifier, version = load_model(model, workspace=store.path, languages=languages)
    total = int(store.scalar("SELECT count(*) FROM items") or 0)
    done = named = reactions = 0
    for rows in items_to_enrich(store, version, redo=redo):
        texts = pc.fill_null(rows["text"], "").to_pylist()
        language, reaction = _label_tables(rows, classifier.predict_batch(texts))
        named += put_enrichments(store, language, enricher="language", version=version)
        reactions += put_enrichments(store, reaction, enricher="reaction", version=version)
        done += rows.num_rows
        if progress:
            progress(done, total)
    counts = store.query("SELECT label, count(*) AS n FROM item_reactions GROUP BY label "
                         "ORDER BY label").to_pylist()
    return {"model": version, "items": done, "languages": named, "reactions": reactions,
            "labels": {r["label"]: r["n"] for r in counts}}
