"""Mastodon entities (Status, Account, Context, Notification, Instance) to sounding records
and values: pure.

Accepts the JSON of the API as documented and the same objects as Mastodon.py returns
them (dicts whose times may already be ``datetime``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from sounding.connectors.records import Brand, Records, parse_time
from sounding.models import (
    AccountSnapshot,
    Actor,
    Interaction,
    Item,
    MetricSnapshot,
    actor_handle,
    key,
)

__all__ = [
    "NETWORK",
    "add_status",
    "handle",
    "html_to_text",
    "max_characters",
    "parse_accounts",
    "parse_context",
    "parse_notifications",
    "parse_statuses",
    "parse_time_any",
    "parse_verify_credentials",
    "status_item_id",
]

NETWORK = "mastodon"
Entity = Mapping[str, Any]
_BREAKS = re.compile(r"\n{3,}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# The largest text limit taken from an instance (Mastodon's own default is 500; forks
# raise it to tens of thousands): beyond, the answer is not believed.
MAX_TEXT_LIMIT = 1_000_000


def html_to_text(content: str) -> str:
    """The plain text of a status' HTML content (paragraphs and line breaks kept). The
    parser decodes character references once: decoding again turned a typed "&amp;"
    into "&"."""
    parser = _Text()
    parser.feed(content)
    parser.close()
    return _BREAKS.sub("\n\n", "".join(parser.parts)).strip()


def parse_time_any(value: Any) -> datetime:
    """A time as the API writes it or as Mastodon.py parsed it, in UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return parse_time(str(value))


def max_characters(instance: Any) -> int | None:
    """The most characters a status may have, as an Instance says it (v2, and v1 since
    Mastodon 3.4.2: ``configuration.statuses.max_characters``); None when the answer does
    not say it as a whole number from 1 to :data:`MAX_TEXT_LIMIT` (the answer is the
    server's to write: a "²" or a 13-digit limit is not a limit to store)."""
    try:
        value = instance["configuration"]["statuses"]["max_characters"]
    except (KeyError, TypeError, IndexError):
        return None
    if isinstance(value, str):  # ASCII digits, and few: int() refuses 4,300 and more
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 7):
            return None
        value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_TEXT_LIMIT else None


def handle(account: Entity, host: str) -> str:
    """``user@instance`` for every account, local ones included, spelt as an import or an
    account keys it (lowercase: Mastodon accounts ignore case)."""
    acct = str(account["acct"])
    return actor_handle(NETWORK, acct if "@" in acct else f"{acct}@{host}")


def status_item_id(host: str, status_id: Any) -> str:
    """The store key of a status: the home instance's id, which replies point to."""
    return key(NETWORK, f"{host}/statuses/{status_id}")


def _bio(account: Entity) -> str | None:
    """The account's note as text; "" when the account says it has none (an empty note
    erases a stored bio), None when the payload does not say."""
    note = account.get("note")
    return html_to_text(str(note)) if note is not None else None


def _actor(account: Entity, host: str) -> Actor:
    followers = account.get("followers_count")
    return Actor(key(NETWORK, handle(account, host)), NETWORK, handle(account, host),
                 account.get("display_name") or None, None,
                 int(followers) if followers is not None else None,
                 _bio(account))


def _edge(kind: str, account: Entity, host: str, native: str, created: Any, *,
          item: str | None = None, actor: str | None = None) -> Interaction:
    who = handle(account, host)
    return Interaction(key(NETWORK, f"{kind}:{who}:{native}"), NETWORK, kind,
                       key(NETWORK, who), parse_time_any(created), item, actor)


def _quoted(status: Entity) -> Entity | None:
    quote = status.get("quote")
    if isinstance(quote, Mapping):
        inner = quote.get("quoted_status")
        return inner if isinstance(inner, Mapping) else None
    return None


def _kind(status: Entity, forced: str | None) -> str:
    if forced:
        return forced
    if status.get("in_reply_to_id"):
        return "reply"
    return "quote" if _quoted(status) else "post"


