"""Parts of the evidence dict: variants, pillars, risks, segments, channels, communities, plan.

Each function turns one analysis of the report data into rows of formatted strings, with
the rule it applied stated beside the figures it applied it to.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sounding.analyse.decide import MIN_REPLICATES
from sounding.analyse.representation import MIN_COUNT
from sounding.analyse.segment_words import cluster_description, segment_label
from sounding.analyse.segments import STANDINGS, by_standing, uncompared
from sounding.analyse.verdict_texts import METRICS, confounders, more_posts_text, with_data
from sounding.report.i18n_report import Fmt
from sounding.report.targets import dispersion

__all__ = ["MIN_JUDGED_REACTIONS", "SHOWN_COMMUNITIES", "anchor", "channels", "communities",
           "factors", "pillars", "plan_rows", "reason_text", "risk_levels", "segments"]

SHOWN_COMMUNITIES = 8  # the largest communities, tabled
# a community's animosity share is judged against the cap only on this many labelled
# reactions: below it, one or two replies make the share (a handful at 50%)
MIN_JUDGED_REACTIONS = 10
_SHOWN = ("interest", "engagement", "animosity", "ignored")
# measured on replies, quotes and mentions: without any in the period, only the prior speaks
_REACTION_METRICS = ("interest", "animosity")


def anchor(*parts: str) -> str:
    """A safe HTML id / markdown anchor from free text: its letters (any script) and
    digits, dashes between; where that changed the text, a short hash of it follows, so
    two names that differ only in what was dropped (``cta 1``, ``cta-1``) keep two ids."""
    text = "-".join(parts).lower()
    slug = re.sub(r"[\W_]+", "-", text).strip("-")
    if slug != text:
        slug += "-" + hashlib.sha256(text.encode()).hexdigest()[:6]
    return f"ev-{slug}"


def reason_text(fmt: Fmt, part: dict[str, Any]) -> str:
    """Why an analysis of the report data did not run, in the document's language: a
    known reason translated, another one after a translated sentence ('' when it ran)."""
    if part.get("ok"):
        return ""
    code = part.get("code") or ""
    if code:
        return fmt.t(f"reason_{code}")
    return fmt.t("reason_other", detail=part.get("reason", ""))


def _metric(fmt: Fmt, metric: str, value: float) -> str:
    if metric == "engagement":
        return fmt.num(METRICS[metric][1] * value, 1)
    return fmt.pct(value, 1)


def _level(fmt: Fmt, factor: dict[str, Any], i: int, silent: bool) -> dict[str, str]:
    """One level's row; a metric the analysis left out (the engagement rate without a
    follower count or impressions), or a reaction share of a period without any reaction
    (``silent``: the estimate would be the prior's), is n/a."""
    first = factor["metrics"]["interest"]["levels"][i]
    row = {"level": first["level"], "posts": fmt.count(first["posts"])}
    for metric in _SHOWN:
        if metric not in factor["metrics"] or (silent and metric in _REACTION_METRICS):
            row[metric], row[f"{metric}_ci"] = fmt.t("na"), ""
            row[f"{metric}_p_best"] = ""
            continue
        lv = factor["metrics"][metric]["levels"][i]
        row[metric] = _metric(fmt, metric, lv["mean"])
        row[f"{metric}_ci"] = fmt.interval(_metric(fmt, metric, lv["low"]),
                                           _metric(fmt, metric, lv["high"]))
        row[f"{metric}_p_best"] = fmt.prob(lv["p_best"])
    return row


def _verdict(fmt: Fmt, v: dict[str, Any], silent: bool = False) -> str:
    if silent and v["metric"] in _REACTION_METRICS:
        return fmt.t("verdict_silent", factor=v["factor"], metric=fmt.t(f"on_{v['metric']}"))
    unit = fmt.t("unit_pts") if METRICS[v["metric"]][2] == "pts" else fmt.t("unit_per_k")
    values = {"factor": v["factor"], "leader": v["leader"], "runner": v["runner_up"],
              "metric": fmt.t(f"on_{v['metric']}"), "p": fmt.prob(v["p_best"]),
              "diff": fmt.num(v["diff"], 1, signed=True), "unit": unit,
              "ci": fmt.interval(fmt.num(v["low"], 1), fmt.num(v["high"], 1)),
              "more": more_posts_text(v["more_posts"], fmt.lang), "level": fmt.pct(0.95, 0),
              "about": confounders(v, fmt.lang), "min": MIN_REPLICATES,
              "with_data": with_data(v["metric"], fmt.lang)}
    key = v.get("reason") or ("decided" if v["decided"] else
                              "open" if v["more_posts"] else "even")
    return fmt.t(f"verdict_{key}", **values)


def factors(fmt: Fmt, learn: dict[str, Any], silent: bool = False) -> list[dict[str, Any]]:
    """Per factor: its verdict and every level's four metrics with intervals (``silent``:
    no reaction in the period, so the reaction shares are said to be unmeasured)."""
    if not learn.get("ok"):
        return []
    out = []
    for f in learn["analysis"]["factors"]:
        v = f["verdict"]
        levels = [_level(fmt, f, i, silent)
                  for i in range(len(f["metrics"]["interest"]["levels"]))]
        out.append({"factor": f["factor"], "anchor": anchor("factor", f["factor"]),
                    "verdict": _verdict(fmt, v, silent), "decided": v["decided"],
                    "leader": v["leader"], "more_posts": more_posts_text(v["more_posts"], fmt.lang),
                    "levels": levels,
                    "chart": [{"level": lv["level"], "mean": lv["mean"], "low": lv["low"],
                               "high": lv["high"]} for lv in f["metrics"]["interest"]["levels"]]})
    return out


def _ranked(learn: dict[str, Any], metric: str) -> list[tuple[str, dict[str, Any]]]:
    rows = [(f["factor"], lv) for f in learn["analysis"]["factors"]
            for lv in f["metrics"][metric]["levels"]]
    return sorted(rows, key=lambda r: -r[1]["mean"])


def pillars(fmt: Fmt, learn: dict[str, Any], cap: float | None) -> list[dict[str, str]]:
    """Winning levels: each factor's leader, and the topics ranked, unless above the cap."""
    if not learn.get("ok"):
        return []
    out = []
    for f in learn["analysis"]["factors"]:
        v = f["verdict"]
        ani = {lv["level"]: lv for lv in f["metrics"]["animosity"]["levels"]}
        lead = next(lv for lv in f["metrics"][v["metric"]]["levels"] if lv["level"] == v["leader"])
        hostile = cap is not None and ani[v["leader"]]["mean"] > cap and _judged(ani[v["leader"]])
        out.append({"factor": f["factor"], "level": v["leader"], "anchor": anchor("factor",
                                                                                  f["factor"]),
                    "metric": fmt.t(f"on_{v['metric']}"),
                    "value": _metric(fmt, v["metric"], lead["mean"]),
                    "ci": fmt.interval(_metric(fmt, v["metric"], lead["low"]),
                                       _metric(fmt, v["metric"], lead["high"])),
                    "p_best": fmt.prob(v["p_best"]),
                    "animosity": fmt.pct(ani[v["leader"]]["mean"]),
                    "status": "hostile" if hostile else (
                        "proven" if v["decided"] else v.get("reason")
                        or ("lead" if v["more_posts"] else "even")),
                    "more_posts": more_posts_text(v["more_posts"], fmt.lang),
                    "about": confounders(v, fmt.lang), "min": MIN_REPLICATES,
                    "with_data": with_data(v["metric"], fmt.lang)})
    return out


def _judged(level: dict[str, Any]) -> bool:
    """Whether a level's animosity rests on enough labelled reactions to be judged against
    the cap (the communities' rule): without them its share is the prior's."""
    return float(level.get("n", 0)) >= MIN_JUDGED_REACTIONS


def risk_levels(fmt: Fmt, learn: dict[str, Any], cap: float | None) -> list[dict[str, str]]:
    """Levels whose animosity is above the cap on at least ``MIN_JUDGED_REACTIONS``
    labelled reactions (or the three most hostile of those, each said to be below the cap
    only when its whole interval is); a level with fewer is never ranked."""
    if not learn.get("ok"):
        return []
    ranked = [r for r in _ranked(learn, "animosity") if _judged(r[1])]
    over = [r for r in ranked if cap is not None and r[1]["mean"] > cap]
    return [{"factor": factor, "level": lv["level"], "anchor": anchor("factor", factor),
             "animosity": fmt.pct(lv["mean"]),
             "ci": fmt.interval(fmt.pct(lv["low"]), fmt.pct(lv["high"])),
             "posts": fmt.count(lv["posts"]), "posts_one": "yes" if fmt.one(lv["posts"]) else "",
             "over_cap": _against(lv, cap)} for factor, lv in (over or ranked[:3])]


def _against(level: dict[str, Any], cap: float | None) -> str:
    """'yes' above the cap, 'no' below it (the whole interval), 'unsure' otherwise: a level
    whose interval reaches above the cap is not shown to be below it; 'no_cap' without
    a cap (no labelled reaction to set it)."""
    if cap is None:
        return "no_cap"
    if level["mean"] > cap:
        return "yes"
    return "no" if level["high"] < cap else "unsure"


def _activity(fmt: Fmt, act: dict[str, Any]) -> tuple[str, str]:
    if act["rate"] is None:
        return fmt.t("na"), ""
    return fmt.num(act["rate"], 2), fmt.interval(fmt.num(act["low"], 2), fmt.num(act["high"], 2))


def _segment_words(fmt: Fmt, s: dict[str, Any]) -> tuple[str, str]:
    """A segment's title and description for a reader: sounding's own segments by their
    label in the reader's language (never ids such as ``lang_en``), a cluster described
    by its traits, a person's rule by its name and the label they gave it."""
    source = s.get("source", "rule")
    if source == "rule":
        return s["name"], (s["label"] if s["label"] != s["name"] else "")
    title = segment_label(s["name"], s["label"], source, fmt.lang)
    return title, cluster_description(s["about"], fmt.lang) if s.get("about") else ""


def _standing(s: dict[str, Any], standing: dict[str, str]) -> str:
    """Where a segment stands, as the rankings put it (``standing``, from
    :func:`by_standing`); else too small, or the customer base (its index, the share of
    the engaged actors who are customers, compares nothing)."""
    found = standing.get(s["name"], "")
    why = uncompared(s)
    if not found and why:  # before its size: never ranked
        return why
    return found or "too_small"


def segments(fmt: Fmt, report: dict[str, Any]) -> list[dict[str, str]]:
    """Segments in the order of the rankings (best represented, on par, under-represented,
    each by index), then those not ranked; ``rankable`` says whether the rankings hold it."""
    if not report.get("ok"):
        return []
    standings = by_standing(report["rankings"])
    order = {n: i for i, n in enumerate(standings)}
    rows = sorted(report["segments"], key=lambda s: order.get(s["name"], len(order)))
    out = []
    for s in rows:
        rep, mix = s["representation"], s["reaction_mix"]
        standing = _standing(s, standings)
        activity, activity_ci = _activity(fmt, s["activity"])
        title, label = _segment_words(fmt, s)
        out.append({"name": title, "label": label,
                    "full": f"{title} ({label})" if label else title,
                    "size": fmt.count(s["size"]), "share": fmt.pct(s["share"]),
                    "activity": activity, "activity_ci": activity_ci,
                    "interest": fmt.pct(mix["interest"]), "animosity": fmt.pct(mix["animosity"]),
                    "index": fmt.num(rep["index"], 0),
                    # no index (no customer in it): its interval would span anything
                    "index_ci": (fmt.interval(fmt.num(rep["low"], 0), fmt.num(rep["high"], 0))
                                 if rep["index"] is not None else ""),
                    "rankable": "yes" if standing in STANDINGS else "no", "standing": standing,
                    "note": ("" if standing in STANDINGS
                             else fmt.t(standing, n=fmt.count(MIN_COUNT))),
                    "index_value": rep["index"], "low_value": rep["low"],
                    "high_value": rep["high"]})
    return out


def _channel_rule(growth: int | None, share_growth: float | None, share_posts: float,
                  interest: tuple[float, float] | None, overall: float | None,
                  animosity: float | None, cap: float | None) -> tuple[str, str]:
    """(decision, reason): a channel is dropped or grown only on figures that are known;
    unknown follower growth leaves it undecided, unknown interest never grows it, and an
    ``interest`` interval holding the brand's share is a tie, neither more nor less."""
    if cap is not None and animosity is not None and animosity > cap:
        return "drop", "animosity"
    if growth is None:
        return "undecided", "no_growth"
    if growth <= 0:
        return "drop", "no_follower"
    if share_growth is None or share_growth < share_posts:
        return "keep", "less_growth"
    if interest is None or overall is None:
        return "keep", "no_interest"
    low, high = interest
    if low > overall:
        return "grow", "grow"
    return ("keep", "less_interest") if high < overall else ("keep", "interest_tie")


def _share_ci(k: int, n: int, phi: float) -> tuple[float, float] | None:
    """A 95% interval of ``k`` out of ``n`` (Jeffreys, counts divided by the over-dispersion
    ``phi`` as the KPIs' baselines are), None without any."""
    from scipy.stats import beta as beta_dist  # type: ignore[import-untyped]

    if not n:
        return None
    low, high = beta_dist.ppf([0.025, 0.975], k / phi + 0.5, (n - k) / phi + 0.5)
    return float(low), float(high)


def channels(fmt: Fmt, data: dict[str, Any], cap: float | None) -> list[dict[str, str]]:
    """Each network: posts, follower growth (where its accounts' follower counts are
    known), the period's reaction mix on it with the interest share's interval, and keep /
    grow / drop, or undecided and what would decide it."""
    k = data["kpis"]
    by_seg = ({s["name"]: s for s in data["segments"]["segments"]}
              if data["segments"].get("ok") else {})
    total_posts = max(k["posts"], 1)
    total_growth = sum(f["growth"] for f in k["followers"].values())
    overall, phi = k["reaction_shares"]["interest"], dispersion(data, "interest")
    out = []
    for network, posts in sorted(k["posts_by_network"].items()):
        counted = [f["growth"] for f in k["followers"].values() if f["network"] == network]
        growth = sum(counted) if counted else None
        share = growth / total_growth if growth is not None and total_growth > 0 else None
        seg = by_seg.get(f"network_{network}")
        mix = data.get("reactions_by_network", {}).get(network, {})
        n = sum(mix.values())
        interest = mix.get("interest", 0) / n if n else None
        animosity = mix.get("animosity", 0) / n if n else None
        ci = _share_ci(mix.get("interest", 0), n, phi)
        rule, why = _channel_rule(growth, share, posts / total_posts, ci, overall, animosity,
                                  cap)
        out.append({"network": network, "posts": fmt.count(posts),
                    "posts_share": fmt.pct(posts / total_posts), "growth": fmt.count(growth),
                    "growth_share": fmt.pct(share),
                    "interest": fmt.pct(interest),
                    "interest_ci": fmt.interval(fmt.pct(ci[0]), fmt.pct(ci[1])) if ci else "",
                    "brand_interest": fmt.pct(overall), "animosity": fmt.pct(animosity),
                    "index": fmt.num(seg["representation"]["index"], 0) if seg else fmt.t("na"),
                    "decision": rule, "decision_text": fmt.t(f"channel_{rule}"),
                    "why": fmt.t(f"channel_why_{why}")})
    return out


def communities(fmt: Fmt, amap: dict[str, Any], cap: float | None
                ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The largest communities (hostile ones, animosity above the cap on at least
    ``MIN_JUDGED_REACTIONS`` labelled reactions, flagged), and every smaller community
    above the cap: all are checked, only the largest are tabled."""
    if not amap.get("ok"):
        return [], []
    rows = []
    for c in amap["communities"]:
        ani = c["reaction_mix"].get("animosity")
        langs = ", ".join(f"{k} {fmt.pct(v, 0)}" for k, v in list(c["languages"].items())[:3])
        rows.append({"community": fmt.t("community_name", n=fmt.count(c["community"])),
                     "size": fmt.count(c["size"]), "languages": langs,
                     "interest": fmt.pct(c["reaction_mix"].get("interest")),
                     "animosity": fmt.pct(ani), "top_actors": ", ".join(c["top_actors"][:3]),
                     "reactions": fmt.count(c.get("reactions", 0)),
                     "hostile": "yes" if cap is not None and ani is not None and ani > cap
                     and c.get("reactions", 0) >= MIN_JUDGED_REACTIONS else "no"})
    return rows[:SHOWN_COMMUNITIES], [r for r in rows[SHOWN_COMMUNITIES:] if r["hostile"] == "yes"]


def plan_rows(fmt: Fmt, plan: dict[str, Any]) -> dict[str, Any]:
    """Next quarter's first tests as proposed by the planner (nothing is queued), with the
    drafts the guardrail flagged counted, so no reader takes every draft for a safe one.
    Without the guardrail (no labelled reaction) there is no cap, and none is shown."""
    if not plan.get("ok"):
        return {"ok": False, "reason": reason_text(fmt, plan), "rows": [], "cap": "",
                "guardrail": False, "on_interest": False, "objective": "", "flagged": "",
                "flagged_one": "", "explore": False}
    rows = [{"account": d["account_id"], "date": d["scheduled_at"][:10],
             "variant": ", ".join(f"{k}={v}" for k, v in sorted(d["variant"].items())),
             "safe": "yes" if d["safe"] else "no"} for d in plan["drafts"]]
    flagged = sum(r["safe"] == "no" for r in rows)
    # the report asks for engagement: interest means the rate had no denominator
    objective = plan.get("objective") or "engagement"
    guardrail = bool(plan["guardrail"])
    return {"ok": True, "reason": "", "rows": rows,
            "cap": fmt.pct(plan["cap"]) if guardrail else "",
            "guardrail": guardrail, "on_interest": objective == "interest",
            "objective": fmt.t(f"metric_{objective}"),
            "flagged": fmt.count(flagged) if flagged else "",
            "flagged_one": "yes" if fmt.one(flagged) else "",
            # interest without any labelled reaction: every draw is the prior's
            "explore": objective == "interest" and not guardrail}
