"""Turn the simulated events into the Arrow tables of a :class:`sounding.models.Batch`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from sounding.models import (
    ACCOUNT_SCHEMA,
    ACCOUNT_SNAPSHOT_SCHEMA,
    ACTOR_SCHEMA,
    INTERACTION_SCHEMA,
    ITEM_SCHEMA,
    METRIC_NAMES,
    METRIC_SNAPSHOT_SCHEMA,
    VARIANT_SCHEMA,
    Batch,
    key,
)
from sounding.simulate.audience import Audience
from sounding.simulate.config import LaunchConfig
from sounding.simulate.engine import MENTION, QUOTE, REPLY, Events
from sounding.simulate.schedule import DAY, Schedule

__all__ = ["Ids", "build_batch", "build_ids", "timestamps"]

TEXT_KINDS = ("reply", "quote", "mention")
_WIDTH = {"reply": 6, "quote": 5, "mention": 5}


@dataclass(frozen=True)
class Ids:
    """Store keys of the brand's actors, the posts and the audience's texts."""

    brand: list[str]  # per account: the brand's actor (and account) id
    post: list[str]  # per schedule post
    post_native: list[str]
    text: list[str]  # per text, in event order
    text_native: list[str]


def timestamps(config: LaunchConfig, seconds: np.ndarray) -> pa.Array:
    """Seconds after the start as tz-aware UTC Arrow timestamps (microseconds)."""
    start_us = int(config.start.timestamp() * 1_000_000)
    micros = start_us + np.round(np.asarray(seconds, dtype=np.float64) * 1e6).astype(np.int64)
    return pa.array(micros, type=ITEM_SCHEMA.field("created_at").type)


def build_ids(config: LaunchConfig, schedule: Schedule, events: Events) -> Ids:
    """Natives like ``post-0001`` and ``reply-000123``, numbered per network in time order."""
    brand = [key(a.network, a.handle) for a in config.accounts]
    post_native = [f"post-{n:04d}" for n in schedule.number]
    post = [key(config.accounts[a].network, n)
            for a, n in zip(schedule.account, post_native, strict=True)]
    kind, time = events.column("texts", "kind"), events.column("texts", "time")
    account = schedule.account[events.column("texts", "post")]
    order = np.lexsort((time, kind, account))
    natives = [""] * len(kind)
    counters: dict[tuple[int, int], int] = {}
    for j in order:
        group = (int(account[j]), int(kind[j]))
        counters[group] = counters.get(group, 0) + 1
        name = TEXT_KINDS[kind[j]]
        natives[j] = f"{name}-{counters[group]:0{_WIDTH[name]}d}"
    text = [key(config.accounts[a].network, n) for a, n in zip(account, natives, strict=True)]
    return Ids(brand, post, post_native, text, natives)


def _url(config: LaunchConfig, network: str, handle: str, native: str) -> str:
    if network == "bluesky":
        return f"https://bsky.app/profile/{handle}/post/{native}"
    user, _, instance = handle.partition("@")
    return f"https://{instance}/@{user}/{native}"


def build_batch(
    config: LaunchConfig,
    audience: Audience,
    schedule: Schedule,
    events: Events,
    ids: Ids,
    texts: tuple[list[str], list[str]],
    bios: list[str | None],
) -> Batch:
    """All tables of the launch; ``texts`` holds the post texts and the audience texts,
    ``bios`` each member's profile bio."""
    return Batch(
        accounts=_accounts(config, ids),
        actors=_actors(config, audience, events, ids, bios),
        items=pa.concat_tables([_posts(config, schedule, ids, texts[0]),
                                _texts(config, audience, schedule, events, ids, texts[1])]),
        interactions=_interactions(config, audience, schedule, events, ids),
        metric_snapshots=_metric_snapshots(config, schedule, events, ids),
        account_snapshots=_account_snapshots(config, audience, schedule, events, ids),
        variants=_variants(schedule, ids),
    )


