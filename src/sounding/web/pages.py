"""One HTML page and one ``.json`` twin per registered view, both from the same data dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from sounding.errors import NotFound, SoundingError
from sounding.report import VIEWS, View
from sounding.store import Store
from sounding.web.auth import current, request_lang
from sounding.web.cache import ViewCache
from sounding.web.render import html_page, json_page

__all__ = ["error_page", "install_pages", "status_of"]


def error_page(request: Request, exc: SoundingError | str, status_code: int) -> Response:
    """A short HTML page saying what went wrong (the message is escaped like any text)."""
    session = current(request)
    message, hint = (str(exc), exc.hint) if isinstance(exc, SoundingError) else (exc, "")
    return html_page(request, "error.html", {"message": message, "hint": hint},
                     lang=request_lang(request, session), session=session,
                     status_code=status_code)


def status_of(exc: SoundingError) -> int:
    """404 for what does not exist, 400 for any other refusal."""
    return 404 if isinstance(exc, NotFound) else 400


def _data(request: Request, store: Store, page: View) -> dict[str, Any]:
    cache: ViewCache = request.app.state.cache
    params = request.query_params
    key = (page.slug, tuple(sorted(params.multi_items())))
    return cache.get(key, lambda: page.build(store, params))


def _html_route(store: Store, page: View) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        session = current(request)
        if session is None:
            target = quote(request.url.path + ("?" + request.url.query if request.url.query
                                               else ""), safe="")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        try:
            data = _data(request, store, page)
        except SoundingError as exc:
            return error_page(request, exc, status_of(exc))
        return html_page(request, f"pages/{page.slug}.html", {"data": data, "slug": page.slug},
                         lang=request_lang(request, session), session=session)
    return handler


def _json_route(store: Store, page: View) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        if current(request) is None:
            return json_page({"error": "sign in first"}, status_code=401)
        try:
            return json_page(_data(request, store, page))
        except SoundingError as exc:
            return json_page({"error": str(exc), "hint": exc.hint}, status_code=status_of(exc))
    return handler


def install_pages(app: FastAPI, store: Store) -> None:
    """Routes for every view registered in ``sounding.report.VIEWS``."""

    @app.get("/")
    def home() -> Response:
        return RedirectResponse("/overview", status_code=303)

    for page in VIEWS.values():
        app.add_api_route(f"/{page.slug}.json", _json_route(store, page), methods=["GET"],
                          include_in_schema=False)
        app.add_api_route(f"/{page.slug}", _html_route(store, page), methods=["GET"],
                          include_in_schema=False)
