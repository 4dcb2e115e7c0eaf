"""The evidence dict: every figure of a report or strategy, formatted once, with its anchor.

Built from the report data (``workflows.reporting.report_data``) and the targets; the
executive report, its JSON twin and the strategy draft are all rendered from it and from
nothing else (one data dict per view). Figures are strings already formatted for the
document's language; ``charts`` holds the raw numbers the SVG charts are drawn from.
"""

from __future__ import annotations

from typing import Any

from sounding.analyse.rates import JACKKNIFE_GROUPS
from sounding.analyse.representation import MIN_COUNT
from sounding.analyse.variants import CONFIDENCE
from sounding.report.evidence_joint import joint_rows
from sounding.report.evidence_parts import (
    channels,
    communities,
    factors,
    pillars,
    plan_rows,
    reason_text,
    risk_levels,
    segments,
)
from sounding.report.i18n_report import Fmt
from sounding.report.targets import (
    LIFT_CHECK,
    LIFT_EXPONENT,
    MIN_RECENT_POSTS,
    MIN_RECENT_REACTIONS,
    PROBABILITY,
    QUARTER_DAYS,
    Target,
    joint_fit,
    joint_leaders,
    quarter_posts,
    targets,
)
from sounding.workflows.reporting import RECENT_WEEKS

__all__ = ["MIN_PRECISION", "THIN", "build_evidence", "thin_width"]

SUMMARY_HOSTILE = 3  # hostile communities named on page one, the others counted
THIN = 0.25  # an interval's half-width above this share of the value: too thin to steer by
MIN_PRECISION = 0.10  # the precision we say how many posts would reach


def _why(fmt: Fmt, t: Target) -> str:
    """Why a KPI has no target, in full ('' when nothing stands in its way)."""
    if t.reason in ("behind_period", "behind_recent"):
        missed = t.value if t.reason == "behind_period" else t.recent
        return fmt.t(f"why_{t.reason}", value=_show(fmt, t.kpi, missed),
                     weeks=fmt.count(RECENT_WEEKS),
                     reached=_show(fmt, t.kpi, t.reached), p=fmt.pct(PROBABILITY, 0),
                     direction=fmt.t("at_least" if t.higher_is_better else "at_most"))
    return fmt.t(f"why_{t.reason}", p=fmt.pct(CONFIDENCE, 0)) if t.reason else ""


def thin_width(value: float | None, low: float | None, high: float | None) -> float | None:
    """An interval's half-width relative to its value (None without an interval). A value
    of 0 has no relative width: the interval's midpoint stands in for it, so an interval
    reaching up from 0 reads as ±100%, too thin to tell the level from none."""
    if value is None or low is None or high is None:
        return None
    ref = value or (low + high) / 2
    return (high - low) / 2 / ref if ref > 0 else None


def _thin_note(fmt: Fmt, t: Target, posts: int) -> str:
    """'Too thin to steer by' and the posts that would bring the estimate to
    ±``MIN_PRECISION``, when its interval is wider than ±``THIN`` of its value, target
    or not ('' otherwise)."""
    rel = thin_width(t.value, t.low, t.high)
    if rel is None or rel <= THIN:
        return ""
    more = max(1, round(posts * ((rel / MIN_PRECISION) ** 2 - 1)))
    return fmt.t("thin_kpi", more=fmt.count(more), precision=fmt.pct(MIN_PRECISION, 0),
                 one=fmt.one(more))


def _no_target(fmt: Fmt, t: Target) -> str:
    """Why there is no target, in a few words ('' when there is one)."""
    if t.target is not None or not t.reason:
        return ""
    return fmt.t(f"short_{t.reason}", weeks=fmt.count(RECENT_WEEKS))


def _recent(fmt: Fmt, t: Target) -> str:
    """The last 4 weeks' value, or why there is none (the minimum it needs, stated)."""
    if t.recent_none == "same":
        return fmt.t("recent_same", weeks=fmt.count(RECENT_WEEKS))
    if t.recent_none == "thin":
        shares = t.kpi in ("interest_share", "animosity_share")
        return fmt.t("recent_thin", basis=fmt.t(
            f"basis_{t.kpi}" if shares else "basis_ignored_share",
            n=fmt.count(MIN_RECENT_REACTIONS if shares else MIN_RECENT_POSTS)))
    return _show(fmt, t.kpi, t.recent)


def _show(fmt: Fmt, kpi: str, value: float | None) -> str:
    return fmt.pct(value, 1)


