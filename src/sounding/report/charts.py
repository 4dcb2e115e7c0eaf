"""Inline SVG charts drawn in Python: no JavaScript, no CDN; every label is escaped.

Colours come from CSS classes (``series-0`` …) so a chart follows the page's style sheet
and a data value never reaches an attribute other than an escaped ``<title>`` or text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["NARROW", "bar_pairs", "intervals", "stacked_bars"]

_W, _H, _PAD_L, _PAD_B, _PAD_T = 640, 220, 44, 40, 12
# A phone's width in the same units: its text reads at the size it is written, where the
# 640-wide chart shrunk to a phone would write it at half size.
NARROW = 360
_TICK_W = 34  # room for one category's tick label ("09-01")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _frame(body: list[str], title: str, height: int = _H, width: int = _W) -> str:
    narrow = " narrow" if width < _W else ""
    return (f'<svg class="chart{narrow}" role="img" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
            + "".join(body) + "</svg>")


def _axis(top: float, plot_h: float, width: int) -> list[str]:
    y0 = _PAD_T + plot_h
    return [f'<line class="axis" x1="{_PAD_L}" y1="{y0}" x2="{width - 4}" y2="{y0}"/>',
            f'<text class="tick" x="{_PAD_L - 4}" y="{_PAD_T + 8}" text-anchor="end">'
            f"{_e(_short(top))}</text>",
            f'<text class="tick" x="{_PAD_L - 4}" y="{y0}" text-anchor="end">0</text>']


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:.3g}" if value != int(value) else str(int(value))


def _legend(names: Sequence[str], y: float, slots: Sequence[int]) -> list[str]:
    parts, x = [], float(_PAD_L)
    for name, slot in zip(names, slots, strict=True):
        parts.append(f'<rect class="series-{slot}" x="{x}" y="{y - 9}" width="10" height="10"/>'
                     f'<text class="legend" x="{x + 14}" y="{y}">{_e(name)}</text>')
        x += 22 + 7 * len(name)
    return parts


def stacked_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                 title: str, slots: Sequence[int] | None = None, width: int = _W,
                 colon: str = ": ") -> str:
    """One bar per category, stacked by series (e.g. weeks × reaction labels). ``slots``
    gives each series its colour (0 interest, 1 animosity, 2 neutral, 3 ignored); by
    default the series take them in order. ``width``: the chart's, e.g. :data:`NARROW`;
    ``colon``: the language's, before a tooltip's value (French: a narrow space before)."""
    slots = list(slots) if slots is not None else list(range(len(series)))
    plot_h = _H - _PAD_B - _PAD_T
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    step = (width - _PAD_L - 8) / max(len(categories), 1)
    every = max(math.ceil(_TICK_W / step), 1)  # tick labels that do not overlap
    body = _axis(top, plot_h, width)
    for i, category in enumerate(categories):
        x, y = _PAD_L + i * step + 1, float(_PAD_T + plot_h)
        for s, (name, values) in enumerate(series):
            h = plot_h * values[i] / top
            y -= h
            body.append(f'<rect class="series-{slots[s]}" x="{x:.1f}" y="{y:.1f}" '
                        f'width="{max(step - 2, 1):.1f}" height="{h:.1f}">'
                        f"<title>{_e(category)} · {_e(name)}{_e(colon)}"
                        f"{_e(_short(values[i]))}</title></rect>")
        if i % every == 0:
            body.append(f'<text class="tick" x="{x:.1f}" y="{_PAD_T + plot_h + 12}">'
                        f"{_e(category[5:] if len(category) == 10 else category)}</text>")
    body += _legend([name for name, _ in series], _H - 6, slots)
    return _frame(body, title, width=width)


def bar_pairs(labels: Sequence[str], current: Sequence[float | None],
              previous: Sequence[float | None], names: tuple[str, str], title: str,
              width: int = _W, colon: str = ": ") -> str:
    """Two bars per label: this period and the one before (e.g. reaction shares), in the
    colours of neither reaction (amber, then grey) so a period is not read as a label."""
    slots = (3, 2)
    plot_h = _H - _PAD_B - _PAD_T
    values = [v or 0.0 for v in (*current, *previous)]
    top = max(values, default=0) or 1
    step = (width - _PAD_L - 8) / max(len(labels), 1)
    body = _axis(top, plot_h, width)
    for i, label in enumerate(labels):
        for s, value in enumerate((current[i] or 0.0, previous[i] or 0.0)):
            h = plot_h * value / top
            x = _PAD_L + i * step + 6 + s * (step - 12) / 2
            body.append(f'<rect class="series-{slots[s]}" x="{x:.1f}" '
                        f'y="{_PAD_T + plot_h - h:.1f}" '
                        f'width="{(step - 14) / 2:.1f}" height="{h:.1f}">'
                        f"<title>{_e(label)} · {_e(names[s])}{_e(colon)}"
                        f"{_e(_short(round(value, 3)))}</title></rect>")
        body.append(f'<text class="tick" x="{_PAD_L + i * step + 6:.1f}" '
                    f'y="{_PAD_T + plot_h + 12}">{_e(label)}</text>')
    body += _legend(list(names), _H - 6, slots)
    return _frame(body, title, width=width)


_ROW, _LABEL_W, _CHAR_W = 22, 170, 6.2
Scale = tuple[float, float, bool, int]  # low, high, log axis, the chart's width


def _scale(lo: float, hi: float, log: bool, width: int) -> Scale:
    if log:
        lo, hi = math.log10(max(lo, 1e-9)), math.log10(max(hi, 1e-9))
    if hi <= lo:
        hi = lo + 1.0
    return lo, hi, log, width


def _label_w(width: int) -> int:
    return min(_LABEL_W, int(width * 0.42))


def _x_of(value: float, scale: Scale) -> float:
    lo, hi, log, width = scale
    v = math.log10(max(value, 1e-9)) if log else value
    v = min(max(v, lo), hi)  # values off the axis are pinned to its ends
    return _label_w(width) + (width - _label_w(width) - 16) * (v - lo) / (hi - lo)


def intervals(rows: Sequence[tuple[str, float | None, float | None, float | None]],
              title: str, *, reference: float | None = None, log: bool = False,
              flagged: Sequence[bool] = (), unit: str = "", width: int = _W,
              colon: str = ": ") -> str:
    """A forest plot: one row per (label, estimate, low, high), with an optional reference.

    ``log`` draws a ratio axis (e.g. the representation index, 100 = as many as expected);
    a flagged row (too few members to trust) is drawn hollow and greyed.
    """
    known = [v for _, est, lo, hi in rows for v in (est, lo, hi) if v is not None]
    if reference is not None:
        known.append(reference)
    floor = min(known, default=0.0)
    top = max(known, default=1.0)
    if log:
        floor, top = max(floor * 0.8, 1e-3), top * 1.25
    scale = _scale(floor, top, log, width)
    height = _PAD_T + _ROW * max(len(rows), 1) + 28
    body: list[str] = []
    if reference is not None:
        x = _x_of(reference, scale)
        body.append(f'<line class="reference" x1="{x:.1f}" y1="{_PAD_T}" x2="{x:.1f}" '
                    f'y2="{height - 24}"/><text class="tick" x="{x:.1f}" y="{height - 8}" '
                    f'text-anchor="middle">{_e(_short(reference))}</text>')
    for end in (floor, top):
        body.append(f'<text class="tick" x="{_x_of(end, scale):.1f}" y="{height - 8}" '
                    f'text-anchor="middle">{_e(_short(float(f"{end:.3g}")))}{_e(unit)}</text>')
    for i, (label, est, lo, hi) in enumerate(rows):
        body.append(_interval_row(i, label, est, lo, hi, scale,
                                  bool(flagged[i]) if i < len(flagged) else False, unit,
                                  colon))
    return _frame(body, title, height, width)


def _interval_row(i: int, label: str, est: float | None, lo: float | None, hi: float | None,
                  scale: Scale, flagged: bool, unit: str, colon: str = ": ") -> str:
    y = _PAD_T + _ROW * i + _ROW / 2
    cls = "interval flagged" if flagged else "interval"
    label_w = _label_w(scale[3])
    parts = [f'<g class="{cls}"><text class="row-label" x="{label_w - 6}" y="{y + 4:.1f}" '
             f'text-anchor="end">{_e(label[:int((label_w - 8) / _CHAR_W)])}</text>']
    if lo is not None and hi is not None:
        parts.append(f'<line class="ci" x1="{_x_of(lo, scale):.1f}" y1="{y:.1f}" '
                     f'x2="{_x_of(hi, scale):.1f}" y2="{y:.1f}"/>')
    if est is not None:
        tip = f"{label}{colon}{_short(round(est, 3))}{unit}"
        if lo is not None and hi is not None:
            tip += f" [{_short(round(lo, 3))}, {_short(round(hi, 3))}]"
        parts.append(f'<circle class="estimate" cx="{_x_of(est, scale):.1f}" cy="{y:.1f}" '
                     f'r="4"><title>{_e(tip)}</title></circle>')
    return "".join(parts) + "</g>"
