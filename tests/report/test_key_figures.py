"""The key figures table: each KPI's target beside its value, or why there is none."""

from __future__ import annotations

import html as markup
from typing import Any

import pytest
from tests.report.conftest import decided

from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html
from sounding.report.i18n_text import TEXT


def _key_figures(html: str) -> str:
    html = markup.unescape(html)
    return html[html.index('<section id="kpis">'):html.index('<section id="reactions">')]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_key_figures_show_each_target_or_why_none(data: dict[str, Any], lang: str) -> None:
    ev = build_evidence(decided(data), lang)
    table = _key_figures(render_report_html(ev))
    header = TEXT["col_target"][lang].format(p=ev["method"]["probability"])
    assert f"<th class=\"num\">{header}</th>" in table
    assert {bool(k["target"]) for k in ev["kpis"]} == {True, False}  # both kinds shown
    for k in ev["kpis"]:
        row = table[table.index(f"<tr><td>{k['name']}</td>"):]
        row = row[:row.index("</tr>")]
        if k["target"]:
            assert f"<td class=\"num\">{k['direction']} {k['target']}</td>" in row
        else:
            assert k["no_target"] and f"<span class=\"thin\">{k['no_target']}</span>" in row


def test_every_reason_for_no_target_has_a_short_form() -> None:
    reasons = {key.removeprefix("why_") for key in TEXT if key.startswith("why_")}
    assert {key.removeprefix("short_") for key in TEXT if key.startswith("short_")} == reasons


@pytest.mark.parametrize(("lang", "words"), [("en", "labelled reactions of {n} written "
                                                     "reactions"),
                                             ("fr", "réactions étiquetées sur {n} réactions "
                                                    "écrites")])
def test_the_summary_says_what_the_labelled_reactions_are_out_of(
        data: dict[str, Any], lang: str, words: str) -> None:
    ev = build_evidence(data, lang)
    written = next(k["value"] for k in ev["counts"] if k["key"] == "reactions")
    assert words.format(n=written) in markup.unescape(render_report_html(ev))
