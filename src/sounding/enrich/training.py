"""Fit the hashed linear scorer with scikit-learn (a training-time dependency only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sounding.enrich.linear import HashedLinear, hashed_design
from sounding.enrich.wordtable import WordTable

__all__ = ["build_design", "fit_hashed_linear", "idf_from_texts"]

F32 = npt.NDArray[np.float32]


def idf_from_texts(
    texts: Sequence[str], *, bits: int, char_sizes: Sequence[int], max_chars: int
) -> F32:
    """Smoothed inverse document frequency of every bucket, as scikit-learn computes it."""
    rows, cols, _ = hashed_design(
        texts, None, bits=bits, char_sizes=char_sizes, max_chars=max_chars
    )
    pairs = np.unique(rows * (1 << bits) + cols)
    df = np.bincount(pairs % (1 << bits), minlength=1 << bits)
    n = len(texts)
    idf: F32 = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    return idf


def build_design(
    texts: Sequence[str], *, bits: int = 20, char_sizes: Sequence[int] = (2, 3, 4, 5),
    max_chars: int = 2000,
) -> tuple[Any, F32]:
    """The sparse training matrix (scipy CSR) and the idf it was weighted with."""
    from scipy import sparse  # type: ignore[import-untyped]

    idf = idf_from_texts(texts, bits=bits, char_sizes=char_sizes, max_chars=max_chars)
    rows, cols, values = hashed_design(
        texts, idf, bits=bits, char_sizes=char_sizes, max_chars=max_chars
    )
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(texts), 1 << bits)), idf


def fit_hashed_linear(
    design: Any,
    idf: F32,
    labels: Sequence[int],
    *,
    sample_weight: Sequence[float] | None = None,
    alpha: float = 1e-5,
    epochs: int = 30,
    seed: int = 0,
    bits: int = 20,
    char_sizes: Sequence[int] = (2, 3, 4, 5),
    max_chars: int = 2000,
    n_classes: int = 3,
    fold: Callable[[npt.NDArray[np.float64]], WordTable] | None = None,
    class_weight: dict[int, float] | str = "balanced",
) -> HashedLinear:
    """Logistic regression (one-vs-rest, balanced classes, averaged SGD) on a hashed design.

    SGD rather than lbfgs: similar accuracy here in a fraction of the time on ~70k
    texts x 2**20 buckets; ``seed`` fixes the shuffling, so a run is reproducible.
    Columns past the ``2**bits`` buckets are dense word-vector blocks: ``fold`` turns
    their coefficients (columns, classes) into the scorer's word table. ``class_weight`` is
    a dict when soft-labelled rows (one per class) must not shift the balanced weights.
    """
    from sklearn.linear_model import SGDClassifier  # type: ignore[import-untyped]

    lr = SGDClassifier(
        loss="log_loss", alpha=alpha, class_weight=class_weight, max_iter=epochs, tol=None,
        average=True, random_state=seed,
    )  # fmt: skip
    lr.fit(design, np.asarray(labels), sample_weight=sample_weight)
    if list(lr.classes_) != list(range(n_classes)):
        raise ValueError(f"training labels must cover 0..{n_classes - 1}, got {lr.classes_}")
    coef = np.asarray(lr.coef_, dtype=np.float64).T  # (buckets [+ dense columns], classes)
    buckets = 1 << bits
    words = fold(coef[buckets:]) if fold is not None else None
    return HashedLinear(
        weights=(coef[:buckets] * idf[:, None]).astype(np.float32),
        idf2=(idf.astype(np.float64) ** 2).astype(np.float32),
        bias=np.asarray(lr.intercept_, dtype=np.float32),
        bits=bits,
        char_sizes=tuple(char_sizes),
        max_chars=max_chars,
        words=words,
    )
