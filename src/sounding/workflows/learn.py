"""Test and learn workflow: read posts, variants and reactions; analyse; plan drafts.

``learn`` analyses what each factor's levels did; ``plan`` turns the posteriors into the
next posts' variants and slots (Thompson sampling within the animosity guardrail) and
writes them to the queue as drafts for a person to write and approve.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sounding.analyse.design import DesignCheck, check_design
from sounding.analyse.rates import jackknife_covs, rate_effects
from sounding.analyse.variants import (
    CONFIDENCE,
    LearnSettings,
    PostOutcomes,
    VariantAnalysis,
    analyse_variants,
    engagement_measured,
)
from sounding.analyse.verdict_texts import METRICS, NO_DENOMINATOR
from sounding.errors import InputError, NotFound
from sounding.models import account_ref
from sounding.plan import (
    FactorArms,
    Proposal,
    default_cap,
    propose,
    rotation_baseline,
    slot_times,
)
from sounding.store import Store
from sounding.store.learn_reads import learn_posts, post_variants, queue_drafts, queued_drafts
from sounding.workflows.accounts import PUBLISHABLE
from sounding.workflows.kpis import REACTION_WINDOW, no_posts_hint, parse_period
from sounding.workflows.queue_text import placeholder

__all__ = [
    "NO_POSTS",
    "NO_VARIANTS",
    "NO_VARIANTS_HERE",
    "OBJECTIVES",
    "LearnResult",
    "PlanResult",
    "guardrail_cap",
    "learn",
    "learn_op",
    "outcomes_from_tables",
    "plan",
    "plan_op",
]

_DAY_US = 86_400 * 1_000_000
OBJECTIVES = ("engagement", "interest")  # what the planner may maximise (higher is better)
_NO_RATE_HINT = ("use {option} interest, or collect the accounts' follower counts "
                 "('sounding collect') or import the posts' impressions")


@dataclass(frozen=True)
class LearnResult:
    """The analysis of every factor, the design check and what the data rest on."""

    analysis: VariantAnalysis
    design: DesignCheck
    reactions: int
    labelled: int
    baseline_animosity: float | None

    @property
    def verdicts(self) -> list[str]:
        return [f.verdict.text for f in self.analysis.factors]

    def as_dict(self) -> dict[str, Any]:
        return {"verdicts": self.verdicts, "posts": self.analysis.posts,
                "reactions": self.reactions, "labelled": self.labelled,
                "baseline_animosity": self.baseline_animosity,
                "analysis": self.analysis.as_dict(), "design": self.design.as_dict()}


@dataclass(frozen=True)
class PlanResult:
    """Drafts proposed per account, and the guardrail they respect.

    Only drafts for accounts sounding can publish to carry a ``queue_id`` when written;
    ``notes`` say what was planned differently from what was asked, and why.
    """

    cap: float
    objective: str
    drafts: list[dict[str, Any]]
    written: bool
    notes: list[str] = field(default_factory=list)
    # the joint fit the planner drew from, per factor: levels, their posts, and the
    # effects' mean and jackknife covariance on the log engagement rate (None: not
    # planned on it); what the report says the plan will reach rests on it
    joint_engagement: dict[str, dict[str, list[Any]]] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _column(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False), dtype=np.float64)


def _levels(posts: pa.Table, variants: pa.Table) -> dict[str, np.ndarray]:
    position = {item: i for i, item in enumerate(posts["item_id"].to_pylist())}
    out: dict[str, np.ndarray] = {}
    for item, factor, level in zip(*(variants[c].to_pylist() for c in
                                      ("item_id", "factor", "level")), strict=True):
        if item in position:
            if factor not in out:  # not setdefault: it would build an array for every row
                out[factor] = np.full(posts.num_rows, "", dtype=object)
            out[factor][position[item]] = level
    return {f: v.astype(str) for f, v in out.items()}


def _known(values: np.ndarray) -> int:
    return int((np.isfinite(values) & (values > 0)).sum())


def outcomes_from_tables(posts: pa.Table, variants: pa.Table) -> tuple[PostOutcomes, str]:
    """Per-post arrays for the engine. The exposure is impressions when they are known for
    at least as many posts as the followers at posting time, else the followers: one
    denominator for all, since a rate per impression is not a rate per follower; the posts
    without it are left out of the engagement rate (the analysis notes how many)."""
    impressions = _column(posts, "impressions")
    followers = _column(posts, "followers_at_post")
    if _known(impressions) and _known(impressions) >= _known(followers):
        exposure, kind = impressions, "impressions"
    else:
        exposure, kind = followers, "followers"
    micros = posts["created_at"].cast(pa.int64()).to_numpy(zero_copy_only=False)
    time = (micros - micros.min()) / _DAY_US if posts.num_rows else np.zeros(0)
    data = PostOutcomes(
        _levels(posts, variants), exposure, _column(posts, "engagements"),
        interest=_column(posts, "interest"), animosity=_column(posts, "animosity"),
        neutral=_column(posts, "neutral"), written=_column(posts, "written"),
        time=np.asarray(time, dtype=np.float64),
        matured=posts["matured"].to_numpy(zero_copy_only=False).astype(bool))
    return data, kind


def _context(posts: pa.Table, time: np.ndarray) -> dict[str, np.ndarray]:
    thirds = np.minimum((3 * time / max(float(np.ptp(time)), 1e-9)).astype(int), 2)
    names = np.array(["early", "middle", "late"])
    return {"(period)": names[thirds],
            "(account)": np.asarray(posts["account_id"].to_pylist(), dtype=str)}


# Why there is nothing to learn from; documents translate them (workflows.reporting).
NO_POSTS = "no brand posts in the workspace for this period"
NO_VARIANTS = "the brand's posts carry no variants"
NO_VARIANTS_HERE = "no brand post of this period carries variants (posts of other periods do)"


def _read(store: Store, period: str | None) -> tuple[pa.Table, pa.Table]:
    start, end = parse_period(period)
    posts = learn_posts(store, start, end, REACTION_WINDOW)
    if posts.num_rows == 0:
        raise NotFound(NO_POSTS,
                       hint=no_posts_hint(store))
    return posts, post_variants(store, start, end)


def learn(store: Store, period: str | None = None, metric: str = "interest",
          confidence: float = CONFIDENCE, seed: int = 0) -> LearnResult:
    """What each factor's levels did to engagement, interest, animosity and silence."""
    if metric not in METRICS:
        raise InputError(f"unknown metric '{metric[:40]}'",
                         hint=f"--metric is one of {', '.join(sorted(METRICS))}")
    posts, variants = _read(store, period)
    if variants.num_rows == 0:
        hint = ("tag posts with factor=level pairs: the variant column of an import, or "
                "`queue add --variant`")
        if period is not None and post_variants(store, *parse_period(None)).num_rows:
            raise NotFound(NO_VARIANTS_HERE, hint=hint)
        raise NotFound(NO_VARIANTS, hint=hint)
    data, kind = outcomes_from_tables(posts, variants)
    settings = LearnSettings(metric=metric, confidence=confidence, seed=seed)
    if metric == "engagement" and not engagement_measured(data, settings).any():
        raise InputError(NO_DENOMINATOR, hint=_NO_RATE_HINT.format(option="--metric"))
    time = data.time if data.time is not None else np.zeros(posts.num_rows)
    design = check_design(data.levels, context=_context(posts, time))
    confounded = {f: design.confounded_with(f) for f in data.levels}
    try:
        analysis = analyse_variants(data, settings, exposure_kind=kind, confounded=confounded)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    labelled = float((data.interest + data.animosity + data.neutral).sum())
    baseline = (float(data.animosity.sum()) + 0.5) / (labelled + 1.0) if labelled else None
    return LearnResult(analysis, design, int(data.written.sum()), int(labelled), baseline)


