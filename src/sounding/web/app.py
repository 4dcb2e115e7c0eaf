"""The workspace server's HTTP application: health and operations, token-protected."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse

from sounding.errors import ImportRejected, SoundingError
from sounding.store import Store
from sounding.workflows.ops import run_operation

__all__ = ["create_app", "error_payload"]


def error_payload(exc: SoundingError) -> dict[str, Any]:
    """An error as JSON, enough for a client to raise the same error again."""
    payload: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc),
                               "hint": exc.hint}
    if isinstance(exc, ImportRejected):
        payload["problems"] = [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in exc.problems
        ]
    return payload


def create_app(store: Store, token: str) -> FastAPI:
    """An app serving one open workspace; every operation needs the server's token."""
    app = FastAPI(title="sounding", docs_url=None, redoc_url=None)

    @app.exception_handler(SoundingError)
    async def _sounding_error(request: Request, exc: SoundingError) -> JSONResponse:
        return JSONResponse(error_payload(exc), status_code=400)

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "workspace": str(store.path)}

    @app.post("/api/ops/{name}")
    def operation(name: str, args: dict[str, Any],
                  x_sounding_token: str = Header(default="")) -> JSONResponse:
        if not hmac.compare_digest(x_sounding_token, token):
            return JSONResponse({"type": "ServerError", "message": "bad token", "hint": ""},
                                status_code=403)
        return JSONResponse({"result": run_operation(store, name, args)})

    return app
