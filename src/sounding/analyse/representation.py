"""The representation index (share among engaged ÷ share among customers × 100) with intervals.

Each share gets a Beta posterior under a Jeffreys prior, Beta(k + ½, n − k + ½): the
marginal of a Dirichlet posterior on the whole mix, so it holds whether or not segments
overlap. The index's 95% credible interval is read from Monte Carlo draws of the ratio
of the two posteriors. Activity (engagements per actor per week) gets a Gamma posterior.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["MIN_COUNT", "Activity", "Representation", "activity_rate", "representation"]

MIN_COUNT = 10  # fewer members than this on either side: shown, flagged, never ranked
_DRAWS = 4000


@dataclass(frozen=True, slots=True)
class Representation:
    """A segment's shares on both sides and its representation index with a 95% interval."""

    engaged: int
    engaged_known: int
    customers: int
    customers_known: int
    engaged_share: float | None
    customer_share: float | None
    index: float | None
    low: float | None
    high: float | None
    p_over: float | None  # posterior probability that the index exceeds 100
    rankable: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _share(k: int, n: int) -> float | None:
    return k / n if n else None


def representation(engaged: int, engaged_known: int, customers: int, customers_known: int,
                   *, seed: int = 0, draws: int = _DRAWS, min_count: int = MIN_COUNT
                   ) -> Representation:
    """Index of a segment with ``engaged`` of ``engaged_known`` and ``customers`` of
    ``customers_known`` members (the known totals are those the rule could be checked on)."""
    e_share, c_share = _share(engaged, engaged_known), _share(customers, customers_known)
    if not engaged_known or not customers_known:
        return Representation(engaged, engaged_known, customers, customers_known, e_share,
                              c_share, None, None, None, None, False)
    rng = np.random.default_rng(seed)
    p_e = rng.beta(engaged + 0.5, engaged_known - engaged + 0.5, draws)
    p_c = rng.beta(customers + 0.5, customers_known - customers + 0.5, draws)
    ratio = 100.0 * p_e / p_c
    low, high = (float(x) for x in np.quantile(ratio, [0.025, 0.975]))
    index = 100.0 * e_share / c_share if e_share is not None and c_share else None
    rankable = engaged >= min_count and customers >= min_count
    return Representation(engaged, engaged_known, customers, customers_known, e_share, c_share,
                          index, low, high, float((ratio > 100.0).mean()), rankable)


@dataclass(frozen=True, slots=True)
class Activity:
    """Engagements per actor per week with a 95% credible interval."""

    rate: float | None
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {"rate": self.rate, "low": self.low, "high": self.high}


def activity_rate(events: int, actors: int, weeks: float) -> Activity:
    """Gamma(events + ½, actor-weeks) posterior of a Poisson rate (Jeffreys prior)."""
    exposure = actors * weeks
    if exposure <= 0:
        return Activity(None, None, None)
    from scipy.stats import gamma  # type: ignore[import-untyped]

    low, high = gamma.ppf([0.025, 0.975], events + 0.5, scale=1.0 / exposure)
    return Activity(events / exposure, float(low), float(high))
