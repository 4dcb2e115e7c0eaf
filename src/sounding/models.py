"""Plain records and the Arrow schemas every stage exchanges (layer L0).

A :class:`Batch` is what a connector, an import or the simulator hands to the store:
one Arrow table per kind of record, each with the schema below, written in one
transaction. Keys are stable strings ``network:native_id`` so that writing the same
batch twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

import pyarrow as pa

__all__ = [
    "ACCOUNT_SCHEMA",
    "ACCOUNT_SNAPSHOT_SCHEMA",
    "ACTOR_SCHEMA",
    "CASELESS_NETWORKS",
    "FIRST_DAY",
    "INTERACTION_KINDS",
    "INTERACTION_SCHEMA",
    "INVISIBLE",
    "ITEM_KINDS",
    "ITEM_SCHEMA",
    "LAST_DAY",
    "METRIC_NAMES",
    "METRIC_SNAPSHOT_SCHEMA",
    "NETWORKS",
    "REACTIONS",
    "VARIANT_SCHEMA",
    "Account",
    "AccountSnapshot",
    "Actor",
    "Batch",
    "Interaction",
    "Item",
    "MetricSnapshot",
    "VariantTag",
    "account_ref",
    "actor_handle",
    "actor_key",
    "bare_handle",
    "count_text",
    "interval_text",
    "key",
    "network_name",
    "number_text",
    "percent_text",
    "shows_nothing",
    "without_controls",
]

TS = pa.timestamp("us", tz="UTC")

ITEM_KINDS = ("post", "reply", "quote", "comment", "mention", "repost")
INTERACTION_KINDS = ("reply", "like", "repost", "quote", "mention", "follow")
REACTIONS = ("interest", "animosity", "neutral")
# the calendar sounding keeps: periods read, and posts are queued, from 1970 to 2999
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)
METRIC_NAMES = ("likes", "reposts", "replies", "quotes", "impressions", "reach", "saves",
                "clicks")


NETWORKS = ("bluesky", "mastodon", "x", "facebook", "instagram", "linkedin", "blog")
_NETWORK_ALIASES = {"twitter": "x", "bsky": "bluesky", "fb": "facebook", "ig": "instagram"}
# Networks whose handles ignore case (Bluesky handles, Mastodon accts, X and Instagram
# usernames, LinkedIn page names in URLs); a Facebook author is a display name, a blog
# author a name: their case is kept.
CASELESS_NETWORKS = frozenset({"bluesky", "mastodon", "x", "instagram", "linkedin"})


def key(network: str, native_id: str) -> str:
    """The stable store key of anything a network identifies: ``network:native_id``."""
    return f"{network}:{native_id}"


def network_name(text: str) -> str | None:
    """The network a person or an export names (``Twitter`` → ``x``); None when unknown."""
    name = text.strip().lower()
    name = _NETWORK_ALIASES.get(name, name)
    return name if name in NETWORKS else None


def bare_handle(text: str) -> str:
    """A handle as written, without spaces around or a leading ``@``."""
    return text.strip().lstrip("@")


def actor_handle(network: str, handle: str) -> str:
    """One spelling per account, so that ``@Brand.bsky.social`` and ``brand.bsky.social``
    are one actor: no leading ``@`` (``@user@instance`` → ``user@instance``), lowercase
    where the network's handles ignore case. Imports, connectors and accounts all key
    actors with it."""
    bare = bare_handle(handle)
    return bare.lower() if network in CASELESS_NETWORKS else bare


def actor_key(network: str, handle: str) -> str:
    """The store key of the actor a handle names."""
    return key(network, actor_handle(network, handle))


def account_ref(text: str) -> str:
    """An account as a person types it (``bluesky:@Brand.bsky.social``, ``Twitter:shop``)
    spelled as the store keys it; text that names no network is returned stripped."""
    network, sep, handle = text.strip().partition(":")
    name = network_name(network) if sep else None
    return actor_key(name, handle) if name else text.strip()


@dataclass(frozen=True, slots=True)
class Account:
    """One of the brand's own presences on a network."""

    account_id: str
    network: str
    handle: str
    actor_id: str


