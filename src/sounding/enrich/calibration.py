"""Calibration: a softmax temperature fitted on held-out data; expected calibration error."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["expected_calibration_error", "fit_temperature", "softmax"]

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


def softmax(logits: npt.NDArray[np.floating], temperature: float = 1.0) -> F32:
    """Row-wise softmax of ``logits / temperature``."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: F32 = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def _nll(logits: F64, labels: npt.NDArray[np.int64], temperature: float) -> float:
    p = softmax(logits, temperature).astype(np.float64)
    picked = np.clip(p[np.arange(len(labels)), labels], 1e-12, 1.0)
    return float(-np.mean(np.log(picked)))


def fit_temperature(logits: npt.NDArray[np.floating], labels: Sequence[int]) -> float:
    """The temperature minimising the negative log-likelihood (golden-section search)."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    lo, hi = np.log(0.05), np.log(20.0)
    ratio = (np.sqrt(5.0) - 1) / 2
    for _ in range(60):
        a = hi - ratio * (hi - lo)
        b = lo + ratio * (hi - lo)
        if _nll(z, y, float(np.exp(a))) < _nll(z, y, float(np.exp(b))):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2))


def expected_calibration_error(
    probabilities: npt.NDArray[np.floating], labels: Sequence[int], bins: int = 15
) -> float:
    """Top-label ECE: mean |accuracy − confidence| over equal-width confidence bins, weighted."""
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if len(y) == 0:
        return 0.0
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(total)