def _rate_effects(result: LearnResult, data: PostOutcomes
                  ) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]],
                             dict[str, tuple[np.ndarray, np.ndarray]]] | None:
    """Each factor's level effects on the log engagement rate, fitted jointly: with the
    model's covariance (the planner's objective, as validated in benchmarks/learn.py) and
    with the jackknife's (what the report's target rests on); None with too few posts."""
    names = [f.factor for f in result.analysis.factors]
    levels = {f.factor: [lv.level for lv in f.metric("engagement").levels]
              for f in result.analysis.factors}
    keep = np.isfinite(data.exposure) & (data.exposure > 0)
    for name in names:
        keep &= np.isin(data.levels[name], levels[name])
    if keep.sum() < 2 * sum(len(v) for v in levels.values()):
        return None
    indices = [(np.array([levels[n].index(v) for v in data.levels[n][keep]]), len(levels[n]))
               for n in names]
    time = data.time[keep] if data.time is not None else None
    y, e = data.engagements[keep], data.exposure[keep]
    effects = rate_effects(y, e, indices, time)
    spread = jackknife_covs(y, e, indices, time)
    return ({n: (effects.means[k], effects.covs[k]) for k, n in enumerate(names)},
            {n: (effects.means[k], spread[k]) for k, n in enumerate(names)})


