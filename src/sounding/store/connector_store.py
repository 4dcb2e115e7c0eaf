"""Store functions for connectors: account settings, cursors, the publishing queue, listening.

Everything here is SQL over the tables of migrations 001, 002 and 011; values travel as bound
parameters. Queue statuses: draft, approved, scheduled, sending, published, failed, and
cancelled (kept for the record, never sent, left out of a listing unless asked for).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sounding.models import account_ref, bare_handle
from sounding.store.database import Store

__all__ = [
    "account_settings",
    "cancel_entries",
    "claim_entry",
    "due_entries",
    "get_cursor",
    "listening_add",
    "listening_hits_add",
    "listening_list",
    "listening_remove",
    "mark_failed",
    "mark_published",
    "queue_add",
    "queue_list",
    "recent_brand_items",
    "record_text_limit",
    "release_entry",
    "set_account_settings",
    "set_cursor",
    "text_limit",
]

_READY = "('scheduled', 'approved')"  # the statuses of an entry waiting to be sent


def set_account_settings(store: Store, account_id: str, service_url: str | None,
                         credential_env: str | None) -> None:
    """Where an account lives and which variable holds its secret (never the secret)."""
    with store.transaction() as con:
        con.execute("UPDATE accounts SET service_url = ?, credential_env = ? "
                    "WHERE account_id = ?", [service_url, credential_env, account_id])


def record_text_limit(store: Store, account_id: str, limit: int | None) -> None:
    """Keep the most characters the account's server said a post may have (None: it did
    not say, and what it said before stays), so texts are held to it when queued."""
    if limit is None:
        return
    with store.transaction() as con:
        con.execute("UPDATE accounts SET max_characters = ? WHERE account_id = ? "
                    "AND max_characters IS DISTINCT FROM ?", [limit, account_id, limit])


def text_limit(store: Store, account_id: str) -> int | None:
    """The limit the account's server last said, if it was ever read."""
    value = store.scalar("SELECT max_characters FROM accounts WHERE account_id = ?",
                         [account_id])
    return int(value) if value is not None else None


def account_settings(store: Store, account_id: str | None = None,
                     networks: tuple[str, ...] = ("bluesky", "mastodon")) -> list[dict[str, Any]]:
    """The accounts sounding can connect to (one, or all of these networks)."""
    marks = ", ".join("?" for _ in networks)
    sql = ("SELECT account_id, network, handle, actor_id, service_url, credential_env "
           f"FROM accounts WHERE network IN ({marks})")
    params: list[Any] = list(networks)
    if account_id is not None:  # as typed: any case (these networks ignore it), an @
        sql += " AND (account_id = ? OR lower(handle) = lower(?))"
        params += [account_ref(account_id), bare_handle(account_id)]
    rows: list[dict[str, Any]] = store.query(sql + " ORDER BY account_id", params).to_pylist()
    return rows


def get_cursor(store: Store, source: str) -> str | None:
    """The saved position of a collection source, if any."""
    value = store.scalar("SELECT cursor FROM cursors WHERE source = ?", [source])
    return str(value) if value is not None else None


def set_cursor(store: Store, source: str, cursor: str | None) -> None:
    """Save (or, with None, forget) the position of a collection source."""
    with store.transaction() as con:
        con.execute("DELETE FROM cursors WHERE source = ?", [source])
        if cursor is not None:
            con.execute("INSERT INTO cursors (source, cursor) VALUES (?, ?)", [source, cursor])


def recent_brand_items(store: Store, account_id: str, since: datetime) -> list[str]:
    """The account's items created since a time, newest first (posts still gathering reactions)."""
    rows = store.query("SELECT item_id FROM items WHERE account_id = ? AND created_at >= ? "
                       "ORDER BY created_at DESC", [account_id, since])
    return [str(v) for v in rows.column(0).to_pylist()]


def queue_add(store: Store, account_id: str, text: str, *, variant: dict[str, str],
              scheduled_at: datetime | None, images: list[dict[str, str]], status: str) -> int:
    """Put a post in the queue; returns its queue id."""
    with store.transaction() as con:
        row = con.execute(
            "INSERT INTO queue (account_id, text, variant, scheduled_at, status, images) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING queue_id",
            [account_id, text, json.dumps(variant), scheduled_at, status,
             json.dumps(images) if images else None]).fetchall()
    return int(row[0][0])


