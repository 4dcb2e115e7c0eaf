"""Read and write the reaction model artifact: ``weights.npz`` (numpy arrays) and ``model.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from sounding.enrich.datasets import REACTIONS
from sounding.enrich.linear import HashedLinear
from sounding.enrich.wordtable import WordTable
from sounding.errors import ConfigError

__all__ = ["DEFAULT_MODEL_DIR", "FORMAT", "load_scorer", "save_scorer"]

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
FORMAT = "sounding-reaction-hashed-linear/2"
# /1 had no word table; it reads the same way, with none.
_READABLE = ("sounding-reaction-hashed-linear/1", FORMAT)


def save_scorer(
    path: str | Path, scorer: HashedLinear, temperature: float, metadata: dict[str, Any]
) -> None:
    """Write the scorer as float16 arrays plus a JSON description."""
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
    np.savez_compressed(folder / "weights.npz", **arrays)
    description = {
        "format": FORMAT,
        "classes": list(REACTIONS),
        "bits": scorer.bits,
        "char_sizes": list(scorer.char_sizes),
        "max_chars": scorer.max_chars,
        "temperature": temperature,
        "metadata": metadata,
    }
    (folder / "model.json").write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")


def _word_table(arrays: Any) -> WordTable | None:
    if "word_keys" not in arrays:
        return None
    return WordTable(
        keys=arrays["word_keys"].astype(np.uint64),
        scores=arrays["word_scores"].astype(np.float32),
    )


def load_scorer(path: str | Path | None = None) -> tuple[HashedLinear, float, dict[str, Any]]:
    """The scorer, its temperature and its metadata from a folder (default: the shipped one)."""
    folder = Path(path) if path is not None else DEFAULT_MODEL_DIR
    try:
        description = json.loads((folder / "model.json").read_text(encoding="utf-8"))
        arrays = np.load(folder / "weights.npz", allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"cannot read a reaction model in {folder}: {exc}",
            hint="pass a folder written by training/train_reaction.py, or none for the default",
        ) from exc
    if description.get("format") not in _READABLE or description.get("classes") != list(REACTIONS):
        raise ConfigError(f"{folder} does not hold a {FORMAT} model with classes {REACTIONS}")
    scorer = HashedLinear(
        weights=arrays["weights"].astype(np.float32),
        idf2=arrays["idf2"].astype(np.float32),
        bias=arrays["bias"].astype(np.float32),
        bits=int(description["bits"]),
        char_sizes=tuple(int(n) for n in description["char_sizes"]),
        max_chars=int(description["max_chars"]),
        words=_word_table(arrays),
    )
    return scorer, float(description["temperature"]), dict(description.get("metadata", {}))
