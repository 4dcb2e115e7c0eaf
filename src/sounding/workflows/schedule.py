"""The jobs a running server does on its own: publish what is due, collect, check alerts.

Each job is a workspace operation run every so many seconds in its own thread; the
store's lock serialises it with the requests. A failed run is reported and the schedule
goes on. Intervals are settings (``SOUNDING_PUBLISH_EVERY``...; 0 turns a job off).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sounding.config import resolve_seconds
from sounding.errors import SoundingError
from sounding.store import Store
from sounding.workflows.alerts import run_every
from sounding.workflows.ops import run_operation

__all__ = ["JOBS", "Job", "changed_data", "start_jobs"]


@dataclass(frozen=True, slots=True)
class Job:
    """An operation and the setting holding its interval in seconds."""

    operation: str
    setting: str


JOBS = (
    Job("publish_due", "publish_every"),
    Job("collect", "collect_every"),
    Job("alerts_check", "alerts_every"),
)


def changed_data(operation: str, result: Any) -> bool:
    """Whether a job's run stored something new (so pages built before it are stale)."""
    if not isinstance(result, dict):
        return False
    if operation == "publish_due":
        return bool(result.get("due"))
    if operation == "collect":
        accounts = result.get("accounts") or {}
        return any(isinstance(a, dict) and a.get("new") for a in accounts.values())
    if operation == "alerts_check":  # stored alerts are shown on What is said
        return bool(result.get("new_alerts"))
    return False


def start_jobs(store: Store, stop: threading.Event,
               on_error: Callable[[str, BaseException], None],
               on_change: Callable[[str], None] | None = None) -> list[threading.Thread]:
    """Start one daemon thread per enabled job; they end when ``stop`` is set.

    ``on_change(operation)`` is called after a run that stored something new."""
    threads = []
    for job in JOBS:
        every = resolve_seconds(job.setting)
        if every <= 0:
            continue

        def check(name: str = job.operation) -> None:
            result = run_operation(store, name, {})
            if on_change is not None and changed_data(name, result):
                on_change(name)
            failed = result.get("failed") if name == "collect" else None
            if failed:  # the other accounts were collected; the broken ones are reported
                raise SoundingError("; ".join(f"{a}: {f['error']}" for a, f in failed.items()))

        def failed(exc: BaseException, name: str = job.operation) -> None:
            on_error(name, exc)

        thread = threading.Thread(target=run_every, args=(check, every, stop, failed),
                                  name=f"sounding-{job.operation}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads
