"""Building a Bluesky post record: limits, facets with UTF-8 byte offsets, images (pure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sounding.connectors.base import Draft
from sounding.connectors.text import (
    BLUESKY_MAX_BYTES,
    BLUESKY_MAX_GRAPHEMES,
    Span,
    find_spans,
    graphemes,
)
from sounding.errors import PostRejected

__all__ = ["MAX_IMAGES", "MAX_IMAGE_BYTES", "check_draft", "facets", "post_record"]

MAX_IMAGES = 4
MAX_IMAGE_BYTES = 1_000_000
_FEATURE = "app.bsky.richtext.facet#"


def check_draft(draft: Draft) -> None:
    """Refuse, before sending, a post Bluesky would refuse."""
    count = graphemes(draft.text)
    if count > BLUESKY_MAX_GRAPHEMES:
        raise PostRejected(f"the text has {count} graphemes; Bluesky allows "
                           f"{BLUESKY_MAX_GRAPHEMES}", hint="shorten the text")
    size = len(draft.text.encode("utf-8"))
    if size > BLUESKY_MAX_BYTES:  # 300 flags or family emoji can weigh 4,000 bytes
        raise PostRejected(f"the text weighs {size:,} bytes; Bluesky allows "
                           f"{BLUESKY_MAX_BYTES:,}", hint="shorten the text, or use fewer "
                           "composed emoji")
    if len(draft.images) > MAX_IMAGES:
        raise PostRejected(f"{len(draft.images)} images; Bluesky allows {MAX_IMAGES}")
    for image in draft.images:
        if not image.alt.strip():
            raise PostRejected(f"{image.path.name} has no alt text",
                               hint="describe every image (img=PATH|ALT TEXT)")
        if not image.path.is_file():
            raise PostRejected(f"{image.path}: no such image")
        if image.path.stat().st_size > MAX_IMAGE_BYTES:
            raise PostRejected(f"{image.path.name} is over {MAX_IMAGE_BYTES:,} bytes")


def _feature(span: Span, resolve: Callable[[str], str | None]) -> dict[str, str] | None:
    if span.kind == "link":
        return {"$type": _FEATURE + "link", "uri": span.value}
    if span.kind == "tag":
        return {"$type": _FEATURE + "tag", "tag": span.value}
    did = resolve(span.value)
    return {"$type": _FEATURE + "mention", "did": did} if did else None


def facets(text: str, resolve: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """Rich-text facets; a mention whose handle does not resolve stays plain text."""
    out = []
    for span in find_spans(text):
        feature = _feature(span, resolve)
        if feature is not None:
            out.append({"index": {"byteStart": span.byte_start, "byteEnd": span.byte_end},
                        "features": [feature]})
    return out


def post_record(text: str, created_at: datetime, facet_list: list[dict[str, Any]],
                images: list[tuple[dict[str, Any], str]]) -> dict[str, Any]:
    """An ``app.bsky.feed.post`` record; ``images`` are (uploaded blob, alt text) pairs."""
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": created_at.isoformat().replace("+00:00", "Z"),
    }
    if facet_list:
        record["facets"] = facet_list
    if images:
        record["embed"] = {"$type": "app.bsky.embed.images",
                           "images": [{"image": blob, "alt": alt} for blob, alt in images]}
    return record
