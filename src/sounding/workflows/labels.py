"""Items and their reaction labels: search, threads, reactions over time, human corrections.

A person's label overrides the model's everywhere: every read here goes through the
store's ``item_reactions`` view, which prefers the newest human label.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sounding.errors import InputError, NotFound
from sounding.models import NETWORKS, REACTIONS
from sounding.store import Store
from sounding.store import web_store as ws
from sounding.workflows.kpis import REACTION_WINDOW

# The kinds of item that take a reaction label when someone else than the brand wrote them.
REACTION_KINDS = ws.REACTION_KINDS

__all__ = [
    "REACTION_KINDS",
    "correct_label",
    "data_bounds",
    "find_items",
    "item_facets",
    "known_networks",
    "reactions_over_time",
    "thread",
]


def correct_label(store: Store, item_id: str, label: str, username: str) -> None:
    """Record ``username``'s reaction label for an item that takes one: a reply, quote,
    comment or mention by someone else than the brand (the items enrich labels; a label on
    any other would count in no KPI, only in retraining)."""
    if label not in REACTIONS:
        raise InputError(f"label '{label}' is unknown", hint=f"labels: {', '.join(REACTIONS)}")
    if ws.insert_label(store, item_id, label, username):
        return
    target = ws.label_target(store, item_id)
    if target is None:
        raise NotFound(f"no item '{item_id}'")
    what = f"{target['kind']}, by the brand" if target["is_brand"] else target["kind"]
    raise InputError(f"'{item_id}' ({what}) is not a reaction: it takes no reaction label",
                     hint="label the replies, quotes, comments and mentions written by "
                          "others than the brand")


def _with_reactions(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    reactions = ws.item_reactions(store, [r["item_id"] for r in rows])
    for row in rows:
        row["reaction"] = reactions.get(row["item_id"])
    return rows


def find_items(store: Store, *, text: str | None = None, kind: str | None = None,
               network: str | None = None, label: str | None = None,
               limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Items matching the filters, newest first, each with its reaction (or None)."""
    if label and label != "none" and label not in REACTIONS:
        raise InputError(f"label '{label}' is unknown")
    rows = ws.search_items(store, text=text, kind=kind, network=network, label=label,
                           limit=limit, offset=offset)
    return _with_reactions(store, rows)


def item_facets(store: Store) -> dict[str, list[str]]:
    """The networks and kinds present, for filter menus."""
    return ws.item_facets(store)


def known_networks(present: list[str]) -> list[str]:
    """The networks a filter accepts: those sounding knows, and any the data holds (an
    older workspace may hold one that imports now refuse)."""
    return sorted(set(NETWORKS) | set(present))


def thread(store: Store, item_id: str) -> list[dict[str, Any]]:
    """The thread of an item, oldest first, each with its depth under the root."""
    rows = ws.thread_items(store, item_id)
    if not rows:
        raise NotFound(f"no item '{item_id}'")
    root = rows[0]["item_id"]
    depth: dict[str, int] = {}
    for row in rows:
        parent = row["parent_id"]
        if row["item_id"] == root:
            depth[root] = 0
        else:
            depth[row["item_id"]] = depth[parent] + 1 if parent in depth else 1
        row["depth"] = depth[row["item_id"]]
    return _with_reactions(store, rows)


def data_bounds(store: Store, start: datetime | None = None, end: datetime | None = None
                ) -> tuple[datetime | None, datetime | None]:
    """The first and last item dates in the workspace (from ``start`` to before ``end``)."""
    return ws.data_bounds(store, start, end)


def reactions_over_time(store: Store, start: datetime, end: datetime) -> dict[str, Any]:
    """Per ISO week and network: reactions by label, brand posts, and posts ignored."""
    hours = int(REACTION_WINDOW.total_seconds() // 3600)
    return {"labelled": ws.reactions_by_week(store, start, end),
            "posts": ws.ignored_by_week(store, start, end, hours),
            "window_hours": hours}
