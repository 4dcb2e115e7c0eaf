"""Per-level posteriors of the four test-and-learn metrics from per-post counts.

Engagement is a rate per exposure (Gamma-Poisson) adjusted for a log-linear time trend
(with a normal prior, integrated over); interest and animosity are shares of labelled
reactions and ignored is a share of posts (Beta-Binomial). Each is over-dispersion
corrected (quasi-likelihood) and partially pooled across the factor's levels (see
:mod:`sounding.analyse.pooling`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from sounding.analyse.pooling import (
    GridPosterior,
    beta_pool,
    gamma_pool,
    mixture,
    pearson_dispersion,
)

__all__ = [
    "JACKKNIFE_GROUPS",
    "TREND_SD",
    "MetricPosterior",
    "RateEffects",
    "TrendPosterior",
    "engagement_posterior",
    "jackknife_covs",
    "rate_effects",
    "share_posterior",
    "trend_posterior",
]

# Prior sd of the engagement rate's log change per 30 days (x1.65 or /1.65 at one sd):
# audience growth is in the exposure already, so what is left drifts slowly.
TREND_SD = 0.5
JACKKNIFE_GROUPS = 30  # slices of the posts :func:`jackknife_covs` leaves out in turn
_TREND_NODES = 15


@dataclass(frozen=True)
class MetricPosterior:
    """A metric's pooled posterior over the levels, with the data it rests on per level."""

    posterior: GridPosterior
    dispersion: float
    data: np.ndarray  # per level: the posts (or reactions) the rate rests on
    posts: np.ndarray  # per level: the posts that carry data (reactions, or an exposure)


def _sums(values: np.ndarray, index: np.ndarray, levels: int) -> np.ndarray:
    return np.bincount(index, weights=values.astype(np.float64), minlength=levels)


def _trend_loglik(counts: np.ndarray, exposure: np.ndarray, t: np.ndarray,
                  index: np.ndarray, levels: int) -> Callable[[float], float]:
    """The profile log-likelihood of a slope: each level's rate is profiled out (its counts
    over its exposure weighted by exp(b t)), so only how posts of the same level changed
    over time speaks for a slope."""
    totals = _sums(counts, index, levels)
    ok = totals > 0

    def loglik(b: float) -> float:
        weighted = _sums(exposure * np.exp(b * t), index, levels)
        return float((counts * b * t).sum() - (totals[ok] * np.log(weighted[ok])).sum())

    return loglik


@dataclass(frozen=True)
class TrendPosterior:
    """The shared log-linear trend's posterior (log-rate change per unit of time), on a
    grid of slopes with their weights."""

    slopes: np.ndarray
    weights: np.ndarray

    @property
    def mean(self) -> float:
        return float(self.slopes @ self.weights)


_NO_TREND = TrendPosterior(np.zeros(1), np.ones(1))


def trend_posterior(counts: np.ndarray, exposure: np.ndarray, time: np.ndarray,
                    index: np.ndarray, levels: int, *, dispersion: float = 1.0,
                    prior_sd: float = TREND_SD / 30.0) -> TrendPosterior:
    """The slope's posterior: the profile likelihood (over ``dispersion``) times a normal
    prior of sd ``prior_sd`` (per unit of ``time``), on a grid around its mode.

    The prior is what keeps the trend from taking the levels' contrast: where no level has
    posts at different times (one post each, or one level early and the other late) the
    likelihood is flat, the slope keeps its prior, and integrating over it widens the
    levels' intervals instead of reversing them.
    """
    span = float(np.ptp(time)) if len(time) else 0.0
    if span <= 0 or counts.sum() <= 0:
        return _NO_TREND
    loglik = _trend_loglik(counts, exposure, time - time.mean(), index, levels)

    def log_post(b: float) -> float:
        return loglik(b) / dispersion - 0.5 * (b / prior_sd) ** 2

    from scipy.optimize import minimize_scalar  # type: ignore[import-untyped]

    bound = max(8.0 * prior_sd, 5.0 / span)
    mode = float(minimize_scalar(lambda b: -log_post(b), bounds=(-bound, bound),
                                 method="bounded").x)
    h = 1e-2 * prior_sd
    curvature = -(log_post(mode + h) - 2 * log_post(mode) + log_post(mode - h)) / h**2
    sd = 1.0 / np.sqrt(max(curvature, prior_sd**-2))
    slopes = mode + sd * np.linspace(-4.0, 4.0, _TREND_NODES)
    lp = np.array([log_post(float(b)) for b in slopes])
    w = np.exp(lp - lp.max())
    keep = w > 1e-3 * w.max()
    return TrendPosterior(slopes[keep], w[keep] / w[keep].sum())


