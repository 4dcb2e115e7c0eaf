"""View data cached between writes: the server is the workspace's only writer, so a view's
dict stays true until the next POST (a form or an operation), which clears the cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

__all__ = ["ViewCache", "Warmer"]


class ViewCache:
    """A bounded, thread-safe map from (view, parameters) to data, with one build per key."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._data: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}
        self._generation = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def clear(self) -> None:
        """Forget everything (after any write)."""
        with self._lock:
            self._generation += 1
            self._data.clear()

    def _hit(self, key: Hashable) -> dict[str, Any] | None:
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
            return found

    def get(self, key: Hashable, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The cached data for ``key``, built once even when many requests ask at once."""
        found = self._hit(key)
        if found is not None:
            return found
        with self._lock:
            gate = self._building.setdefault(key, threading.Lock())
        with gate:
            try:
                found = self._hit(key)
                if found is not None:
                    return found
                generation = self._generation
                data = build()
                with self._lock:
                    if generation == self._generation:
                        self._data[key] = data
                        while len(self._data) > self._size:
                            self._data.popitem(last=False)
            finally:  # a refused build leaves no gate behind (one per odd address)
                with self._lock:
                    self._building.pop(key, None)
        return data


class Warmer:
    """Builds views in a background thread, at start and again after each write: the
    audience pages take tens of seconds on a large workspace, so the first person to open
    them should find them ready. A request arriving meanwhile waits for the build in flight
    rather than starting its own; writes during a warm-up make it run once more."""

    def __init__(self, cache: ViewCache,
                 builds: Sequence[tuple[Hashable, Callable[[], dict[str, Any]]]]) -> None:
        self.cache, self.builds = cache, list(builds)
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._running = self._again = False

    def start(self) -> None:
        """Warm every view now (or once more when a warm-up is already running)."""
        with self._lock:
            if self._running:
                self._again = True
                return
            self._running, self._again = True, False
            self.done.clear()
        threading.Thread(target=self._run, name="sounding-warm-up", daemon=True).start()

    def _run(self) -> None:
        while True:
            for key, build in self.builds:
                try:
                    self.cache.get(key, build)
                except Exception:  # a page that fails says why when it is opened
                    continue
            with self._lock:
                if not self._again:
                    self._running = False
                    self.done.set()
                    return
                self._again = False
