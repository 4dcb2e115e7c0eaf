"""What a parser hands back (Parsed) and the collector that turns records into a Batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from sounding.errors import Problem
from sounding.models import (
    Account,
    AccountSnapshot,
    Actor,
    Batch,
    Interaction,
    Item,
    MetricSnapshot,
    VariantTag,
    actor_handle,
    key,
)

__all__ = ["Collector", "Parsed", "merge"]


@dataclass(frozen=True)
class Parsed:
    """One export read: the batch of its good records and what was wrong with the rest."""

    fmt: str
    files: tuple[str, ...]
    batch: Batch
    rows: int
    rejected: int
    problems: list[Problem] = field(default_factory=list)
    as_of: datetime | None = None


@dataclass
class Collector:
    """Records gathered while reading; later records with the same key replace earlier ones,
    but items are all kept in order: the store keeps the last of each id and the import
    reports the others as duplicates (rows that repeated a post id)."""

    accounts: dict[str, Account] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    interactions: dict[str, Interaction] = field(default_factory=dict)
    snapshots: list[MetricSnapshot] = field(default_factory=list)
    account_snapshots: list[AccountSnapshot] = field(default_factory=list)
    variants: dict[tuple[str, str], VariantTag] = field(default_factory=dict)

    def account(self, network: str, handle: str, display_name: str | None = None) -> str:
        """Register a brand account (and its actor); returns its id."""
        actor = self.actor(network, handle, display_name)
        self.accounts[actor] = Account(actor, network, self.actors[actor].handle, actor)
        return actor

    def actor(self, network: str, handle: str, display_name: str | None = None,
              native: str | None = None) -> str:
        """Register an actor (by ``native`` id when its handle is not unique); returns its id.

        A handle is keyed as everywhere (models.actor_handle: no ``@``, lowercase where
        the network ignores case), so a page's comments and posts are one actor."""
        handle = actor_handle(network, handle)
        actor_id = key(network, native or handle)
        known = self.actors.get(actor_id)
        if known is None or (display_name and not known.display_name):
            self.actors[actor_id] = Actor(actor_id, network, handle, display_name or None)
        return actor_id

    def item(self, item: Item) -> None:
        """Add an item; a reply, comment or quote also adds its interaction edge."""
        self.items.append(item)
        edge = {"reply": "reply", "comment": "reply", "quote": "quote"}.get(item.kind)
        if edge and item.parent_id:
            ident = f"{edge}:{item.item_id}"
            self.interactions[ident] = Interaction(
                ident, item.network, edge, item.author_id, item.created_at,
                target_item_id=item.parent_id)

    def counters(self, item_id: str, observed_at: datetime, **values: int | None) -> None:
        """Add a snapshot of an item's counters, unless every counter is unknown."""
        if any(v is not None for v in values.values()):
            self.snapshots.append(MetricSnapshot(item_id, observed_at, **values))

    def variant(self, item_id: str, factor: str, level: str) -> None:
        self.variants[(item_id, factor)] = VariantTag(item_id, factor, level)

    def batch(self) -> Batch:
        return Batch.from_records(
            accounts=list(self.accounts.values()), actors=list(self.actors.values()),
            items=self.items, interactions=list(self.interactions.values()),
            metric_snapshots=self.snapshots, account_snapshots=self.account_snapshots,
            variants=list(self.variants.values()))


def merge(parts: Sequence[Parsed]) -> Parsed:
    """Several exports as one: their batches are written in one transaction."""
    if len(parts) == 1:
        return parts[0]
    tables = {name: pa.concat_tables([p.batch.tables()[name] for p in parts])
              for name in Batch().tables()}
    fmts = sorted({p.fmt for p in parts})
    return Parsed(
        fmt="+".join(fmts), files=tuple(f for p in parts for f in p.files),
        batch=Batch(**tables), rows=sum(p.rows for p in parts),
        rejected=sum(p.rejected for p in parts),
        problems=[q for p in parts for q in p.problems],
        as_of=max((p.as_of for p in parts if p.as_of), default=None))