def _decode(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        for name in ("variant", "images"):
            if isinstance(row.get(name), str):
                row[name] = json.loads(row[name])
    return rows


def queue_list(store: Store, status: str | None = None) -> list[dict[str, Any]]:
    """The queue, in scheduled order: one status, or every one but 'cancelled'."""
    sql = ("SELECT queue_id, account_id, text, variant, images, scheduled_at, status, item_id, "
           "remote_uri, error, idempotency_key, attempted_at, published_at FROM queue")
    sql += " WHERE status = ?" if status else " WHERE status <> ?"
    params: list[Any] = [status or "cancelled"]
    return _decode(store.query(sql + " ORDER BY scheduled_at NULLS LAST, queue_id",
                               params).to_pylist())


def cancel_entries(store: Store, queue_ids: list[int], allowed: tuple[str, ...]
                   ) -> dict[int, str]:
    """Set the entries to 'cancelled' together, only if each is in an ``allowed`` status
    (else none is changed); returns each found entry's status before. One transaction, so a
    publishing run cannot claim an entry between the check and the change."""
    marks = ", ".join("?" for _ in queue_ids)
    with store.transaction() as con:
        found = {int(i): str(s) for i, s in con.execute(
            f"SELECT queue_id, status FROM queue WHERE queue_id IN ({marks})",
            queue_ids).fetchall()}
        if len(found) == len(set(queue_ids)) and set(found.values()) <= set(allowed):
            con.execute("UPDATE queue SET status = 'cancelled', updated_at = current_timestamp"
                        f" WHERE queue_id IN ({marks}) AND status <> 'cancelled'", queue_ids)
    return found


def due_entries(store: Store, now: datetime) -> list[dict[str, Any]]:
    """Entries to publish now, and those left 'sending' by a process that died."""
    rows = store.query(
        "SELECT queue_id, account_id, text, variant, images, status, idempotency_key, "
        "attempted_at "
        f"FROM queue WHERE status = 'sending' OR (status IN {_READY} "
        "AND coalesce(scheduled_at, created_at) <= ?) ORDER BY scheduled_at NULLS FIRST, "
        "queue_id", [now]).to_pylist()
    return _decode(rows)


def claim_entry(store: Store, queue_id: int, idempotency_key: str, now: datetime) -> bool:
    """Mark an entry 'sending' with the key it will be sent under; False if it was taken."""
    with store.transaction() as con:
        rows = con.execute(
            "UPDATE queue SET status = 'sending', idempotency_key = ?, attempted_at = ?, "
            f"updated_at = ?, error = NULL WHERE queue_id = ? AND status IN {_READY} "
            "RETURNING queue_id",
            [idempotency_key, now, now, queue_id]).fetchall()
    return bool(rows)


def release_entry(store: Store, queue_id: int, status: str, error: str, now: datetime,
                  idempotency_key: str | None) -> None:
    """Record why an entry was not sent, and put it back to ``status`` if this run had
    claimed it (it is 'sending' under ``idempotency_key``), so it can be retried or
    cancelled. An entry another run has claimed since is left alone."""
    with store.transaction() as con:
        con.execute(
            "UPDATE queue SET error = ?, updated_at = ?, "
            "status = CASE WHEN status = 'sending' THEN ? ELSE status END, "
            "idempotency_key = CASE WHEN status = 'sending' THEN NULL ELSE idempotency_key END "
            f"WHERE queue_id = ? AND (status IN {_READY} "
            "OR (status = 'sending' AND idempotency_key = ?))",
            [error, now, status, queue_id, idempotency_key])


def mark_published(store: Store, queue_id: int, item_id: str, remote_uri: str,
                   published_at: datetime) -> None:
    """Record that the entry is on the network, as item ``item_id``."""
    with store.transaction() as con:
        con.execute("UPDATE queue SET status = 'published', item_id = ?, remote_uri = ?, "
                    "published_at = ?, updated_at = ?, error = NULL WHERE queue_id = ?",
                    [item_id, remote_uri, published_at, published_at, queue_id])


def mark_failed(store: Store, queue_id: int, error: str, now: datetime) -> None:
    """Record the network's refusal; the entry is not retried until it is rescheduled."""
    with store.transaction() as con:
        con.execute("UPDATE queue SET status = 'failed', error = ?, updated_at = ? "
                    "WHERE queue_id = ?", [error, now, queue_id])


def listening_add(store: Store, account_id: str, query: str) -> int:
    """Add (or reactivate) a listening query; returns its id. The networks search
    without regard to case, so ``#Brioche`` is the query ``#brioche`` already is."""
    with store.transaction() as con:
        found = con.execute("SELECT query_id FROM listening_queries WHERE account_id = ? "
                            "AND lower(query) = lower(?) ORDER BY query_id LIMIT 1",
                            [account_id, query]).fetchall()
        if found:
            con.execute("UPDATE listening_queries SET active = true WHERE query_id = ?",
                        [found[0][0]])
            return int(found[0][0])
        row = con.execute("INSERT INTO listening_queries (account_id, query) VALUES (?, ?) "
                          "RETURNING query_id", [account_id, query]).fetchall()
    return int(row[0][0])


def listening_list(store: Store, account_id: str | None = None) -> list[dict[str, Any]]:
    """Active listening queries with how many items each found."""
    sql = ("SELECT q.query_id, q.account_id, q.query, count(h.item_id) AS hits "
           "FROM listening_queries q LEFT JOIN listening_hits h USING (query_id) "
           "WHERE q.active")
    params: list[Any] = []
    if account_id:
        sql += " AND q.account_id = ?"
        params.append(account_id)
    rows: list[dict[str, Any]] = store.query(sql + " GROUP BY ALL ORDER BY q.query_id",
                                             params).to_pylist()
    return rows


def listening_remove(store: Store, query_id: int) -> bool:
    """Stop a listening query (its hits stay)."""
    with store.transaction() as con:
        rows = con.execute("UPDATE listening_queries SET active = false WHERE query_id = ? "
                           "AND active RETURNING query_id", [query_id]).fetchall()
    return bool(rows)


def listening_hits_add(store: Store, query_id: int, item_ids: list[str]) -> int:
    """Link found items to their query, but the brand's own (stored already: a search
    finds the brand's posts too, and they are no listening hit); returns how many links
    are new."""
    if not item_ids:
        return 0
    with store.transaction() as con:
        before = con.execute("SELECT count(*) FROM listening_hits WHERE query_id = ?",
                             [query_id]).fetchall()[0][0]
        con.execute("INSERT INTO listening_hits (query_id, item_id) "
                    "SELECT DISTINCT ?, i.item_id FROM items i WHERE i.account_id IS NULL "
                    "AND i.item_id IN (SELECT unnest(?::VARCHAR[])) ON CONFLICT DO NOTHING",
                    [query_id, item_ids])
        after = con.execute("SELECT count(*) FROM listening_hits WHERE query_id = ?",
                            [query_id]).fetchall()[0][0]
    return int(after - before)
