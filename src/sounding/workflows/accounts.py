"""Brand accounts: which actors are the brand, so its posts are told from the audience's."""

from __future__ import annotations

from typing import Any

from sounding.errors import InputError
from sounding.models import Account, Actor, Batch, key
from sounding.store import Store

__all__ = ["NETWORKS", "add_account", "list_accounts"]

NETWORKS = ("bluesky", "mastodon", "x", "facebook", "instagram", "linkedin", "blog")


def add_account(store: Store, network: str, handle: str) -> dict[str, Any]:
    """Register a brand account; items already stored from that handle become brand items."""
    network = network.lower()
    if network not in NETWORKS:
        raise InputError(f"unknown network '{network}'", hint=f"use one of {', '.join(NETWORKS)}")
    handle = handle.strip().lstrip("@")
    if not handle:
        raise InputError("the handle is empty")
    actor_id = key(network, handle)
    account = Account(account_id=actor_id, network=network, handle=handle, actor_id=actor_id)
    store.write(Batch.from_records(accounts=[account],
                                   actors=[Actor(actor_id, network, handle)]),
                kind="account", source=actor_id)
    claimed = store.assign_account(actor_id, actor_id)
    return {"account_id": actor_id, "network": network, "handle": handle,
            "items_marked": claimed}


def list_accounts(store: Store) -> list[dict[str, Any]]:
    """The brand's accounts with their item counts."""
    rows: list[dict[str, Any]] = store.query(
        "SELECT a.account_id, a.network, a.handle, count(i.item_id) AS items "
        "FROM accounts a LEFT JOIN items i ON i.account_id = a.account_id "
        "GROUP BY ALL ORDER BY a.account_id"
    ).to_pylist()
    return rows
