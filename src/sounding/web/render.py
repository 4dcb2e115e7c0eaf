"""Turn a view's data dict into HTML with Jinja (autoescaped) or into its JSON twin."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from sounding.analyse.design import issue_text
from sounding.analyse.segment_words import cluster_description, segment_label
from sounding.analyse.verdict_texts import note_text, verdict_text
from sounding.models import interval_text
from sounding.plan import caution_text
from sounding.report import VIEWS, charts
from sounding.report.executive import shown
from sounding.report.views_refusals import Refused, period_days
from sounding.web.i18n import LANGS, interval, number, refusal_text, translator
from sounding.workflows.queue_text import placeholder_in
from sounding.workflows.users import Session

__all__ = ["SECURITY_HEADERS", "html_page", "json_body", "json_page", "local_path",
           "render_html"]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # a page or its JSON shows a signed-in person's data: after sign-out, Back must not
    # show it again from the browser's cache (static assets, served apart, stay cacheable)
    "Cache-Control": "no-store",
}

_env = Environment(loader=PackageLoader("sounding.web", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True, finalize=shown)


_NUM = r"-?\d[\d.]*[kM]?"
_TICK = re.compile(rf'(<text class="tick"[^>]*>)({_NUM})(</text>)')
_TIP = re.compile(rf": ({_NUM})(?: \[({_NUM}), ({_NUM})\])?</title>")


def _figure(text: str, lang: str, unit: str) -> str:
    return (text.replace(".", ",") if lang == "fr" else text) + unit


def _localised(svg: str, lang: str, unit: str) -> str:
    """A chart's own figures (axis ticks, the end of each tooltip) written the way the page
    writes numbers: a decimal comma in French, a unit such as " %". Labels are left alone."""
    def tip(m: re.Match[str]) -> str:
        text = ": " + _figure(m[1], lang, unit)
        if m[2] is not None:
            text += " " + interval_text(_figure(m[2], lang, unit), _figure(m[3], lang, unit),
                                        lang)
        return text + "</title>"
    svg = _TICK.sub(lambda m: m[1] + _figure(m[2], lang, unit if m[2] != "0" else "") + m[3],
                    svg)
    return _TIP.sub(tip, svg)


def _chart(name: str, *args: Any, lang: str = "en", percent: bool = False,
           **kwargs: Any) -> Markup:
    """A chart in the page's language; ``percent`` shows shares (0..1) as percentages."""
    if percent:  # bar_pairs(labels, current, previous, ...): the shares are its 2nd and 3rd
        args = (args[0], *([None if v is None else round(100 * v, 1) for v in values]
                          for values in args[1:3]), *args[3:])
    unit = (" %" if lang == "fr" else "%") if percent else ""
    # Drawn twice: the style sheet shows the narrow one on a phone, where the wide one's text
    # would shrink to half its size. The chart functions escape every label themselves;
    # their output is trusted markup.
    draw = getattr(charts, name)
    return Markup(_localised(draw(*args, **kwargs), lang, unit)
                  + _localised(draw(*args, **kwargs, width=charts.NARROW), lang, unit))


def _variant_text(variant: object) -> str:
    """A variant as a person reads it: "format=video · tone=humour" (stored as JSON)."""
    parsed = variant
    if isinstance(variant, str):
        try:
            parsed = json.loads(variant)
        except ValueError:
            return variant
    if isinstance(parsed, dict):
        return " · ".join(f"{k}={v}" for k, v in parsed.items())
    return "" if parsed is None else str(parsed)


def _segment_label(segment: dict[str, Any], lang: str) -> str:
    return segment_label(segment["name"], segment["label"], segment.get("source", "rule"), lang)


def _segment_description(segment: dict[str, Any], lang: str) -> str:
    return cluster_description(segment["about"], lang) if segment.get("about") else ""


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _period_sides(text: str | None) -> tuple[str, str]:
    """A period's two days as a date field takes them (YYYY-MM-DD, '' for no limit): as
    the pages read it (``20261001`` is 2026-10-01); a refused period's sides as typed
    where they look like dates (the form gives them back to be corrected)."""
    try:
        start, end = period_days(text)
    except Refused:
        first, _, last = (side.strip() for side in (text or "").partition(".."))
        return (first if _DAY.fullmatch(first) else "", last if _DAY.fullmatch(last) else "")
    return (start.isoformat() if start else "", end.isoformat() if end else "")


_env.filters["period_sides"] = _period_sides
_env.filters["variant_text"] = _variant_text
_env.filters["draft_text"] = placeholder_in
_env.filters["learn_note"] = note_text
_env.filters["design_issue"] = issue_text
_env.filters["verdict_text"] = verdict_text
_env.filters["caution_text"] = caution_text
_env.filters["segment_label"] = _segment_label
_env.filters["segment_description"] = _segment_description


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target only when it stays on this site (no scheme, no //host); a browser
    drops tabs and line ends from a URL, so any control character or space is refused too
    (a slash, a tab, a slash and a host would become ``//host``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7f for ch in target):
        return default
    return target


def _page_query(request: Request) -> list[tuple[str, str]]:
    """The address's parameters a page shows again (its forms' hidden fields, the way
    back after a form): on a view's page only those the view reads, so the page is the
    same whatever else the address carries (the server caches it by those)."""
    page = VIEWS.get(request.url.path.strip("/"))
    if page is None:
        return list(request.query_params.multi_items())
    return list(page.params(request.query_params).items())


def render_html(request: Request, template: str, context: dict[str, Any], *,
                lang: str, session: Session | None) -> str:
    """A template rendered with the common context: words, menu, user, CSRF token."""
    page = _env.get_template(template)
    query = _page_query(request)
    path = request.url.path + (f"?{urlencode(query)}" if query else "")
    return page.render(
        **context, t=translator(lang), lang=lang, langs=LANGS, session=session,
        csrf=session.csrf_token if session else "", path=path, query=query,
        nav=[v.slug for v in VIEWS.values() if v.nav], num=partial(number, lang=lang),
        interval=partial(interval, lang=lang),
        chart=partial(_chart, lang=lang), refusal=partial(refusal_text, lang=lang),
    )


def html_page(request: Request, template: str, context: dict[str, Any], *,
              lang: str, session: Session | None, status_code: int = 200) -> HTMLResponse:
    """Render a template with the common context into a response."""
    html = render_html(request, template, context, lang=lang, session=session)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def json_body(data: dict[str, Any]) -> str:
    """A view's data as JSON text: the same dict the page was rendered from."""
    return json.dumps(data, default=str, ensure_ascii=False)


def json_page(data: dict[str, Any], status_code: int = 200) -> Response:
    """A view's data as a JSON response."""
    return Response(json_body(data), status_code=status_code, media_type="application/json",
                    headers=SECURITY_HEADERS)
