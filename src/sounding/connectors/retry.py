"""Retries with the network's own pacing: Retry-After on 429, exponential backoff on 5xx.

Only errors marked ``transient`` are retried: a refusal (4xx) would be refused again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sounding.errors import RateLimited, SoundingError

__all__ = ["RetryPolicy", "with_retries"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait: ``tries`` in all, backoff from ``base`` to ``cap`` s."""

    tries: int = 5
    base: float = 1.0
    cap: float = 300.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, error: SoundingError) -> float:
        """Seconds to wait before try ``attempt + 1`` after ``error``."""
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return min(max(error.retry_after, 0.0), self.cap)
        return float(min(self.base * 2 ** attempt, self.cap))


def with_retries(call: Callable[[], T], policy: RetryPolicy,
                 on_wait: Callable[[str], None] | None = None) -> T:
    """Run ``call``; on a transient error wait as the network asks and retry.

    A final error (``transient`` False) is raised at once, whatever its class.
    """
    for attempt in range(policy.tries):
        try:
            return call()
        except SoundingError as exc:
            if not exc.transient or attempt + 1 >= policy.tries:
                raise
            delay = policy.delay(attempt, exc)
            if on_wait:
                on_wait(f"{exc}; retrying in {delay:.0f} s")
            policy.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
