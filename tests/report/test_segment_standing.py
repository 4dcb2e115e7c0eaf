"""The report and the strategy rank segments as `sounding segments` does: the known
customers nowhere, best represented only with an interval above 100."""

from __future__ import annotations

import copy
import html as markup
from typing import Any

from sounding.report.documents import strategy_text
from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html


def test_the_report_and_strategy_rank_as_the_command_line_does(data: dict[str, Any]) -> None:
    """The known customers, left out of the rankings (every customer is in them), are not
    rankable in the report or the strategy's appendix either; the report's and strategy's
    best represented segments are those whose interval lies above 100."""
    ranks = data["segments"]["rankings"]
    ev = build_evidence(data, "en")
    rows = {s["name"]: s for s in ev["segments"]}
    customers = rows["known customers"]
    assert customers["rankable"] == "no" and customers["standing"] == "customer_base"
    assert customers["note"].startswith("not ranked: every customer is in it")
    ranked = [s for s in data["segments"]["segments"] if s["name"] in
              ranks["best_represented"] + ranks["on_par"] + ranks["under_represented"]]
    assert sum(s["rankable"] == "yes" for s in ev["segments"]) == len(ranked)
    over = [s for s in ev["segments"] if s["standing"] == "best_represented"]
    assert len(over) == len(ranks["best_represented"])
    assert all(s["low_value"] > 100 for s in over)
    appendix = strategy_text(data, "en")
    assert "| known customers |" in appendix
    row = next(line for line in appendix.splitlines() if line.startswith("| known customers |"))
    assert row.rstrip().endswith("| no |"), row


def test_without_a_segment_above_100_none_is_put_first(data: dict[str, Any]) -> None:
    """Ranked segments whose intervals all hold 100 or lie below it: the summary and the
    strategy's priority segments say that none is shown to be better represented."""
    flat = copy.deepcopy(data)
    ranks = flat["segments"]["rankings"]
    ranks["on_par"] = ranks["best_represented"] + ranks["on_par"]
    ranks["best_represented"] = []
    said = "No segment is shown to be better represented yet: no ranked segment's interval"
    assert said in strategy_text(flat, "en")
    html = render_report_html(build_evidence(flat, "en"))
    assert said in markup.unescape(html)
    assert "representation index <b>" not in html  # no segment listed in the summary
