"""The plan section explains its draws and flags the drafts the guardrail let through."""

from __future__ import annotations

import copy
import html as markup
from typing import Any

import pytest

from sounding.report.documents import strategy_text
from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html

WHY = {"en": ("Why a draft can favour a level that a factor's table ranks lower",
              "every level of every factor at once", "within the guardrail"),
       "fr": ("Pourquoi un brouillon peut privilégier un niveau",
              "chaque niveau de chaque facteur", "respectent le garde-fou")}
FLAG = {"en": ("of these drafts are flagged", "flagged: not yet clear of the cap"),
        "fr": ("de ces brouillons sont signalés", "signalé : pas encore sûr sous le plafond")}


def _plan_section(html: str) -> str:
    """The plan section as a reader sees its words (entities undone)."""
    return markup.unescape(html[html.index('<section id="plan">'):])


def _with_flagged(data: dict[str, Any], n: int) -> dict[str, Any]:
    """The same report data with the first ``n`` drafts marked unsafe by the planner."""
    flagged = copy.deepcopy(data)
    for draft in flagged["plan"]["drafts"][:n]:
        draft["safe"] = False
    return flagged


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_plan_says_why_it_can_favour_a_level_ranked_lower(data: dict[str, Any],
                                                               lang: str) -> None:
    assert data["plan"]["ok"] and data["plan"]["objective"] == "engagement"
    section = _plan_section(render_report_html(build_evidence(data, lang)))
    draft = strategy_text(data, lang, "md").replace("\\", "")
    plan_part = draft[draft.index('<a id="plan">'):draft.index('<a id="governance">')]
    for words in WHY[lang]:
        assert words in section and words in plan_part
    objective = "engagements per thousand followers" if lang == "en" else "interactions pour"
    assert objective in section


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_flagged_drafts_are_counted_and_marked(data: dict[str, Any], lang: str) -> None:
    clean = _plan_section(render_report_html(build_evidence(data, lang)))
    assert all(d["safe"] for d in data["plan"]["drafts"])
    assert FLAG[lang][0] not in clean and FLAG[lang][1] not in clean
    flagged = _with_flagged(data, 2)
    section = _plan_section(render_report_html(build_evidence(flagged, lang)))
    assert f"2 {FLAG[lang][0]}" in section
    assert section.count(FLAG[lang][1]) == 2
    draft = strategy_text(flagged, lang, "md").replace("\\", "")
    assert f"2 {FLAG[lang][0]}" in draft and draft.count(f"({FLAG[lang][1]})") == 2


def test_the_plan_no_longer_claims_no_draft_may_exceed_the_cap(data: dict[str, Any]) -> None:
    """The planner can propose a level not yet clear of the cap (flagged): never say never."""
    html = render_report_html(build_evidence(data, "en"))
    draft = strategy_text(data, "en", "md")
    assert "none whose animosity may exceed" not in html
    assert "never a variant whose animosity" not in draft
    assert "only when no level" in html and "only when no level" in draft


@pytest.mark.parametrize(("lang", "rule"), [
    ("en", "a variant whose animosity may exceed {cap} of reactions is proposed only when no "
           "level of one of its factors is yet clear of that cap, and its draft is then "
           "flagged."),
    ("fr", "une variante dont l'animosité risque de dépasser {cap} des réactions n'est "
           "proposée que si aucun niveau de l'un de ses facteurs n'est encore sûr de rester "
           "sous ce plafond, et son brouillon est alors signalé.")])
def test_the_strategy_states_the_guardrail_in_a_whole_sentence(data: dict[str, Any],
                                                               lang: str, rule: str) -> None:
    """The test plan's guardrail clause has its verb ("is proposed only when"), as the
    report's plan note words it."""
    cap = build_evidence(data, lang)["plan"]["cap"]
    assert rule.format(cap=cap) in strategy_text(data, lang)
