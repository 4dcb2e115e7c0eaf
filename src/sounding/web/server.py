"""Run the workspace server: hold the file, announce the server, serve until stopped."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import uvicorn

from sounding.store import Store
from sounding.web.app import create_app
from sounding.workflows.ops import server_file

__all__ = ["serve"]


def _announce(db: Path, host: str, port: int, token: str) -> Path:
    path = server_file(db)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"pid": os.getpid(), "url": f"http://{host}:{port}", "token": token}, fh)
    return path


def serve(db: Path, *, host: str = "127.0.0.1", port: int = 8000, wait: float = 120.0) -> None:
    """Serve a workspace until interrupted; CLI commands on it go through this server."""
    store = Store.open(db, wait=wait)
    token = secrets.token_urlsafe(24)
    config = uvicorn.Config(create_app(store, token), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    announced = _announce(db, host, port, token)
    try:
        server.run()
    finally:
        announced.unlink(missing_ok=True)
        store.close()