def engagement_posterior(counts: np.ndarray, exposure: np.ndarray, time: np.ndarray | None,
                         index: np.ndarray, levels: int, fallback_rate: float | None = None
                         ) -> tuple[MetricPosterior, float]:
    """Engagements per exposure per level at the mean posting time, averaged over the
    trend's posterior (:func:`trend_posterior`); also returns the slope's posterior mean.
    ``fallback_rate`` centres the prior when no post has an exposure (see gamma_pool)."""
    exposure = exposure.astype(np.float64)
    trend, t = _NO_TREND, np.zeros(len(counts))
    if time is not None and len(time):  # no post: no trend, and no mean of nothing
        trend, t = trend_posterior(counts, exposure, time, index, levels), time - time.mean()
    y = _sums(counts, index, levels)
    phi = _rate_dispersion(counts, exposure * np.exp(trend.mean * t), index, levels)
    if phi > 1.0 and time is not None and len(trend.slopes) > 1:
        trend = trend_posterior(counts, exposure, time, index, levels, dispersion=phi)
    parts = [gamma_pool(y / phi, _sums(exposure * np.exp(b * t), index, levels) / phi,
                        fallback_rate) for b in trend.slopes]
    posts = np.bincount(index, minlength=levels).astype(np.float64)
    return MetricPosterior(mixture(parts, trend.weights), phi, posts, posts), trend.mean


def _rate_dispersion(counts: np.ndarray, exposure: np.ndarray, index: np.ndarray,
                     levels: int) -> float:
    y, e = _sums(counts, index, levels), _sums(exposure, index, levels)
    rate = np.divide(y, e, out=np.zeros(levels), where=e > 0)
    expected = exposure * rate[index]
    return pearson_dispersion(counts, expected, expected, index, levels)


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
    posts = np.bincount(index, weights=(trials > 0).astype(np.float64), minlength=levels)
    return MetricPosterior(beta_pool(y / phi, n / phi), phi, n, posts)


@dataclass(frozen=True)
class RateEffects:
    """Joint posterior of each factor's level effects on the log engagement rate.

    ``means[k]`` and ``covs[k]`` are the (approximately normal) posterior mean and
    covariance of factor k's level effects, relative to the fitted intercept; differences
    within a factor are what matter. ``dispersion`` is the variance of a post's log rate
    around its expectation (the fitted noise mixture's).
    """

    means: tuple[np.ndarray, ...]
    covs: tuple[np.ndarray, ...]
    dispersion: float
    slope: float  # log-rate change per unit of time


def _design(indices: list[tuple[np.ndarray, int]], time: np.ndarray | None,
            n: int) -> tuple[np.ndarray, list[slice]]:
    cols, blocks, start = [np.ones((n, 1))], [], 1
    for index, levels in indices:
        cols.append(np.eye(levels)[index])
        blocks.append(slice(start, start + levels))
        start += levels
    if time is not None and np.ptp(time) > 0:
        cols.append(((time - time.mean()) / np.ptp(time))[:, None])
    return np.hstack(cols), blocks


def _effect_scales(beta: np.ndarray, cov: np.ndarray, blocks: list[slice], prior_sd: float,
                   prior_weight: float) -> np.ndarray:
    """Each factor's effect sd, by expectation-maximisation (a hierarchical fit).

    The expected sum of squared effects under the current posterior, plus ``prior_weight``
    pseudo-levels at ``prior_sd``, over the levels: factors whose levels look alike are
    shrunk harder together.
    """
    out = np.empty(len(blocks))
    for k, b in enumerate(blocks):
        centred = beta[b] - beta[b].mean()
        squares = float(centred @ centred + np.trace(cov[b, b]))
        out[k] = np.sqrt((squares + prior_weight * prior_sd**2)
                         / (b.stop - b.start + prior_weight))
    return out


def _precision(blocks: list[slice], scales: np.ndarray, width: int,
               trend_sd: float) -> np.ndarray:
    precision = np.full(width, 1.0 / trend_sd**2)
    precision[0] = 1e-6  # the intercept: flat
    for b, sd in zip(blocks, scales, strict=True):
        precision[b] = 1.0 / sd**2
    return precision


def _responsibilities(e: np.ndarray, pi: np.ndarray, mu: np.ndarray,
                      sd: np.ndarray) -> np.ndarray:
    lp = np.log(pi) - np.log(sd) - 0.5 * ((e[:, None] - mu) / sd) ** 2
    w = np.exp(lp - lp.max(axis=1, keepdims=True))
    return np.asarray(w / w.sum(axis=1, keepdims=True))


