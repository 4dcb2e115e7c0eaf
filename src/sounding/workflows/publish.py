"""Publish what is due in the queue, exactly once even if a run dies while sending.

An entry is marked 'sending' with a key chosen here before anything is sent (a Bluesky
record key, a Mastodon Idempotency-Key). A run that finds an entry still 'sending' asks
the network for the post made under that key before sending again under the same key.

A refusal of the post (its text, an image, the post itself) marks the entry failed with
the network's reason; so does a text still the planner's placeholder, never sent however
the entry came to be approved. Anything else that goes wrong with one entry leaves it
pending for the next run, and the other entries still go: an entry nothing was sent for (a
refused login, a network down before the post's request) goes back to its status with the
error, so it can be retried or cancelled; one whose post may have been made (the post's
request failed, an earlier run died) stays 'sending', and the next run sends under the
same key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sounding.connectors.base import Connector, Draft, Image, NotSent, Published
from sounding.connectors.connect import connect
from sounding.connectors.credentials import redact
from sounding.errors import ConfigError, NetworkFailure, NotFound, PostRejected, SoundingError
from sounding.models import Batch, Item, VariantTag, key
from sounding.store import Store
from sounding.store.connector_store import (
    account_settings,
    claim_entry,
    due_entries,
    mark_failed,
    mark_published,
    record_text_limit,
    release_entry,
)
from sounding.workflows.queue_text import check_written

__all__ = ["publish_due"]

ConnectFn = Callable[..., Connector]


def _draft(entry: dict[str, Any]) -> Draft:
    images = tuple(Image(Path(i["path"]), i["alt"]) for i in entry.get("images") or [])
    return Draft(entry["text"], images)


def _record(store: Store, entry: dict[str, Any], account: dict[str, Any],
            published: Published) -> str:
    item_id = key(account["network"], published.native_id)
    item = Item(item_id=item_id, network=account["network"], author_id=account["actor_id"],
                text=entry["text"], created_at=published.created_at, kind="post",
                url=published.url, account_id=account["account_id"])
    tags = [VariantTag(item_id, f, lv) for f, lv in (entry.get("variant") or {}).items()]
    store.write(Batch.from_records(items=[item], variants=tags), kind="publish",
                source=f"queue:{entry['queue_id']}")
    mark_published(store, entry["queue_id"], item_id, published.native_id, published.created_at)
    return item_id


def _send(store: Store, connector: Connector, entry: dict[str, Any], now: datetime
          ) -> Published | None:
    """Send one entry (or find it sent); None when another run took it. The key this run
    claims the entry under is kept in ``entry["claimed_key"]``."""
    draft = _draft(entry)
    if entry["status"] == "sending":
        since = entry.get("attempted_at") or now
        found = connector.find_published(entry["idempotency_key"], draft, since)
        if found is not None:
            return found
        return connector.publish(draft, entry["idempotency_key"])
    # the limit check holds the text to, kept for the queue's own checks
    record_text_limit(store, entry["account_id"], connector.text_limit())
    connector.check(draft)
    idempotency_key = connector.new_key()
    if not claim_entry(store, entry["queue_id"], idempotency_key, now):
        return None
    entry["claimed_key"] = idempotency_key
    return connector.publish(draft, idempotency_key)


def _publish_one(store: Store, connector: Connector, entry: dict[str, Any],
                 account: dict[str, Any], now: datetime) -> tuple[str, str]:
    published = _send(store, connector, entry, now)
    if published is None:
        return "skipped", "taken by another run"
    return "published", _record(store, entry, account, published)


def _describe(exc: Exception) -> str:
    """The error and, unless it only says to run again, what to do about it."""
    if not isinstance(exc, SoundingError):
        return f"{type(exc).__name__}: {exc}"
    return f"{exc} ({exc.hint})" if exc.hint and not exc.transient else str(exc)


def _settle(store: Store, entry: dict[str, Any], exc: Exception, now: datetime
            ) -> tuple[str, str]:
    """Failed when the post was refused (nothing was made), else pending for the next run.

    An entry not sent (not claimed, or NotSent under this run's claim) goes back to its
    status with the error. Any other error after the claim, or on an entry an earlier run
    left 'sending', may come after the post was made, so the entry keeps its key.
    """
    cause = exc.cause if isinstance(exc, NotSent) else exc
    if isinstance(cause, (PostRejected, NotFound)):
        said = redact(str(cause))
        mark_failed(store, entry["queue_id"], said, now)
        return "failed", said
    what = redact(_describe(cause))
    claimed = entry.get("claimed_key")
    if entry["status"] == "sending" or (claimed and not isinstance(exc, NotSent)):
        return "pending", f"{what} (it stays in the queue and is checked on the next run)"
    release_entry(store, entry["queue_id"], entry["status"], what, now, claimed)
    return "pending", (f"{what} (nothing was sent: it stays {entry['status']}, to be sent "
                       "on the next run or cancelled)")


def _connector(store: Store, entry: dict[str, Any],
               connectors: dict[str, Connector | Exception], connect_fn: ConnectFn,
               on_wait: Callable[[str], None] | None) -> tuple[Connector, dict[str, Any]]:
    """The entry's account and its connector, opened once per account: an account that
    could not be opened (a refused password) is not tried again for each of its entries."""
    accounts = account_settings(store, entry["account_id"])
    if not accounts:
        raise NotFound(f"queue entry {entry['queue_id']}: no account {entry['account_id']}")
    account = accounts[0]
    if account["account_id"] not in connectors:
        try:
            connectors[account["account_id"]] = connect_fn(account, on_wait=on_wait)
        except Exception as exc:
            connectors[account["account_id"]] = exc
    opened = connectors[account["account_id"]]
    if isinstance(opened, Exception):
        raise opened
    return opened, account


def publish_due(store: Store, *, now: datetime | None = None,
                on_progress: Callable[[int, int], None] | None = None,
                on_wait: Callable[[str], None] | None = None,
                connect_fn: ConnectFn = connect) -> dict[str, Any]:
    """Publish every entry whose time has come; returns what happened to each."""
    now = now or datetime.now(UTC)
    entries = due_entries(store, now)
    connectors: dict[str, Connector | Exception] = {}
    results = []
    for done, entry in enumerate(entries, 1):
        try:
            if entry["status"] != "sending":  # one being sent was checked before its claim
                check_written(entry["text"])
            connector, account = _connector(store, entry, connectors, connect_fn, on_wait)
            outcome, detail = _publish_one(store, connector, entry, account, now)
        except Exception as exc:  # one entry's trouble must not lose the others
            outcome, detail = _settle(store, entry, exc, now)
            if isinstance(exc, NotSent) and isinstance(exc.cause, (ConfigError, NetworkFailure)):
                connectors[entry["account_id"]] = exc.cause  # no login per entry this run
        results.append({"queue_id": entry["queue_id"], "account_id": entry["account_id"],
                        "outcome": outcome, "detail": detail})
        if on_progress:
            on_progress(done, len(entries))
    counts = {o: sum(r["outcome"] == o for r in results)
              for o in ("published", "failed", "pending", "skipped")}
    return {"due": len(entries), **counts, "entries": results}
