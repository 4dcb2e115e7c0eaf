"""The queue as the dashboard edits it: change a text, approve, schedule, unschedule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sounding.errors import InputError, NotFound
from sounding.store import Store
from sounding.store import web_store as ws

__all__ = ["QUEUE_STATUSES", "approve", "edit_text", "list_queue", "schedule", "to_draft"]

QUEUE_STATUSES = ("draft", "approved", "scheduled", "sending", "published", "failed")
_EDITABLE = ("draft", "approved", "scheduled", "failed")
MAX_TEXT = 5000


def list_queue(store: Store) -> list[dict[str, Any]]:
    """Every queue entry, most recently changed first."""
    return ws.queue_rows(store)


def _refuse(store: Store, queue_id: int, action: str) -> InputError | NotFound:
    row = ws.queue_row(store, queue_id)
    if row is None:
        return NotFound(f"no queue entry {queue_id}")
    return InputError(f"queue entry {queue_id} is {row['status']}: it cannot be {action}")


def edit_text(store: Store, queue_id: int, text: str) -> None:
    """Change a post's text; a changed text needs a new approval, so it goes back to draft."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InputError(f"the text must have 1 to {MAX_TEXT} characters")
    if not ws.update_queue(store, queue_id, expected=_EDITABLE, status="draft", text=text):
        raise _refuse(store, queue_id, "edited")


def approve(store: Store, queue_id: int) -> None:
    """A draft becomes approved."""
    if not ws.update_queue(store, queue_id, expected=("draft",), status="approved"):
        raise _refuse(store, queue_id, "approved")


def schedule(store: Store, queue_id: int, when: datetime) -> None:
    """An approved post gets its publication time (in the future)."""
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when <= datetime.now(UTC):
        raise InputError("the publication time must be in the future")
    if not ws.update_queue(store, queue_id, expected=("approved", "scheduled"),
                           status="scheduled", scheduled_at=when):
        raise _refuse(store, queue_id, "scheduled")


def to_draft(store: Store, queue_id: int) -> None:
    """Withdraw an approval or a schedule."""
    if not ws.update_queue(store, queue_id, expected=("approved", "scheduled", "failed"),
                           status="draft"):
        raise _refuse(store, queue_id, "set back to draft")
