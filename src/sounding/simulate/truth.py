"""The ground truth of a simulated launch, as a JSON-serialisable dict."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import numpy as np

from sounding.models import REACTIONS
from sounding.simulate.audience import Audience
from sounding.simulate.config import FACTORS, LaunchConfig, config_to_dict
from sounding.simulate.engine import MENTION, REPLY, Events
from sounding.simulate.model import Propensities, level_rates, parameters
from sounding.simulate.schedule import DAY, Schedule
from sounding.simulate.tables import TEXT_KINDS, Ids

__all__ = ["TRUTH_VERSION", "build_truth", "truth_to_json"]

TRUTH_VERSION = 1


def truth_to_json(truth: dict[str, Any]) -> str:
    """The truth as stable, human-readable JSON (sorted keys, UTF-8 kept)."""
    return json.dumps(truth, indent=2, sort_keys=True, ensure_ascii=False)


def _shares(counts: np.ndarray, names: list[str]) -> dict[str, float]:
    total = max(int(counts.sum()), 1)
    return {n: round(float(c) / total, 6) for n, c in zip(names, counts, strict=True)}


def _engaged_members(events: Events, n: int) -> np.ndarray:
    """Members who liked, reposted, replied, quoted or mentioned at least once."""
    seen = np.zeros(n, dtype=bool)
    for table in ("likes", "reposts", "texts"):
        seen[events.column(table, "actor")] = True
    return seen


def _segments(config: LaunchConfig, audience: Audience) -> list[dict[str, Any]]:
    actual = np.bincount(audience.segment, minlength=len(config.segments))
    out = []
    for s, segment in enumerate(config.segments):
        row = asdict(segment)
        row.pop("effects")
        row["size"] = int(actual[s])
        row["configured_size"] = segment.size
        row["network_mix"] = dict(segment.network_mix)
        out.append(json.loads(json.dumps(row)))
    return out


def _mix(
    config: LaunchConfig, audience: Audience, events: Events, customer_segment: np.ndarray
) -> dict[str, Any]:
    names = [s.name for s in config.segments]
    k = len(names)
    engaged = _engaged_members(events, len(audience))
    customers = _shares(np.bincount(customer_segment, minlength=k), names)
    active = _shares(np.bincount(audience.segment[engaged], minlength=k), names)
    index = {n: round(100.0 * active[n] / customers[n], 2) if customers[n] else None
             for n in names}
    return {"customer_mix": customers, "engaged_mix": active, "representation_index": index,
            "engaged_actors": int(engaged.sum())}


def _counts(
    config: LaunchConfig, audience: Audience, schedule: Schedule, events: Events
) -> dict[str, Any]:
    names = [s.name for s in config.segments]
    kind, actor = events.column("texts", "kind"), events.column("texts", "actor")
    reaction = events.column("texts", "reaction")
    seg = audience.segment[actor]
    replies = np.bincount(seg[kind == REPLY], minlength=len(names))
    by_level = {
        factor: {lvl: int((getattr(schedule, factor) == i).sum()) for i, lvl in enumerate(levels)}
        for factor, levels in FACTORS.items()
    }
    return {
        "actors_by_segment": dict(zip(names, np.bincount(
            audience.segment, minlength=len(names)).tolist(), strict=True)),
        "replies_by_segment": dict(zip(names, replies.tolist(), strict=True)),
        "posts": len(schedule),
        "posts_by_level": by_level,
        "reactions": {r: int((reaction == j).sum()) for j, r in enumerate(REACTIONS)},
        "reactions_by_kind": {
            name: {r: int(((kind == k) & (reaction == j)).sum()) for j, r in enumerate(REACTIONS)}
            for k, name in enumerate(TEXT_KINDS)
        },
        "likes": len(events.column("likes", "post")),
        "reposts": len(events.column("reposts", "post")),
        "follows": int((events.follow_at <= config.days * DAY).sum()),
        "member_tags": int((events.column("texts", "tagged") >= 0).sum()),
    }


def _effects(
    config: LaunchConfig, audience: Audience, events: Events, prop: Propensities
) -> dict[str, Any]:
    names = [s.name for s in config.segments]
    by_size = np.bincount(audience.segment, minlength=len(names)).astype(np.float64)
    by_size /= by_size.sum()
    by_exposure = events.exposures / max(int(events.exposures.sum()), 1)
    return {
        "model": "engage ~ Bernoulli(logistic(engage)); reaction ~ softmax(interest, "
                 "animosity, 0); each log-odds = segment base + sum of factor-level shifts",
        "parameters": parameters(config),
        "levels": level_rates(config, prop, by_size),
        "levels_exposed": level_rates(config, prop, by_exposure),
        "weights": {"audience": _shares(by_size, names), "exposed": _shares(by_exposure, names)},
    }


def _ignored(config: LaunchConfig, events: Events, ids: Ids) -> dict[str, Any]:
    answered = np.asarray(events.answered)
    ignored = [ids.post[i] for i in np.flatnonzero(answered == 0)]
    return {
        "ignore_window_hours": config.ignore_window_hours,
        "ignored_posts": ignored,
        "ignored_share": round(len(ignored) / max(len(answered), 1), 6),
    }


def _posts(schedule: Schedule, events: Events, ids: Ids) -> dict[str, Any]:
    return {
        ids.post[i]: {"exposed": events.exposed[i], "followers": events.followers[i],
                      "reactions_in_window": events.answered[i], **schedule.levels(i)}
        for i in range(len(schedule))
    }


def build_truth(
    config: LaunchConfig,
    seed: int,
    parts: tuple[Audience, Schedule, Events, Ids, Propensities],
    customer_segment: np.ndarray,
    customer_ids: list[str],
) -> dict[str, Any]:
    """Everything an analysis should recover, keyed by store ids."""
    audience, schedule, events, ids, prop = parts
    names = [s.name for s in config.segments]
    kind, post = events.column("texts", "kind"), events.column("texts", "post")
    reaction = events.column("texts", "reaction")
    return {
        "version": TRUTH_VERSION,
        "seed": seed,
        "config": config_to_dict(config),
        "brand": {"name": config.brand, "accounts": [
            {"network": a.network, "handle": a.handle, "account_id": ids.brand[i],
             "actor_id": ids.brand[i]} for i, a in enumerate(config.accounts)]},
        "segments": _segments(config, audience),
        "actor_segment": {a: names[s] for a, s in
                          zip(audience.actor_id, audience.segment.tolist(), strict=True)},
        "actor_circle": dict(zip(audience.actor_id, audience.circle.tolist(), strict=True)),
        "customer_segment": {c: names[s] for c, s in
                             zip(customer_ids, customer_segment.tolist(), strict=True)},
        "reactions": {i: REACTIONS[r] for i, r in zip(ids.text, reaction.tolist(), strict=True)},
        "mention_trigger": {ids.text[j]: ids.post[post[j]]
                            for j in np.flatnonzero(kind == MENTION).tolist()},
        "effects": _effects(config, audience, events, prop),
        "counts": _counts(config, audience, schedule, events),
        "followers": {ids.brand[a]: int(((events.follow_at <= config.days * DAY)
                                         & (audience.network == a)).sum())
                      for a in range(len(config.accounts))},
        "posts": _posts(schedule, events, ids),
        **_ignored(config, events, ids),
        **_mix(config, audience, events, customer_segment),
    }
