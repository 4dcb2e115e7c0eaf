"""Spike tests on mention volume and animosity share against a recent baseline (pure).

The listening suites compare the last hour with the previous 12 hours and a day with
the previous 14 days; so does :data:`WINDOWS`. Each test is a posterior predictive
tail probability, not a raw ratio:

- volume: the baseline counts give a Gamma posterior of the rate, widened by the
  over-dispersion the baseline shows (method of moments, with a floor), which makes
  the next count negative-binomial; the alarm needs P(X ≥ observed) < ``alpha``;
- animosity share: the baseline's animosity count among labelled reactions gives a
  Beta posterior, discounted to at most ``max_weight`` pseudo-observations so a slow
  drift is not an alarm; the next bucket's count is beta-binomial.

Both also need a minimum count and a minimum effect, so that a p-value on three
mentions never pages anyone. ``benchmarks/alerts.py`` measures the false alarms on quiet
series and the detection of injected spikes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import numpy as np

__all__ = ["WINDOWS", "SpikeTest", "scan_shares", "scan_volume", "share_spike", "volume_spike"]


def _stats() -> Any:
    """scipy.stats, imported on first use: it costs most of a second, and every CLI command
    would pay it at start-up."""
    from scipy import stats  # type: ignore[import-untyped]

    return stats


WINDOWS: dict[str, tuple[timedelta, int]] = {
    "hour": (timedelta(hours=1), 12),
    "day": (timedelta(days=1), 14),
}


@dataclass(frozen=True, slots=True)
class SpikeTest:
    """One bucket tested against its baseline."""

    metric: str
    observed: float
    expected: float
    threshold: float
    p_value: float
    ratio: float
    count: int
    is_spike: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _volume_tail(observed: np.ndarray, baselines: np.ndarray, alpha: float,
                 min_dispersion: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: predictive mean, P(X >= observed) and the smallest alarming count."""
    w = baselines.shape[1]
    mean = (baselines.sum(axis=1) + 0.5) / max(w, 1)
    spread = baselines.var(axis=1, ddof=1) if w > 1 else mean
    dispersion = np.maximum(min_dispersion, (spread - mean) / mean**2)
    variance = mean + dispersion * mean**2
    variance = variance + variance / max(w, 1)  # the rate's own uncertainty
    n = mean**2 / (variance - mean)
    stats = _stats()
    dist = stats.nbinom(n, n / (n + mean))
    p_value = np.where(observed > 0, dist.sf(observed - 1), 1.0)
    return mean, p_value, dist.isf(alpha) + 1


def volume_spike(observed: int, baseline: Sequence[int], *, alpha: float = 1e-3,
                 min_count: int = 5, min_ratio: float = 1.5,
                 min_dispersion: float = 0.05) -> SpikeTest:
    """Is ``observed`` (mentions in the last bucket) a spike over the ``baseline`` buckets?"""
    base = np.asarray(baseline, dtype=float).reshape(1, -1)
    means, p_values, thresholds = _volume_tail(np.array([observed]), base, alpha,
                                               min_dispersion)
    mean, p_value = float(means[0]), float(p_values[0])
    ratio = observed / mean
    spike = p_value < alpha and observed >= min_count and ratio >= min_ratio
    return SpikeTest("volume", float(observed), round(mean, 4), float(thresholds[0]), p_value,
                     round(ratio, 4), int(observed), bool(spike))


def _share_tail(hits: np.ndarray, totals: np.ndarray, base_hits: np.ndarray,
                base_totals: np.ndarray, alpha: float, max_weight: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: expected share, P(X >= hits) and the smallest alarming count."""
    weight = np.minimum(1.0, max_weight / np.maximum(base_totals, 1))
    a = 0.5 + base_hits * weight
    b = 0.5 + (base_totals - base_hits) * weight
    stats = _stats()
    dist = stats.betabinom(np.maximum(totals, 1), a, b)
    p_value = np.where((hits > 0) & (totals > 0), dist.sf(hits - 1), 1.0)
    return a / (a + b), p_value, dist.isf(alpha) + 1


def share_spike(hits: int, total: int, base_hits: int, base_total: int, *,
                alpha: float = 1e-3, min_count: int = 3, min_diff: float = 0.1,
                max_weight: float = 200.0) -> SpikeTest:
    """Is ``hits / total`` (animosity among labelled reactions) a spike over the baseline?"""
    expected, p_values, thresholds = (float(v[0]) for v in _share_tail(
        np.array([hits]), np.array([total]), np.array([base_hits]), np.array([base_total]),
        alpha, max_weight))
    share = hits / total if total else 0.0
    spike = p_values < alpha and hits >= min_count and share - expected >= min_diff
    return SpikeTest("animosity", round(share, 4), round(expected, 4),
                     round(thresholds / max(total, 1), 4), p_values,
                     round(share / expected, 4), int(hits), bool(spike))


def scan_volume(counts: Sequence[int], window: int, *, alpha: float = 1e-3,
                min_count: int = 5, min_ratio: float = 1.5,
                min_dispersion: float = 0.05) -> np.ndarray:
    """Alarm flags for each bucket of a series tested against the ``window`` before it."""
    series = np.asarray(counts, dtype=float)
    flags = np.zeros(len(series), dtype=bool)
    if len(series) <= window:
        return flags
    baselines = np.lib.stride_tricks.sliding_window_view(series, window)[:-1]
    observed = series[window:]
    mean, p_value, _ = _volume_tail(observed, baselines, alpha, min_dispersion)
    flags[window:] = (p_value < alpha) & (observed >= min_count) & (observed >= min_ratio * mean)
    return flags


def scan_shares(hits: Sequence[int], totals: Sequence[int], window: int, *,
                alpha: float = 1e-3, min_count: int = 3, min_diff: float = 0.1,
                max_weight: float = 200.0) -> np.ndarray:
    """Alarm flags for each bucket of a share series (hits among totals)."""
    h = np.asarray(hits, dtype=float)
    n = np.asarray(totals, dtype=float)
    flags = np.zeros(len(h), dtype=bool)
    if len(h) <= window:
        return flags
    cum_h, cum_n = np.concatenate([[0], np.cumsum(h)]), np.concatenate([[0], np.cumsum(n)])
    base_h = cum_h[window:-1] - cum_h[:-window - 1]
    base_n = cum_n[window:-1] - cum_n[:-window - 1]
    cur_h, cur_n = h[window:], n[window:]
    expected, p_value, _ = _share_tail(cur_h, cur_n, base_h, base_n, alpha, max_weight)
    share = np.divide(cur_h, cur_n, out=np.zeros_like(cur_h), where=cur_n > 0)
    flags[window:] = (p_value < alpha) & (cur_h >= min_count) & (share - expected >= min_diff)
    return flags
