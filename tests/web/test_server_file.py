"""A server that cannot say it is there gives everything back: the workspace, the port
and the SIGTERM handler it had taken."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import pytest

from sounding.errors import ConfigError
from sounding.store import Store
from sounding.web.server import serve
from sounding.workflows.ops import server_file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_file_that_cannot_be_written_releases_everything(db: Path) -> None:
    Store.open(db).close()
    server_file(db).mkdir()  # a folder where the file goes: it cannot be replaced
    handler = signal.getsignal(signal.SIGTERM)
    port = _free_port()
    with pytest.raises(ConfigError, match="cannot write the server file"):
        serve(db, port=port)
    assert signal.getsignal(signal.SIGTERM) is handler
    with Store.open(db) as again:  # the workspace was released
        assert again.scalar("SELECT 1") == 1
    with socket.socket() as s:  # and so was the port
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
    assert not list(server_file(db).parent.glob(f"{server_file(db).name}.*.tmp"))


def test_an_ipv6_server_is_announced_with_brackets() -> None:
    """'http://::1:18781' made every other command fail with 'Invalid port'."""
    import httpx

    from sounding.web.server import address

    assert address("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    url = httpx.URL(address("::1", 18781))
    assert (str(url), url.host, url.port) == ("http://[::1]:18781", "::1", 18781)