def _accounts(config: LaunchConfig, ids: Ids) -> pa.Table:
    return pa.table({
        "account_id": ids.brand,
        "network": [a.network for a in config.accounts],
        "handle": [a.handle for a in config.accounts],
        "actor_id": ids.brand,
    }, schema=ACCOUNT_SCHEMA)


def _final_followers(config: LaunchConfig, audience: Audience, events: Events) -> list[int]:
    horizon = config.days * DAY
    follows = events.follow_at <= horizon
    return [int((follows & (audience.network == a)).sum()) for a in range(len(config.accounts))]


def _actors(config: LaunchConfig, audience: Audience, events: Events, ids: Ids,
            bios: list[str | None]) -> pa.Table:
    langs = [config.segments[s].lang for s in audience.segment]
    names = [f"{f.title()} {last[0].upper()}." for f, last in
             zip(audience.first, audience.last, strict=True)]
    return pa.table({
        "actor_id": ids.brand + audience.actor_id,
        "network": [a.network for a in config.accounts]
        + [config.accounts[n].network for n in audience.network],
        "handle": [a.handle for a in config.accounts] + audience.handle,
        "display_name": [config.brand] * len(config.accounts) + names,
        "lang": ["fr"] * len(config.accounts) + langs,
        "followers": _final_followers(config, audience, events) + audience.own_followers.tolist(),
        "bio": [None] * len(config.accounts) + bios,
        "native_id": pa.nulls(len(config.accounts) + len(names), pa.string()),
    }, schema=ACTOR_SCHEMA)


def _posts(config: LaunchConfig, schedule: Schedule, ids: Ids, texts: list[str]) -> pa.Table:
    networks = [config.accounts[a].network for a in schedule.account]
    n = len(schedule)
    return pa.table({
        "item_id": ids.post,
        "network": networks,
        "author_id": [ids.brand[a] for a in schedule.account],
        "text": texts,
        "created_at": timestamps(config, schedule.time),
        "kind": ["post"] * n,
        "parent_id": pa.nulls(n, pa.string()),
        "root_id": pa.nulls(n, pa.string()),
        "url": [config.accounts[a].url_base + native
                for a, native in zip(schedule.account, ids.post_native, strict=True)],
        "account_id": [ids.brand[a] for a in schedule.account],
    }, schema=ITEM_SCHEMA)


def _text_links(events: Events, ids: Ids) -> tuple[list[str | None], list[str | None]]:
    """Parent and root of each text: replies thread under the post, quotes point to it."""
    kind, post = events.column("texts", "kind"), events.column("texts", "post")
    parent = events.column("texts", "parent")
    parents: list[str | None] = []
    roots: list[str | None] = []
    for k, p, par in zip(kind.tolist(), post.tolist(), parent.tolist(), strict=True):
        if k == MENTION:
            parents.append(None)
            roots.append(None)
        else:
            parents.append(ids.text[par] if par >= 0 else ids.post[p])
            roots.append(ids.post[p] if k == REPLY else None)
    return parents, roots


def _texts(
    config: LaunchConfig,
    audience: Audience,
    schedule: Schedule,
    events: Events,
    ids: Ids,
    texts: list[str],
) -> pa.Table:
    kind, actor = events.column("texts", "kind"), events.column("texts", "actor")
    account = schedule.account[events.column("texts", "post")]
    networks = [config.accounts[a].network for a in account]
    handles = [audience.handle[a] for a in actor]
    parents, roots = _text_links(events, ids)
    return pa.table({
        "item_id": ids.text,
        "network": networks,
        "author_id": [audience.actor_id[a] for a in actor],
        "text": [f"@{audience.handle[t]} {text}" if t >= 0 else text
                 for t, text in zip(events.column("texts", "tagged").tolist(), texts, strict=True)],
        "created_at": timestamps(config, events.column("texts", "time")),
        "kind": [TEXT_KINDS[k] for k in kind],
        "parent_id": pa.array(parents, pa.string()),
        "root_id": pa.array(roots, pa.string()),
        "url": [_url(config, n, h, native)
                for n, h, native in zip(networks, handles, ids.text_native, strict=True)],
        "account_id": pa.nulls(len(kind), pa.string()),
    }, schema=ITEM_SCHEMA)


def _edges(
    name: str, network: list[str], handle: list[str], target: list[str]
) -> list[str]:
    return [key(n, f"{name}:{h}:{t}") for n, h, t in zip(network, handle, target, strict=True)]


def _interactions(
    config: LaunchConfig, audience: Audience, schedule: Schedule, events: Events, ids: Ids
) -> pa.Table:
    parts = [_post_edges(config, audience, schedule, events, ids, t) for t in ("likes", "reposts")]
    parts += [_text_edges(config, audience, schedule, events, ids),
              _tag_edges(config, audience, schedule, events, ids),
              _follows(config, audience, events, ids)]
    return pa.concat_tables(parts)


def _tag_edges(
    config: LaunchConfig, audience: Audience, schedule: Schedule, events: Events, ids: Ids
) -> pa.Table:
    """A text that names another member is a mention of that member."""
    tagged = events.column("texts", "tagged")
    rows = np.flatnonzero(tagged >= 0)
    actor, target = events.column("texts", "actor")[rows], tagged[rows]
    network = [config.accounts[a].network
               for a in schedule.account[events.column("texts", "post")[rows]]]
    edges = [key(n, f"mention:{audience.handle[a]}:{ids.text_native[r]}:{audience.handle[t]}")
             for n, a, r, t in zip(network, actor, rows, target, strict=True)]
    return _edge_table(config, edges, network, "mention", [audience.actor_id[a] for a in actor],
                       events.column("texts", "time")[rows], None,
                       [audience.actor_id[t] for t in target])


def _post_edges(
    config: LaunchConfig, audience: Audience, schedule: Schedule, events: Events, ids: Ids,
    table: str,
) -> pa.Table:
    post, actor = events.column(table, "post"), events.column(table, "actor")
    network = [config.accounts[a].network for a in schedule.account[post]]
    name = "like" if table == "likes" else "repost"
    edges = _edges(name, network, [audience.handle[a] for a in actor],
                   [ids.post_native[p] for p in post])
    return _edge_table(config, edges, network, name, [audience.actor_id[a] for a in actor],
                       events.column(table, "time"), [ids.post[p] for p in post], None)


def _edge_table(
    config: LaunchConfig, edges: list[str], network: list[str], kind: str | list[str],
    actor: list[str], time: np.ndarray, item: list[str | None] | list[str] | None,
    target_actor: list[str | None] | list[str] | None,
) -> pa.Table:
    n = len(edges)
    return pa.table({
        "interaction_id": edges,
        "network": network,
        "kind": [kind] * n if isinstance(kind, str) else kind,
        "actor_id": actor,
        "created_at": timestamps(config, time),
        "target_item_id": pa.nulls(n, pa.string()) if item is None else pa.array(item, pa.string()),
        "target_actor_id": pa.nulls(n, pa.string()) if target_actor is None
        else pa.array(target_actor, pa.string()),
    }, schema=INTERACTION_SCHEMA)


def _text_edges(
    config: LaunchConfig, audience: Audience, schedule: Schedule, events: Events, ids: Ids
) -> pa.Table:
    kind, actor = events.column("texts", "kind"), events.column("texts", "actor")
    account = schedule.account[events.column("texts", "post")]
    network = [config.accounts[a].network for a in account]
    kinds = [TEXT_KINDS[k] for k in kind]
    edges = [key(n, f"{k}:{audience.handle[a]}:{native}") for n, k, a, native in
             zip(network, kinds, actor, ids.text_native, strict=True)]
    parents, _ = _text_links(events, ids)
    brand = [ids.brand[a] if k == MENTION else None for a, k in zip(account, kind, strict=True)]
    return _edge_table(config, edges, network, kinds, [audience.actor_id[a] for a in actor],
                       events.column("texts", "time"), parents, brand)


