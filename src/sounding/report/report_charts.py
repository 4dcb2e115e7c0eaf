"""Inline SVG charts of the printed report: estimates with their intervals, drawn in Python.

Like :mod:`sounding.report.charts`: no script, no external resource, every label escaped,
colours from CSS classes. Values arrive with their display text already formatted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Estimate", "interval_chart"]

_W, _ROW, _LABEL, _PAD = 640, 22, 190, 14


@dataclass(frozen=True)
class Estimate:
    """One row of an interval chart: a point, its interval, an optional target marker."""

    label: str
    value: float
    low: float
    high: float
    text: str  # the value as the document writes it
    target: float | None = None


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _x(value: float, top: float) -> float:
    return _LABEL + (_W - _LABEL - 70) * max(value, 0.0) / top


def _row(i: int, row: Estimate, top: float, colon: str) -> str:
    y = _PAD + i * _ROW + _ROW / 2
    lo, hi, mid = _x(row.low, top), _x(row.high, top), _x(row.value, top)
    parts = [f'<text class="label" x="{_LABEL - 8}" y="{y + 4:.1f}" text-anchor="end">'
             f"{_e(row.label[:30])}</text>",
             f'<line class="whisker" x1="{lo:.1f}" y1="{y:.1f}" x2="{hi:.1f}" y2="{y:.1f}"/>',
             f'<circle class="point" cx="{mid:.1f}" cy="{y:.1f}" r="4">'
             f"<title>{_e(row.label)}{_e(colon)}{_e(row.text)}</title></circle>",
             f'<text class="value" x="{hi + 6:.1f}" y="{y + 4:.1f}">{_e(row.text)}</text>']
    if row.target is not None:
        tx = _x(row.target, top)
        parts.append(f'<path class="target" d="M{tx:.1f} {y - 7:.1f} l4 -5 h-8 z"/>')
    return "".join(parts)


def interval_chart(rows: Sequence[Estimate], title: str, reference: float | None = None,
                   reference_text: str = "", colon: str = ": ") -> str:
    """One row per estimate: a dot, its credible interval, a target marker if any
    (``colon``: the language's, before a tooltip's value)."""
    values = [r.high for r in rows] + [r.target or 0.0 for r in rows] + [reference or 0.0]
    top = max(values, default=0.0) * 1.05 or 1.0
    height = _PAD * 2 + _ROW * max(len(rows), 1) + 10
    body = [f'<line class="axis" x1="{_LABEL}" y1="{_PAD - 4}" x2="{_LABEL}" '
            f'y2="{height - _PAD}"/>']
    if reference is not None:
        rx = _x(reference, top)
        body.append(f'<line class="reference" x1="{rx:.1f}" y1="{_PAD - 4}" x2="{rx:.1f}" '
                    f'y2="{height - _PAD}"/><text class="tick" x="{rx + 3:.1f}" '
                    f'y="{height - 4}">{_e(reference_text)}</text>')
    body += [_row(i, r, top, colon) for i, r in enumerate(rows)]
    return (f'<svg class="chart" role="img" viewBox="0 0 {_W} {height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
            + "".join(body) + "</svg>")