@dataclass(frozen=True, slots=True)
class Actor:
    """Anyone who appears in the data, the brand included."""

    actor_id: str
    network: str
    handle: str
    display_name: str | None = None
    lang: str | None = None
    followers: int | None = None
    bio: str | None = None  # the profile's description, as the network shows it
    native_id: str | None = None  # the network's lasting id (a Bluesky DID), if it says


@dataclass(frozen=True, slots=True)
class Item:
    """A piece of content: a brand post, a reply, a comment, a mention, a quote."""

    item_id: str
    network: str
    author_id: str
    text: str
    created_at: datetime
    kind: str = "post"
    parent_id: str | None = None
    root_id: str | None = None
    url: str | None = None
    account_id: str | None = None


@dataclass(frozen=True, slots=True)
class Interaction:
    """An edge from an actor to an item or another actor (like, repost, reply...)."""

    interaction_id: str
    network: str
    kind: str
    actor_id: str
    created_at: datetime
    target_item_id: str | None = None
    target_actor_id: str | None = None


@dataclass(frozen=True, slots=True)
class MetricSnapshot:
    """An item's public counters as seen at one moment; history is never overwritten."""

    item_id: str
    observed_at: datetime
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    impressions: int | None = None
    reach: int | None = None
    saves: int | None = None
    clicks: int | None = None


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """A brand account's audience size at one moment (follower growth)."""

    account_id: str
    observed_at: datetime
    followers: int
    following: int | None = None
    posts: int | None = None


@dataclass(frozen=True, slots=True)
class VariantTag:
    """One factor=level pair of what a brand post tries."""

    item_id: str
    factor: str
    level: str


ACCOUNT_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("network", pa.string()), ("handle", pa.string()),
     ("actor_id", pa.string())]
)
ACTOR_SCHEMA = pa.schema(
    [("actor_id", pa.string()), ("network", pa.string()), ("handle", pa.string()),
     ("display_name", pa.string()), ("lang", pa.string()), ("followers", pa.int64()),
     ("bio", pa.string()), ("native_id", pa.string())]
)
ITEM_SCHEMA = pa.schema(
    [("item_id", pa.string()), ("network", pa.string()), ("author_id", pa.string()),
     ("text", pa.string()), ("created_at", TS), ("kind", pa.string()),
     ("parent_id", pa.string()), ("root_id", pa.string()), ("url", pa.string()),
     ("account_id", pa.string())]
)
INTERACTION_SCHEMA = pa.schema(
    [("interaction_id", pa.string()), ("network", pa.string()), ("kind", pa.string()),
     ("actor_id", pa.string()), ("created_at", TS), ("target_item_id", pa.string()),
     ("target_actor_id", pa.string())]
)
METRIC_SNAPSHOT_SCHEMA = pa.schema(
    [("item_id", pa.string()), ("observed_at", TS)] + [(m, pa.int64()) for m in METRIC_NAMES]
)
ACCOUNT_SNAPSHOT_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("observed_at", TS), ("followers", pa.int64()),
     ("following", pa.int64()), ("posts", pa.int64())]
)
VARIANT_SCHEMA = pa.schema(
    [("item_id", pa.string()), ("factor", pa.string()), ("level", pa.string())]
)

_RECORD_SCHEMAS: dict[str, tuple[type[Any], pa.Schema]] = {
    "accounts": (Account, ACCOUNT_SCHEMA),
    "actors": (Actor, ACTOR_SCHEMA),
    "items": (Item, ITEM_SCHEMA),
    "interactions": (Interaction, INTERACTION_SCHEMA),
    "metric_snapshots": (MetricSnapshot, METRIC_SNAPSHOT_SCHEMA),
    "account_snapshots": (AccountSnapshot, ACCOUNT_SNAPSHOT_SCHEMA),
    "variants": (VariantTag, VARIANT_SCHEMA),
}


