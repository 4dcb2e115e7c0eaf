"""Bluesky payloads (XRPC JSON, wire field names) to sounding records: pure functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sounding.connectors.records import Brand, Records, parse_time
from sounding.models import (
    AccountSnapshot,
    Actor,
    Interaction,
    Item,
    MetricSnapshot,
    actor_key,
    key,
)

__all__ = [
    "NETWORK",
    "item_id",
    "parse_likes",
    "parse_notifications",
    "parse_own_records",
    "parse_posts",
    "parse_profile",
    "parse_quotes",
    "parse_reposted_by",
    "parse_search",
    "parse_thread",
    "post_url",
]

NETWORK = "bluesky"
Payload = dict[str, Any]


def item_id(uri: str) -> str:
    """The store key of a post from its at:// URI."""
    return key(NETWORK, uri)


def _actor_id(handle: str) -> str:
    """Bluesky's API writes handles in lowercase already; the key is an import's too."""
    return actor_key(NETWORK, handle)


_INVALID = "handle.invalid"  # what Bluesky shows for every handle that no longer resolves


def _name(author: Payload) -> str:
    """The handle an author is known by, or its DID when Bluesky shows the handle as
    ``handle.invalid`` (every such account would otherwise be one actor)."""
    handle = str(author.get("handle") or "")
    did = author.get("did")
    return str(did) if did and handle in ("", _INVALID) else handle


def post_url(handle: str, uri: str) -> str:
    """The bsky.app address of a post."""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _actor(profile: Payload) -> Actor:
    followers = profile.get("followersCount")
    return Actor(_actor_id(_name(profile)), NETWORK, _name(profile),
                 profile.get("displayName") or None, None,
                 int(followers) if followers is not None else None,
                 str(profile.get("description") or "").strip() or None,
                 profile.get("did") or None)


