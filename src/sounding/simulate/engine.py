"""The launch's event process: exposure, engagement, reactions and follows, post by post."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sounding.simulate.audience import Audience
from sounding.simulate.config import LaunchConfig
from sounding.simulate.model import Propensities
from sounding.simulate.schedule import DAY, Schedule

__all__ = ["MENTION", "QUOTE", "REPLY", "Events", "simulate_events"]

REPLY, QUOTE, MENTION = 0, 1, 2
ANIMOSITY = 1  # index of animosity in REACTIONS


@dataclass
class Events:
    """Everything that happened, as parallel arrays; times are seconds after the start."""

    likes: dict[str, list[np.ndarray]] = field(default_factory=dict)  # post, actor, time
    reposts: dict[str, list[np.ndarray]] = field(default_factory=dict)
    # texts: kind, post, actor, time, reaction, parent (-1: the post; else a text index),
    # tagged (-1: nobody; else a member the text names)
    texts: dict[str, list[np.ndarray]] = field(default_factory=dict)
    exposed: list[int] = field(default_factory=list)  # per post: members who saw it
    visibility: list[float] = field(default_factory=list)  # per post: reach multiplier
    followers: list[int] = field(default_factory=list)  # per post: followers when posted
    answered: list[int] = field(default_factory=list)  # per post: texts within the window
    exposures: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per segment
    follow_at: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per member
    n_texts: int = 0

    def add(self, table: str, **columns: np.ndarray) -> None:
        """Append one post's rows to a table."""
        target: dict[str, list[np.ndarray]] = getattr(self, table)
        for name, values in columns.items():
            target.setdefault(name, []).append(values)

    def column(self, table: str, name: str) -> np.ndarray:
        """One column of a table, all posts together."""
        parts = getattr(self, table).get(name, [])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class _Engaged:
    actor: np.ndarray
    reaction: np.ndarray
    like: np.ndarray
    repost: np.ndarray
    writes: np.ndarray  # -1 none, else REPLY, QUOTE or MENTION


@dataclass(frozen=True)
class _Context:
    config: LaunchConfig
    audience: Audience
    schedule: Schedule
    prop: Propensities
    rng: np.random.Generator
    activity: np.ndarray
    talk: np.ndarray


def simulate_events(
    config: LaunchConfig,
    audience: Audience,
    schedule: Schedule,
    prop: Propensities,
    rng: np.random.Generator,
    progress: Callable[[int, int], None] | None = None,
) -> Events:
    """Run every post in time order; a member who engages may start following."""
    ctx = _Context(
        config, audience, schedule, prop, rng,
        np.array([s.activity for s in config.segments]),
        np.array([s.talk for s in config.segments]),
    )
    events = Events(exposures=np.zeros(len(config.segments), dtype=np.int64),
                    follow_at=audience.follow_at.copy())
    members = [np.flatnonzero(audience.network == a) for a in range(len(config.accounts))]
    for i in range(len(schedule)):
        _post(ctx, events, i, members[schedule.account[i]])
        if progress is not None:
            progress(i + 1, len(schedule))
    return events


def _post(ctx: _Context, events: Events, i: int, members: np.ndarray) -> None:
    t = float(ctx.schedule.time[i])
    seg = ctx.audience.segment[members]
    following = events.follow_at[members] <= t
    sigma = ctx.config.visibility_spread  # some posts drown in timelines, some surface
    visibility = float(np.exp(sigma * ctx.rng.standard_normal()))
    online = ctx.rng.random(len(members)) < np.minimum(1.0, ctx.activity[seg] * visibility)
    seen = members[following & online]
    first = _engage(ctx, i, seen)
    reach = min(0.5, ctx.config.discovery + ctx.config.virality * int(first.repost.sum()))
    found = ~following & (
        ctx.rng.random(len(members)) < reach * np.minimum(1.0, ctx.activity[seg] * visibility)
    )
    second = _engage(ctx, i, members[found])
    _convert(ctx, events, t, second)
    exposed = np.concatenate([seen, members[found]])
    events.exposures += np.bincount(
        ctx.audience.segment[exposed], minlength=len(ctx.config.segments)
    )
    events.exposed.append(len(exposed))
    events.visibility.append(visibility)
    events.followers.append(int(following.sum()))
    engaged = _Engaged(*(np.concatenate([a, b]) for a, b in zip(
        _fields(first), _fields(second), strict=True)))
    _record(ctx, events, i, t, engaged)


def _fields(e: _Engaged) -> tuple[np.ndarray, ...]:
    return e.actor, e.reaction, e.like, e.repost, e.writes