def _follows(config: LaunchConfig, audience: Audience, events: Events, ids: Ids) -> pa.Table:
    members = np.flatnonzero(events.follow_at <= config.days * DAY)
    members = members[np.argsort(events.follow_at[members], kind="stable")]
    network = [config.accounts[audience.network[m]].network for m in members]
    brand_handles = [config.accounts[audience.network[m]].handle for m in members]
    edges = _edges("follow", network, [audience.handle[m] for m in members], brand_handles)
    return _edge_table(config, edges, network, "follow",
                       [audience.actor_id[m] for m in members], events.follow_at[members],
                       None, [ids.brand[audience.network[m]] for m in members])


def _counts_at(post: np.ndarray, time: np.ndarray, at_post: np.ndarray, at: np.ndarray
               ) -> np.ndarray:
    """For each (post, moment): how many events of that post happened by that moment."""
    span = float(max(time.max(initial=0.0), at.max(initial=0.0)) + 1.0)
    keys = np.sort(post * span + time)
    counts: np.ndarray = (np.searchsorted(keys, at_post * span + at, side="right")
            - np.searchsorted(keys, at_post * span, side="left"))
    return counts


def _metric_snapshots(
    config: LaunchConfig, schedule: Schedule, events: Events, ids: Ids
) -> pa.Table:
    days = np.arange(1, config.snapshot_days + 1)
    at_post = np.repeat(np.arange(len(schedule)), len(days))
    at = schedule.time[at_post] + np.tile(days, len(schedule)) * DAY
    kind, parent = events.column("texts", "kind"), events.column("texts", "parent")
    counters = {}
    for name, table, mask in (("likes", "likes", None), ("reposts", "reposts", None),
                              ("replies", "texts", (kind == REPLY) & (parent < 0)),
                              ("quotes", "texts", kind == QUOTE)):
        post, time = events.column(table, "post"), events.column(table, "time")
        if mask is not None:
            post, time = post[mask], time[mask]
        counters[name] = _counts_at(post, time, at_post, at)
    return pa.table({
        "item_id": [ids.post[p] for p in at_post],
        "observed_at": timestamps(config, at),
        **counters,
        **{m: pa.nulls(len(at), pa.int64()) for m in METRIC_NAMES if m not in counters},
    }, schema=METRIC_SNAPSHOT_SCHEMA)


def _account_snapshots(
    config: LaunchConfig, audience: Audience, schedule: Schedule, events: Events, ids: Ids
) -> pa.Table:
    days = np.arange(1, config.days + 1) * DAY
    rows: dict[str, list[object]] = {"account_id": [], "followers": [], "posts": []}
    for a in range(len(config.accounts)):
        follows = np.sort(events.follow_at[audience.network == a])
        posts = np.sort(schedule.time[schedule.account == a])
        rows["account_id"] += [ids.brand[a]] * len(days)
        rows["followers"] += np.searchsorted(follows, days, side="right").tolist()
        rows["posts"] += np.searchsorted(posts, days, side="right").tolist()
    return pa.table({
        "account_id": rows["account_id"],
        "observed_at": timestamps(config, np.tile(days, len(config.accounts))),
        "followers": rows["followers"],
        "following": pa.nulls(len(rows["followers"]), pa.int64()),
        "posts": rows["posts"],
    }, schema=ACCOUNT_SNAPSHOT_SCHEMA)


def _variants(schedule: Schedule, ids: Ids) -> pa.Table:
    rows = [(ids.post[i], factor, level)
            for i in range(len(schedule)) for factor, level in schedule.levels(i).items()]
    cols = list(zip(*rows, strict=True))
    return pa.table({"item_id": cols[0], "factor": cols[1], "level": cols[2]},
                    schema=VARIANT_SCHEMA)