def _quoted_uri(record: Payload) -> str | None:
    embed = record.get("embed") or {}
    kind = embed.get("$type", "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        embed = embed.get("record") or {}
    inner = embed.get("record") or {}
    uri = inner.get("uri")
    return uri if isinstance(uri, str) and "/app.bsky.feed.post/" in uri else None


def _item(uri: str, author: Payload, record: Payload, brand: Brand, kind: str | None = None
          ) -> Item:
    reply = record.get("reply") or {}
    parent = (reply.get("parent") or {}).get("uri")
    root = (reply.get("root") or {}).get("uri")
    is_brand = author.get("did") == brand.native_id or author["handle"] == brand.handle
    if kind is None:
        kind = "reply" if parent else "quote" if _quoted_uri(record) else "post"
    return Item(
        item_id=item_id(uri), network=NETWORK, author_id=_actor_id(_name(author)),
        text=record.get("text", ""), created_at=parse_time(record["createdAt"]), kind=kind,
        parent_id=item_id(parent) if parent else None, root_id=item_id(root) if root else None,
        url=post_url(_name(author), uri), account_id=brand.account_id if is_brand else None,
    )


def _edge(kind: str, author: Payload, native: str, created: str, *, item: str | None = None,
          actor: str | None = None) -> Interaction:
    handle = _name(author)
    return Interaction(key(NETWORK, f"{kind}:{handle}:{native}"), NETWORK, kind,
                       _actor_id(handle), parse_time(created), item, actor)


def _add_post_view(out: Records, view: Payload, brand: Brand, kind: str | None = None) -> Item:
    record = view["record"]
    item = _item(view["uri"], view["author"], record, brand, kind)
    out.add_actor(_actor(view["author"]))
    out.add_item(item)
    if item.kind == "reply" and item.parent_id:
        out.add_interaction(_edge("reply", view["author"], view["uri"], record["createdAt"],
                                  item=item.parent_id))
    quoted = _quoted_uri(record)
    if quoted:
        out.add_interaction(_edge("quote", view["author"], view["uri"], record["createdAt"],
                                  item=item_id(quoted)))
    return item


def parse_posts(payload: Payload, brand: Brand, observed_at: datetime) -> Records:
    """``app.bsky.feed.getPosts``: the posts and a snapshot of their public counters."""
    out = Records()
    for view in payload.get("posts", []):
        item = _add_post_view(out, view, brand)
        out.add_metrics(MetricSnapshot(
            item.item_id, observed_at, view.get("likeCount"), view.get("repostCount"),
            view.get("replyCount"), view.get("quoteCount"), None))
    return out


def parse_own_records(payload: Payload, brand: Brand) -> Records:
    """``com.atproto.repo.listRecords`` of the brand's posts: brand items."""
    out = Records()
    author = {"did": brand.native_id, "handle": brand.handle}
    for entry in payload.get("records", []):
        out.add_item(_item(entry["uri"], author, entry["value"], brand))
    return out


def _walk_replies(out: Records, node: Payload, brand: Brand) -> None:
    """Every reply below ``node``, depth first, without recursion (a chain of a thousand
    replies would exhaust Python's stack)."""
    stack = list(reversed(node.get("replies") or []))
    while stack:
        child = stack.pop()
        if not child.get("$type", "").endswith("#threadViewPost"):
            continue  # blocked or deleted replies carry no post
        _add_post_view(out, child["post"], brand, "reply")
        stack.extend(reversed(child.get("replies") or []))


def parse_thread(payload: Payload, brand: Brand) -> Records:
    """``app.bsky.feed.getPostThread``: every reply below the post, at every depth."""
    out = Records()
    thread = payload.get("thread") or {}
    if thread.get("$type", "").endswith("#threadViewPost"):
        _walk_replies(out, thread, brand)
    return out


def parse_likes(payload: Payload) -> Records:
    """``app.bsky.feed.getLikes``: who liked the post, and when."""
    out, target = Records(), item_id(payload["uri"])
    for like in payload.get("likes", []):
        out.add_actor(_actor(like["actor"]))
        out.add_interaction(_edge("like", like["actor"], payload["uri"], like["createdAt"],
                                  item=target))
    return out


def parse_reposted_by(payload: Payload, observed_at: datetime) -> Records:
    """``app.bsky.feed.getRepostedBy``: who reposted (the API gives no time: first seen)."""
    out, target = Records(), item_id(payload["uri"])
    for profile in payload.get("repostedBy", []):
        out.add_actor(_actor(profile))
        out.add_interaction(_edge("repost", profile, payload["uri"], observed_at.isoformat(),
                                  item=target))
    return out


def parse_quotes(payload: Payload, brand: Brand) -> Records:
    """``app.bsky.feed.getQuotes``: posts quoting the brand's post, as quote items and edges."""
    out = Records()
    for view in payload.get("posts", []):
        _add_post_view(out, view, brand, "quote")
    return out


def parse_search(payload: Payload, brand: Brand) -> Records:
    """``app.bsky.feed.searchPosts``: earned posts matching a listening query."""
    out = Records()
    for view in payload.get("posts", []):
        kind = None if view["author"]["handle"] == brand.handle else "mention"
        _add_post_view(out, view, brand, kind)
    return out


def _notification(out: Records, note: Payload, brand: Brand) -> None:
    reason, author, record = note["reason"], note["author"], note.get("record") or {}
    out.add_actor(_actor(author))
    subject = note.get("reasonSubject")
    if reason in ("like", "repost") and subject:
        out.add_interaction(_edge(reason, author, subject, record.get("createdAt")
                                  or note["indexedAt"], item=item_id(subject)))
    elif reason == "follow":
        out.add_interaction(_edge("follow", author, brand.handle, record.get("createdAt")
                                  or note["indexedAt"], actor=brand.actor_id))
    elif reason in ("reply", "quote", "mention"):
        view = {"uri": note["uri"], "author": author, "record": record}
        item = _add_post_view(out, view, brand, reason)
        if reason == "mention":
            out.add_interaction(_edge("mention", author, note["uri"], record["createdAt"],
                                      item=item.item_id, actor=brand.actor_id))


def parse_notifications(payload: Payload, brand: Brand) -> Records:
    """``app.bsky.notification.listNotifications``: likes, reposts, follows, replies, quotes
    and mentions of the brand."""
    out = Records()
    for note in payload.get("notifications", []):
        _notification(out, note, brand)
    return out


def parse_profile(payload: Payload, brand: Brand, observed_at: datetime) -> Records:
    """``app.bsky.actor.getProfile`` of the brand: its actor and an audience snapshot."""
    out = Records()
    out.add_actor(_actor(payload))
    out.snapshots.append(AccountSnapshot(
        brand.account_id, observed_at, int(payload.get("followersCount") or 0),
        payload.get("followsCount"), payload.get("postsCount")))
    return out
