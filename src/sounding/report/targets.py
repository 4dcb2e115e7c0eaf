"""KPI baselines with credible intervals and next-quarter targets from the posterior predictive.

A pure computation over the report data (``workflows.reporting.report_data``). The
baseline of each KPI is the period's measured value with a 95% interval that widens by
the over-dispersion the analysis measured (quasi-likelihood, as in ``analyse.rates``).
The target simulates next quarter: the planner's proposed variants, repeated at the
period's posting cadence, each post's rate the KPI's own level (drawn from its baseline)
times each factor's level relative to that factor's average in the same draw (main
effects, from learn's posteriors), then outcomes drawn around it. Only a factor with a
verdict on the KPI's own metric (learn names a level that leads on it) moves that KPI's
target: a confounded, unreplicated or undecided factor's levels are not shown to differ on
it, so they lend no lift, and with no such factor that KPI has no target. A verdict on
engagement moves the engagement target, never the interest one. The target is the KPI
reached with 80% probability: the 20th percentile where higher is better, the 80th where
lower is better. The engagement rate starts from its time trend's value at the period's
end, the ignored share from its last 4 weeks (when they have enough posts). A target must
beat both the period's value and its last 4 weeks' value (``kpis_recent`` of the report
data): a target worse than today's level is no target, so none is set and the reason names
the value it failed to beat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import cycle, islice
from typing import Any

import numpy as np

from sounding.analyse.variants import CONFIDENCE

__all__ = ["KPI_METRICS", "LIFT_CHECK", "LIFT_EXPONENT", "MIN_RECENT_POSTS", "MIN_RECENT_REACTIONS",
           "Target", "best_odds", "decided_factors", "dispersion", "engagement_lifts",
           "fit_leaders", "gain_odds", "joint_fit", "joint_leaders", "proven_levels",
           "quarter_posts", "targets"]

QUARTER_DAYS = 91
PROBABILITY = 0.8
DRAWS = 2000
# The share of the joint fit's log-lift a planned variant is credited with. The fit adds
# the factors' effects up on the log scale; a variant repeating every factor's best level
# gains less than that sum (the audience's segments like different
# levels, and a share cannot pass 100%). How often the 80% target was reached in
# simulated programmes, with the full lift and with this share of it (benchmarks/learn.py,
# check (e), programmes of 100 and 180 posts): the method's text quotes it.
LIFT_EXPONENT = 0.75
LIFT_CHECK = {"full": (0.06, 0.40), "credited": (0.82, 0.84)}
# the least data the last 4 weeks' value is shown on: posts, and labelled reactions
MIN_RECENT_POSTS = 10
MIN_RECENT_REACTIONS = 30
# KPI key -> (learn metric, higher is better)
KPI_METRICS: dict[str, tuple[str, bool]] = {
    "engagement_rate_per_follower": ("engagement", True),
    "interest_share": ("interest", True),
    "animosity_share": ("animosity", False),
    "ignored_share": ("ignored", False),
}


@dataclass(frozen=True)
class Target:
    """One KPI: measured value, its interval, and next quarter's target (or why none)."""

    kpi: str
    higher_is_better: bool
    value: float | None
    low: float | None
    high: float | None
    basis: float  # what the value rests on: labelled reactions, posts or followers
    target: float | None
    reason: str  # why there is no target (a message key), '' when there is one
    recent: float | None = None  # the value over the period's last 4 weeks
    reached: float | None = None  # what the programme reaches with PROBABILITY, kept when
    # it is no target (reason 'behind_period' or 'behind_recent')
    recent_none: str = ""  # why ``recent`` is None: 'same' (the whole period), 'thin'


def dispersion(data: dict[str, Any], metric: str) -> float:
    """The median over-dispersion learn measured for ``metric`` (1 without learn)."""
    learn = data["learn"]
    if not learn.get("ok"):
        return 1.0
    values = [f["metrics"][metric]["dispersion"] for f in learn["analysis"]["factors"]
              if metric in f["metrics"]]
    return float(np.median(values)) if values else 1.0


def _share_draws(k: float, n: float, phi: float, rng: np.random.Generator) -> np.ndarray:
    """A share's posterior draws from ``k`` of ``n``, widened by the over-dispersion."""
    return rng.beta(k / phi + 0.5, (n - k) / phi + 0.5, DRAWS)


