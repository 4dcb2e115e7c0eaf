"""Turn a view's data dict into HTML with Jinja (autoescaped) or into its JSON twin."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from sounding.analyse.design import issue_text
from sounding.analyse.segment_words import cluster_description, segment_label
from sounding.analyse.variants import note_text, verdict_text
from sounding.report import VIEWS, charts
from sounding.web.i18n import LANGS, number, refusal_text, translator
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
}

_env = Environment(loader=PackageLoader("sounding.web", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   trim_blocks=True, lstrip_blocks=True)


def _chart(name: str, *args: Any, **kwargs: Any) -> Markup:
    # The chart functions escape every label themselves; their output is trusted markup.
    return Markup(getattr(charts, name)(*args, **kwargs))


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


_env.filters["variant_text"] = _variant_text
_env.filters["learn_note"] = note_text
_env.filters["design_issue"] = issue_text
_env.filters["verdict_text"] = verdict_text
_env.filters["segment_label"] = _segment_label
_env.filters["segment_description"] = _segment_description


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target only when it stays on this site (no scheme, no //host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def render_html(request: Request, template: str, context: dict[str, Any], *,
                lang: str, session: Session | None) -> str:
    """A template rendered with the common context: words, menu, user, CSRF token."""
    page = _env.get_template(template)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return page.render(
        **context, t=translator(lang), lang=lang, langs=LANGS, session=session,
        csrf=session.csrf_token if session else "", path=path,
        nav=[v.slug for v in VIEWS.values() if v.nav], num=partial(number, lang=lang),
        chart=_chart, refusal=partial(refusal_text, lang=lang),
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
