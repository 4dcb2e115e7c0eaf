"""What every network connector offers the workflows, and the cursor rules they share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sounding.connectors.records import Brand, Records, parse_time

__all__ = [
    "Connector",
    "Draft",
    "Image",
    "NotSent",
    "Page",
    "Published",
    "before_sending",
    "newest_first_state",
    "walk_cursor",
]


@dataclass(frozen=True, slots=True)
class Image:
    """An image to attach, with the alt text that describes it."""

    path: Path
    alt: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A post to publish."""

    text: str
    images: tuple[Image, ...] = ()


@dataclass(frozen=True, slots=True)
class Published:
    """A post the network holds: its native id (URI), address and time."""

    native_id: str
    url: str
    created_at: datetime


@dataclass(frozen=True)
class Page:
    """One fetch: the records, the cursor state to store, and whether the walk is over."""

    records: Records
    state: str | None
    done: bool
    fetched: int = 0  # entries in the payload, for progress
    extra: dict[str, object] = field(default_factory=dict)


class NotSent(Exception):
    """``publish`` failed before the post's own request was made (a refused login, a network
    down, an image refused): nothing is on the network under the key, so the entry may go back
    to the queue. ``cause`` is the error itself."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@contextmanager
def before_sending() -> Iterator[None]:
    """Wrap what ``publish`` does before the post's request: its errors become NotSent."""
    try:
        yield
    except Exception as exc:
        raise NotSent(exc) from exc


class Connector(Protocol):
    """A brand account on one network, logged in lazily."""

    brand: Brand

    def profile(self, observed_at: datetime) -> Records: ...

    def posts(self, state: str | None) -> Page: ...

    def notifications(self, state: str | None) -> Page: ...

    def engagement(self, native_id: str, observed_at: datetime) -> Records: ...

    def search(self, query: str, state: str | None) -> Page: ...

    def text_limit(self) -> int | None:
        """The most characters a post may have, where the account's own server sets it (a
        Mastodon instance), as that server says; None where the network's limit is fixed
        or the server does not say."""

    def check(self, draft: Draft) -> None: ...

    def new_key(self) -> str: ...

    def publish(self, draft: Draft, idempotency_key: str) -> Published:
        """Send the post; raises NotSent for a failure before its request was made."""

    def find_published(self, idempotency_key: str, draft: Draft, since: datetime
                       ) -> Published | None: ...


def newest_first_state(state: str | None, times: list[str], next_cursor: str | None
                       ) -> tuple[str, bool]:
    """Advance a walk over a newest-first feed that stops at the last complete walk's mark.

    The state is ``{"mark": newest time of the last complete walk, "top": newest time of
    this walk, "cursor": where this walk stands}``. The mark moves only when a walk ends,
    so a walk cut short is resumed from its cursor and nothing older than the mark is lost.
    """
    saved = json.loads(state) if state else {}
    mark: str | None = saved.get("mark")
    stamps = [parse_time(t) for t in times]
    top = saved.get("top") or (max(times, key=parse_time) if times else mark)
    reached = mark is not None and any(s <= parse_time(mark) for s in stamps)
    if reached or next_cursor is None or not times:
        newest = [t for t in (top, mark) if t]
        new_mark = max(newest, key=parse_time) if newest else None
        return json.dumps({"mark": new_mark}), True
    return json.dumps({"mark": mark, "top": top, "cursor": next_cursor}), False


def walk_cursor(state: str | None) -> str | None:
    """The page cursor a newest-first walk resumes from (None: start at the newest)."""
    return json.loads(state).get("cursor") if state else None


