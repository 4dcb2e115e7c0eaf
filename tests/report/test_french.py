"""French typography of the report: no-break spaces before a colon and a percent sign, and
the metric a verdict is on with its article."""

from __future__ import annotations

import html as markup
import re
from typing import Any

from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html


def test_a_figure_s_name_and_its_colon_stay_together(data: dict[str, Any]) -> None:
    french = markup.unescape(render_report_html(build_evidence(data, "fr")))
    for name in ("Part d'intérêt", "Taux d'interaction par abonné", "Publications ignorées"):
        assert f"{name}\u202f: <b>" in french
    english = markup.unescape(render_report_html(build_evidence(data, "en")))
    assert "Interest share: <b>" in english


def test_no_percent_sign_follows_a_breaking_space(data: dict[str, Any]) -> None:
    """Every share in French, the clusters' descriptions included, has a narrow no-break
    space before its % (a page would otherwise wrap "100" away from "%")."""
    ev = build_evidence(data, "fr")
    described = [s["label"] for s in ev["segments"] if "%" in s["label"]]
    assert described and all("\u202f%" in label for label in described)
    french = markup.unescape(render_report_html(ev))
    assert re.findall(r"\d[ \xa0]%", french) == []


def test_a_verdict_is_on_the_interest_with_its_article(data: dict[str, Any]) -> None:
    verdicts = [f["verdict"] for f in build_evidence(data, "fr")["factors"]]
    assert verdicts and all("sur l'intérêt" in v for v in verdicts), verdicts
    assert not any("sur intérêt" in v for v in verdicts)
