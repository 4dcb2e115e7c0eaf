"""The public entry point: simulate a brand's launch and return its batch, CRM and truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sounding.models import REACTIONS, Batch
from sounding.simulate.audience import Audience, build_audience
from sounding.simulate.bios import member_bios
from sounding.simulate.config import FORMATS, TONES, TOPICS, LaunchConfig
from sounding.simulate.customers import build_customers
from sounding.simulate.engine import MENTION, Events, simulate_events
from sounding.simulate.model import propensities
from sounding.simulate.schedule import Schedule, build_schedule
from sounding.simulate.tables import build_batch, build_ids
from sounding.simulate.templates import post_texts, reaction_texts
from sounding.simulate.truth import build_truth

__all__ = ["Launch", "simulate_launch"]


@dataclass(frozen=True)
class Launch:
    """A simulated launch: what to store, the brand's CRM file and the ground truth."""

    batch: Batch
    customers: pa.Table
    truth: dict[str, Any]
    seed: int
    config: LaunchConfig


def _texts(
    config: LaunchConfig,
    audience: Audience,
    schedule: Schedule,
    events: Events,
    rng: np.random.Generator,
) -> tuple[list[str], list[str]]:
    posts = post_texts(
        rng, schedule.lang,
        [TOPICS[t] for t in schedule.topic], [TONES[t] for t in schedule.tone],
        [FORMATS[f] for f in schedule.format], config.brand,
    )
    kind, post = events.column("texts", "kind"), events.column("texts", "post")
    actor = events.column("texts", "actor")
    account = schedule.account[post]
    replies = reaction_texts(
        rng,
        [config.segments[s].lang for s in audience.segment[actor]],
        [REACTIONS[r] for r in events.column("texts", "reaction")],
        [TOPICS[t] for t in schedule.topic[post]],
        [config.accounts[a].handle if k == MENTION else None
         for a, k in zip(account, kind, strict=True)],
    )
    return posts, replies


def simulate_launch(
    config: LaunchConfig | None = None,
    *,
    seed: int = 7,
    progress: Callable[[int, int], None] | None = None,
) -> Launch:
    """Simulate the first weeks of a brand on its networks; same seed, same launch.

    ``progress(done, total)`` is called after each brand post has been simulated.
    """
    config = config or LaunchConfig()
    # a fifth stream for the bios: spawned last, it leaves the other four as they were
    streams = np.random.SeedSequence(seed).spawn(5)
    audience_rng, event_rng, text_rng, crm_rng, bio_rng = (
        np.random.default_rng(s) for s in streams)
    audience = build_audience(config, audience_rng)
    schedule = build_schedule(config)
    prop = propensities(config)
    events = simulate_events(config, audience, schedule, prop, event_rng, progress)
    ids = build_ids(config, schedule, events)
    batch = build_batch(config, audience, schedule, events, ids,
                        _texts(config, audience, schedule, events, text_rng),
                        member_bios(config, audience, bio_rng))
    customers, customer_segment = build_customers(config, audience, crm_rng)
    truth = build_truth(config, seed, (audience, schedule, events, ids, prop),
                        customer_segment, customers.column("customer_id").to_pylist())
    return Launch(batch, customers, truth, seed, config)
