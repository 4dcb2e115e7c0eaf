"""The executive report: one self-contained HTML page (inline CSS and SVG) from the evidence.

The first page summarises (what happened, what is said, who reacts, what works); the
sections after it show the charts and tables each summary line rests on. Network text
reaches the page only through Jinja's autoescape; the SVG charts escape their own labels.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from sounding.models import REACTIONS, without_controls
from sounding.report.charts import stacked_bars
from sounding.report.i18n_report import Fmt
from sounding.report.report_charts import Estimate, interval_chart

__all__ = ["environment", "render_report_html", "shown"]


def shown(value: Any) -> Any:
    """What a template writes: text without control characters (a quoted reaction's ESC
    or NUL, a variant level's BEL), escaped afterwards as usual."""
    if isinstance(value, Markup):
        return Markup(without_controls(str(value)))
    return without_controls(value) if isinstance(value, str) else value


@cache
def environment() -> Environment:
    """The report's Jinja environment: autoescape on, undefined names are errors, every
    value written without control characters."""
    return Environment(loader=PackageLoader("sounding.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       finalize=shown)


# WeasyPrint draws inline SVG with the SVG's own style sheet only, so each chart carries one
_SVG_STYLE = (
    "<style>text{font-family:'DejaVu Sans',sans-serif;font-size:10px;fill:#667085}"
    "text.label{fill:#1d2430}.axis{stroke:#667085}.whisker{stroke:#2f5bd3;stroke-width:2}"
    ".point{fill:#2f5bd3}.target{fill:#e0a030}"
    ".reference{stroke:#c0392b;stroke-dasharray:3 3}.series-0{fill:#2e8b57}"
    ".series-1{fill:#c0392b}.series-2{fill:#8a94a6}.series-3{fill:#e0a030}</style>")


def _styled(svg: str) -> Markup:
    head, sep, rest = svg.partition(">")
    return Markup(head + sep + _SVG_STYLE + rest)


def _kpi_chart(fmt: Fmt, ev: dict[str, Any]) -> Markup:
    raw = ev["charts"]["kpis"]
    rows = [Estimate(k["name"], raw[k["key"]]["value"], raw[k["key"]]["low"],
                     raw[k["key"]]["high"], k["value"], raw[k["key"]]["target"])
            for k in ev["kpis"] if raw[k["key"]]["low"] is not None]
    return _styled(interval_chart(rows, fmt.t("chart_kpis"), colon=fmt.t("colon")))


def _weekly_chart(fmt: Fmt, weekly: list[dict[str, Any]]) -> Markup:
    weeks = [w["week"] for w in weekly]
    series = [(fmt.t(f"label_{r}"), [float(w[r]) for w in weekly]) for r in REACTIONS]
    return _styled(stacked_bars(weeks, series, fmt.t("chart_weekly"), colon=fmt.t("colon")))


def _segment_chart(fmt: Fmt, segments: list[dict[str, Any]]) -> Markup:
    rows = [Estimate(s["name"], s["index_value"], s["low_value"], s["high_value"], s["index"])
            for s in segments if s["index_value"] is not None and s["low_value"] is not None]
    return _styled(interval_chart(rows, fmt.t("chart_segments"), 100.0,
                                  fmt.t("chart_expected"), colon=fmt.t("colon")))


def _factor_chart(fmt: Fmt, factor: dict[str, Any]) -> Markup:
    rows = [Estimate(c["level"], c["mean"], c["low"], c["high"], lv["interest"])
            for c, lv in zip(factor["chart"], factor["levels"], strict=True)]
    return _styled(interval_chart(rows, fmt.t("chart_factor", factor=factor["factor"]),
                                  colon=fmt.t("colon")))


def charts(ev: dict[str, Any]) -> dict[str, Any]:
    """Every chart of the report, as inline SVG markup."""
    fmt = Fmt(ev["lang"], ev["exposure"])
    return {"kpis": _kpi_chart(fmt, ev),
            "weekly": _weekly_chart(fmt, ev["charts"]["weekly"]),
            "segments": _segment_chart(fmt, ev["segments"]),
            "factors": {f["factor"]: _factor_chart(fmt, f) for f in ev["factors"]}}


def render_report_html(ev: dict[str, Any]) -> str:
    """The executive report of an evidence dict as one HTML document."""
    fmt = Fmt(ev["lang"], ev["exposure"])
    template = environment().get_template("report.html")
    return template.render(ev=ev, t=fmt.t, charts=charts(ev),
                           labels=list(REACTIONS))
