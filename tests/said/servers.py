"""Real local receivers for the tests: an SMTP server (aiosmtpd) and an HTTP webhook sink."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Inbox:
    messages: list[Any] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@contextmanager
def smtp_server(user: str = "alerts", password: str = "") -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 that accepts AUTH only with ``user``/``password``."""
    inbox = Inbox()

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any
              ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()
                                                  ) == (user, password)
        if ok:
            inbox.logins.append((data.login.decode(), mechanism))
        return AuthResult(success=ok, handled=False)

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check,
                            auth_require_tls=False, auth_exclude_mechanism=["LOGIN"])
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Hook:
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200


@contextmanager
def webhook_server() -> Iterator[tuple[Hook, str]]:
    """An HTTP server on 127.0.0.1 that records every POST and answers ``hook.status``."""
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hook.requests.append((dict(self.headers.items()), body))
            self.send_response(hook.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook, f"http://127.0.0.1:{server.server_address[1]}/hooks/sounding?token=abc"
    finally:
        server.shutdown()
        server.server_close()
