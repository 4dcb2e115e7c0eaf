"""The presence strategy draft, as a list of blocks built only from the evidence dict.

Every sentence is a translated template whose figures are strings of the evidence dict;
every claim links to the section of the evidence appendix it rests on. The blocks are
then written as Markdown or HTML by :mod:`sounding.report.strategy_render`.
"""

from __future__ import annotations

from typing import Any

from sounding.report.blocks import Block, Span, h, p, table
from sounding.report.i18n_report import Fmt
from sounding.report.strategy_appendix import appendix

__all__ = ["strategy_blocks"]


def see(fmt: Fmt, href: str) -> Span:
    return Span(fmt.t("see_evidence"), href)


def _by_key(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["key"]: r for r in rows}


def _diagnosis(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    k, c = _by_key(ev["kpis"]), _by_key(ev["counts"])
    eng, ign = k["engagement_rate_per_follower"], k["ignored_share"]
    networks = ", ".join(f"{n} {v}" for n, v in ev["posts_by_network"].items())
    out = [h(2, fmt.t("s_diagnosis"), "diagnosis"),
           p(Span(fmt.t("d_activity", period=ev["period"], posts=c["posts"]["value"],
                        networks=networks, engagements=c["engagements"]["value"],
                        rate=eng["value"], ci=eng["interval"], growth=c["follower_growth"]["value"])
                  + " "), see(fmt, "#ev-kpis"))]
    if ev["silent"]:
        out.append(p(Span(fmt.t("d_silent", period=ev["period"], ignored=ign["value"],
                                ignored_ci=ign["interval"]) + " "), see(fmt, "#ev-kpis")))
    elif k["interest_share"]["interval"]:
        out.append(p(Span(fmt.t("d_reactions", n=c["reactions_labelled"]["value"],
                                interest=k["interest_share"]["value"],
                                interest_ci=k["interest_share"]["interval"],
                                animosity=k["animosity_share"]["value"],
                                animosity_ci=k["animosity_share"]["interval"],
                                ignored=ign["value"], ignored_ci=ign["interval"]) + " "),
                     see(fmt, "#ev-kpis")))
    else:
        out.append(p(Span(fmt.t("d_no_reactions", ignored=ign["value"], ignored_ci=ign["interval"])
                          + " "), see(fmt, "#ev-kpis")))
    over = [s for s in ev["segments"] if s["standing"] == "best_represented"]
    if over:
        s = over[0]
        out.append(p(Span(fmt.t("d_segment", name=s["full"], index=s["index"],
                                ci=s["index_ci"]) + " "), see(fmt, "#ev-segments")))
    out += _works(fmt, ev)
    return out


def _works(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    if not ev["factors"]:
        return [p(Span(fmt.t("d_no_learn", reason=ev["learn_note"])))]
    items = tuple((Span(f["verdict"] + " "), see(fmt, f"#{f['anchor']}")) for f in ev["factors"])
    return [p(Span(fmt.t("d_works"))), Block("ul", items=items)]


def _objectives(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    rows = []
    for k in ev["kpis"]:
        target = (f"{k['direction']} {k['target']}" if k["target"] else k["thin"])
        rows.append((fmt.t(f"objective_{k['key']}"), k["name"],
                     f"{k['value']} {k['interval']}".strip(), k["recent"], target))
    header = (fmt.t("col_objective"), fmt.t("col_kpi"),
              fmt.t("col_baseline_ci", ci=ev["method"]["interval"]),
              fmt.t("col_recent", weeks=ev["method"]["recent_weeks"]),
              fmt.t("col_target", p=ev["method"]["probability"]))
    return [h(2, fmt.t("s_objectives"), "objectives"),
            p(Span(fmt.t("objectives_intro", period=ev["period"],
                         posts=ev["quarter_posts"]) + " "), see(fmt, "#ev-kpis")),
            table(header, rows)]


def _kpis(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    items = []
    for k in ev["kpis"]:
        text = fmt.t("kpi_line", name=k["name"], definition=k["definition"], value=k["value"],
                     ci=k["interval"], basis=k["basis"], period=k["period"],
                     weeks=ev["method"]["recent_weeks"], recent=k["recent"])
        if k["target"]:
            text += " " + fmt.t("kpi_target", direction=k["direction"], target=k["target"],
                                p=ev["method"]["probability"])
        if k["thin"]:
            text += " " + k["thin"]
        items.append((Span(text + " "), see(fmt, "#ev-kpis")))
    return [h(2, fmt.t("s_kpis"), "kpis"), Block("ul", items=tuple(items)),
            p(Span(fmt.t("target_method", p=ev["method"]["probability"],
                         q_low=ev["method"]["quantile_low"], q_high=ev["method"]["quantile_high"],
                         weeks=ev["method"]["recent_weeks"])
                   + " " + " ".join(filter(None, (ev["method"]["joint_rule"],
                                                  ev["method"]["recent_rule"]))) + " "),
              see(fmt, "#ev-method"), *((Span(" "), see(fmt, "#ev-joint")) if ev["joint"] else ()))]


def _segments(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    out = [h(2, fmt.t("s_segments"), "segments")]
    over = [s for s in ev["segments"] if s["standing"] == "best_represented"][:3]
    if not over:
        ranked = any(s["rankable"] == "yes" for s in ev["segments"])
        return [*out, p(Span(fmt.t("no_over_segment", par=ev["method"]["par_index"]) if ranked
                             else ev["segments_note"] or fmt.t("no_segments")))]
    items = tuple((Span(fmt.t("segment_line", name=s["full"],
                              index=s["index"], ci=s["index_ci"], activity=s["activity"],
                              activity_ci=s["activity_ci"], size=s["size"]) + " "),
                   see(fmt, "#ev-segments")) for s in over)
    small = [s["name"] for s in ev["segments"] if s["standing"] == "too_small"]
    out += [p(Span(fmt.t("segments_intro", period=ev["period_all"]))), Block("ul", items=items)]
    if small:
        out.append(p(Span(fmt.t("segments_small", names=", ".join(small),
                                n=ev["method"]["min_count"]))))
    return out


def _channels(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    items = tuple((Span(fmt.t("channel_line", network=c["network"], decision=c["decision_text"],
                              why=c["why"], posts_share=c["posts_share"],
                              growth_share=c["growth_share"], interest=c["interest"],
                              interest_ci=c["interest_ci"], brand=c["brand_interest"],
                              animosity=c["animosity"]) + " "),
                   see(fmt, "#ev-channels")) for c in ev["channels"])
    return [h(2, fmt.t("s_channels"), "channels"), Block("ul", items=items)]


def _pillars(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    out = [h(2, fmt.t("s_pillars"), "pillars")]
    if ev["silent"] and ev["factors"]:
        return [*out, p(Span(fmt.t("why_no_reactions")))]
    if not ev["pillars"]:
        return [*out, p(Span(fmt.t("d_no_learn", reason=ev["learn_note"])))]
    items = tuple((Span(fmt.t(f"pillar_{x['status']}", factor=x["factor"], level=x["level"],
                              metric=x["metric"], value=x["value"], ci=x["ci"], p=x["p_best"],
                              animosity=x["animosity"], more=x["more_posts"],
                              about=x["about"], min=x["min"],
                              with_data=x["with_data"]) + " "),
                   see(fmt, f"#{x['anchor']}")) for x in ev["pillars"])
    return [*out, Block("ul", items=items)]


def _risks(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    out = [h(2, fmt.t("s_risks"), "risks")]
    cap = ev["plan"]["cap"] or fmt.t("na")
    levels: tuple[tuple[Span, ...], ...] = tuple(
        (Span(fmt.t("risk_level_" + r["over_cap"], factor=r["factor"], level=r["level"],
                    animosity=r["animosity"], ci=r["ci"], posts=r["posts"], cap=cap,
                    one=r["posts_one"] == "yes") + " "),
         see(fmt, f"#{r['anchor']}")) for r in ev["risk_levels"])
    if ev["silent"]:
        levels = ((Span(fmt.t("risk_silent") + " "), see(fmt, "#ev-kpis")),)
    hostile = [c for c in ev["communities"] if c["hostile"] == "yes"]
    comms = tuple((Span(fmt.t("risk_community", community=c["community"], size=c["size"],
                              animosity=c["animosity"], reactions=c["reactions"],
                              languages=c["languages"],
                              actors=c["top_actors"]) + " "),
                   see(fmt, "#ev-communities")) for c in hostile)
    counts = ev["community_counts"]
    if ev["hostile_elsewhere"]:
        comms += ((Span(fmt.t("risk_smaller_communities", n=counts["elsewhere"],
                              shown=counts["shown"], listed=ev["hostile_elsewhere_text"],
                              one=counts["elsewhere_one"] == "yes") + " "),
                   see(fmt, "#ev-communities")),)
    if not ev["community_cap"]:  # no cap to judge them by: none is called safe either
        comms = ()
    elif not comms:
        comms = ((Span(fmt.t("no_hostile_community", n=counts["checked"],
                             one=counts["checked_one"] == "yes") + " "),
                  see(fmt, "#ev-communities")),)
    basis = ((Span((fmt.t("communities_basis", period=ev["period_all"], cap=ev["community_cap"])
                    if ev["community_cap"] else
                    fmt.t("communities_no_cap", period=ev["period_all"])) + " "),
              see(fmt, "#ev-communities")),)
    return [*out, Block("ul", items=levels + basis + comms)]


def _plan(fmt: Fmt, ev: dict[str, Any]) -> list[Block]:
    out = [h(2, fmt.t("s_plan"), "plan")]
    plan = ev["plan"]
    if not plan["ok"]:
        return [*out, p(Span(plan["reason"]))]
    intro = (fmt.t("plan_intro", cap=plan["cap"], posts=ev["quarter_posts"]) if plan["guardrail"]
             else fmt.t("plan_intro_no_cap", posts=ev["quarter_posts"]))
    out.append(p(Span(intro + " "), see(fmt, "#ev-plan")))
    if not plan["guardrail"]:
        out.append(p(Span(fmt.t("no_guardrail_silent" if ev["silent"] else "no_guardrail"))))
    if plan["on_interest"]:
        out.append(p(Span(fmt.t("plan_on_interest"))))
    out.append(p(Span(fmt.t("plan_explore" if plan["explore"] else "plan_draws",
                            objective=plan["objective"]) + " "), see(fmt, "#ev-plan")))
    if ev["joint_differs"]:
        out.append(p(Span(ev["joint_differs"] + " "), see(fmt, "#ev-joint")))
    if plan["flagged"]:
        out.append(p(Span(fmt.t("plan_flagged", n=plan["flagged"],
                                one=plan["flagged_one"] == "yes") + " "), see(fmt, "#ev-plan")))
    return out


def _governance(fmt: Fmt) -> list[Block]:
    items = tuple((Span(fmt.t(f"gov_{k}")),) for k in ("roles", "weekly", "monthly",
                                                          "quarterly", "approve", "evidence"))
    return [h(2, fmt.t("s_governance"), "governance"), Block("ul", items=items)]


def strategy_blocks(ev: dict[str, Any]) -> list[Block]:
    """The whole strategy draft: sections, then the evidence appendix they link to."""
    fmt = Fmt(ev["lang"], ev["exposure"])
    head = [h(1, fmt.t("strategy_title")),
            p(Span(fmt.t("strategy_meta", brand=ev["brand"], period=ev["period"]))),
            p(Span(fmt.t("strategy_rule")))]
    if ev["pseudonymised"]:
        head.append(p(Span(fmt.t("pseudonymised_note"))))
    return [*head, *_diagnosis(fmt, ev), *_objectives(fmt, ev), *_kpis(fmt, ev),
            *_segments(fmt, ev), *_channels(fmt, ev), *_pillars(fmt, ev), *_risks(fmt, ev),
            *_plan(fmt, ev), *_governance(fmt), *appendix(fmt, ev)]
