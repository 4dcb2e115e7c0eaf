"""Charts drawn narrow for a phone: a viewBox as wide as the screen, so the text keeps its
size, with tick labels that do not overlap and row labels that fit their column."""

from __future__ import annotations

import re
from itertools import pairwise

from sounding.report import charts


def _ticks(svg: str) -> list[float]:
    """The x of each category's tick label (below the axis, at y=192)."""
    return [float(x) for x in re.findall(r'<text class="tick" x="([\d.]+)" y="192"', svg)]


def test_a_narrow_chart_is_drawn_in_a_phones_width() -> None:
    weeks = [f"2026-{m:02d}-{d:02d}" for m in (9, 10, 11) for d in (1, 8, 15, 22)]
    series = [("interest", [3.0] * 12), ("animosity", [1.0] * 12)]
    wide = charts.stacked_bars(weeks, series, "weeks")
    narrow = charts.stacked_bars(weeks, series, "weeks", width=charts.NARROW)
    assert '<svg class="chart" ' in wide and 'viewBox="0 0 640 ' in wide
    assert '<svg class="chart narrow" ' in narrow and f'viewBox="0 0 {charts.NARROW} ' in narrow
    ticks = _ticks(narrow)
    assert 2 <= len(ticks) < len(_ticks(wide)) == 12
    assert min(b - a for a, b in pairwise(ticks)) >= 34  # no overlap
    assert max(ticks) < charts.NARROW


def test_a_narrow_forest_plot_keeps_its_labels_in_their_column() -> None:
    rows = [("behavioural cluster 12345678901", 100.0, 80.0, 120.0),
            ("on bluesky", 90.0, 70.0, 130.0)]
    narrow = charts.intervals(rows, "index", reference=100, log=True, width=charts.NARROW)
    label = re.search(r'class="row-label" x="([\d.]+)"[^>]*>([^<]*)<', narrow)
    assert label and len(label[2]) * 6.2 <= float(label[1])  # drawn right of the edge
    circles = [float(x) for x in re.findall(r'cx="([\d.]+)"', narrow)]
    assert circles and float(label[1]) < min(circles) and max(circles) < charts.NARROW
