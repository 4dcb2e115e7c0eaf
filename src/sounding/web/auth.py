"""Sign-in, sessions, roles and CSRF: who is asking, and may they change this?

Session cookies are HttpOnly and SameSite=Lax (Secure over https). Every form carries a
per-session CSRF token; the sign-in form, which has no session yet, carries a token
that must match a cookie set with the form (double submit).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from sounding.store import Store
from sounding.web.i18n import LANGS, choose_lang
from sounding.web.render import html_page, local_path
from sounding.web.throttle import SignInThrottle
from sounding.workflows import users
from sounding.workflows.users import Session

__all__ = [
    "SESSION_COOKIE", "check_form", "current", "forget_sessions", "install_auth", "request_lang",
    "sign_in_again",
]

SESSION_COOKIE = "sounding_session"
_LOGIN_CSRF = "sounding_login_csrf"
_LANG_COOKIE = "sounding_lang"


_SESSION_TTL = 5.0
_sessions: dict[str, tuple[float, Session | None]] = {}
_sessions_lock = threading.Lock()
_forgotten = [0]  # how many times the remembered sessions were dropped


def forget_sessions() -> None:
    """Drop the sessions remembered for a few seconds (after any write)."""
    with _sessions_lock:
        _sessions.clear()
        _forgotten[0] += 1


def current(request: Request) -> Session | None:
    """The signed-in session of a request, or None (remembered a few seconds per cookie).
    A session read before a sign-out or a role change is not remembered after it."""
    cookie = request.cookies.get(SESSION_COOKIE, "")
    now = time.monotonic()
    with _sessions_lock:
        found, generation = _sessions.get(cookie), _forgotten[0]
    if found and found[0] > now:
        return found[1]
    session = users.session_for(request.app.state.store, cookie)
    with _sessions_lock:
        if len(_sessions) > 1000:
            _sessions.clear()
        if generation == _forgotten[0]:
            _sessions[cookie] = (now + _SESSION_TTL, session)
    return session


def request_lang(request: Request, session: Session | None) -> str:
    """The language to answer in: the user's, else this browser's last choice (its cookie,
    set by the sign-in page's or a page's language links), else the browser's languages."""
    chosen = session.lang if session and session.lang else request.cookies.get(_LANG_COOKIE)
    return choose_lang(chosen, request.headers.get("accept-language"))


def check_form(session: Session | None, token: str, *, edit: bool) -> int:
    """0 when a form may proceed, else the HTTP status refusing it (401 or 403)."""
    if session is None:
        return 401
    if not hmac.compare_digest(token.encode(), session.csrf_token.encode()):
        return 403
    return 403 if edit and not session.can_edit else 0


def _cookie(response: Response, request: Request, name: str, value: str,
            max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")


def _login_form(request: Request, error: str = "", status_code: int = 200, *,
                next_path: str | None = None, chosen: str | None = None) -> Response:
    """The sign-in form, with ``error`` (a message key) said above it in the reader's words,
    chosen as the pages choose theirs; ``next_path`` and ``chosen`` (a language) default to
    the address's ``next`` and ``lang``. A language chosen here (or earlier in this browser)
    goes with the form, and the pages follow it once signed in."""
    token = secrets.token_urlsafe(24)
    chosen = chosen or request.query_params.get("lang")
    lang = chosen if chosen in LANGS else request_lang(request, current(request))
    picked = lang if chosen == lang or request.cookies.get(_LANG_COOKIE) == lang else ""
    next_path = next_path if next_path is not None else request.query_params.get("next")
    response = html_page(request, "login.html",
                         {"login_csrf": token, "error": error, "picked": picked,
                          "next": local_path(next_path, "/overview")},
                         lang=lang, session=None, status_code=status_code)
    _cookie(response, request, _LOGIN_CSRF, token, max_age=3600)
    if chosen == lang:
        _cookie(response, request, _LANG_COOKIE, lang, max_age=365 * 86400)
    return response


def sign_in_again(request: Request, next_path: str, lang: str | None = None) -> Response:
    """A form sent after its session ended (signed out in another tab, or expired): the
    sign-in form says so in the reader's words (or ``lang``, the language the form asked
    for) and comes back to ``next_path``."""
    return _login_form(request, error="session_ended", status_code=401, next_path=next_path,
                       chosen=lang)


def install_auth(app: FastAPI, store: Store) -> None:
    """The sign-in, sign-out and language routes; repeated failed sign-ins are slowed,
    per name and (more loosely: a proxy puts many people behind one address) per client
    (``app.state.sign_in_throttles``)."""
    names, clients = app.state.sign_in_throttles = (SignInThrottle(free=5),
                                                    SignInThrottle(free=20))

    @app.get("/login")
    def login_page(request: Request) -> Response:
        return _login_form(request)

    @app.post("/login")
    def login(request: Request, username: Annotated[str, Form()] = "",
              password: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = "",
              next: Annotated[str, Form()] = "/overview",
              lang: Annotated[str, Form()] = "") -> Response:
        expected = request.cookies.get(_LOGIN_CSRF, "")
        if not expected or not hmac.compare_digest(csrf_token.encode(), expected.encode()):
            return _login_form(request, error="login_expired", status_code=403)
        name = username.strip().lower()
        client = request.client.host if request.client else ""
        if wait := max(names.wait(name), clients.wait(client)):  # before any hashing
            response = _login_form(request, error="login_throttled", status_code=429)
            response.headers["Retry-After"] = str(wait)
            return response
        if not users.authenticate(store, username, password):
            names.failed(name)
            clients.failed(client)
            return _login_form(request, error="bad_login", status_code=401)
        names.succeeded(name)
        if lang in LANGS:  # the language the sign-in page was read in, by choice
            users.set_language(store, username, lang)
        response = RedirectResponse(local_path(next, "/overview"), status_code=303)
        _cookie(response, request, SESSION_COOKIE, users.open_session(store, username),
                max_age=users.SESSION_DAYS * 86400)
        response.delete_cookie(_LOGIN_CSRF, path="/")
        return response

    @app.post("/logout")
    def logout(request: Request, csrf_token: Annotated[str, Form()] = "",
               next: Annotated[str, Form()] = "/overview") -> Response:
        session = current(request)
        if session is None:  # already signed out (in another tab): nothing left to end
            return RedirectResponse("/login", status_code=303)
        if check_form(session, csrf_token, edit=False):  # a page from an earlier session
            return RedirectResponse(local_path(next, "/overview"), status_code=303)
        users.end_session(store, request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.post("/lang")
    def set_lang(request: Request, lang: Annotated[str, Form()] = "en",
                 csrf_token: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "/overview") -> Response:
        session = current(request)
        if session is None:
            return sign_in_again(request, next, lang if lang in LANGS else None)
        if check_form(session, csrf_token, edit=False) or lang not in LANGS:
            # a page from an earlier session: shown again, fresh, to be clicked again
            return RedirectResponse(local_path(next, "/overview"), status_code=303)
        users.set_language(store, session.username, lang)
        response = RedirectResponse(local_path(next, "/overview"), status_code=303)
        _cookie(response, request, _LANG_COOKIE, lang, max_age=365 * 86400)
        return response
