"""Partial pooling of rates across the levels of a factor: empirical-Bayes grid posteriors.

Each level's rate is conjugate given the prior (Beta for shares, Gamma for rates per
exposure). The prior's mean is the pooled rate; its concentration ``kappa`` (how many
pseudo-observations the pooled mean is worth) is integrated over a log grid weighted by
the marginal likelihood, so that levels alike are shrunk hard together and levels that
differ keep their own data. ``kappa`` never exceeds the pooled data's own size: the prior
can't know the pooled mean better than the other levels' data do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "GridPosterior",
    "beta_pool",
    "effective_dof",
    "gamma_pool",
    "mixture",
    "pearson_dispersion",
]

_GRID = 60
_KAPPA_MIN = 0.5


@dataclass(frozen=True)
class GridPosterior:
    """A mixture of conjugate posteriors, one component per prior concentration.

    ``shape`` and ``scale2`` have shape (grid, levels): Beta(a, b) when ``family`` is
    'beta' (``scale2`` is b), Gamma(shape, rate) when it is 'gamma' (``scale2`` is the
    rate). ``weights`` (grid,) are the posterior weights of each concentration.
    """

    family: str
    shape: np.ndarray
    scale2: np.ndarray
    weights: np.ndarray
    prior_mean: float

    def mean(self) -> np.ndarray:
        """Posterior mean per level."""
        return np.asarray(self.weights @ self._component_mean())

    def var(self) -> np.ndarray:
        """Posterior variance per level (law of total variance over the grid)."""
        mu = self._component_mean()
        if self.family == "beta":
            a, b = self.shape, self.scale2
            v = a * b / ((a + b) ** 2 * (a + b + 1.0))
        else:
            v = self.shape / self.scale2**2
        second = self.weights @ (v + mu**2)
        return np.asarray(np.maximum(second - self.mean() ** 2, 0.0))

    def moment_matched(self) -> tuple[np.ndarray, np.ndarray]:
        """One conjugate (shape, second parameter) per level with the mixture's mean and var."""
        m, v = self.mean(), np.maximum(self.var(), 1e-300)
        if self.family == "beta":
            m = np.clip(m, 1e-9, 1 - 1e-9)
            total = np.maximum(m * (1 - m) / v - 1.0, 1e-6)
            return m * total, (1 - m) * total
        return m**2 / v, m / v

    def draws(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Joint posterior draws, shape (n, levels); one concentration per draw for all."""
        k = rng.choice(len(self.weights), size=n, p=self.weights)
        a, b = self.shape[k], self.scale2[k]
        if self.family == "beta":
            return rng.beta(a, b)
        return rng.gamma(a, 1.0 / b)

    def _component_mean(self) -> np.ndarray:
        if self.family == "beta":
            return np.asarray(self.shape / (self.shape + self.scale2))
        return np.asarray(self.shape / self.scale2)


def _grid(total: float, levels: int) -> np.ndarray:
    # the others' data only: a level's own data must not be counted twice through the prior
    top = max(float(total) * (levels - 1) / max(levels, 1), 2.0)
    return np.geomspace(min(_KAPPA_MIN, top), top, _GRID)


def _normalise(log_w: np.ndarray) -> np.ndarray:
    w = np.exp(log_w - log_w.max())
    return np.asarray(w / w.sum())


def beta_pool(successes: np.ndarray, trials: np.ndarray) -> GridPosterior:
    """Beta-Binomial partial pooling of per-level successes out of trials (may be fractional)."""
    from scipy.special import betaln  # type: ignore[import-untyped]

    y = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    m = (y.sum() + 0.5) / (n.sum() + 1.0)
    kappa = _grid(n.sum(), len(n))[:, None]
    a0, b0 = m * kappa, (1.0 - m) * kappa
    log_w = (betaln(a0 + y, b0 + n - y) - betaln(a0, b0)).sum(axis=1)
    a, b = a0 + y, b0 + n - y
    return GridPosterior("beta", a, b, _normalise(log_w), float(m))


def gamma_pool(counts: np.ndarray, exposure: np.ndarray,
               fallback_mean: float | None = None) -> GridPosterior:
    """Gamma-Poisson partial pooling of per-level counts over exposure (may be fractional).

    With no exposure at all the levels have no pooled rate of their own: the prior is
    centred on ``fallback_mean`` (a wider pool's rate), and each level's posterior is that
    prior."""
    from scipy.special import gammaln

    y = np.asarray(counts, dtype=np.float64)
    e = np.asarray(exposure, dtype=np.float64)
    if e.sum() <= 0 and fallback_mean is None:
        raise ValueError("no exposure to pool and no fallback rate")
    m = (y.sum() + 0.5) / e.sum() if e.sum() > 0 else float(fallback_mean or 0.0)
    kappa = _grid(y.sum(), len(y))[:, None]
    rate0 = kappa / m
    log_w = (gammaln(kappa + y) - gammaln(kappa) + kappa * np.log(rate0)
             - (kappa + y) * np.log(rate0 + e)).sum(axis=1)
    return GridPosterior("gamma", kappa + y, rate0 + e, _normalise(log_w), float(m))


def mixture(parts: list[GridPosterior], weights: np.ndarray) -> GridPosterior:
    """The grid posteriors of one family mixed with ``weights`` (e.g. over a nuisance
    parameter's posterior): each draw still takes one component for every level, so the
    levels stay correlated through what they share."""
    w = np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
    return GridPosterior(parts[0].family, np.vstack([p.shape for p in parts]),
                         np.vstack([p.scale2 for p in parts]),
                         np.concatenate([wi * p.weights for wi, p in zip(w, parts, strict=True)]),
                         float(sum(wi * p.prior_mean for wi, p in zip(w, parts, strict=True))))


def pearson_dispersion(observed: np.ndarray, expected: np.ndarray, variance: np.ndarray,
                       index: np.ndarray, levels: int, *, small_sample: bool = True) -> float:
    """How much more each level's total varies than the binomial or Poisson model says.

    Posts vary more than the model (reach, timing, who was online), and big posts weigh
    most in a level's total, so the ratio is taken on the totals: per level, the
    empirical variance of its total (sum of squared residuals, with the n / (n - 1)
    small-sample correction) over the model's; levels with two posts or more are combined.
    Dividing counts and exposures by it (at least 1) turns the extra noise into wider,
    honest intervals (quasi-likelihood). 1 when it can't be told.

    With ``small_sample`` the estimate is inflated by (t_nu / z)^2 at 95%, nu its
    effective degrees of freedom (:func:`effective_dof`): a dispersion estimated from few
    effective posts is itself uncertain, and using it as known under-covers.
    """
    n = np.bincount(index, minlength=levels).astype(np.float64)
    squares = np.bincount(index, weights=(observed - expected) ** 2, minlength=levels)
    model = np.bincount(index, weights=variance, minlength=levels)
    ok = (n >= 2) & (model > 0)
    if ok.sum() == 0 or n[ok].sum() - ok.sum() < 2:
        return 1.0
    empirical = (squares[ok] * n[ok] / (n[ok] - 1)).sum()
    phi = max(1.0, float(empirical / model[ok].sum()))
    if not small_sample:
        return phi
    return phi * _t_inflation(effective_dof(variance, index, ok))


def effective_dof(variance: np.ndarray, index: np.ndarray, ok: np.ndarray) -> float:
    """Degrees of freedom of the dispersion estimate: Kish's effective number of posts.

    Big posts dominate the sum of squares, so 100 posts of very unequal size estimate the
    dispersion about as well as (sum v)^2 / sum v^2 equal ones; one per level is spent
    on the level's mean.
    """
    keep = ok[index]
    v = variance[keep]
    if v.sum() <= 0:
        return 1.0
    return max(float(v.sum() ** 2 / (v**2).sum()) - float(ok.sum()), 1.0)


def _t_inflation(dof: float, level: float = 0.95) -> float:
    """(t / z)^2: widens a normal interval for a variance estimated on ``dof`` degrees."""
    from scipy.stats import norm  # type: ignore[import-untyped]
    from scipy.stats import t as student_t

    q = (1 + level) / 2
    return float((student_t.ppf(q, dof) / norm.ppf(q)) ** 2)