def add_status(out: Records, status: Entity, brand: Brand, host: str,
               kind: str | None = None) -> Item:
    """One status as an item with its author, edges for reply and quote, and its counters."""
    account = status["account"]
    native = f"{host}/statuses/{status['id']}"
    parent = status.get("in_reply_to_id")
    is_brand = handle(account, host) == actor_handle(NETWORK, brand.handle)
    item = Item(
        item_id=key(NETWORK, native), network=NETWORK,
        author_id=key(NETWORK, handle(account, host)),
        text=html_to_text(str(status.get("content") or "")),
        created_at=parse_time_any(status["created_at"]),
        kind=_kind(status, forced=None if is_brand else kind),  # the brand never mentions itself
        parent_id=status_item_id(host, parent) if parent else None, root_id=None,
        url=status.get("url") or status.get("uri"),
        account_id=brand.account_id if is_brand else None)
    out.add_actor(_actor(account, host))
    out.add_item(item)
    if parent and not is_brand:
        out.add_interaction(_edge("reply", account, host, native, status["created_at"],
                                  item=item.parent_id))
    quoted = _quoted(status)
    if quoted and not is_brand:
        out.add_interaction(_edge("quote", account, host, native, status["created_at"],
                                  item=status_item_id(host, quoted["id"])))
    return item


def parse_statuses(statuses: list[Entity], brand: Brand, host: str,
                   observed_at: datetime | None = None, kind: str | None = None) -> Records:
    """A list of statuses (a timeline, search results); reblogs are skipped.

    With ``observed_at``, each status' counters are recorded as a metric snapshot.
    """
    out = Records()
    for status in statuses:
        if status.get("reblog"):
            continue
        item = add_status(out, status, brand, host, kind)
        if observed_at is not None:
            out.add_metrics(MetricSnapshot(
                item.item_id, observed_at, status.get("favourites_count"),
                status.get("reblogs_count"), status.get("replies_count"),
                status.get("quotes_count"), None))
    return out


def parse_context(context: Entity, root: Entity, brand: Brand, host: str) -> Records:
    """``GET /api/v1/statuses/:id/context``: every reply below the brand's status."""
    out = Records()
    root_id = status_item_id(host, root["id"])
    for status in context.get("descendants", []):
        item = add_status(out, status, brand, host, "reply")
        out.add_item(Item(**{**_fields(item), "root_id": root_id}))
    return out


def _fields(item: Item) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__}


def parse_accounts(accounts: list[Entity], kind: str, brand: Brand, host: str,
                   target_status_id: Any, observed_at: datetime) -> Records:
    """``favourited_by`` / ``reblogged_by``: accounts without a time (first seen is used)."""
    out = Records()
    native = f"{host}/statuses/{target_status_id}"
    for account in accounts:
        out.add_actor(_actor(account, host))
        out.add_interaction(_edge(kind, account, host, native, observed_at,
                                  item=key(NETWORK, native)))
    return out


def _notification(out: Records, note: Entity, brand: Brand, host: str) -> None:
    kind, account, status = note["type"], note["account"], note.get("status")
    out.add_actor(_actor(account, host))
    if kind in ("favourite", "reblog") and status:
        edge = "like" if kind == "favourite" else "repost"
        native = f"{host}/statuses/{status['id']}"
        out.add_interaction(_edge(edge, account, host, native, note["created_at"],
                                  item=key(NETWORK, native)))
    elif kind == "follow":
        out.add_interaction(_edge("follow", account, host, brand.handle, note["created_at"],
                                  actor=brand.actor_id))
    elif kind in ("mention", "quote") and status:
        to_brand = str(status.get("in_reply_to_account_id") or "") == brand.native_id
        item_kind = "quote" if kind == "quote" else "reply" if to_brand else "mention"
        item = add_status(out, status, brand, host, item_kind)
        if item_kind == "mention":
            out.add_interaction(_edge("mention", account, host, item.item_id.split(":", 1)[1],
                                      status["created_at"], item=item.item_id,
                                      actor=brand.actor_id))


def parse_notifications(notes: list[Entity], brand: Brand, host: str) -> Records:
    """``GET /api/v1/notifications``: favourites, reblogs, follows, mentions, replies, quotes."""
    out = Records()
    for note in notes:
        _notification(out, note, brand, host)
    return out


def parse_verify_credentials(account: Entity, brand: Brand, host: str,
                             observed_at: datetime) -> Records:
    """The brand's own Account: its actor and an audience snapshot."""
    out = Records()
    out.add_actor(_actor(account, host))
    out.snapshots.append(AccountSnapshot(
        brand.account_id, observed_at, int(account.get("followers_count") or 0),
        account.get("following_count"), account.get("statuses_count")))
    return out
