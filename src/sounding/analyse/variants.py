"""Test and learn: what each factor's levels do to engagement, interest, animosity, silence.

A pure engine: per-post numpy arrays in, frozen results out. Every brand post is a trial of
its variant (factor=level pairs). Per factor and level it reports the posterior of four
metrics with 95% credible intervals, the probability that the level is best and the
expected loss of choosing it, then one verdict line per factor on the chosen metric (and a
verdict on every metric, which each KPI's target rests on). Organic posts are not
randomised, so every estimate is observational; audience growth is handled by the
exposure (followers at posting time, or impressions) and time by a log-linear trend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from sounding.analyse.decide import (
    MIN_REPLICATES,
    compare,
    evidence_gap,
    intervals,
    more_posts_needed,
)
from sounding.analyse.rates import MetricPosterior, engagement_posterior, share_posterior
from sounding.analyse.verdict_texts import (
    METRICS,
    NO_DENOMINATOR,
    OBSERVATIONAL,
    ONE_LEVEL,
    PARTIAL_DENOMINATOR,
    verdict_text,
)

__all__ = [
    "CONFIDENCE",
    "FactorResult",
    "LearnSettings",
    "LevelEstimate",
    "MetricResult",
    "PostOutcomes",
    "VariantAnalysis",
    "Verdict",
    "analyse_factor",
    "analyse_variants",
    "engagement_measured",
]

CONFIDENCE = 0.95  # P(best) a level needs to be named the winner



@dataclass(frozen=True, eq=False)
class PostOutcomes:
    """What each brand post tried and what came of it, as parallel arrays (one per post)."""

    levels: Mapping[str, np.ndarray]  # factor -> level per post ('' where not tagged)
    exposure: np.ndarray  # followers at posting time or impressions (nan when unknown)
    engagements: np.ndarray  # likes + reposts + replies + quotes
    interest: np.ndarray  # labelled reactions within the window, by label
    animosity: np.ndarray
    neutral: np.ndarray
    written: np.ndarray  # reactions within the window, labelled or not (0: ignored)
    time: np.ndarray | None = None  # days since the first post, for the trend
    matured: np.ndarray | None = None  # whether each post's window is over (None: all are)


@dataclass(frozen=True)
class LearnSettings:
    """How the analysis decides; the defaults suit a brand's few dozen posts."""

    metric: str = "interest"  # the metric verdicts are about
    confidence: float = CONFIDENCE  # P(best) needed to name a winner
    draws: int = 4000  # Monte Carlo draws from the joint posterior
    seed: int = 0
    min_exposure: float = 10.0  # posts seen by fewer are left out of the engagement rate
    adjust_trend: bool = True
    smallest_effect: float = 0.10  # relative lead worth acting on, for 'more posts needed'
    smallest_share_lead: float = 0.01  # and on a share, at least 1 point


@dataclass(frozen=True)
class LevelEstimate:
    """One level's posterior for one metric (rates as fractions, not display units)."""

    level: str
    posts: int
    n: float  # the data it rests on: posts, exposure or labelled reactions
    mean: float
    low: float
    high: float
    p_best: float
    expected_loss: float
    alpha: float  # moment-matched Beta(alpha, beta) or Gamma(alpha, rate=beta)
    beta: float


@dataclass(frozen=True)
class MetricResult:
    """A metric's estimates over a factor's levels."""

    metric: str
    family: str
    higher_is_better: bool
    dispersion: float
    levels: tuple[LevelEstimate, ...]


@dataclass(frozen=True)
class Verdict:
    """One line per factor: a winner the data support, or how far the data are from one."""

    factor: str
    metric: str
    decided: bool
    leader: str
    runner_up: str
    p_best: float
    p_beats: float
    diff: float  # in display units (pts, or per 1,000 of exposure)
    low: float
    high: float
    more_posts: int
    text: str
    # why the design cannot decide, whatever P says: '', 'confounded' (``about``: what the
    # levels are confounded with) or 'unreplicated' (``about``: the levels with too few posts)
    reason: str = ""
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactorResult:
    """Every metric of one factor, its verdict on the analysis' metric, and its verdict on
    each metric (``verdicts``: what a KPI measured by that metric may rest on)."""

    factor: str
    metrics: dict[str, MetricResult]
    verdict: Verdict
    verdicts: dict[str, Verdict]

    def metric(self, name: str) -> MetricResult:
        return self.metrics[name]


