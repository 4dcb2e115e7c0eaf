"""Read and write the reaction model artifact: ``weights.npz`` (numpy arrays) and ``model.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from sounding.enrich.datasets import REACTIONS
from sounding.enrich.linear import HashedLinear
from sounding.errors import ConfigError

__all__ = ["DEFAULT_MODEL_DIR", "FORMAT", "load_scorer", "save_scorer"]

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
FORMAT = "sounding-reaction-hashed-linear/1"


def save_scorer(
    path: str | Path, scorer: HashedLinear, temperature: float, metadata: dict[str, Any]
) -> None:
    """Write the scorer as float16 arrays plus a JSON description."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        folder / "weights.npz",
        weights=scorer.weights.astype(np.float16),
        idf2=scorer.idf2.astype(np.float16),
        bias=scorer.bias.astype(np.float32),
    )
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
    if description.get("format") != FORMAT or description.get("classes") != list(REACTIONS):
        raise ConfigError(f"{folder} does not hold a {FORMAT} model with classes {REACTIONS}")
    scorer = HashedLinear(
        weights=arrays["weights"].astype(np.float32),
        idf2=arrays["idf2"].astype(np.float32),
        bias=arrays["bias"].astype(np.float32),
        bits=int(description["bits"]),
        char_sizes=tuple(int(n) for n in description["char_sizes"]),
        max_chars=int(description["max_chars"]),
    )
    return scorer, float(description["temperature"]), dict(description.get("metadata", {}))
