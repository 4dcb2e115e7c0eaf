"""Shared fixtures: a fresh workspace per test, and the CLI run in-process or as a process."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from sounding.connectors.base import Draft, Published
from sounding.store import Store

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# CI runs the property tests on a fixed sequence of examples, so a green main stays green;
# elsewhere they explore new examples on every run.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
# The tests read no config file of the person running them (their secrets, their
# defaults): an empty folder stands for ~/.config, here and in the processes they start.
_CONFIG_HOME = tempfile.TemporaryDirectory(prefix="sounding-test-config-")  # gone at exit
os.environ["XDG_CONFIG_HOME"] = _CONFIG_HOME.name
os.environ.pop("SOUNDING_CONFIG", None)
# Servers started by the tests do not publish, collect or alert on their own.
for _job in ("PUBLISH", "COLLECT", "ALERTS"):
    os.environ.setdefault(f"SOUNDING_{_job}_EVERY", "0")
# The CLI's processes run in other folders too (a server in its own): a relative PYTHONPATH
# (PYTHONPATH=src) must name the same sources there, not the installed ones.
if os.environ.get("PYTHONPATH"):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        str(Path(p).resolve()) for p in os.environ["PYTHONPATH"].split(os.pathsep) if p)
SOUNDING = [sys.executable, "-m", "sounding"]


@pytest.fixture(autouse=True)
def _no_real_mastodon_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a Mastodon account reads its instance's text limit: in the tests no real
    instance is reached (it reads as unreachable), only recorded answers handed to the
    reader as a session (connectors' ``mastodon_instance``)."""
    from sounding.connectors import mastodon
    from sounding.errors import NetworkFailure

    read = mastodon.read_text_limit

    def offline(instance_url: str, *, session: Any = None) -> int | None:
        if session is None:
            raise NetworkFailure(f"mastodon: {instance_url}: the tests reach no real instance")
        return read(instance_url, session=session)

    monkeypatch.setattr(mastodon, "read_text_limit", offline)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    s = Store.open(db)
    yield s
    s.close()


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def bare_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run ``sounding ARGS`` in this process, no --db added (the demo refuses one);
    returns exit code and output."""
    from sounding.cli import main

    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["sounding", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def cli(db: Path, bare_cli):
    """Run ``sounding --db DB ARGS`` in this process; returns exit code and output."""
    def run(*args: str) -> Result:
        return bare_cli("--db", str(db), *args)

    return run


def run_process(*args: str, cwd: Path | None = None, timeout: float = 300,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a separate process, as a person would run it."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=env)


def write_csv(path: Path, rows: list[dict[str, object]], header: list[str] | None = None) -> Path:
    import csv

    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


class RecordingNetwork:
    """A connector that records what it was asked to post (for the publisher's own logic;
    the real networks are tested in tests/connectors)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def text_limit(self) -> int | None:
        return None

    def check(self, draft: Draft) -> None:
        pass

    def new_key(self) -> str:
        return f"key-{len(self.sent)}"

    def publish(self, draft: Draft, idempotency_key: str) -> Published:
        self.sent.append(draft.text)
        return Published(f"at://brand/{len(self.sent)}", "https://bsky.app/x",
                         datetime.now(UTC))

    def find_published(self, idempotency_key: str, draft: Draft, since: datetime
                       ) -> Published | None:
        return None
