"""Fixtures for the connectors: the network operations, and a real local Bluesky network.

The network (``@atproto/dev-env``: PLC, PDS, AppView on 127.0.0.1, with a PostgreSQL of
its own) is started once per test module by ``tools/atproto/network.sh`` and stopped after
it. Tests that need it are marked ``atproto_network`` and skip when
``tools/atproto/node_modules`` is missing (install it with ``tools/atproto/install.sh``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
ATPROTO = ROOT / "tools" / "atproto"
T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def atproto_network() -> Iterator[dict[str, Any]]:
    """A running local network: ``{"pds": URL, "appview": URL, "plc": URL}``."""
    if not (ATPROTO / "node_modules" / "@atproto" / "dev-env").is_dir():
        reason = "the local AT Protocol network is not installed: run tools/atproto/install.sh"
        if os.environ.get("SOUNDING_REQUIRE_ATPROTO"):
            pytest.fail(reason)  # CI sets it, so a broken install cannot pass as a skip
        pytest.skip(reason)
    run = Path(tempfile.mkdtemp(prefix="sounding-atp-"))
    env = {**os.environ, "SOUNDING_ATP_PGPORT": str(_free_port())}
    started = time.monotonic()
    proc = subprocess.run([str(ATPROTO / "network.sh"), "up", str(run)], env=env,
                          capture_output=True, text=True, timeout=240)
    if proc.returncode != 0:
        pytest.fail(f"the local AT Protocol network did not start:\n{proc.stderr[-3000:]}")
    urls: dict[str, Any] = json.loads((run / "urls.json").read_text())
    urls["started_in"] = time.monotonic() - started
    try:
        yield urls
    finally:
        subprocess.run([str(ATPROTO / "network.sh"), "down", str(run)], env=env,
                       capture_output=True, timeout=60)


def eventually(check: Callable[[], T], timeout: float = 60.0) -> T:
    """Retry ``check`` until it returns a truthy value without raising (AppView lag: a
    second or two here, more on a loaded machine)."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as exc:  # the AppView answers 400 until it has indexed
            last = exc
        time.sleep(0.1)
    raise AssertionError(f"not true after {timeout} s (last error: {last!r})")


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """``eventually`` as a fixture, for test modules."""
    return eventually


@pytest.fixture
def mastodon_http() -> Any:
    """Recorded answers of https://social.example for Mastodon.py (see mastodon_http.py)."""
    from .mastodon_http import RecordedMastodon

    return RecordedMastodon()


@pytest.fixture
def mastodon_connect(mastodon_http: Any) -> Callable[..., Any]:
    """``connect`` with the recorded transport and a retry policy that sleeps instantly."""
    from sounding.connectors.connect import connect
    from sounding.connectors.retry import RetryPolicy

    from .mastodon_http import session

    sleeps: list[float] = []

    def connect_fn(account: Any, **kwargs: Any) -> Any:
        policy = RetryPolicy(tries=3, sleep=sleeps.append)
        return connect(account, policy=policy, session=session(mastodon_http), **kwargs)

    connect_fn.sleeps = sleeps  # type: ignore[attr-defined]
    return connect_fn


@pytest.fixture
def mastodon_instance(mastodon_http: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``account add`` reads its instance's text limit from the recorded answers."""
    import functools

    from sounding.connectors import mastodon

    from .mastodon_http import session

    monkeypatch.setattr(mastodon, "read_text_limit", functools.partial(
        mastodon.read_text_limit, session=session(mastodon_http)))
    return mastodon_http