@dataclass(frozen=True)
class VariantAnalysis:
    """The whole test-and-learn analysis."""

    posts: int
    exposure_kind: str
    trend_per_30_days: float  # relative change of the engagement rate per 30 days
    factors: tuple[FactorResult, ...]
    observational: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    def factor(self, name: str) -> FactorResult:
        for f in self.factors:
            if f.factor == name:
                return f
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def engagement_measured(data: PostOutcomes, settings: LearnSettings) -> np.ndarray:
    """The posts whose engagement rate has a denominator (followers or impressions known,
    and at least ``min_exposure``): without any, a rate would be counts over nothing."""
    return np.asarray(np.isfinite(data.exposure) & (data.exposure >= settings.min_exposure))


def _brand_rate(data: PostOutcomes, settings: LearnSettings) -> float | None:
    """Engagements per exposure over every measured post (None when none is)."""
    ok = engagement_measured(data, settings)
    if not ok.any():
        return None
    return float((data.engagements[ok].sum() + 0.5) / data.exposure[ok].sum())


def _metric_posterior(name: str, data: PostOutcomes, index: np.ndarray, levels: int,
                      settings: LearnSettings, brand_rate: float | None
                      ) -> tuple[MetricPosterior, float]:
    if name == "engagement":
        ok = engagement_measured(data, settings)
        time = data.time[ok] if settings.adjust_trend and data.time is not None else None
        return engagement_posterior(data.engagements[ok], data.exposure[ok], time,
                                    index[ok], levels, brand_rate)
    if name == "ignored":
        # a post whose window is not over is no trial: it may still be answered
        told = np.ones(len(data.written)) if data.matured is None else (
            data.matured.astype(np.float64))
        ignored = (data.written == 0) * told
        return share_posterior(ignored, told, index, levels, overdispersed=False), 0.0
    labelled = (data.interest + data.animosity + data.neutral).astype(np.float64)
    hits = data.interest if name == "interest" else data.animosity
    return share_posterior(hits.astype(np.float64), labelled, index, levels), 0.0


def _metric_result(name: str, names: list[str], index: np.ndarray, data: PostOutcomes,
                   settings: LearnSettings, rng: np.random.Generator,
                   brand_rate: float | None) -> tuple[MetricResult, float, Any, np.ndarray]:
    """The metric's result, the trend slope, the comparison and the posts per level that
    carry the metric's data (``brand_rate``: the prior's centre for a factor none of whose
    posts has an exposure)."""
    higher, _, _ = METRICS[name]
    mp, slope = _metric_posterior(name, data, index, len(names), settings, brand_rate)
    low, high = intervals(mp.posterior)
    comp = compare(mp.posterior, rng, settings.draws, higher)
    alpha, beta = mp.posterior.moment_matched()
    mean = mp.posterior.mean()
    posts = np.bincount(index, minlength=len(names))
    levels = tuple(
        LevelEstimate(lvl, int(posts[i]), float(mp.data[i]), float(mean[i]), float(low[i]),
                      float(high[i]), float(comp.p_best[i]), float(comp.expected_loss[i]),
                      float(alpha[i]), float(beta[i]))
        for i, lvl in enumerate(names)
    )
    result = MetricResult(name, mp.posterior.family, higher, mp.dispersion, levels)
    return result, slope, comp, mp.posts


def _verdict(factor: str, metric: str, names: list[str], comp: Any, pooled_mean: float,
             posts: int, support: np.ndarray, confounded: Sequence[str],
             settings: LearnSettings) -> Verdict:
    """The factor's verdict on ``metric`` from its ``posts``, of which ``support`` (per
    level) carry the metric's data.

    A winner needs P(best) >= the confidence and a design that can tell (see
    :func:`evidence_gap`); without one the levels are not called even either.
    """
    scale = METRICS[metric][1]
    leader, runner = names[comp.leader], names[comp.runner_up]
    p_best = float(comp.p_best[comp.leader])
    diff, lo, hi = (scale * v for v in (comp.diff_mean, comp.diff_low, comp.diff_high))
    if not METRICS[metric][0]:  # shown as leader minus runner-up: less animosity reads < 0
        diff, lo, hi = -diff, -hi, -lo
    worth = settings.smallest_effect * pooled_mean
    if metric != "engagement":  # a share near 0 (animosity, ignored) made any lead "worth it"
        worth = max(worth, settings.smallest_share_lead)
    more = more_posts_needed(comp, posts, worth)
    reason = evidence_gap(support, comp, confounded) if len(names) > 1 else ONE_LEVEL
    about: tuple[str, ...] = tuple(confounded)
    if reason == "unreplicated":
        thin = [i for i in (comp.leader, comp.runner_up) if support[i] < MIN_REPLICATES]
        about = tuple(names[i] for i in thin)
        more = max(more, int(sum(MIN_REPLICATES - support[i] for i in thin)))
    decided = len(names) > 1 and p_best >= settings.confidence and not reason
    # more == 0 and undecided: the lead's interval rules out a lead worth acting on (even)
    fields = {"factor": factor, "metric": metric, "decided": decided, "leader": leader,
              "runner_up": runner, "p_best": p_best, "p_beats": float(comp.p_beats),
              "diff": diff, "low": lo, "high": hi,
              "more_posts": 0 if decided or reason == ONE_LEVEL else max(more, 1) if reason
              else more,
              "reason": reason, "about": about}
    return Verdict(**fields, text=verdict_text(fields))