def _rate_draws_of(y: float, e: float, phi: float, rng: np.random.Generator) -> np.ndarray:
    """A rate's posterior draws from ``y`` events over exposure ``e``."""
    return rng.gamma(y / phi + 0.5, phi / e, DRAWS)


def _interval(draws: np.ndarray) -> tuple[float, float]:
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(low), float(high)


def _baselines(data: dict[str, Any], rng: np.random.Generator
               ) -> dict[str, tuple[float | None, float | None, float | None, float]]:
    k = data["kpis"]
    out: dict[str, tuple[float | None, float | None, float | None, float]] = {}
    rate, eng = k["engagement_rate_per_follower"], k["engagements"]
    if rate:
        exposure = eng / rate
        out["engagement_rate_per_follower"] = (
            rate, *_interval(_rate_draws_of(eng, exposure, dispersion(data, "engagement"),
                                            rng)), exposure)
    else:
        out["engagement_rate_per_follower"] = (rate, None, None, 0.0)
    n = float(k["reactions_labelled"])
    for label in ("interest", "animosity"):
        share = k["reaction_shares"][label]
        out[f"{label}_share"] = ((share, *_interval(_share_draws(share * n, n,
                                                                 dispersion(data, label),
                                                                 rng)), n)
                                 if share is not None and n else (None, None, None, n))
    posts, ignored = float(_matured(k)), float(k["ignored_posts"])
    out["ignored_share"] = ((ignored / posts, *_interval(_share_draws(ignored, posts, 1.0, rng)),
                             posts)
                            if posts else (None, None, None, 0.0))
    return out


def _recent(data: dict[str, Any]) -> dict[str, tuple[float | None, str]]:
    """Each KPI over the period's last 4 weeks, or None and why: ``same`` (those weeks are
    the whole period: no other level), ``thin`` (fewer than the minimum posts or labelled
    reactions: a near-empty window would read as a level), '' (not measured)."""
    k = data.get("kpis_recent")
    if not k:
        return dict.fromkeys(KPI_METRICS, (None, ""))
    if data.get("recent", {}).get("whole_period"):
        return dict.fromkeys(KPI_METRICS, (None, "same"))
    shares, labelled, posts = k["reaction_shares"], k["reactions_labelled"], _matured(k)
    values = {"engagement_rate_per_follower": (k["engagement_rate_per_follower"], k["posts"],
                                               MIN_RECENT_POSTS),
              "interest_share": (shares["interest"], labelled, MIN_RECENT_REACTIONS),
              "animosity_share": (shares["animosity"], labelled, MIN_RECENT_REACTIONS),
              "ignored_share": (k["ignored_posts"] / posts if posts else None, posts,
                                MIN_RECENT_POSTS)}
    return {kpi: (None, "thin") if basis < least else (value, "")
            for kpi, (value, basis, least) in values.items()}


def _matured(k: dict[str, Any]) -> int:
    """The posts whose reaction window is over: the ignored share's denominator."""
    return int(k["posts"]) - int(k["posts_too_recent"])


def _trend_to_end(data: dict[str, Any]) -> float:
    """The engagement rate at the period's end over its rate at the posts' mean time.

    ``learn`` estimates each level's rate at the mean posting time, with a shared trend;
    next quarter starts at the period's end, so the trend is carried there.
    """
    trend = float(data["learn"]["analysis"].get("trend_per_30_days", 0.0))
    weeks = [w for w in data.get("weekly", []) if w["posts"]]
    if not weeks or trend <= -1.0:
        return 1.0
    end = datetime.fromisoformat(data["kpis"]["period_end"])
    mid = [datetime.fromisoformat(w["week"]).replace(tzinfo=end.tzinfo) + timedelta(days=3.5)
           for w in weeks]
    posts = np.array([w["posts"] for w in weeks], dtype=np.float64)
    days = np.array([(end - t).total_seconds() / 86_400 for t in mid])
    return float((1.0 + trend) ** (max(float(days @ posts / posts.sum()), 0.0) / 30.0))


def quarter_posts(data: dict[str, Any]) -> int:
    """Posts next quarter at the period's cadence."""
    k = data["kpis"]
    start = datetime.fromisoformat(k["period_start"])
    end = datetime.fromisoformat(k["period_end"])
    days = max((end - start).total_seconds() / 86_400, 1.0)
    return max(1, round(k["posts"] * QUARTER_DAYS / days)) if k["posts"] else 0


