"""The queue as the dashboard edits it: change a text, approve, schedule, unschedule,
discard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sounding.errors import InputError, NotFound
from sounding.store import Store
from sounding.store import web_store as ws
from sounding.workflows.queue import CANCELLABLE, LATEST, cancel_queued
from sounding.workflows.queue_text import check_ready, check_text

__all__ = ["approve", "counts", "discard", "edit_text", "list_queue", "schedule", "to_draft"]

_EDITABLE = CANCELLABLE  # what is not sent yet may still change
MAX_TEXT = 5000


def list_queue(store: Store) -> list[dict[str, Any]]:
    """Every queue entry but the cancelled ones, by planned time (none last), then id."""
    return ws.queue_rows(store)


def counts(store: Store) -> dict[str, int]:
    """How many entries have each status (the cancelled ones too)."""
    return ws.queue_counts(store)


def _refuse(store: Store, queue_id: int, action: str) -> InputError | NotFound:
    row = ws.queue_row(store, queue_id)
    if row is None:
        return NotFound(f"no queue entry {queue_id}")
    return InputError(f"queue entry {queue_id} is {row['status']}: it cannot be {action}")


def edit_text(store: Store, queue_id: int, text: str) -> None:
    """Change a post's text; a changed text needs a new approval, so it goes back to draft.
    A text longer than the entry's network takes is refused as 'queue add' refuses it (a
    placeholder may stay: the entry is a draft again)."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InputError(f"the text must have 1 to {MAX_TEXT} characters")
    row = ws.queue_row(store, queue_id)
    if row is not None and row["status"] in _EDITABLE:
        check_text(store, row["account_id"], text)
    if not ws.update_queue(store, queue_id, expected=_EDITABLE, status="draft", text=text):
        raise _refuse(store, queue_id, "edited")


def next_same_time(planned: datetime, now: datetime) -> datetime:
    """The first moment after ``now`` at ``planned``'s time of day: a planned slot that
    passed while the draft waited is kept (an evening post stays an evening post)."""
    planned = planned if planned.tzinfo else planned.replace(tzinfo=UTC)
    moved = now.replace(hour=planned.hour, minute=planned.minute, second=planned.second,
                        microsecond=planned.microsecond)
    return moved if moved > now else moved + timedelta(days=1)


def approve(store: Store, queue_id: int, now: datetime | None = None) -> None:
    """A draft becomes approved, and so is published at its planned time (at once when it
    has none): one still holding the planner's placeholder, or too long for its network,
    is refused. A planned time that passed meanwhile moves to the next day at that time
    of day, rather than send the post at once, out of the slot it tries."""
    row = ws.queue_row(store, queue_id)
    moved: dict[str, Any] = {}
    if row is not None and row["status"] == "draft":
        check_ready(store, row["account_id"], row["text"])
        now = now or datetime.now(UTC)
        if row["scheduled_at"] is not None and row["scheduled_at"] <= now:
            moved = {"scheduled_at": next_same_time(row["scheduled_at"], now)}
    if not ws.update_queue(store, queue_id, expected=("draft",), status="approved", **moved):
        raise _refuse(store, queue_id, "approved")


def schedule(store: Store, queue_id: int, when: datetime) -> None:
    """An approved post gets its publication time (in the future)."""
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when <= datetime.now(UTC):
        raise InputError("the publication time must be in the future")
    if when > LATEST:
        raise InputError(f"the publication time must be by {LATEST:%Y-%m-%d %H:%M} UTC")
    if not ws.update_queue(store, queue_id, expected=("approved", "scheduled"),
                           status="scheduled", scheduled_at=when):
        raise _refuse(store, queue_id, "scheduled")


def to_draft(store: Store, queue_id: int) -> None:
    """Withdraw an approval or a schedule."""
    if not ws.update_queue(store, queue_id, expected=("approved", "scheduled", "failed"),
                           status="draft"):
        raise _refuse(store, queue_id, "set back to draft")


def discard(store: Store, queue_id: int) -> None:
    """Cancel an entry that is not sent yet (see :func:`cancel_queued`)."""
    cancel_queued(store, [queue_id])