def _joint(result: LearnResult, effects: dict[str, tuple[np.ndarray, np.ndarray]]
           ) -> dict[str, dict[str, list[Any]]]:
    """The joint fit as JSON: per factor, its levels, their posts, the mean and covariance."""
    out = {}
    for f in result.analysis.factors:
        mean, cov = effects[f.factor]
        levels = f.metric("engagement").levels
        out[f.factor] = {"levels": [lv.level for lv in levels],
                         "posts": [lv.posts for lv in levels],
                         "mean": mean.tolist(), "cov": cov.tolist()}
    return out


def _arms(result: LearnResult, effects: dict[str, tuple[np.ndarray, np.ndarray]] | None,
          objective: str) -> list[FactorArms]:
    """Each factor's arms: the joint fit's effects when there is one (``effects``), else
    learn's per-factor posteriors on ``objective``."""
    arms = []
    for f in result.analysis.factors:
        reward, risk = f.metric(objective), f.metric("animosity")
        levels = tuple(lv.level for lv in reward.levels)
        risk_a = np.array([lv.alpha for lv in risk.levels])
        risk_b = np.array([lv.beta for lv in risk.levels])
        if effects is not None:
            mean, cov = effects[f.factor]
            arms.append(FactorArms(f.factor, levels, mean, np.sqrt(np.diag(cov)), risk_a,
                                   risk_b, "normal", cov))
            continue
        arms.append(FactorArms(
            f.factor, levels, np.array([lv.alpha for lv in reward.levels]),
            np.array([lv.beta for lv in reward.levels]), risk_a, risk_b, reward.family))
    return arms


def _draft_text(variant: dict[str, str]) -> str:
    return placeholder(", ".join(f"{k}={v}" for k, v in sorted(variant.items())))


def _account_drafts(store: Store, account: str, proposals: tuple[Proposal, ...],
                    posts: pa.Table, now: datetime) -> list[dict[str, Any]]:
    mine = posts.filter(pc.equal(posts["account_id"], account))
    # the brand's usual hour, from posts that carry one: an export of dates alone
    # (LinkedIn's) stamps every post at midnight, which is no hour anyone posted at
    hours = [t.hour for t in mine["created_at"].to_pylist()
             if (t.hour, t.minute, t.second, t.microsecond) != (0, 0, 0, 0)]
    last = [now, *(t for t in mine["created_at"].to_pylist())]
    # on the coming days that no waiting post holds: a post queued for next year's
    # Black Friday takes its own day, not the months before it
    waiting = {t.date() for t in queued_drafts(store, account)["scheduled_at"].to_pylist()
               if t is not None}
    times = slot_times(max(last), [p.variant.get("slot") for p in proposals],
                       default_hour=int(np.median(hours)) if hours else 12, busy=waiting)
    return [{"account_id": account, "text": _draft_text(p.variant), "variant": p.variant,
             "scheduled_at": when, "risk": p.risk, "safe": p.safe, "notes": list(p.notes),
             "cautions": list(p.cautions)}
            for p, when in zip(proposals, times, strict=True)]


MAX_PLAN_POSTS = 200  # per account: a plan is redrawn as results come in


def _check_plan(posts: int, objective: str, cap: float | None) -> None:
    """Refuse what the planner cannot mean: the cap is a share, the objective a reward."""
    if not 1 <= posts <= MAX_PLAN_POSTS:
        raise InputError(f"--posts must be from 1 to {MAX_PLAN_POSTS}, not {posts}",
                         hint="plan a few weeks at a time: each plan learns from the "
                              "results of the last")
    if objective not in OBJECTIVES:
        raise InputError(f"unknown objective '{objective[:40]}'",
                         hint=f"--objective is one of {', '.join(OBJECTIVES)}")
    if cap is not None and not (math.isfinite(cap) and 0 < cap <= 1):
        raise InputError(f"the animosity cap must be a share of reactions above 0 and at "
                         f"most 1, not {cap:g}", hint="0.2 means 20% of labelled reactions")


def _objective(data: PostOutcomes, objective: str, fallback: bool) -> tuple[str, list[str]]:
    """The objective to plan on: engagement needs a denominator; without one, refuse, or
    (``fallback``) plan on interest and say so."""
    if objective != "engagement" or engagement_measured(data, LearnSettings()).any():
        return objective, []
    if not fallback:
        raise InputError(NO_DENOMINATOR, hint=_NO_RATE_HINT.format(option="--objective"))
    return "interest", [f"planned on interest instead of engagement: {NO_DENOMINATOR}"]