def _programme(data: dict[str, Any], n: int) -> list[dict[str, str]]:
    drafts = data["plan"].get("drafts", []) if data["plan"].get("ok") else []
    variants = [d["variant"] for d in drafts]
    return list(islice(cycle(variants), n)) if variants else []


def joint_fit(data: dict[str, Any]) -> dict[str, dict[str, list[Any]]] | None:
    """The planner's joint fit of every factor on the log engagement rate (None when it
    planned without one: too few posts, or on interest)."""
    plan = data["plan"]
    return plan.get("joint_engagement") if plan.get("ok") else None


def _effect_draws(fit: dict[str, list[Any]], rng: np.random.Generator, n: int = DRAWS
                  ) -> np.ndarray:
    """(n, levels) draws of one factor's level effects from the joint fit's normal."""
    return rng.multivariate_normal(np.asarray(fit["mean"]), np.asarray(fit["cov"]), n)


def best_odds(joint: dict[str, dict[str, list[Any]]]) -> dict[str, list[float]]:
    """Per factor of a joint fit, each level's probability of being its best, by draws from
    the factor's normal (a fixed stream: the same data, the same odds)."""
    rng = np.random.default_rng(0)
    out = {}
    for factor, fit in joint.items():
        best = np.bincount(_effect_draws(fit, rng).argmax(axis=1), minlength=len(fit["levels"]))
        out[factor] = [float(b / DRAWS) for b in best]
    return out


def fit_leaders(joint: dict[str, dict[str, list[Any]]]) -> dict[str, tuple[str, float]]:
    """Each factor's leader in a joint fit and its probability of being the best level."""
    return {factor: (str(joint[factor]["levels"][int(np.argmax(odds))]), max(odds))
            for factor, odds in best_odds(joint).items()}


def joint_leaders(data: dict[str, Any]) -> dict[str, tuple[str, float]]:
    """:func:`fit_leaders` of the report data's joint fit (none without one)."""
    return fit_leaders(joint_fit(data) or {})


def _gains(fit: dict[str, list[Any]], rng: np.random.Generator) -> np.ndarray:
    """(draws, levels): each level's effect over its factor's posts-weighted average."""
    effects = _effect_draws(fit, rng)
    w = np.asarray(fit["posts"], dtype=np.float64)
    return np.asarray(effects - (effects @ (w / w.sum()))[:, None])


def gain_odds(joint: dict[str, dict[str, list[Any]]]) -> dict[str, dict[str, float]]:
    """Per factor and level, the probability that the level beats its factor's
    posts-weighted average in the joint fit (a fixed stream: the same data, the same odds)."""
    rng = np.random.default_rng(0)
    return {factor: {str(level): float(p) for level, p in zip(
                fit["levels"], (_gains(fit, rng) > 0).mean(axis=0), strict=True)}
            for factor, fit in joint.items()}


def proven_levels(joint: dict[str, dict[str, list[Any]]]) -> dict[str, list[str]]:
    """Per factor, the levels that beat its posts-weighted average with learn's confidence
    in the joint fit."""
    return {factor: [level for level, p in odds.items() if p >= CONFIDENCE]
            for factor, odds in gain_odds(joint).items()}


def decided_factors(joint: dict[str, dict[str, list[Any]]], programme: list[dict[str, str]]
                     ) -> list[str]:
    """The factors with a planned level the joint fit proves above or below its factor's
    posts-weighted average (in the joint fit's order)."""
    planned = {factor: {v.get(factor) for v in programme} for factor in joint}
    return [factor for factor, odds in gain_odds(joint).items()
            if any(level in planned[factor] and max(p, 1.0 - p) >= CONFIDENCE
                   for level, p in odds.items())]


