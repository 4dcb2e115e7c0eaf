"""Read and write the reaction model artifact: ``weights.npz`` (numpy arrays) and ``model.json``."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from sounding.enrich.datasets import REACTIONS
from sounding.enrich.linear import HashedLinear
from sounding.enrich.wordtable import WordTable
from sounding.errors import ConfigError

__all__ = ["CONTEXTS", "DEFAULT_MODEL_DIR", "FORMAT", "check_context", "load_scorer",
           "save_scorer"]

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
FORMAT = "sounding-reaction-hashed-linear/3"
# /1 had no word table, /2 no brand context; they read the same way, without them.
_READABLE = ("sounding-reaction-hashed-linear/1", "sounding-reaction-hashed-linear/2", FORMAT)
# How a text is read: "brand" for replies and mentions addressed to a brand (what a
# workspace holds), "general" for any other text (what the research corpora hold).
CONTEXTS = ("brand", "general")


def save_scorer(
    path: str | Path, scorer: HashedLinear, temperature: float, metadata: dict[str, Any],
    brand: tuple[HashedLinear, float] | None = None, context: str = "general",
) -> None:
    """Write the scorer as float16 arrays plus a JSON description.

    ``context`` says how ``scorer`` reads texts. ``brand`` (a scorer for replies to
    brands and its temperature, beside a general ``scorer``) is stored as its difference
    from ``scorer``: zero in the buckets no brand reply holds (95% of them), so the
    bucket part costs little once compressed; the word-table part is dense.
    """
    if context not in CONTEXTS:
        raise ValueError(f"unknown reading context '{context}' (known: {', '.join(CONTEXTS)})")
    if brand is not None and context != "general":
        raise ValueError(f"a brand scorer goes beside a general one, not a '{context}' one")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {
        "weights": scorer.weights.astype(np.float16),
        "idf2": scorer.idf2.astype(np.float16),
        "bias": scorer.bias.astype(np.float32),
    }
    if scorer.words is not None:
        arrays["word_keys"] = scorer.words.keys.astype(np.uint64)
        arrays["word_scores"] = scorer.words.scores.astype(np.float16)
    if brand is not None:
        arrays |= _brand_delta(scorer, brand[0])
    np.savez_compressed(folder / "weights.npz", **arrays)
    description = {
        "format": FORMAT,
        "classes": list(REACTIONS),
        "bits": scorer.bits,
        "char_sizes": list(scorer.char_sizes),
        "max_chars": scorer.max_chars,
        "temperature": temperature,
        "contexts": [context, "brand"] if brand is not None else [context],
        **({"brand_temperature": brand[1]} if brand is not None else {}),
        "metadata": metadata,
    }
    (folder / "model.json").write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")


def _brand_delta(general: HashedLinear, brand: HashedLinear) -> dict[str, Any]:
    """What the brand scorer adds to the general one (same buckets, same word keys)."""
    gw, bw = general.words, brand.words
    same_words = (gw is None and bw is None) or (
        gw is not None and bw is not None and np.array_equal(gw.keys, bw.keys))
    if (general.bits, general.char_sizes) != (brand.bits, brand.char_sizes) or not same_words:
        raise ValueError("the brand scorer must share the general one's buckets and words")

    def delta(brand_values: Any, general_values: Any) -> Any:
        # Against the general values as stored (float16): one rounding, not two. Where
        # the brand copy changed nothing the difference stays exactly 0 (it compresses).
        stored = general_values.astype(np.float16).astype(np.float32)
        changed = brand_values != general_values
        return np.where(changed, brand_values - stored, 0.0).astype(np.float16)

    out = {
        "brand_weights": delta(brand.weights, general.weights),
        "brand_bias": (brand.bias - general.bias).astype(np.float32),
    }
    if gw is not None and bw is not None:
        out["brand_word_scores"] = delta(bw.scores, gw.scores)
    return out


def _word_table(arrays: Any) -> WordTable | None:
    if "word_keys" not in arrays:
        return None
    return WordTable(
        keys=arrays["word_keys"].astype(np.uint64),
        scores=arrays["word_scores"].astype(np.float32),
    )


def check_context(context: str) -> None:
    """Refuse a reading context the models do not have, with the ones they do."""
    if context not in CONTEXTS:
        raise ConfigError(f"unknown reading context '{context}'",
                          hint=f"use one of: {', '.join(CONTEXTS)}")  # fmt: skip


def load_scorer(
    path: str | Path | None = None, context: str = "general"
) -> tuple[HashedLinear, float, dict[str, Any], str]:
    """The scorer of ``context``, its temperature, the metadata and the context it reads.

    From a folder (default: the shipped one). A model trained without a brand context
    reads every text the general way, and says so in the context returned.
    """
    check_context(context)
    folder = Path(path) if path is not None else DEFAULT_MODEL_DIR
    try:
        description = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "weights.npz", allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:  # empty, cut
        raise ConfigError(
            f"cannot read a reaction model in {folder}: {exc}",
            hint="pass a folder written by training/train_reaction.py, or none for the default",
        ) from exc
    if description.get("format") not in _READABLE or description.get("classes") != list(REACTIONS):
        raise ConfigError(f"{folder} does not hold a {FORMAT} model with classes {REACTIONS}")
    try:  # the archive's members are read here, lazily: a damaged file fails only now
        return _scorer(description, arrays, context)
    except (OSError, ValueError, EOFError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise ConfigError(
            f"the reaction model in {folder} is damaged ({type(exc).__name__}: {exc})",
            hint="delete the folder to go back to the shipped model (a workspace's own is "
                 "WORKSPACE.model/; `sounding retrain` writes it again), or pass another",
        ) from exc


def _scorer(description: dict[str, Any], arrays: Any, context: str
            ) -> tuple[HashedLinear, float, dict[str, Any], str]:
    scorer = HashedLinear(
        weights=arrays["weights"].astype(np.float32),
        idf2=arrays["idf2"].astype(np.float32),
        bias=arrays["bias"].astype(np.float32),
        bits=int(description["bits"]),
        char_sizes=tuple(int(n) for n in description["char_sizes"]),
        max_chars=int(description["max_chars"]),
        words=_word_table(arrays),
    )
    metadata = dict(description.get("metadata", {}))
    if context == "brand" and "brand_weights" in arrays:
        brand = _with_delta(scorer, arrays)
        return brand, float(description["brand_temperature"]), metadata, "brand"
    context_read = str(description.get("contexts", ["general"])[0])
    return scorer, float(description["temperature"]), metadata, context_read


def _with_delta(general: HashedLinear, arrays: Any) -> HashedLinear:
    """The brand scorer: the general one plus the stored differences."""
    words = general.words
    if words is not None and "brand_word_scores" in arrays:
        words = WordTable(keys=words.keys,
                          scores=words.scores + arrays["brand_word_scores"].astype(np.float32))
    return dataclasses.replace(
        general,
        weights=general.weights + arrays["brand_weights"].astype(np.float32),
        bias=general.bias + arrays["brand_bias"].astype(np.float32),
        words=words,
    )
