"""The workspace server's HTTP application: the token-protected operations and the dashboard."""

from __future__ import annotations

import hmac
import json
import logging
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from sounding.errors import (
    ConfigError,
    ImportRejected,
    InputError,
    NetworkFailure,
    NetworkRefused,
    NotFound,
    SoundingError,
    WorkspaceBusy,
)
from sounding.report import VIEWS
from sounding.store import Store
from sounding.web.actions import install_actions
from sounding.web.auth import current, forget_sessions, install_auth, request_lang
from sounding.web.cache import ViewCache, Warmer
from sounding.web.downloads import install_downloads
from sounding.web.i18n import translator
from sounding.web.pages import error_page, install_pages
from sounding.workflows.ops import check_arguments, run_operation

__all__ = ["KEEPS_CACHE", "create_app", "error_payload", "status_of"]

_log = logging.getLogger("sounding.server")

# POSTs that change no page's data (sessions and preferences): the cache survives them, so
# signing in or switching language does not throw away a minute of audience analysis.
KEEPS_CACHE = frozenset({"/login", "/logout", "/lang"})


def error_payload(exc: SoundingError) -> dict[str, Any]:
    """An error as JSON, enough for a client to raise the same error again."""
    payload: dict[str, Any] = {"type": type(exc).__name__, "error": str(exc),
                               "hint": exc.hint}
    if isinstance(exc, ImportRejected):
        payload["problems"] = [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in exc.problems
        ]
    return payload


# The HTTP status of an operation's error, first match wins (a subclass before its base).
_STATUS: tuple[tuple[type[SoundingError], int], ...] = (
    (ImportRejected, 422), (InputError, 400), (ConfigError, 400), (NotFound, 404),
    (WorkspaceBusy, 503), (NetworkFailure, 502), (NetworkRefused, 502),
)


def status_of(exc: SoundingError) -> int:
    """What an operation's error answers: 4xx for the caller's mistakes, 5xx for the rest."""
    return next((status for kind, status in _STATUS if isinstance(exc, kind)), 500)


def _token_ok(given: str, token: str) -> bool:
    """Compared in constant time, on bytes: a header may hold any (latin-1) character."""
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def _arguments(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise InputError("the arguments are not JSON",
                         hint="send the operation's arguments as a JSON object") from None


def _unexpected(name: str, exc: Exception) -> JSONResponse:
    """A bug in an operation: logged here with its traceback, one line for the client."""
    _log.exception("operation %s failed", name)
    return JSONResponse({"type": "ServerError",
                         "error": f"'{name}' failed on the server: {type(exc).__name__}: {exc}",
                         "hint": "this is unexpected; the server's log has the traceback, "
                                 "please report it"}, status_code=500)


def _install_ops(app: FastAPI, store: Store, token: str) -> None:
    @app.exception_handler(SoundingError)
    async def _sounding_error(request: Request, exc: SoundingError) -> JSONResponse:
        return JSONResponse(error_payload(exc), status_code=400)

    @app.get("/api/health")
    def health() -> dict[str, Any]:  # no workspace path: anyone may ask
        return {"ok": True, "warm": app.state.warmer.done.is_set()}

    @app.post("/api/ops/{name}")
    async def operation(name: str, request: Request) -> JSONResponse:
        if not _token_ok(request.headers.get("x-sounding-token", ""), token):
            return JSONResponse({"type": "ServerError", "error": "bad token",
                                 "hint": "the server's token is in its .server.json file"},
                                status_code=403)
        try:
            args = _arguments(await request.body())
            check_arguments(name, args)
            result = await run_in_threadpool(run_operation, store, name, args)
            return JSONResponse({"result": result})
        except SoundingError as exc:
            return JSONResponse(error_payload(exc), status_code=status_of(exc))
        except Exception as exc:  # a bug: still a JSON answer
            return _unexpected(name, exc)


def _builder(build: Any, store: Store, params: dict[str, str]) -> Any:
    return lambda: build(store, params)


class HeadAsGet:
    """A HEAD request answered as its GET, headers only: link checkers and monitors ask
    HEAD, and the routes are declared for GET alone (405 otherwise)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)
        await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(store: Store, token: str, *, warm: bool = False) -> FastAPI:
    """An app serving one open workspace: the dashboard, and operations behind the token.

    ``warm`` builds every menu page's views (those its ``View.warm`` lists) in the
    background, at start and again after each write.
    """
    app = FastAPI(title="sounding", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(HeadAsGet)
    app.state.store = store
    app.state.cache = ViewCache()
    app.state.warmer = warmer = Warmer(app.state.cache, [
        ((v.slug, tuple(sorted(p.items()))), _builder(v.build, store, p))
        for v in VIEWS.values() if v.nav for p in v.warm] if warm else [])

    @app.middleware("http")
    async def _forget_after_writes(request: Request, call_next: Any) -> Response:
        # only a request that wrote: a refused POST (no session, a bad token, no such
        # route) from anyone must not empty the cache and restart the warm-up
        before = store.commits
        response: Response = await call_next(request)
        if request.method not in ("GET", "HEAD") and store.commits != before:
            if request.url.path not in KEEPS_CACHE:
                app.state.cache.clear()
                if warm:
                    warmer.start()
            forget_sessions()
        return response

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        path = request.url.path
        if exc.status_code == 404 and not path.startswith(("/api/", "/static/")) \
                and not path.endswith(".json"):  # a person's mistyped address: a page
            t = translator(request_lang(request, current(request)))
            return error_page(request, t("page_not_found"), 404)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    warmer.start()

    _install_ops(app, store, token)
    static = resources.files("sounding.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    install_auth(app, store)
    install_pages(app, store)
    install_actions(app, store)
    install_downloads(app, store)
    return app