def engagement_lifts(joint: dict[str, dict[str, list[Any]]], programme: list[dict[str, str]],
                     rng: np.random.Generator, exponent: float = LIFT_EXPONENT
                     ) -> np.ndarray:
    """(draws, posts): each planned post's engagement rate over today's. In a factor with
    a planned level proven above or below its posts-weighted average, every planned post
    moves by its level's effect over that average, in each draw: a loss in full, a gain
    credited at ``exponent`` of its logarithm (the fit adds effects up that a variant does
    not fully add; a shortfall is not to be discounted)."""
    lifts = np.ones((DRAWS, len(programme)))
    for factor in decided_factors(joint, programme):
        names = list(joint[factor]["levels"])
        gains = _gains(joint[factor], rng)
        relative = np.exp(np.minimum(gains, exponent * gains))
        for i, variant in enumerate(programme):
            if variant.get(factor) in names:
                lifts[:, i] *= relative[:, names.index(variant[factor])]
    return lifts


def _usable(data: dict[str, Any], metric: str, programme: list[dict[str, str]]) -> list[str]:
    """The factors whose levels may move the target of a KPI measured by ``metric``: on
    engagement, those with a planned level the joint fit proves better than the factor's
    average (:func:`proven_levels`; one factor at a time, trend-adjusted, learn is
    confounded by the accounts' rhythms and audience growth); on the others, and without a
    joint fit, those with learn's verdict."""
    joint = joint_fit(data) if metric == "engagement" else None
    if joint is not None:
        return [f for f, levels in proven_levels(joint).items()
                if any(v.get(f) in levels for v in programme)]
    return [f["factor"] for f in data["learn"]["analysis"]["factors"]
            if f["verdicts"][metric]["decided"]]


def _relative(data: dict[str, Any], factor: str, metric: str, rng: np.random.Generator
              ) -> tuple[list[str], np.ndarray]:
    """A factor's levels and (draws, levels) each level's rate over the factor's
    posts-weighted average in the same draw, from learn's posteriors on ``metric``."""
    m = next(f for f in data["learn"]["analysis"]["factors"]
             if f["factor"] == factor)["metrics"][metric]
    a = np.array([lv["alpha"] for lv in m["levels"]])
    b = np.array([lv["beta"] for lv in m["levels"]])
    w = np.array([lv["posts"] for lv in m["levels"]], dtype=np.float64)
    draws = (rng.beta(a, b, (DRAWS, len(a))) if m["family"] == "beta"
             else rng.gamma(a, 1.0 / b, (DRAWS, len(a))))
    return [lv["level"] for lv in m["levels"]], draws / (draws @ (w / w.sum()))[:, None]


def _lifts(data: dict[str, Any], metric: str, usable: list[str],
           programme: list[dict[str, str]], rng: np.random.Generator) -> np.ndarray:
    """(draws, posts): each planned post's rate relative to today's, as main effects of
    the factors that may move it (``usable``, from :func:`_usable`); on engagement, from
    the joint fit when there is one (:func:`engagement_lifts`, which also counts the
    losses of planned levels proven below average, in factors ``usable`` leaves out)."""
    joint = joint_fit(data) if metric == "engagement" else None
    if joint is not None:
        return engagement_lifts(joint, programme, rng)
    lifts = np.ones((DRAWS, len(programme)))
    for factor in usable:
        names, relative = _relative(data, factor, metric, rng)
        for p, variant in enumerate(programme):
            level = variant.get(factor)
            if level in names:
                lifts[:, p] *= relative[:, names.index(level)]
    return lifts


def _level_draws(data: dict[str, Any], kpi: str, recent_shown: bool,
                 rng: np.random.Generator) -> np.ndarray:
    """The KPI's own level today, drawn from its posterior: the base the lifts move (not
    learn's levels, which rest on other data: in-thread replies, posts seen by 10 or more).
    ``recent_shown``: whether the last 4 weeks have enough data for a value."""
    k = data["kpis"]
    if kpi == "engagement_rate_per_follower":
        rate, eng = k["engagement_rate_per_follower"], float(k["engagements"])
        if not rate:
            return np.zeros(DRAWS)
        return (_rate_draws_of(eng, eng / rate, dispersion(data, "engagement"), rng)
                * _trend_to_end(data))
    if kpi == "ignored_share":  # from its last 4 weeks when they have enough posts: the
        # early weeks, with few followers, would hold next quarter to a level left behind
        if recent_shown:
            k = data["kpis_recent"]
        return _share_draws(float(k["ignored_posts"]), float(_matured(k)), 1.0, rng)
    label = KPI_METRICS[kpi][0]
    n = float(k["reactions_labelled"])
    return _share_draws(k["reaction_shares"][label] * n, n, dispersion(data, label), rng)


