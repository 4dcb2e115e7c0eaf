"""The publishing queue: add posts with their variant and time, list them, cancel them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sounding.connectors.base import Draft, Image
from sounding.connectors.bluesky_post import check_draft
from sounding.errors import InputError, NotFound, missing_file, unusable_path
from sounding.imports import convert
from sounding.models import LAST_DAY, shows_nothing
from sounding.store import Store
from sounding.store.connector_store import (
    account_settings,
    cancel_entries,
    queue_add,
    queue_list,
)
from sounding.workflows.queue_text import check_ready

__all__ = ["CANCELLABLE", "LATEST", "STATUSES", "add_to_queue", "cancel_queued", "list_queue",
           "parse_images", "parse_variant", "parse_when"]

STATUSES = ("draft", "approved", "scheduled", "sending", "published", "failed", "cancelled")
# What may be cancelled: anything not on its way to the network nor on it already.
CANCELLABLE = ("draft", "approved", "scheduled", "failed")


def parse_variant(text: str | dict[str, str] | None) -> dict[str, str]:
    """``format=photo,topic=product`` as {factor: level}, spelt as an import spells it
    (trimmed, lower case, ``,`` or ``;`` between pairs), so the queue's levels and the
    imported ones are the same levels for 'learn'."""
    if isinstance(text, dict):
        text = ";".join(f"{k}={v}" for k, v in text.items())
    try:
        return convert.parse_variant(text or "")
    except ValueError as exc:
        raise InputError(f"variant: {exc}", hint="e.g. format=photo,topic=product") from exc


_WHEN_HINT = "e.g. 2026-12-01T18:00 (UTC) or 2026-12-01T18:00+01:00"
_PAST_GRACE = timedelta(minutes=1)  # "now" typed by hand is already a little in the past
# the latest publication time: the calendar sounding keeps ends there, as periods do (a
# post queued for 9999-12-31 made the planner's next day overflow)
LATEST = datetime.combine(LAST_DAY, time(23, 59), UTC)


def parse_when(text: str | None) -> datetime | None:
    """An ISO time on the calendar; one without a zone is taken as UTC."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        reason = str(exc)
        if reason.startswith("Invalid isoformat"):
            reason = f"expected YYYY-MM-DD HH:MM, by {LAST_DAY}"
        raise InputError(f"'{text}' is not a time: {reason}", hint=_WHEN_HINT) from exc
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01T00:00+01:00 is before the calendar's start
        raise InputError(f"'{text}' is outside the calendar (sounding's ends on {LAST_DAY})",
                         hint=_WHEN_HINT) from exc


def _future(text: str, now: datetime) -> datetime:
    """The time a post is queued for: a past one would be published at once, by surprise."""
    when = parse_when(text)
    assert when is not None
    if when < now - _PAST_GRACE:
        raise InputError(f"'{text}' is in the past (now is {now:%Y-%m-%d %H:%M} UTC)",
                         hint="give a time to come, or leave the time out to publish now")
    if when > LATEST:
        raise InputError(f"'{text}' is after {LATEST:%Y-%m-%d}, where sounding's calendar "
                         "ends", hint=_WHEN_HINT)
    return when


def parse_images(specs: list[str] | None) -> list[dict[str, str]]:
    """``PATH|ALT TEXT`` pairs; every image needs its alt text."""
    images = []
    for spec in specs or []:
        path, sep, alt = spec.partition("|")
        if not sep or not alt.strip():
            raise InputError(f"image '{path}' has no alt text",
                             hint="write --image 'PATH|ALT TEXT'")
        resolved = Path(path).expanduser().resolve()
        _check_image(resolved)
        images.append({"path": str(resolved), "alt": alt.strip()})
    return images


