"""The executive report as a download from the dashboard: the period shown, in the
reader's language, as HTML or (where this machine can make one) PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from sounding.errors import NotFound, SoundingError
from sounding.report.documents import report_document
from sounding.report.views_refusals import RefusedMissing, page_period
from sounding.store import Store
from sounding.web.auth import current, request_lang
from sounding.web.cache import ViewCache
from sounding.web.pages import error_page, period_from_dates, sign_in_first, status_of
from sounding.web.render import SECURITY_HEADERS
from sounding.workflows.reporting import report_data

__all__ = ["DOWNLOADS", "install_downloads"]

DOWNLOADS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}

# The report is one self-contained page: its style is inline, and it runs no script at all.
_REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _data(request: Request, store: Store, period: str) -> dict[str, Any]:
    """The report's figures for ``period``, gathered once until the next write (HTML, PDF
    and both languages share them); a period without brand posts is refused in the page's
    words."""
    cache: ViewCache = request.app.state.cache

    def build() -> dict[str, Any]:
        try:
            return report_data(store, period or None)
        except NotFound as exc:
            raise RefusedMissing("no_posts") from exc
    return cache.get(("report", period), build)


def _headers(data: dict[str, Any], kind: str) -> dict[str, str]:
    dates = data["period"]  # ISO dates the store wrote: nothing to quote in a file name
    name = f"sounding-report-{dates['start']}_{dates['end']}.{kind}"
    return {**SECURITY_HEADERS, "Content-Security-Policy": _REPORT_POLICY,
            "Content-Disposition": f'attachment; filename="{name}"'}


def _route(store: Store, kind: str) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        session = current(request)
        if session is None:
            return sign_in_first(request)
        dated = period_from_dates(request)
        if dated is not None:
            return dated
        try:
            period = page_period(request.query_params.get("period"))
            data = _data(request, store, period)
            body = report_document(data, request_lang(request, session), kind)
        except SoundingError as exc:
            return error_page(request, exc, status_of(exc))
        return Response(body, media_type=DOWNLOADS[kind], headers=_headers(data, kind))
    return handler


def install_downloads(app: FastAPI, store: Store) -> None:
    """``/report.html`` and ``/report.pdf``, for the ``period`` the address names."""
    for kind in DOWNLOADS:
        app.add_api_route(f"/report.{kind}", _route(store, kind), methods=["GET"],
                          include_in_schema=False)
