"""A period nobody answered: the report and strategy say the reaction shares are not
measured, instead of showing empty shares or the prior's 50% as if measured."""

from __future__ import annotations

import html as markup
import re
from typing import Any

import pytest

from sounding.report.documents import strategy_text
from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html

SAID = {"en": "No reply, quote or mention in this period: the reaction shares are not measured.",
        "fr": "Aucune réponse, citation ni mention sur cette période : les parts de réactions "
              "ne sont pas mesurées."}
NO_LABELS = {"en": "no labelled reaction yet", "fr": "aucune réaction étiquetée"}
PRIOR = re.compile(r"50[.,]0\u202f?%")  # what an unmeasured Beta share's mean would read


def _text(html: str) -> str:
    return markup.unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_says_no_reaction_was_measured(silent_data: dict[str, Any],
                                                  lang: str) -> None:
    ev = build_evidence(silent_data, lang)
    assert ev["silent"]
    shares = {k["key"]: k for k in ev["kpis"]}
    for key in ("interest_share", "animosity_share"):
        assert shares[key]["thin"] == SAID[lang] and not shares[key]["target"]
    html = render_report_html(ev)
    summary = _text(html[:html.index('<section id="kpis">')])
    assert SAID[lang] in summary
    reactions = _text(html[html.index('<section id="reactions">'):
                           html.index('<section id="audience">')])
    assert SAID[lang] in reactions and NO_LABELS[lang] not in reactions.lower()
    assert "<svg" not in html[html.index('<section id="reactions">'):
                              html.index('<h3>', html.index('<section id="reactions">'))]
    works = _text(html[html.index('<section id="works">'):html.index('<section id="plan">')])
    assert not PRIOR.search(works)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_strategy_says_no_reaction_was_measured(silent_data: dict[str, Any],
                                                    lang: str) -> None:
    text = strategy_text(silent_data, lang, "md").replace("\\", "")
    diagnosis = text[text.index('<a id="diagnosis">'):text.index('<a id="objectives">')]
    start = "No reply, quote or mention from" if lang == "en" else \
        "Aucune réponse, citation ni mention du"
    assert start in diagnosis and NO_LABELS[lang] not in diagnosis.lower()
    pillars_to_plan = text[text.index('<a id="pillars">'):text.index('<a id="plan">')]
    # the communities' lines are measured over all data (a small one may truly be at 50%)
    period_only = "\n".join(line for line in pillars_to_plan.splitlines()
                            if "#ev-communities" not in line)
    assert SAID[lang] in period_only and not PRIOR.search(period_only)
    factors = text[text.index('<a id="ev-factor'):text.index('<a id="ev-plan">')]
    assert not PRIOR.search(factors)


def test_a_labelled_period_is_not_called_silent(data: dict[str, Any],
                                                unlabelled_data: dict[str, Any]) -> None:
    """Reactions there, unlabelled: the report still asks for labels, not for replies."""
    assert not build_evidence(data, "en")["silent"]
    ev = build_evidence(unlabelled_data, "en")
    assert not ev["silent"]
    assert SAID["en"] not in render_report_html(ev)

