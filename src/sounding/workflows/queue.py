"""The publishing queue: add posts with their variant and time, list them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sounding.connectors.base import Draft, Image
from sounding.connectors.bluesky_post import check_draft
from sounding.errors import InputError, NotFound
from sounding.store import Store
from sounding.store.connector_store import account_settings, queue_add, queue_list

__all__ = ["add_to_queue", "list_queue", "parse_images", "parse_variant", "parse_when"]

STATUSES = ("draft", "approved", "scheduled", "sending", "published", "failed")


def parse_variant(text: str | dict[str, str] | None) -> dict[str, str]:
    """``format=photo,topic=product`` as {factor: level}."""
    if isinstance(text, dict):
        return {str(k): str(v) for k, v in text.items()}
    variant: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        factor, sep, level = part.partition("=")
        if not sep or not factor.strip() or not level.strip():
            raise InputError(f"'{part}' is not factor=level",
                             hint="e.g. format=photo,topic=product")
        variant[factor.strip()] = level.strip()
    return variant


def parse_when(text: str | None) -> datetime | None:
    """An ISO time; one without a zone is taken as UTC."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"'{text}' is not a time", hint="e.g. 2026-12-01T18:00 (UTC)") from exc
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_images(specs: list[str] | None) -> list[dict[str, str]]:
    """``PATH|ALT TEXT`` pairs; every image needs its alt text."""
    images = []
    for spec in specs or []:
        path, sep, alt = spec.partition("|")
        if not sep or not alt.strip():
            raise InputError(f"image '{path}' has no alt text",
                             hint="write --image 'PATH|ALT TEXT'")
        resolved = Path(path).expanduser().resolve()
        if not resolved.is_file():
            raise InputError(f"{resolved}: no such image")
        images.append({"path": str(resolved), "alt": alt.strip()})
    return images


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
    if not text.strip():
        raise InputError("the text is empty")
    image_list = parse_images(images)
    if found[0]["network"] == "bluesky":
        check_draft(Draft(text, tuple(Image(Path(i["path"]), i["alt"]) for i in image_list)))
    when = parse_when(at) or (datetime.now(UTC) if status == "scheduled" else None)
    queue_id = queue_add(store, found[0]["account_id"], text, variant=parse_variant(variant),
                         scheduled_at=when, images=image_list, status=status)
    return {"queue_id": queue_id, "account_id": found[0]["account_id"], "status": status,
            "scheduled_at": when.isoformat() if when else None}


def list_queue(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """The queue in scheduled order (one status, or all)."""
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown status '{status}'", hint=f"one of {', '.join(STATUSES)}")
    rows = queue_list(store, status)
    for row in rows:
        for name in ("scheduled_at", "attempted_at", "published_at"):
            if row.get(name) is not None:
                row[name] = row[name].isoformat()
    return rows