def _simulate(data: dict[str, Any], kpi: str, usable: list[str], recent_shown: bool,
              programme: list[dict[str, str]], rng: np.random.Generator) -> np.ndarray:
    metric, _ = KPI_METRICS[kpi]
    theta = (_level_draws(data, kpi, recent_shown, rng)[:, None]
             * _lifts(data, metric, usable, programme, rng))
    k = data["kpis"]
    if metric == "engagement":
        followers = [f["end"] for f in k["followers"].values() if f["end"]]
        exposure = float(np.mean(followers)) if followers else 1.0
        phi = dispersion(data, "engagement")
        mu = theta * exposure
        lam = rng.gamma(mu / (phi - 1.0), phi - 1.0) if phi > 1.0 else mu
        return np.asarray(rng.poisson(lam).sum(axis=1) / (exposure * len(programme)))
    if metric == "ignored":
        return np.asarray((rng.random(theta.shape) < np.clip(theta, 0, 1)).mean(axis=1))
    per_post = k["reactions_labelled"] / max(k["posts"], 1)
    n = rng.poisson(per_post, theta.shape)
    hits = rng.binomial(n, np.clip(theta, 1e-9, 1 - 1e-9))
    return np.asarray(hits.sum(axis=1) / np.maximum(n.sum(axis=1), 1))


def _analysed(data: dict[str, Any], metric: str) -> bool:
    """Whether every analysed factor has ``metric`` (learn leaves out an engagement rate
    that has no follower count or impressions to divide by)."""
    return all(metric in f["metrics"] for f in data["learn"]["analysis"]["factors"])


def _why_not(data: dict[str, Any], kpi: str, value: float | None, posts: int) -> str:
    """Why a KPI can have no target before its factors are weighed ('' when it may)."""
    metric, _ = KPI_METRICS[kpi]
    if value is None:
        if kpi in ("interest_share", "animosity_share"):
            # nothing to label is not the same as nothing labelled: say which
            return "no_reactions" if not data["kpis"]["reactions"] else "no_labels"
        return "no_denominator" if metric == "engagement" and data["kpis"]["posts"] else "no_data"
    if not data["learn"].get("ok"):
        return "no_learn"
    if not _analysed(data, metric):  # the KPI has a rate, the variant analysis had none
        return "no_measured_rate"
    if not data["plan"].get("ok"):
        return "no_plan"
    return "" if posts else "no_data"


def _no_mover(data: dict[str, Any], metric: str) -> str:
    """Why no factor moves a KPI measured by ``metric``."""
    return "no_joint_verdict" if metric == "engagement" and joint_fit(data) else "no_verdict"


def _beats(higher: bool, reached: float, value: float | None, recent: float | None) -> str:
    """'' when ``reached`` beats both today's levels, else the reason naming the one missed."""
    for level, reason in sorted(((v, r) for v, r in ((value, "behind_period"),
                                                     (recent, "behind_recent"))
                                 if v is not None), reverse=higher):
        if (reached <= level) if higher else (reached >= level):
            return reason
    return ""


def targets(data: dict[str, Any], seed: int = 0) -> dict[str, Target]:
    """Every modelled KPI's baseline, last 4 weeks, interval and next-quarter target."""
    rng = np.random.default_rng(seed)
    baselines, recent = _baselines(data, rng), _recent(data)
    programme = _programme(data, quarter_posts(data))
    out: dict[str, Target] = {}
    for kpi, (metric, higher) in KPI_METRICS.items():
        value, low, high, basis = baselines[kpi]
        last, last_none = recent[kpi]
        reason = _why_not(data, kpi, value, len(programme))
        usable = [] if reason else _usable(data, metric, programme)
        reason = reason or ("" if usable else _no_mover(data, metric))
        target = reached = None
        if not reason:
            sims = _simulate(data, kpi, usable, last is not None, programme, rng)
            reached = float(np.quantile(sims, 1.0 - PROBABILITY if higher else PROBABILITY))
            reason = _beats(higher, reached, value, last)
            target = None if reason else reached
        out[kpi] = Target(kpi, higher, value, low, high, basis, target, reason, last, reached,
                          last_none)
    return out
