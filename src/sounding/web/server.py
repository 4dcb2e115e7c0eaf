"""Run the workspace server: hold the file, announce the server, serve until stopped."""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
import webbrowser
from pathlib import Path

import uvicorn

from sounding.store import Store
from sounding.web.app import create_app
from sounding.workflows.ops import server_file
from sounding.workflows.users import add_user

__all__ = ["demo_login", "serve"]

DEMO_USER = "demo"


def _announce(db: Path, host: str, port: int, token: str) -> Path:
    path = server_file(db)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"pid": os.getpid(), "url": f"http://{host}:{port}", "token": token}, fh)
    return path


def _open_when_started(server: uvicorn.Server, url: str) -> None:
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    if server.started:
        webbrowser.open(url)


def serve(db: Path, *, host: str = "127.0.0.1", port: int = 8000, wait: float = 120.0,
          open_browser: bool = False) -> None:
    """Serve a workspace until interrupted; CLI commands on it go through this server."""
    store = Store.open(db, wait=wait)
    token = secrets.token_urlsafe(24)
    config = uvicorn.Config(create_app(store, token, warm=True), host=host, port=port,
                            log_level="warning")
    server = uvicorn.Server(config)
    announced = _announce(db, host, port, token)
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, f"http://{host}:{port}/"),
                         daemon=True).start()
    try:
        server.run()
    finally:
        announced.unlink(missing_ok=True)
        store.close()


def demo_login(db: Path) -> tuple[str, str]:
    """An admin ``demo`` user with a fresh random password, for ``sounding demo --serve``."""
    password = secrets.token_urlsafe(12)
    with Store.open(db) as store:
        add_user(store, DEMO_USER, password, "admin", replace=True)
    return DEMO_USER, password
