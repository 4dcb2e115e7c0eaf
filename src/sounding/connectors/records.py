"""A collector of parsed records that deduplicates by key and becomes one Batch (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sounding.models import (
    AccountSnapshot,
    Actor,
    Batch,
    Interaction,
    Item,
    MetricSnapshot,
)

__all__ = ["Brand", "Records", "parse_time"]

_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_time(value: str) -> datetime:
    """An ISO 8601 time from a payload ('Z' or an offset; any fraction length) in UTC."""
    text = _FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Brand:
    """The account being collected: its handle, its network id and its store ids."""

    network: str
    handle: str
    account_id: str
    actor_id: str
    native_id: str = ""  # a Bluesky DID or a Mastodon account id, when known


@dataclass
class Records:
    """Records parsed from one or more payloads; the last one seen for a key wins."""

    actors: dict[str, Actor] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    interactions: dict[str, Interaction] = field(default_factory=dict)
    metrics: dict[str, MetricSnapshot] = field(default_factory=dict)
    snapshots: list[AccountSnapshot] = field(default_factory=list)

    def add_actor(self, actor: Actor) -> None:
        known = self.actors.get(actor.actor_id)
        if known is None:
            self.actors[actor.actor_id] = actor
            return
        if actor.followers is None and known.display_name is not None:
            actor = replace(known, bio=actor.bio)  # keep the fuller view, take its bio
        if actor.bio is None:  # a basic profile view has none: keep the one seen
            actor = replace(actor, bio=known.bio)
        self.actors[actor.actor_id] = actor

    def add_item(self, item: Item) -> None:
        self.items[item.item_id] = item

    def add_interaction(self, interaction: Interaction) -> None:
        self.interactions.setdefault(interaction.interaction_id, interaction)

    def add_metrics(self, snapshot: MetricSnapshot) -> None:
        self.metrics[snapshot.item_id] = snapshot

    def extend(self, other: Records) -> None:
        for actor in other.actors.values():
            self.add_actor(actor)
        self.items.update(other.items)
        for interaction in other.interactions.values():
            self.add_interaction(interaction)
        self.metrics.update(other.metrics)
        self.snapshots.extend(other.snapshots)

    def __len__(self) -> int:
        return (len(self.actors) + len(self.items) + len(self.interactions)
                + len(self.metrics) + len(self.snapshots))

    def batch(self) -> Batch:
        """All records as one Batch for the store."""
        return Batch.from_records(
            actors=list(self.actors.values()), items=list(self.items.values()),
            interactions=list(self.interactions.values()),
            metric_snapshots=list(self.metrics.values()), account_snapshots=self.snapshots,
        )
