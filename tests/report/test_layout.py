"""The PDF report's layout: every table fits the page's width (cells wrap, none is cut)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.report.conftest import decided

from sounding.report.evidence import build_evidence
from sounding.report.executive import render_report_html


def _cells_past_the_margin(html: str) -> list[str]:
    """The text of every table cell whose box ends right of its page's content area."""
    weasyprint = pytest.importorskip("weasyprint")
    from weasyprint.formatting_structure import boxes

    past = []
    for page in weasyprint.HTML(string=html).render().pages:
        box = page._page_box
        right = box.content_box_x() + box.width
        for cell in box.descendants():
            if (isinstance(cell, boxes.TableCellBox)
                    and cell.position_x + cell.margin_width() > right + 0.5):
                past.append("".join(t.text for t in cell.descendants()
                                    if isinstance(t, boxes.TextBox)))
    return past


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_table_fits_the_page(data: dict[str, Any], lang: str) -> None:
    """The target column of the first page and the variant tables' last column (ignored
    posts) wrap inside the page instead of running off its right edge."""
    ev = build_evidence(decided(data), lang)
    assert any(k["target"] for k in ev["kpis"])  # a target column with figures in it
    assert _cells_past_the_margin(render_report_html(ev)) == []