def _engage(ctx: _Context, i: int, actors: np.ndarray) -> _Engaged:
    """Who of the exposed engages, what they feel, and what they do about it."""
    s, c, rng = ctx.schedule, ctx.config, ctx.rng
    p_engage, p_reaction = ctx.prop.at(s.format[i], s.topic[i], s.tone[i], s.slot[i])
    seg = ctx.audience.segment[actors]
    keep = rng.random(len(actors)) < p_engage[seg]
    actors, seg = actors[keep], seg[keep]
    cumulative = p_reaction[seg].cumsum(axis=1)
    reaction = np.minimum((rng.random(len(actors))[:, None] > cumulative).sum(axis=1), 2)
    like = rng.random(len(actors)) < np.asarray(c.like_by_reaction)[reaction]
    repost = rng.random(len(actors)) < np.asarray(c.repost_by_reaction)[reaction]
    bands = np.cumsum([c.reply, c.quote, c.mention])[None, :] * ctx.talk[seg][:, None]
    writes = (rng.random(len(actors))[:, None] > bands).sum(axis=1)
    writes = np.where(writes == 3, -1, writes)
    return _Engaged(actors, reaction, like, repost, writes)


def _convert(ctx: _Context, events: Events, t: float, found: _Engaged) -> None:
    """Non-followers who engaged without hostility may follow soon after."""
    c = ctx.config
    kind = found.reaction != ANIMOSITY
    converts = found.actor[kind & (ctx.rng.random(len(found.actor)) < c.conversion)]
    at = t + _delays(ctx, len(converts), c.like_delay_hours)
    events.follow_at[converts] = np.minimum(events.follow_at[converts], at)


def _delays(ctx: _Context, n: int, median_hours: float) -> np.ndarray:
    return ctx.rng.lognormal(np.log(median_hours * 3600.0), ctx.config.spread, n)


def _record(ctx: _Context, events: Events, i: int, t: float, e: _Engaged) -> None:
    horizon = ctx.config.days * DAY
    for table, mask, median in (("likes", e.like, ctx.config.like_delay_hours),
                                ("reposts", e.repost, ctx.config.like_delay_hours)):
        time = t + _delays(ctx, int(mask.sum()), median)
        ok = time <= horizon
        events.add(table, post=np.full(int(ok.sum()), i), actor=e.actor[mask][ok], time=time[ok])
    writers = e.writes >= 0
    time = t + _delays(ctx, int(writers.sum()), ctx.config.reply_delay_hours)
    order = np.argsort(time, kind="stable")
    order = order[time[order] <= horizon]
    kind, time, actor = e.writes[writers][order], time[order], e.actor[writers][order]
    parent = _parents(ctx, kind, ctx.audience.circle[actor], events.n_texts)
    events.add("texts", kind=kind, post=np.full(len(kind), i), actor=actor,
               time=time, reaction=e.reaction[writers][order], parent=parent,
               tagged=_tags(ctx, actor))
    events.n_texts += len(kind)
    events.answered.append(int((time - t <= ctx.config.ignore_window_hours * 3600).sum()))


def _parents(ctx: _Context, kind: np.ndarray, circle: np.ndarray, offset: int) -> np.ndarray:
    """Some replies answer an earlier reply in the thread rather than the post itself,
    most often one written by an acquaintance when there is one (people talk to their own)."""
    parent = np.full(len(kind), -1, dtype=np.int64)
    replies = np.flatnonzero(kind == REPLY)
    u = ctx.rng.random((len(replies), 3))
    for j in range(1, len(replies)):
        if u[j, 0] >= ctx.config.reply_to_reply:
            continue
        earlier = replies[:j]
        own = earlier[circle[earlier] == circle[replies[j]]]
        pool = own if len(own) and u[j, 2] < ctx.config.homophily else earlier
        parent[replies[j]] = offset + pool[int(u[j, 1] * len(pool))]
    return parent


def _tags(ctx: _Context, writers: np.ndarray) -> np.ndarray:
    """Some texts name an acquaintance: another member of the writer's circle."""
    tagged = np.full(len(writers), -1, dtype=np.int64)
    circle = ctx.audience.circle
    u = ctx.rng.random((len(writers), 2))
    for j, writer in enumerate(writers.tolist()):
        if u[j, 0] >= ctx.config.member_tag:
            continue
        peers = np.flatnonzero(circle == circle[writer])
        peers = peers[peers != writer]
        if len(peers):
            tagged[j] = peers[int(u[j, 1] * len(peers))]
    return tagged