# what no page, document or XML file should hold: control characters (tab and line ends
# aside; a terminal runs ESC sequences, XML refuses them), half characters, non-characters,
# and the bidi overrides and isolates that would turn the rest of a line around (a handle
# holding U+202E shows a post's date backwards)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff"
                       "\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """Network text fit to be shown in a page or a document: its control characters out."""
    return _CONTROLS.sub("", text)


# what shows nothing, spaces aside: controls, zero-width and direction marks, and U+FFFD
# (what bytes that were not text became)
INVISIBLE = r"\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufffd"
_VISIBLE = re.compile(rf"[^\s{INVISIBLE}]")


def shows_nothing(text: str) -> bool:
    """Whether ``text`` would look empty: spaces and invisible characters alone."""
    return _VISIBLE.search(text) is None


def count_text(value: int, lang: str) -> str:
    """A whole number with thousands separators: "4,340", but "4\u202f340" in French (a
    narrow no-break space)."""
    return number_text(value, 0, lang)


def number_text(value: float, digits: int, lang: str, *, signed: bool = False) -> str:
    """A decimal number: "1,234.5", but "1\u202f234,5" in French; ``signed``: "+0.1",
    as a lead or a change reads (a difference without its sign could be either way)."""
    value = round(value, digits) + 0.0  # no "-0.0": a lead that rounds to nothing has no sign
    text = f"{value:{'+' if signed else ''},.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def percent_text(share: float, digits: int, lang: str) -> str:
    """A share as a percentage: "55.8%", but "55,8\u202f%" in French (a narrow no-break
    space, so a line never breaks between a figure and its sign)."""
    sign = "\u202f%" if lang == "fr" else "%"
    return number_text(100 * share, digits, lang) + sign


def interval_text(low: str, high: str, lang: str) -> str:
    """An interval of two formatted bounds: "[0.46, 0.48]", but "[0,46 ; 0,48]" in French,
    whose decimal comma would make a comma between the bounds ambiguous."""
    return f"[{low}{' ; ' if lang == 'fr' else ', '}{high}]"


def _table(schema: pa.Schema, records: Iterable[Any]) -> pa.Table:
    rows = [asdict(r) for r in records]
    return pa.Table.from_pylist(rows, schema=schema)


@dataclass(frozen=True)
class Batch:
    """Records to store together, one Arrow table per table of the data model.

    A table may leave out nullable columns (they are added as nulls) and may hold its
    columns in any order.
    """

    accounts: pa.Table = field(default_factory=ACCOUNT_SCHEMA.empty_table)
    actors: pa.Table = field(default_factory=ACTOR_SCHEMA.empty_table)
    items: pa.Table = field(default_factory=ITEM_SCHEMA.empty_table)
    interactions: pa.Table = field(default_factory=INTERACTION_SCHEMA.empty_table)
    metric_snapshots: pa.Table = field(default_factory=METRIC_SNAPSHOT_SCHEMA.empty_table)
    account_snapshots: pa.Table = field(default_factory=ACCOUNT_SNAPSHOT_SCHEMA.empty_table)
    variants: pa.Table = field(default_factory=VARIANT_SCHEMA.empty_table)

    def __post_init__(self) -> None:
        for name, (_, schema) in _RECORD_SCHEMAS.items():
            table: pa.Table = getattr(self, name)
            if table.schema.equals(schema):
                continue
            for missing in (f for f in schema if f.name not in table.column_names):
                table = table.append_column(missing, pa.nulls(table.num_rows, missing.type))
            object.__setattr__(self, name, table.select(schema.names).cast(schema))

    @classmethod
    def from_records(cls, **records: Sequence[Any]) -> Batch:
        """Build a batch from lists of the dataclasses above, keyed by table name."""
        unknown = set(records) - set(_RECORD_SCHEMAS)
        if unknown:
            raise TypeError(f"unknown batch tables: {sorted(unknown)}")
        tables = {
            name: _table(_RECORD_SCHEMAS[name][1], rows) for name, rows in records.items()
        }
        return cls(**tables)

    def tables(self) -> dict[str, pa.Table]:
        """The batch's tables by name, in the order they must be written."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def counts(self) -> dict[str, int]:
        """Number of rows per table."""
        return {name: t.num_rows for name, t in self.tables().items()}
