"""One HTML page and one ``.json`` twin per registered view, both from the same data dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sounding.errors import NotFound, SoundingError
from sounding.report import VIEWS, View
from sounding.report.pdf import can_make_pdf
from sounding.report.views_refusals import Refused, page_hint
from sounding.store import Store
from sounding.web.auth import current, request_lang, sign_in_again
from sounding.web.cache import ViewCache
from sounding.web.i18n import refusal_text
from sounding.web.render import SECURITY_HEADERS, html_page, json_body, json_page, render_html
from sounding.workflows.users import Session

__all__ = ["error_page", "form_refused", "install_pages", "period_from_dates", "sign_in_first",
           "status_of"]


def error_page(request: Request, exc: SoundingError | str, status_code: int, *,
               back: str = "/overview", retry: dict[str, str] | None = None) -> Response:
    """A short HTML page saying what went wrong, in the reader's language when the error
    names its words (the message is escaped like any text), never with a command-line flag
    for a hint; a refused period comes back in a form, to be corrected, and so does a text
    (``retry``: the form's action and the text typed). ``back`` is a path on this site: the
    page the refused form was on."""
    session = current(request)
    lang = request_lang(request, session)
    message, hint = (str(exc), page_hint(exc.hint)) if isinstance(exc, SoundingError) \
        else (exc, "")
    key = ""
    if isinstance(exc, Refused):
        message, hint, key = refusal_text(exc.key, exc.values, lang), "", exc.key
    period = (request.query_params.get("period") or "")[:80]
    return html_page(request, "error.html",
                     {"message": message, "hint": hint, "key": key, "back": back,
                      "retry": retry, "data": {"period": period},
                      "slug": request.url.path.strip("/")},
                     lang=lang, session=session, status_code=status_code)


def form_refused(request: Request, session: Session | None, status_code: int,
                 next_path: str, *, token_sent: bool = True) -> Response:
    """Why a form that changes things was refused, in the reader's words: a session that
    has ended gets the sign-in form (back to ``next_path``); an editor's form from an earlier
    session is to be reloaded, one sent without its token (``token_sent`` false) is said
    to be; a role that may not edit is told so."""
    if session is None:
        return sign_in_again(request, next_path)
    if session.can_edit:  # then only the form's CSRF token can be wrong
        why = "stale_form" if token_sent else "no_token"
        return error_page(request, Refused(why), status_code, back=next_path)
    return error_page(request, "not_allowed", status_code, back=next_path)


def status_of(exc: SoundingError) -> int:
    """404 for what does not exist, 400 for any other refusal."""
    return 404 if isinstance(exc, NotFound) else 400


def sign_in_first(request: Request) -> Response:
    """The sign-in form, coming back to the address asked for."""
    target = quote(request.url.path + ("?" + request.url.query if request.url.query
                                       else ""), safe="")
    return RedirectResponse(f"/login?next={target}", status_code=303)


def _key(request: Request, page: View) -> tuple[str, tuple[tuple[str, str], ...]]:
    return page.slug, tuple(sorted(page.params(request.query_params).items()))


def _data(request: Request, store: Store, page: View) -> dict[str, Any]:
    cache: ViewCache = request.app.state.cache
    params = page.params(request.query_params)
    return cache.get((page.slug, tuple(sorted(params.items()))),
                     lambda: page.build(store, params))


def _html(request: Request, store: Store, page: View, lang: str, session: Session) -> str:
    """The page's HTML, rendered once per view, language and session until the next write
    (the page carries the session's CSRF token, so it is never shared between sessions).
    ``pdf`` says whether the report's PDF can be offered for download."""
    cache: ViewCache = request.app.state.cache
    key = ("html", _key(request, page), lang, session.username, session.role,
           session.csrf_token)
    page_html: str = cache.get(key, lambda: {"html": render_html(
        request, f"pages/{page.slug}.html",
        {"data": _data(request, store, page), "slug": page.slug, "pdf": can_make_pdf()},
        lang=lang, session=session)})["html"]
    return page_html


def period_from_dates(request: Request) -> Response | None:
    """A period form's two date fields (``from``, ``to``) turned into the one ``period``
    every page, link and download reads: a 303 to the same page with ``period=from..to``
    in their place and the other parameters kept. Both empty give ``period=..``, all
    dates (no period at all is the overview's last 28 days). A side that is not a date
    goes through as typed, for the page to refuse it as any odd period. None when the
    address has neither field."""
    params = request.query_params
    if "from" not in params and "to" not in params:
        return None
    start, end = ((params.get(side) or "").strip()[:40] for side in ("from", "to"))
    kept = [(k, v) for k, v in params.multi_items() if k not in ("from", "to", "period")]
    query = urlencode([*kept, ("period", f"{start}..{end}")])
    return RedirectResponse(f"{request.url.path}?{query}", status_code=303)


def _html_route(store: Store, page: View) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        session = current(request)
        if session is None:
            return sign_in_first(request)
        dated = period_from_dates(request)
        if dated is not None:
            return dated
        try:
            html = _html(request, store, page, request_lang(request, session), session)
        except SoundingError as exc:
            # back to the page's own form, without what it refused (the thread of an
            # unknown item has no page of its own to go back to)
            back = f"/{page.slug}" if page.nav else "/items"
            return error_page(request, exc, status_of(exc), back=back)
        return HTMLResponse(html, headers=SECURITY_HEADERS)
    return handler


def _json_route(store: Store, page: View) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        if current(request) is None:
            return json_page({"error": "sign in first"}, status_code=401)
        dated = period_from_dates(request)
        if dated is not None:
            return dated
        cache: ViewCache = request.app.state.cache
        try:
            body = cache.get(("json", _key(request, page)),
                             lambda: {"json": json_body(_data(request, store, page))})["json"]
        except SoundingError as exc:
            refused = exc if isinstance(exc, Refused) else None
            return json_page({"error": str(exc), "hint": page_hint(exc.hint),
                              "key": refused.key if refused else None,
                              "values": refused.values if refused else {}},
                             status_code=status_of(exc))
        return Response(body, media_type="application/json", headers=SECURITY_HEADERS)
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
