"""The test-and-learn view: levels' posteriors per factor, verdicts, design, the next plan."""

from __future__ import annotations

from typing import Any

from sounding.analyse.verdict_texts import NO_DENOMINATOR
from sounding.errors import InputError, NotFound
from sounding.report.views import Params, view
from sounding.report.views_refusals import Refused, choice, page_hint, page_period
from sounding.store import Store
from sounding.store.learn_reads import learn_posts
from sounding.workflows import queue_view
from sounding.workflows.kpis import REACTION_WINDOW, parse_period
from sounding.workflows.learn import OBJECTIVES, learn, plan

__all__ = ["METRICS", "learn_view"]

METRICS = ("interest", "engagement", "animosity", "ignored")
_PLAN_POSTS = 5


def _level(row: dict[str, Any], scale: float) -> dict[str, Any]:
    return {"level": row["level"], "posts": row["posts"], "n": row["n"],
            "mean": row["mean"] * scale, "low": row["low"] * scale,
            "high": row["high"] * scale, "p_best": row["p_best"],
            "expected_loss": row["expected_loss"] * scale}


def _factor(row: dict[str, Any], metric: str) -> dict[str, Any]:
    """One factor's levels on ``metric``, in display units: points (%) or per 1,000."""
    chosen = row["metrics"][metric]
    scale, unit = (100.0, "pts") if chosen["family"] == "beta" else (1000.0, "per_1000")
    levels = [_level(lv, scale) for lv in chosen["levels"]]
    best = max(levels, key=lambda lv: lv["p_best"]) if levels else None
    return {"factor": row["factor"], "metric": metric, "family": chosen["family"],
            "unit": unit, "higher_is_better": chosen["higher_is_better"],
            "levels": levels, "leader": best["level"] if best else None,
            "verdict": row["verdict"]}


def _proposal(store: Store, period: str | None, objective: str, labelled: int
              ) -> dict[str, Any]:
    """The planner's next posts, computed without writing drafts to the queue (on interest,
    with a note, when the engagement rate has no denominator). Without a labelled reaction
    the guardrail has no baseline: the page says so by the data, in its reader's words."""
    try:
        if not labelled:
            raise Refused("no_baseline")
        result = plan(store, _PLAN_POSTS, objective=objective, period=period, seed=0,
                      write=False, fallback=True).as_dict()
    except (InputError, NotFound) as exc:
        return {**refusal(exc), "drafts": [], "cap": None, "objective": objective}
    return {**refusal(None), **result}


def refusal(exc: InputError | NotFound | None) -> dict[str, Any]:
    """What the page says when the analysis cannot run: a key the page translates for the
    refusals it knows (the workflows word theirs for the command line, flags and all)."""
    if exc is None:
        return {"error": None, "hint": "", "error_key": None}
    known = (exc if isinstance(exc, Refused)
             else Refused("no_rate") if str(exc) == NO_DENOMINATOR else None)
    if known is None:  # words of a workflow: shown as they are, without a command's hint
        return {"error": str(exc), "hint": page_hint(exc.hint), "error_key": None}
    return {"error": str(known), "hint": "", "error_key": known.key,
            "error_values": known.values}


def _absent(store: Store, period: str | None) -> Refused:
    """Why the analysis found nothing to compare (the workflow's NotFound, worded for the
    command line): no brand post in the period, or posts without variants."""
    start, end = parse_period(period)
    empty = learn_posts(store, start, end, REACTION_WINDOW).num_rows == 0
    return Refused("no_posts" if empty else "no_variants")


def _queued(store: Store) -> list[dict[str, Any]]:
    rows = [r for r in queue_view.list_queue(store) if r["status"] == "draft"]
    return [{"queue_id": r["queue_id"], "account_id": r["account_id"], "text": r["text"],
             "variant": r["variant"]} for r in rows]


@view("learn", warm=tuple({"metric": m} if m != "interest" else {} for m in METRICS),
      reads=("period", "metric"))
def learn_view(store: Store, params: Params) -> dict[str, Any]:
    """What each factor's levels did on one metric, what the data say, what to post next."""
    period = page_period(params.get("period"))
    metric = choice(params, "metric", METRICS) or "interest"
    base = {"period": (params.get("period") or "").strip(), "metric": metric,
            "metrics": list(METRICS), "queued": _queued(store)}
    try:
        result = learn(store, period or None, metric=metric).as_dict()
    except (NotFound, InputError) as exc:  # e.g. engagement with no denominator
        failed = _absent(store, period or None) if isinstance(exc, NotFound) else exc
        return {**base, **refusal(failed), "factors": [], "verdicts": [],
                "design": {"warnings": [], "issues": [], "posts_per_level": {},
                           "pairs": []},
                "notes": [], "plan": None}
    analysis = result["analysis"]
    objective = metric if metric in OBJECTIVES else "engagement"
    return {**base, **refusal(None), "posts": result["posts"],
            "reactions": result["reactions"], "labelled": result["labelled"],
            "baseline_animosity": result["baseline_animosity"],
            "exposure_kind": analysis["exposure_kind"],
            "trend_per_30_days": analysis["trend_per_30_days"],
            "observational": analysis["observational"], "notes": list(analysis["notes"]),
            "verdicts": result["verdicts"],
            "factors": [_factor(f, metric) for f in analysis["factors"]],
            "design": result["design"],
            "plan": _proposal(store, period or None, objective, result["labelled"])}