def _noise_step(e: np.ndarray, pi: np.ndarray, mu: np.ndarray, sd: np.ndarray,
                floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One EM step of the noise mixture; returns it and the responsibilities."""
    rk = _responsibilities(e, pi, mu, sd)
    nk = rk.sum(axis=0) + 1e-9
    pi = (nk + 1.0) / (nk.sum() + len(nk))
    mu = (rk * e[:, None]).sum(axis=0) / nk
    mu = mu - mu @ pi  # the noise has mean zero: the effects carry the level
    sd = np.sqrt(((rk * (e[:, None] - mu) ** 2).sum(axis=0) + floor**2) / (nk + 1.0))
    return pi, mu, sd, rk


def rate_effects(counts: np.ndarray, exposure: np.ndarray,
                 indices: list[tuple[np.ndarray, int]], time: np.ndarray | None = None, *,
                 effect_sd: float = 0.5, components: int = 3,
                 iterations: int = 30) -> RateEffects:
    """Every factor's effects on the log engagement rate at once, additive across factors.

    log((y + 1/2) / e) = intercept + the level effects of the post's variant (+ a time
    trend) + noise. Posts vary far beyond Poisson (one drowns in timelines, one reaches
    everyone), and not symmetrically, so the noise is a mixture of ``components`` normals
    shared by every post and estimated with the effects (EM): each post weighs by how
    precisely its kind of post measures, and each factor's levels are compared with the
    other factors held fixed. Level effects have a normal prior whose sd is fitted per
    factor (:func:`_effect_scales`, pulled toward ``effect_sd``), shrinking the levels
    toward the pooled rate. The covariance is the inverse of the weighted information
    plus the prior's precision. ``dispersion`` is the noise's variance.
    """
    z = np.log((counts.astype(np.float64) + 0.5) / exposure)
    x, blocks = _design(indices, time, len(z))
    scales = np.full(len(blocks), effect_sd)
    beta = np.zeros(x.shape[1])
    pi = np.full(components, 1.0 / components)
    mu = np.quantile(z - z.mean(), np.linspace(0.2, 0.8, components))
    sd = np.full(components, float(z.std()) + 0.05)
    for _ in range(iterations):
        pi, mu, sd, rk = _noise_step(z - x @ beta, pi, mu, sd, 0.1)
        w = (rk / sd**2).sum(axis=1)
        offset = (rk * mu / sd**2).sum(axis=1) / w
        info = x.T @ (w[:, None] * x) + np.diag(_precision(blocks, scales, x.shape[1], 1.0))
        cov = np.linalg.inv(info)
        beta, before = cov @ (x.T @ (w * (z - offset))), beta
        scales = _effect_scales(beta, cov, blocks, effect_sd, 2.0)
        if np.abs(beta - before).max() < 1e-3:
            break
    slope = float(beta[-1] / np.ptp(time)) if time is not None and x.shape[1] > \
        blocks[-1].stop else 0.0
    variance = float(pi @ (sd**2 + mu**2))
    return RateEffects(tuple(beta[b] for b in blocks), tuple(cov[b, b] for b in blocks),
                       variance, slope)


def jackknife_covs(counts: np.ndarray, exposure: np.ndarray,
                   indices: list[tuple[np.ndarray, int]], time: np.ndarray | None = None,
                   *, groups: int = JACKKNIFE_GROUPS) -> tuple[np.ndarray, ...]:
    """Each factor's level-effect covariance by the delete-a-group jackknife.

    :func:`rate_effects` reports the covariance of a weighted fit whose weights were
    known, but the noise mixture learns them from the same residuals: on simulated
    programmes its contrasts' sds were about half the spread of the estimates over
    repeated outcomes (``benchmarks/learn.py``). Refitting without each of ``groups``
    interleaved slices of the posts (every slice spans the whole period) measures that
    spread from the data; it errs wide (by about a third there). A statement about what a
    variant will do next quarter rests on this covariance, not the model's."""
    n = len(counts)
    g = min(groups, n)
    slices = np.arange(n) % g
    fits = []
    for j in range(g):
        keep = slices != j
        fit = rate_effects(counts[keep], exposure[keep],
                           [(index[keep], levels) for index, levels in indices],
                           None if time is None else time[keep])
        fits.append(np.concatenate(fit.means))
    spread = np.asarray(fits) - np.mean(fits, axis=0)
    cov = (g - 1) / g * spread.T @ spread
    bounds = np.cumsum([0, *(levels for _, levels in indices)])
    return tuple(cov[a:b, a:b] for a, b in pairwise(bounds))