def _modelled(fmt: Fmt, found: dict[str, Target], posts: int, period: str
              ) -> list[dict[str, str]]:
    rows = []
    for key, t in found.items():
        rows.append({
            "key": key, "name": fmt.t(f"kpi_{key}"), "definition": fmt.t(f"def_{key}"),
            "value": _show(fmt, key, t.value), "period": period,
            "recent": _recent(fmt, t), "recent_is_value": "yes" if t.recent is not None else "",
            "interval": (fmt.interval(_show(fmt, key, t.low), _show(fmt, key, t.high))
                         if t.low is not None and t.high is not None else ""),
            "basis": fmt.t(f"basis_{key}", n=fmt.count(t.basis), one=fmt.one(t.basis)),
            "target": _show(fmt, key, t.target) if t.target is not None else "",
            "direction": fmt.t("at_least" if t.higher_is_better else "at_most"),
            "no_target": _no_target(fmt, t), **_thin_parts(fmt, t, posts)})
    return rows


def _thin_parts(fmt: Fmt, t: Target, posts: int) -> dict[str, str]:
    """``why`` (no target, in full), ``thin_note`` (too thin to steer by) and ``thin``,
    the two together: what the body of a document says beside the KPI."""
    why, note = _why(fmt, t), _thin_note(fmt, t, posts)
    return {"why": why, "thin_note": note, "thin": " ".join(filter(None, (why, note)))}


def _plain_kpis(fmt: Fmt, k: dict[str, Any], period: str) -> list[dict[str, str]]:
    growth = sum(f["growth"] for f in k["followers"].values()) if k["followers"] else None
    values = {"posts": fmt.count(k["posts"]), "engagements": fmt.count(k["engagements"]),
              "reply_rate": fmt.num(k["reply_rate"], 2),
              "reactions": fmt.count(k["reactions"]),
              "reactions_labelled": fmt.count(k["reactions_labelled"]),
              "follower_growth": fmt.count(growth),
              "impressions": fmt.count(k["impressions"]),
              "engagement_rate_per_impression": fmt.pct(k["engagement_rate_per_impression"])}
    return [{"key": key, "name": fmt.t(f"kpi_{key}"), "definition": fmt.t(f"def_{key}"),
             "value": value, "period": period} for key, value in values.items()]


def _followers(fmt: Fmt, k: dict[str, Any]) -> list[dict[str, str]]:
    return [{"account": account, "network": f["network"], "start": fmt.count(f["start"]),
             "end": fmt.count(f["end"]), "growth": fmt.count(f["growth"]),
             "growth_pct": fmt.num(f["growth_pct"], 0) if f["growth_pct"] is not None else ""}
            for account, f in sorted(k["followers"].items())]


def _method(fmt: Fmt, data: dict[str, Any]) -> dict[str, str]:
    joint = joint_fit(data) is not None
    return {"joint_rule": _joint_rule(fmt) if joint else "",
            "interval": fmt.pct(0.95, 0), "probability": fmt.pct(PROBABILITY, 0),
            "quantile_low": fmt.pct(1 - PROBABILITY, 0), "quantile_high": fmt.pct(PROBABILITY, 0),
            "quarter_days": fmt.count(QUARTER_DAYS), "thin": fmt.pct(THIN, 0),
            "groups": fmt.count(JACKKNIFE_GROUPS), "confidence": fmt.prob(CONFIDENCE),
            "precision": fmt.pct(MIN_PRECISION, 0), "min_count": fmt.count(MIN_COUNT),
            "recent_weeks": fmt.count(RECENT_WEEKS), "par_index": fmt.count(100),
            "recent_rule": fmt.t("recent_rule", weeks=fmt.count(RECENT_WEEKS),
                                 posts=fmt.t("basis_ignored_share",
                                             n=fmt.count(MIN_RECENT_POSTS)),
                                 reactions=fmt.t("basis_interest_share",
                                                 n=fmt.count(MIN_RECENT_REACTIONS)))}


def _joint_rule(fmt: Fmt) -> str:
    full, kept = LIFT_CHECK["full"], LIFT_CHECK["credited"]
    return fmt.t("target_method_joint", p=fmt.pct(CONFIDENCE, 0), groups=fmt.count(
        JACKKNIFE_GROUPS), share=fmt.pct(LIFT_EXPONENT, 0), full_low=fmt.pct(full[0], 0),
        full_high=fmt.pct(full[1], 0), kept_low=fmt.pct(kept[0], 0),
        kept_high=fmt.pct(kept[1], 0))


def _joint_differs(fmt: Fmt, data: dict[str, Any]) -> str:
    """The factors whose engagement leader differs between learn's per-factor table and
    the planner's joint fit, listed (the plan follows the joint fit); '' when none does."""
    if not data["learn"].get("ok"):
        return ""
    table = {f["factor"]: f["verdicts"]["engagement"]["leader"]
             for f in data["learn"]["analysis"]["factors"] if "engagement" in f["verdicts"]}
    items = [fmt.t("joint_differs_item", factor=factor, table=table[factor], joint=leader,
                   p=fmt.prob(p))
             for factor, (leader, p) in joint_leaders(data).items()
             if factor in table and table[factor] != leader]
    return fmt.t("plan_joint_differs", items=fmt.t("list_sep").join(items)) if items else ""


