"""The server's own jobs: run on their interval, survive a failed run, stop when told."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from sounding.store import Store
from sounding.workflows import ops
from sounding.workflows.schedule import changed_data, start_jobs


def _until(done: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until the jobs have done what the test needs (a loaded machine is slow)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the jobs did not run in time"
        time.sleep(0.02)


def test_jobs_run_on_their_interval_and_survive_failures(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDING_PUBLISH_EVERY", "0")
    monkeypatch.setenv("SOUNDING_COLLECT_EVERY", "0.05")
    monkeypatch.setenv("SOUNDING_ALERTS_EVERY", "0.05")
    calls = {"collect": 0, "alerts_check": 0}

    def collect(_: Store) -> dict[str, int]:
        calls["collect"] += 1
        raise RuntimeError("the network is down")

    def alerts(s: Store) -> dict[str, int]:
        calls["alerts_check"] += 1
        return {"items": int(s.scalar("SELECT count(*) FROM items"))}

    monkeypatch.setitem(ops.OPERATIONS, "collect", collect)
    monkeypatch.setitem(ops.OPERATIONS, "alerts_check", alerts)
    errors: list[str] = []
    stop = threading.Event()
    threads = start_jobs(store, stop, lambda name, exc: errors.append(f"{name}: {exc}"))
    assert len(threads) == 2  # publishing is turned off
    _until(lambda: calls["alerts_check"] >= 3 and calls["collect"] >= 3 and bool(errors))
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    assert not any(t.is_alive() for t in threads)
    assert calls["alerts_check"] >= 3 and calls["collect"] >= 3
    assert errors and errors[0] == "collect: the network is down"


def test_a_run_that_stored_something_is_reported(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDING_PUBLISH_EVERY", "0.05")
    monkeypatch.setenv("SOUNDING_COLLECT_EVERY", "0.05")
    monkeypatch.setenv("SOUNDING_ALERTS_EVERY", "0")
    published: list[int] = []
    monkeypatch.setitem(ops.OPERATIONS, "publish_due", lambda s: published.append(0) or {
        "due": 0, "entries": []})
    monkeypatch.setitem(ops.OPERATIONS, "collect", lambda s: {
        "accounts": {"bluesky:brand": {"new": {"items": 2}}}})
    changed: list[str] = []
    stop = threading.Event()
    threads = start_jobs(store, stop, lambda name, exc: None, changed.append)
    _until(lambda: len(published) >= 2 and "collect" in changed)
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    assert set(changed) == {"collect"}  # publishing found nothing due


@pytest.mark.parametrize(("operation", "result", "changed"), [
    ("alerts_check", {"new_alerts": 2, "rules": []}, True),
    ("alerts_check", {"new_alerts": 0, "rules": []}, False),
    ("publish_due", {"due": 1}, True),
    ("collect", {"accounts": {"a": {"new": 0}}}, False),
])
def test_a_job_that_stored_something_makes_the_pages_stale(operation: str, result: dict,
                                                           changed: bool) -> None:
    """Stored alerts are listed on What is said, so a check that found some rebuilds it."""
    assert changed_data(operation, result) is changed


def test_a_collect_with_a_broken_account_reports_it_and_keeps_what_was_new(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOUNDING_PUBLISH_EVERY", "0")
    monkeypatch.setenv("SOUNDING_COLLECT_EVERY", "0.05")
    monkeypatch.setenv("SOUNDING_ALERTS_EVERY", "0")
    monkeypatch.setitem(ops.OPERATIONS, "collect", lambda s: {
        "accounts": {"bluesky:good": {"new": {"items": 2}}},
        "failed": {"bluesky:dead": {"error": "no credential", "hint": "set $X"}}})
    changed: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    threads = start_jobs(store, stop, lambda name, exc: errors.append(f"{name}: {exc}"),
                         changed.append)
    _until(lambda: bool(changed and errors))
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    assert changed and set(changed) == {"collect"}
    assert errors and errors[0] == "collect: bluesky:dead: no credential"