# The formats both networks take, by the bytes they open with (a name's suffix can lie).
_IMAGE_MAGIC = ((b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"),
                (b"GIF87a", "GIF"), (b"GIF89a", "GIF"))
IMAGE_FORMATS = "JPEG, PNG, GIF or WebP"


def _image_format(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    return next((name for magic, name in _IMAGE_MAGIC if head.startswith(magic)), None)


def _check_image(path: Path) -> None:
    """Refuse now what no network would take: a missing file, a folder, a file that is no
    JPEG, PNG, GIF or WebP image (a text file would be sent, and refused, when due)."""
    if not path.is_file():
        raise missing_file(path, "image")
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise unusable_path(exc) from None
    if _image_format(head) is None:
        raise InputError(f"{path}: not an image the networks take",
                         hint=f"attach a {IMAGE_FORMATS} file")


def add_to_queue(store: Store, account: str, text: str, variant: str | dict[str, str] | None = None,
                 at: str | None = None, images: list[str] | None = None,
                 status: str = "scheduled") -> dict[str, Any]:
    """Queue a post for an account; it is published by 'publish --due' once its time comes."""
    found = account_settings(store, account)
    if not found:
        raise NotFound(f"no Bluesky or Mastodon account '{account}'",
                       hint="see 'sounding account list'")
    if status not in ("draft", "approved", "scheduled"):
        raise InputError(f"a new entry cannot be '{status}'", hint="draft, approved or scheduled")
    if shows_nothing(text):
        raise InputError("the text is empty (or holds only invisible characters)",
                         hint="write the post with --text")
    check_ready(store, found[0]["account_id"], text)
    image_list = parse_images(images)
    if found[0]["network"] == "bluesky":  # its images too
        check_draft(Draft(text, tuple(Image(Path(i["path"]), i["alt"]) for i in image_list)))
    now = datetime.now(UTC)
    when = _future(at, now) if at else (now if status == "scheduled" else None)
    queue_id = queue_add(store, found[0]["account_id"], text, variant=parse_variant(variant),
                         scheduled_at=when, images=image_list, status=status)
    return {"queue_id": queue_id, "account_id": found[0]["account_id"], "status": status,
            "scheduled_at": when.isoformat() if when else None}


def list_queue(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """The queue in scheduled order: one status, or all but the cancelled entries."""
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status '{status}'", hint=f"one of {', '.join(STATUSES)}")
    rows = queue_list(store, status)
    for row in rows:
        for name in ("scheduled_at", "attempted_at", "published_at"):
            if row.get(name) is not None:
                row[name] = row[name].isoformat()
    return rows


def _ids(queue_ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in queue_ids)


# The statuses a cancel finds without refusing: those it may cancel, and already cancelled.
_CANCEL_SEEN = (*CANCELLABLE, "cancelled")


def cancel_queued(store: Store, queue_ids: list[int]) -> dict[str, list[int]]:
    """Cancel queue entries (kept, marked 'cancelled', never sent), all or none: an unknown
    entry, or one published or being sent, refuses the lot. An entry already cancelled
    is left as it is and reported apart."""
    if not queue_ids:
        raise InputError("no queue entry to cancel", hint="give their numbers, as "
                         "'sounding queue list' shows them")
    found = cancel_entries(store, queue_ids, _CANCEL_SEEN)
    missing = sorted({i for i in queue_ids if i not in found})
    if missing:
        raise NotFound(f"no queue entry {_ids(missing)}; nothing was cancelled",
                       hint="see 'sounding queue list'")
    sent = sorted(i for i, status in found.items() if status not in _CANCEL_SEEN)
    if sent:
        said = ", ".join(f"#{i} is {found[i]}" for i in sent)
        raise InputError(f"{said}: a post published or being sent cannot be cancelled; "
                         "nothing was cancelled",
                         hint="cancel the others alone; 'sounding queue list' shows each "
                              "entry's status")
    return {"cancelled": sorted(i for i, s in found.items() if s != "cancelled"),
            "already_cancelled": sorted(i for i, s in found.items() if s == "cancelled")}
