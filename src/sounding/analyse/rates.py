"""Per-level posteriors of the four test-and-learn metrics from per-post counts.

Engagement is a rate per exposure (Gamma-Poisson) adjusted for a log-linear time trend;
interest and animosity are shares of labelled reactions and ignored is a share of posts
(Beta-Binomial). Each is over-dispersion corrected (quasi-likelihood) and partially
pooled across the factor's levels (see :mod:`sounding.analyse.pooling`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]

from sounding.analyse.pooling import GridPosterior, beta_pool, gamma_pool, pearson_dispersion

__all__ = ["MetricPosterior", "engagement_posterior", "share_posterior", "time_trend"]


@dataclass(frozen=True)
class MetricPosterior:
    """A metric's pooled posterior over the levels, with the data it rests on per level."""

    posterior: GridPosterior
    dispersion: float
    data: np.ndarray  # per level: the posts (or reactions) the rate rests on


def _sums(values: np.ndarray, index: np.ndarray, levels: int) -> np.ndarray:
    return np.bincount(index, weights=values.astype(np.float64), minlength=levels)


def time_trend(counts: np.ndarray, exposure: np.ndarray, time: np.ndarray,
               index: np.ndarray, levels: int) -> float:
    """Log-rate change per unit of ``time``, shared by every level (profile likelihood).

    Level rates are profiled out: for a slope ``b`` each level's rate is its counts over its
    exposure weighted by exp(b t), so only the slope is searched.
    """
    span = float(np.ptp(time)) if len(time) else 0.0
    if span <= 0 or counts.sum() <= 0:
        return 0.0
    t = time - time.mean()
    totals = _sums(counts, index, levels)

    def loss(b: float) -> float:
        weighted = _sums(exposure * np.exp(b * t), index, levels)
        ok = totals > 0
        return -float((counts * b * t).sum() - (totals[ok] * np.log(weighted[ok])).sum())

    bound = 5.0 / span
    res = minimize_scalar(loss, bounds=(-bound, bound), method="bounded")
    return float(res.x)


def engagement_posterior(counts: np.ndarray, exposure: np.ndarray, time: np.ndarray | None,
                         index: np.ndarray, levels: int) -> tuple[MetricPosterior, float]:
    """Engagements per exposure per level at the mean posting time; also returns the slope."""
    slope = 0.0
    exp_adj = exposure.astype(np.float64)
    if time is not None:
        slope = time_trend(counts, exp_adj, time, index, levels)
        exp_adj = exp_adj * np.exp(slope * (time - time.mean()))
    y, e = _sums(counts, index, levels), _sums(exp_adj, index, levels)
    rate = np.divide(y, e, out=np.zeros(levels), where=e > 0)
    expected = exp_adj * rate[index]
    phi = pearson_dispersion(counts, expected, expected, index, levels)
    pooled = gamma_pool(y / phi, e / phi)
    posts = np.bincount(index, minlength=levels).astype(np.float64)
    return MetricPosterior(pooled, phi, posts), slope


def share_posterior(successes: np.ndarray, trials: np.ndarray, index: np.ndarray,
                    levels: int, *, overdispersed: bool = True) -> MetricPosterior:
    """Successes out of trials per level (e.g. interest among labelled reactions)."""
    y, n = _sums(successes, index, levels), _sums(trials, index, levels)
    p = np.divide(y, n, out=np.zeros(levels), where=n > 0)
    expected = trials * p[index]
    phi = 1.0
    if overdispersed:
        phi = pearson_dispersion(successes, expected, expected * (1 - p[index]), index,
                                 levels)
    return MetricPosterior(beta_pool(y / phi, n / phi), phi, n)