def _communities(fmt: Fmt, data: dict[str, Any]) -> dict[str, Any]:
    """The communities tabled, the hostile ones beyond them, every hostile one (for the
    summary), the cap they were judged against and their counts."""
    # the communities cover all data: their cap is the one over all data, not the period's
    cap = data["actors"]["cap"] if data["actors"].get("ok") else None
    shown, elsewhere = communities(fmt, data["actors"], cap)
    checked = len(data["actors"]["communities"]) if data["actors"].get("ok") else 0
    hostile = [c for c in shown if c["hostile"] == "yes"] + elsewhere
    more = max(len(hostile) - SUMMARY_HOSTILE, 0)
    listed = ", ".join(fmt.t("community_animosity", community=c["community"], size=c["size"],
                             animosity=c["animosity"], reactions=c["reactions"])
                       for c in elsewhere)
    return {"communities": shown, "hostile_elsewhere": elsewhere, "hostile_all": hostile,
            "hostile_elsewhere_text": listed,
            "community_cap": fmt.pct(cap) if cap is not None else "",
            "community_counts": {"checked": fmt.count(checked),
                                 "checked_one": "yes" if fmt.one(checked) else "",
                                 "shown": fmt.count(len(shown)),
                                 "elsewhere": fmt.count(len(elsewhere)),
                                 "elsewhere_one": "yes" if fmt.one(len(elsewhere)) else "",
                                 "hostile": fmt.count(len(hostile)),
                                 "hostile_more": fmt.count(more),
                                 "hostile_more_one": "yes" if fmt.one(more) else ""}}


def _charts(data: dict[str, Any], found: dict[str, Target]) -> dict[str, Any]:
    return {"weekly": data["weekly"],
            "kpis": {k: {"value": t.value, "low": t.low, "high": t.high, "target": t.target,
                         "recent": t.recent}
                     for k, t in found.items()}}


def _quotes(data: dict[str, Any]) -> list[dict[str, str]]:
    return [{"label": q["label"], "network": q["network"], "date": q["created_at"][:10],
             "author": q["author"], "text": q["text"]} for q in data["quotes"]]


def build_evidence(data: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """The evidence dict of one workspace's report data, in ``lang``."""
    learned = data["learn"].get("analysis") if data["learn"].get("ok") else None
    exposure = learned["exposure_kind"] if learned else "followers"
    fmt = Fmt(lang, exposure)
    p, whole = data["period"], data["all_data"]
    period = fmt.t("period_range", start=p["start"], end=p["end"])
    everything = fmt.t("period_range", start=whole["start"], end=whole["end"])
    k = data["kpis"]
    found = targets(data)
    modelled = _modelled(fmt, found, int(k["posts"]), period)
    # a plan drafted without the guardrail (no labelled reaction) has no cap
    cap = data["plan"]["cap"] if data["plan"].get("ok") and data["plan"]["guardrail"] else None
    # no reply, quote or mention in the period: the reaction shares are not measured
    silent = not k["reactions"]
    ev: dict[str, Any] = {
        "lang": lang, "exposure": exposure, "period": period, "period_all": everything,
        "brand": ", ".join(a["account_id"] for a in data["accounts"]) or fmt.t("na"),
        "pseudonymised": bool(data["pseudonymised"]), "method": _method(fmt, data),
        "kpis": modelled, "counts": _plain_kpis(fmt, k, period),
        "followers": _followers(fmt, k),
        "posts_by_network": {n: fmt.count(c) for n, c in sorted(k["posts_by_network"].items())},
        "quarter_posts": fmt.count(quarter_posts(data)),
        "silent": silent,
        "factors": factors(fmt, data["learn"], silent), "segments": segments(fmt, data["segments"]),
        "charts": _charts(data, found), "quotes": _quotes(data),
    }
    # a silent period's shares would be the prior's: no pillar or hotspot rests on them
    ev["pillars"] = [] if silent else pillars(fmt, data["learn"], cap)
    ev["risk_levels"] = [] if silent else risk_levels(fmt, data["learn"], cap)
    ev.update(_communities(fmt, data))
    ev["channels"] = channels(fmt, data, cap)
    ev["plan"] = plan_rows(fmt, data["plan"])
    ev["joint_differs"] = _joint_differs(fmt, data)
    ev["joint"] = joint_rows(fmt, data)
    ev["learn_note"] = reason_text(fmt, data["learn"])
    ev["segments_note"] = reason_text(fmt, data["segments"])
    return ev