def analyse_factor(factor: str, levels: np.ndarray, data: PostOutcomes,
                   settings: LearnSettings, metrics: Sequence[str] = tuple(METRICS),
                   confounded: Sequence[str] = ()) -> tuple[FactorResult, float]:
    """``metrics`` (default all) for one factor's tagged posts, with a verdict on each;
    returns the result and the trend slope. Each metric keeps its own random stream
    whichever others are left out. ``confounded``: what the factor's levels are confounded
    with (no verdict on any metric then)."""
    tagged = levels != ""
    names = sorted({str(v) for v in levels[tagged]})
    index = np.searchsorted(np.asarray(names), levels[tagged])
    sub = _subset(data, tagged)
    seeds = np.random.SeedSequence([settings.seed, *factor.encode()]).spawn(len(METRICS))
    results, slope, comps, support = {}, 0.0, {}, {}
    brand_rate = _brand_rate(data, settings)
    for name, seq in zip(METRICS, seeds, strict=True):
        if name not in metrics:
            continue
        result, s, comp, support[name] = _metric_result(name, names, index, sub, settings,
                                                        np.random.default_rng(seq),
                                                        brand_rate)
        results[name], comps[name] = result, comp
        slope = s if name == "engagement" else slope
    verdicts = {name: _verdict(factor, name, names, comps[name],
                               float(np.mean([lv.mean for lv in result.levels])),
                               int(tagged.sum()), support[name], confounded, settings)
                for name, result in results.items()}
    return FactorResult(factor, results, verdicts[settings.metric], verdicts), slope


def _subset(data: PostOutcomes, keep: np.ndarray) -> PostOutcomes:
    return PostOutcomes(
        {k: v[keep] for k, v in data.levels.items()}, data.exposure[keep],
        data.engagements[keep], data.interest[keep], data.animosity[keep],
        data.neutral[keep], data.written[keep],
        None if data.time is None else data.time[keep],
        None if data.matured is None else data.matured[keep],
    )


def _denominator_notes(data: PostOutcomes, settings: LearnSettings,
                       exposure_kind: str) -> tuple[str, ...]:
    """What the engagement rate lacks: a denominator for every post, or for some."""
    known, posts = int(engagement_measured(data, settings).sum()), len(data.exposure)
    if not known:
        return (NO_DENOMINATOR,)
    if known < posts and exposure_kind in PARTIAL_DENOMINATOR:
        return (PARTIAL_DENOMINATOR[exposure_kind][0].format(known=known, posts=posts),)
    return ()


def analyse_variants(data: PostOutcomes, settings: LearnSettings | None = None,
                     exposure_kind: str = "followers",
                     confounded: Mapping[str, Sequence[str]] | None = None
                     ) -> VariantAnalysis:
    """Analyse every factor of the posts' variants.

    When no post has a denominator for the engagement rate, that metric is left out of
    every factor (shown as n/a) and a note says why, rather than a rate over nothing; when
    some posts lack one, a note says on how many the rate rests. ``confounded`` maps a
    factor to what its levels are confounded with (:meth:`DesignCheck.confounded_with`):
    such a factor gets no verdict, whatever P(best) says.
    """
    settings = settings or LearnSettings()
    if settings.metric not in METRICS:
        raise ValueError(f"unknown metric {settings.metric!r}; one of {sorted(METRICS)}")
    notes = (OBSERVATIONAL, *_denominator_notes(data, settings, exposure_kind))
    metrics = tuple(METRICS)
    if NO_DENOMINATOR in notes:
        if settings.metric == "engagement":
            raise ValueError(NO_DENOMINATOR)
        metrics = tuple(m for m in METRICS if m != "engagement")
    results, slopes = [], []
    for factor in sorted(data.levels):
        levels = np.asarray(data.levels[factor]).astype(str)
        if (levels != "").sum() == 0:
            continue
        result, slope = analyse_factor(factor, levels, data, settings, metrics,
                                       (confounded or {}).get(factor, ()))
        results.append(result)
        slopes.append(slope)
    trend = float(np.exp(30.0 * np.mean(slopes)) - 1.0) if slopes else 0.0
    return VariantAnalysis(len(data.exposure), exposure_kind, trend, tuple(results),
                           True, notes)
