"""The strategy's evidence appendix: the tables every claim of the draft links to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sounding.report.blocks import Block, Span, h, p, table
from sounding.report.i18n_report import Fmt

__all__ = ["appendix"]


def _table(anchor: str, title: str, header: tuple[str, ...], rows: Sequence[tuple[str, ...]],
           intro: str = "") -> list[Block]:
    out = [h(3, title, anchor)]
    if intro:
        out.append(p(Span(intro)))
    out.append(table(header, rows))
    return out


def _kpis(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    rows = [(k["name"], k["value"], k["interval"], k["recent"], k["basis"], k["period"],
             f"{k['direction']} {k['target']}" if k["target"] else k["thin"])
            for k in ev["kpis"]]
    rows += [(k["name"], k["value"], "", "", "", k["period"], "") for k in ev["counts"]]
    header = (fmt.t("col_kpi"), fmt.t("col_value"), fmt.t("col_interval",
                                                          ci=ev["method"]["interval"]),
              fmt.t("col_recent", weeks=ev["method"]["recent_weeks"]),
              fmt.t("col_basis"), fmt.t("col_period"),
              fmt.t("col_target", p=ev["method"]["probability"]))
    follow = [(f["account"], f["start"], f["end"], f["growth"]) for f in ev["followers"]]
    return [*_table("ev-kpis", fmt.t("a_kpis"), header, rows),
            *_table("ev-followers", fmt.t("sec_followers"),
                    (fmt.t("col_account"), fmt.t("col_start"), fmt.t("col_end"),
                     fmt.t("col_growth")), follow, ev["period"])]


def _segments(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    rows = [(s["name"], s["label"], s["size"], f"{s['activity']} {s['activity_ci']}".strip(),
             s["interest"], s["animosity"], f"{s['index']} {s['index_ci']}".strip(),
             fmt.t(s["rankable"])) for s in ev["segments"]]
    header = (fmt.t("col_segment"), fmt.t("col_description"), fmt.t("col_size"),
              fmt.t("col_activity"), fmt.t("metric_interest"), fmt.t("metric_animosity"),
              fmt.t("col_index"), fmt.t("col_rankable"))
    return _table("ev-segments", fmt.t("a_segments"), header, rows, ev["period_all"])


def _channels(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    rows = [(c["network"], c["posts"], c["posts_share"], c["growth"], c["growth_share"],
             f"{c['interest']} {c['interest_ci']}".strip(), c["animosity"], c["index"],
             c["decision_text"]) for c in ev["channels"]]
    header = (fmt.t("col_network"), fmt.t("col_posts"), fmt.t("col_posts_share"),
              fmt.t("col_growth"), fmt.t("col_growth_share"), fmt.t("metric_interest"),
              fmt.t("metric_animosity"), fmt.t("col_index"), fmt.t("col_decision"))
    return _table("ev-channels", fmt.t("a_channels"), header, rows, fmt.t("channel_rule"))


def _communities(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    rows = [(c["community"], c["size"], c["languages"], c["interest"], c["animosity"],
             c["top_actors"], fmt.t(c["hostile"])) for c in ev["communities"]]
    header = (fmt.t("col_community"), fmt.t("col_size"), fmt.t("col_languages"),
              fmt.t("metric_interest"), fmt.t("metric_animosity"), fmt.t("col_top_actors"),
              fmt.t("col_hostile"))
    return _table("ev-communities", fmt.t("sec_communities"), header, rows, ev["period_all"])


def _factors(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    header = (fmt.t("col_level"), fmt.t("col_posts"), fmt.t("metric_interest"),
              fmt.t("metric_engagement"), fmt.t("metric_animosity"), fmt.t("metric_ignored"),
              fmt.t("col_p_best"))
    out: list[Block] = []
    for f in ev["factors"]:
        rows = [(lv["level"], lv["posts"], f"{lv['interest']} {lv['interest_ci']}",
                 f"{lv['engagement']} {lv['engagement_ci']}",
                 f"{lv['animosity']} {lv['animosity_ci']}", f"{lv['ignored']} {lv['ignored_ci']}",
                 lv["interest_p_best"]) for lv in f["levels"]]
        out += _table(f["anchor"], fmt.t("factor_heading", factor=f["factor"]), header, rows,
                      f"{ev['period']} · {f['verdict']}")
    return out


def _plan(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    flag = f" ({fmt.t('flagged')})"
    rows = [(r["account"], r["date"], r["variant"] + (flag if r["safe"] == "no" else ""))
            for r in ev["plan"]["rows"]]
    note = (fmt.t("plan_note", cap=ev["plan"]["cap"]) if ev["plan"]["guardrail"]
            else fmt.t("plan_note_no_cap"))
    if ev["plan"]["on_interest"]:
        note += " " + fmt.t("plan_on_interest")
    return _table("ev-plan", fmt.t("sec_plan"),
                  (fmt.t("col_account"), fmt.t("col_date"), fmt.t("col_variant")), rows,
                  ev["plan"]["reason"] or note)


def _joint(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    """The joint fit the engagement target and the plan's leaders rest on (none without)."""
    if not ev["joint"]:
        return []
    m = ev["method"]
    rows = [(r["factor"], r["level"], r["posts"], f"{r['effect']} {r['effect_ci']}",
             r["p_best"], r["p_above"]) for r in ev["joint"]]
    header = (fmt.t("col_factor"), fmt.t("col_level"), fmt.t("col_posts"),
              fmt.t("col_effect"), fmt.t("col_p_best_joint"), fmt.t("col_p_above"))
    intro = fmt.t("joint_intro", ci=m["interval"], groups=m["groups"], p=m["confidence"],
                  posts=ev["quarter_posts"], days=m["quarter_days"])
    return _table("ev-joint", fmt.t("a_joint"), header, rows, intro)


def _method(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    m = ev["method"]
    return [h(3, fmt.t("sec_method"), "ev-method"),
            p(Span(" ".join(filter(None, (
                fmt.t("method_text", ci=m["interval"], p=m["probability"],
                      days=m["quarter_days"], weeks=m["recent_weeks"]), m["joint_rule"]))))),
            p(Span(fmt.t("method_thin", thin=m["thin"],
                                         precision=m["precision"])))]


def appendix(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    """Every table of the appendix, each under the anchor the draft links to."""
    return [h(2, fmt.t("s_appendix"), "evidence"), *_kpis(fmt, ev), *_channels(fmt, ev),
            *_segments(fmt, ev), *_communities(fmt, ev), *_factors(fmt, ev), *_plan(fmt, ev),
            *_joint(fmt, ev),
            *_method(fmt, ev)]
