"""The documented columns of an items file, their aliases, and the user's column mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sounding.errors import InputError

__all__ = ["ITEM_COLUMNS", "Column", "parse_mapping", "read_names", "resolve_columns"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column sounding understands: its type, whether it must be there, other names."""

    name: str
    kind: str  # "text", "trimmed" (blank = unknown), "id", "timestamp", "count",
    # "variant"
    required: bool = False
    aliases: tuple[str, ...] = ()
    doc: str = ""


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("id", "id", True, ("native_id", "post_id", "uri"), "the item's id on its network"),
    Column("network", "id", True, ("platform", "source"),
           "bluesky, mastodon, x, facebook, instagram, linkedin or blog (twitter → x)"),
    Column("author", "id", True, ("handle", "user", "username", "author_handle"),
           "the author's handle on that network (spelt as models.actor_handle says)"),
    Column("text", "text", True, ("content", "body", "message"), "the item's text"),
    Column("created_at", "timestamp", True, ("date", "published_at", "timestamp"),
           "ISO 8601; no zone means UTC"),
    Column("parent_id", "id", False, ("in_reply_to", "reply_to"),
           "id of the item this one answers (same network)"),
    Column("root_id", "id", False, ("thread_id",), "id of the thread's first item"),
    Column("kind", "id", False, ("type",), "post, reply, quote, comment, mention or repost"),
    Column("url", "trimmed", False, ("permalink", "link"), "the item's address"),
    Column("author_name", "trimmed", False, ("display_name", "name"), "the author's display name"),
    Column("author_bio", "trimmed", False, ("bio", "description", "author_description"),
           "the author's profile description (its words describe clusters and communities)"),
    Column("likes", "count", False, ("like_count", "favourites", "favorites"), ""),
    Column("reposts", "count", False, ("repost_count", "shares", "boosts", "retweets"), ""),
    Column("replies", "count", False, ("reply_count", "comments"), ""),
    Column("quotes", "count", False, ("quote_count",), ""),
    Column("impressions", "count", False, ("views", "impression_count"), ""),
    Column("reach", "count", False, ("unique_viewers",), "people who saw the item"),
    Column("saves", "count", False, ("bookmarks", "bookmark_count"), ""),
    Column("clicks", "count", False, ("link_clicks",), ""),
    Column("observed_at", "timestamp", False, ("collected_at", "exported_at"),
           "when the counters were read (default: the import time)"),
    Column("variant", "variant", False, ("variants", "tags"),
           "what a brand post tries: factor=level pairs separated by ';' or ','"),
)


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """Turn ``["text=message", ...]`` (ours=theirs) into a dict, checking the names."""
    known = {c.name for c in ITEM_COLUMNS}
    mapping: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            raise InputError(f"--map '{pair}': expected OURS=THEIRS, such as text=message",
                             hint="OURS is sounding's column, THEIRS the file's header name")
        if ours not in known:
            raise InputError(f"--map '{pair}': '{ours}' is not a column sounding knows",
                             hint=f"known columns: {', '.join(sorted(known))}")
        if ours in mapping and mapping[ours] != theirs:
            raise InputError(f"--map '{pair}': {ours} is already mapped to "
                             f"'{mapping[ours]}'", hint="map each column once")
        mapping[ours] = theirs
    return mapping


def read_names(mapping: Mapping[str, str]) -> frozenset[str]:
    """The header names (lower case) sounding reads: its columns, their aliases and the
    mapped ones; any other column is ignored, so it may be blank or repeat."""
    return frozenset({n.lower() for c in ITEM_COLUMNS for n in (c.name, *c.aliases)}
                     | {theirs.lower() for theirs in mapping.values()})


def resolve_columns(header: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Map each known column to the file's column holding it (mapping, exact name, alias);
    a column named in the mapping holds only the column it is mapped to.

    Raises InputError naming every required column that is missing.
    """
    present: dict[str, str] = {}
    reads = read_names(mapping)
    for h in header:
        if h.strip().lower() in present:  # the names are read ignoring case: which one?
            if h.strip().lower() not in reads:
                continue  # a column sounding ignores
            raise InputError(f"columns '{present[h.strip().lower()]}' and '{h}' differ only "
                             "in case, and sounding reads column names ignoring it",
                             hint="rename or remove one of them")
        present[h.strip().lower()] = h
    found: dict[str, str] = {}
    mapped = {theirs.lower() for theirs in mapping.values()}  # each is its column's alone
    for column in ITEM_COLUMNS:
        if column.name in mapping:
            theirs = mapping[column.name]
            if theirs.lower() not in present:
                raise InputError(f"--map {column.name}={theirs}: the file has no column "
                                 f"'{theirs}'", hint=f"its columns: {', '.join(header)}")
            found[column.name] = present[theirs.lower()]
            continue
        for name in (column.name, *column.aliases):
            if name in present and name not in mapped:
                found[column.name] = present[name]
                break
    return found


def missing_required(found: Mapping[str, str]) -> list[str]:
    """Required columns that ``resolve_columns`` did not find."""
    return [c.name for c in ITEM_COLUMNS if c.required and c.name not in found]
