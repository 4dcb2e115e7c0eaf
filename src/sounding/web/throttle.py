"""Sign-in attempts slowed after repeated failures: each check of a password costs an
argon2 hash, and a dashboard on a shared network can be asked for them without end."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable

__all__ = ["SignInThrottle"]


class SignInThrottle:
    """Failed sign-ins per key (a user name, a client address): after ``free`` of them, the
    next attempt waits ``base`` s, doubling with each further failure up to ``longest``;
    a success forgets the name's failures. Kept in memory: a restart starts afresh."""

    def __init__(self, free: int = 5, base: float = 2.0, longest: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.longest, self._clock = free, base, longest, clock
        self._failures: dict[Hashable, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _wait(self, key: Hashable, now: float) -> float:
        count, last = self._failures.get(key, (0, now))
        if count < self.free:
            return 0.0
        delay = min(self.longest, self.base * 2.0 ** (count - self.free))
        return max(0.0, last + delay - now)

    def wait(self, *keys: Hashable) -> int:
        """Whole seconds before any of ``keys`` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            return math.ceil(max((self._wait(k, now) for k in keys), default=0.0))

    def failed(self, *keys: Hashable) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                count, _ = self._failures.get(key, (0, now))
                self._failures[key] = (count + 1, now)
            if len(self._failures) > 100_000:  # a flood of names: keep the newest half
                newest = sorted(self._failures.items(), key=lambda kv: kv[1][1])[50_000:]
                self._failures = dict(newest)

    def succeeded(self, key: Hashable) -> None:
        with self._lock:
            self._failures.pop(key, None)
