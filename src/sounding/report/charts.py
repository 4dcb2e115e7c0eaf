"""Inline SVG charts drawn in Python: no JavaScript, no CDN; every label is escaped.

Colours come from CSS classes (``series-0`` …) so a chart follows the page's style sheet
and a data value never reaches an attribute other than an escaped ``<title>`` or text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_pairs", "stacked_bars"]

_W, _H, _PAD_L, _PAD_B, _PAD_T = 640, 220, 44, 40, 12


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _frame(body: list[str], title: str, height: int = _H) -> str:
    return (f'<svg class="chart" role="img" viewBox="0 0 {_W} {height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
            + "".join(body) + "</svg>")


def _axis(top: float, plot_h: float) -> list[str]:
    y0 = _PAD_T + plot_h
    return [f'<line class="axis" x1="{_PAD_L}" y1="{y0}" x2="{_W - 4}" y2="{y0}"/>',
            f'<text class="tick" x="{_PAD_L - 4}" y="{_PAD_T + 8}" text-anchor="end">'
            f"{_e(_short(top))}</text>",
            f'<text class="tick" x="{_PAD_L - 4}" y="{y0}" text-anchor="end">0</text>']


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:g}" if value != int(value) else str(int(value))


def _legend(names: Sequence[str], y: float) -> list[str]:
    parts, x = [], float(_PAD_L)
    for i, name in enumerate(names):
        parts.append(f'<rect class="series-{i}" x="{x}" y="{y - 9}" width="10" height="10"/>'
                     f'<text class="legend" x="{x + 14}" y="{y}">{_e(name)}</text>')
        x += 22 + 7 * len(name)
    return parts


def stacked_bars(categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
                 title: str) -> str:
    """One bar per category, stacked by series (e.g. weeks × reaction labels)."""
    plot_h = _H - _PAD_B - _PAD_T
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    step = (_W - _PAD_L - 8) / max(len(categories), 1)
    body = _axis(top, plot_h)
    for i, category in enumerate(categories):
        x, y = _PAD_L + i * step + 1, float(_PAD_T + plot_h)
        for s, (name, values) in enumerate(series):
            h = plot_h * values[i] / top
            y -= h
            body.append(f'<rect class="series-{s}" x="{x:.1f}" y="{y:.1f}" '
                        f'width="{max(step - 2, 1):.1f}" height="{h:.1f}">'
                        f"<title>{_e(category)} · {_e(name)}: {_e(_short(values[i]))}</title>"
                        "</rect>")
        if len(categories) <= 16 or i % max(len(categories) // 8, 1) == 0:
            body.append(f'<text class="tick" x="{x:.1f}" y="{_PAD_T + plot_h + 12}">'
                        f"{_e(category[5:] if len(category) == 10 else category)}</text>")
    body += _legend([name for name, _ in series], _H - 6)
    return _frame(body, title)


def bar_pairs(labels: Sequence[str], current: Sequence[float | None],
              previous: Sequence[float | None], names: tuple[str, str], title: str) -> str:
    """Two bars per label: this period and the one before (e.g. reaction shares)."""
    plot_h = _H - _PAD_B - _PAD_T
    values = [v or 0.0 for v in (*current, *previous)]
    top = max(values, default=0) or 1
    step = (_W - _PAD_L - 8) / max(len(labels), 1)
    body = _axis(top, plot_h)
    for i, label in enumerate(labels):
        for s, value in enumerate((current[i] or 0.0, previous[i] or 0.0)):
            h = plot_h * value / top
            x = _PAD_L + i * step + 6 + s * (step - 12) / 2
            body.append(f'<rect class="series-{s}" x="{x:.1f}" y="{_PAD_T + plot_h - h:.1f}" '
                        f'width="{(step - 14) / 2:.1f}" height="{h:.1f}">'
                        f"<title>{_e(label)} · {_e(names[s])}: {_e(_short(round(value, 3)))}"
                        "</title></rect>")
        body.append(f'<text class="tick" x="{_PAD_L + i * step + 6:.1f}" '
                    f'y="{_PAD_T + plot_h + 12}">{_e(label)}</text>')
    body += _legend(list(names), _H - 6)
    return _frame(body, title)
