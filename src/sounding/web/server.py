"""Run the workspace server: hold the file, announce the server, serve until stopped."""

from __future__ import annotations

import errno
import json
import logging
import os
import secrets
import signal
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from sounding.errors import ConfigError, WorkspaceBusy
from sounding.store import Store
from sounding.web.app import create_app
from sounding.workflows.ops import server_file
from sounding.workflows.schedule import start_jobs
from sounding.workflows.served import serving
from sounding.workflows.users import add_user

__all__ = ["address", "already_served", "check_address", "demo_login", "serve"]

DEMO_USER = "demo"
_log = logging.getLogger("sounding.server")


def address(host: str, port: int) -> str:
    """The server's address; an IPv6 host in brackets (``http://[::1]:8000``)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _announce(db: Path, host: str, port: int, token: str) -> Path:
    """Write the server file whole, readable by its owner only: a command reading it while
    it is half written would find no server and wait for the file's lock instead."""
    path = server_file(db)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        partial.unlink(missing_ok=True)  # a leftover (or a link put there) is not written to
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                     | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"pid": os.getpid(), "url": address(host, port), "token": token}, fh)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"cannot write the server file {path}: {exc.strerror or exc}",
                          hint="the server file is written beside the workspace: check that "
                          "folder's permissions") from None
    return path


def _bind(host: str, port: int) -> socket.socket:
    """The listening address, taken before anything says the server is there."""
    if not 0 <= port <= 65535:  # socket would raise OverflowError, not OSError
        raise ConfigError(f"--port {port}: a TCP port is a number from 0 to 65535",
                          hint="choose a free port such as 8000, or 0 for any free one")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                          hint=_bind_hint(exc)) from None
    return sock


def _bind_hint(exc: OSError) -> str:
    """What to do about an address that cannot be listened on, by the system's reason."""
    if isinstance(exc, socket.gaierror):
        return ("--host is not an address or a known host name: use 127.0.0.1 (this "
                "machine only) or 0.0.0.0 (every interface)")
    if exc.errno == errno.EADDRNOTAVAIL:
        return ("--host is not one of this machine's addresses: use 127.0.0.1 (this "
                "machine only), 0.0.0.0 (every interface) or one of its own")
    if exc.errno == errno.EACCES:
        return "ports below 1024 need privileges: choose another with --port, such as 8000"
    return "stop what uses that port, or choose another with --port"


def check_address(host: str, port: int) -> None:
    """Refuse now an address that :func:`serve` could not listen on (a port out of range or
    in use, a host not of this machine), before a long task that ends by serving."""
    _bind(host, port).close()


class _Terminated(Exception):
    """SIGTERM (systemd, ``kill``) arrived: stop as Ctrl-C does, through serve's cleanup."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _catch_sigterm() -> Any:
    """Turn SIGTERM into _Terminated; the handler it replaces (None off the main thread).

    uvicorn shuts down gracefully on SIGTERM, then raises it again under the handler it
    found: the default one would end the process before the server file is removed."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def _open_when_started(server: uvicorn.Server, url: str) -> None:
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    if server.started:
        webbrowser.open(url)


def already_served(db: Path) -> WorkspaceBusy | None:
    """The error to stop waiting with when the process holding the workspace is a server
    (started at the same time as this one): it keeps the file until it stops."""
    served = serving(db)
    if served is None:
        return None
    return WorkspaceBusy(f"{db} is already served at {served.get('url')} "
                         f"(pid {served.get('pid')})",
                         hint="use that server, or stop it before starting another")


def serve(db: Path, *, host: str = "127.0.0.1", port: int = 8000, wait: float = 120.0,
          open_browser: bool = False, on_listening: Callable[[str], None] | None = None,
          on_wait: Callable[[str], None] | None = None) -> None:
    """Serve a workspace until interrupted; CLI commands on it go through this server.

    ``on_listening(url)`` is called once the address is taken (a port in use is an error),
    with the port actually taken (the one the system chose for port 0); ``on_wait`` once
    if another process holds the workspace, which is waited for."""
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    try:
        store = Store.open(db, wait=wait, on_wait=on_wait,
                           give_up=lambda: already_served(db))
    except WorkspaceBusy as exc:
        sock.close()
        if serving(db) is not None:  # a server started meanwhile: said so at once
            raise
        raise WorkspaceBusy(str(exc), hint="another process still holds it: start the server "
                                           "once that command has finished") from exc
    except BaseException:
        sock.close()
        raise
    token = secrets.token_urlsafe(24)
    app = create_app(store, token, warm=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    stop = threading.Event()
    previous = _catch_sigterm()
    announced: Path | None = None
    try:
        try:
            announced = _announce(db, host, port, token)
            if on_listening is not None:
                on_listening(address(host, port))
            if open_browser:
                threading.Thread(target=_open_when_started,
                                 args=(server, f"{address(host, port)}/"), daemon=True).start()
            start_jobs(store, stop,
                       on_error=lambda job, exc: _log.warning("%s failed: %s", job, exc),
                       on_change=lambda job: _refresh(app))
            server.run(sockets=[sock])
        except _Terminated:
            pass  # stopped on purpose, as by Ctrl-C: a normal end
        finally:
            try:
                sock.close()
                stop.set()
                if announced is not None:
                    announced.unlink(missing_ok=True)
            finally:  # a second SIGTERM while the store closes ends the process, as it asks
                if previous is not None:
                    signal.signal(signal.SIGTERM, previous)
    finally:
        store.close()


def _refresh(app: Any) -> None:
    """Pages built before a scheduled job stored something are stale: build them again."""
    app.state.cache.clear()
    app.state.warmer.start()


def demo_login(db: Path) -> tuple[str, str]:
    """An admin ``demo`` user with a fresh random password, for ``sounding demo --serve``."""
    password = secrets.token_urlsafe(12)
    with Store.open(db) as store:
        add_user(store, DEMO_USER, password, "admin", replace=True)
    return DEMO_USER, password