def _targets(store: Store, account: str | None) -> tuple[list[str], set[str], list[str]]:
    """Accounts to plan for, those of them drafts may be queued for, and why not the others.

    sounding publishes only to Bluesky and Mastodon: drafts for an imported X or LinkedIn
    account could never be sent. Without such an account the plan is still proposed.
    """
    rows = store.table("accounts").select(["account_id", "network"]).to_pylist()
    network = {r["account_id"]: r["network"] for r in rows}
    account = account_ref(account) if account is not None else None
    if account is not None and account not in network:
        raise NotFound(f"no account '{account}'", hint="see 'sounding account list'")
    publishable = [a for a, n in network.items() if n in PUBLISHABLE]
    chosen = [account] if account else (publishable or list(network))
    queue = {a for a in chosen if network[a] in PUBLISHABLE}
    notes = [f"no draft queued for {a}: sounding publishes only to Bluesky and Mastodon, "
             f"not {network[a]}" for a in chosen if a not in queue]
    return chosen, queue, notes


def _rotation_cap(arms: list[FactorArms], cap_multiple: float) -> float:
    """The share expected under rotation, not the posts' own share: a planner that has been
    posting a hostile level must not raise its own cap."""
    return default_cap(rotation_baseline(arms), cap_multiple)


def guardrail_cap(store: Store, period: str | None = None, cap_multiple: float = 1.5
                  ) -> float | None:
    """The animosity cap :func:`plan` sets, without planning (it rests on the animosity
    posteriors alone); None without any labelled reaction (a cap of 1.0 is a cap: a
    hostile enough baseline reaches it)."""
    result = learn(store, period)
    if result.baseline_animosity is None:
        return None
    return _rotation_cap(_arms(result, None, "interest"), cap_multiple)


def plan(store: Store, posts: int = 5, account: str | None = None, *,
         objective: str = "engagement", cap: float | None = None, cap_multiple: float = 1.5,
         period: str | None = None, seed: int | None = None, write: bool = True,
         now: datetime | None = None, fallback: bool = False) -> PlanResult:
    """Propose the next ``posts`` posts per account (or for ``account``); those for Bluesky
    and Mastodon accounts are written to the queue as drafts unless ``write`` is False."""
    _check_plan(posts, objective, cap)
    result = learn(store, period)
    table, variants = _read(store, period)
    data = outcomes_from_tables(table, variants)[0]
    objective, notes = _objective(data, objective, fallback)
    fits = _rate_effects(result, data) if objective == "engagement" else None
    effects, measured = (None, None) if fits is None else fits
    arms = _arms(result, effects, objective)
    if cap is None:
        if result.baseline_animosity is None:
            raise InputError("no labelled reactions: the animosity guardrail has no baseline",
                             hint="label reactions first, or give the cap explicitly")
        cap = _rotation_cap(arms, cap_multiple)
    chosen, queue, skipped = _targets(store, account)
    rng = np.random.default_rng(seed)
    drafts: list[dict[str, Any]] = []
    for acc in chosen:
        proposals = propose(arms, posts, rng, cap=cap)
        drafts += _account_drafts(store, acc, proposals, table, now or datetime.now(UTC))
    if write:
        at = [i for i, d in enumerate(drafts) if d["account_id"] in queue]
        for i, queue_id in zip(at, queue_drafts(store, [drafts[i] for i in at]), strict=True):
            drafts[i] = {**drafts[i], "queue_id": queue_id}
    drafts = [{**d, "scheduled_at": d["scheduled_at"].isoformat()} for d in drafts]
    return PlanResult(cap, objective, drafts, write and bool(queue), notes + skipped,
                      None if measured is None else _joint(result, measured))


def learn_op(store: Store, period: str | None = None, metric: str = "interest"
             ) -> dict[str, Any]:
    """The 'learn' operation: :func:`learn` as a JSON-ready dict."""
    return learn(store, period, metric).as_dict()


def plan_op(store: Store, posts: int = 5, account: str | None = None,
            objective: str = "engagement", cap: float | None = None) -> dict[str, Any]:
    """The 'plan' operation: :func:`plan` as a JSON-ready dict (drafts are written)."""
    return plan(store, posts, account, objective=objective, cap=cap).as_dict()
