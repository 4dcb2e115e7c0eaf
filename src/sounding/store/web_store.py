"""The dashboard's reads and writes: users, sessions, human labels, item search, the queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from sounding.store.database import Store
from sounding.store.enrich_store import REACTION_KINDS, WANTS_REACTION
from sounding.store.reads import MATURED, TO_BRAND
from sounding.store.reads import REACTION_KINDS as REACTION_SQL

__all__ = [
    "REACTION_KINDS",
    "data_bounds",
    "delete_session",
    "find_session",
    "find_user",
    "ignored_by_week",
    "insert_label",
    "insert_session",
    "insert_user",
    "item_facets",
    "item_reactions",
    "label_target",
    "queue_counts",
    "queue_row",
    "queue_rows",
    "reactions_by_week",
    "search_items",
    "set_user_lang",
    "thread_items",
    "update_queue",
]

def _rows(table: pa.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _one(table: pa.Table) -> dict[str, Any] | None:
    rows = _rows(table)
    return rows[0] if rows else None


# --- users and sessions -------------------------------------------------------------

def insert_user(store: Store, username: str, password_hash: str, role: str,
                replace: bool = False) -> None:
    """Add a user (or, with ``replace``, change an existing one's password and role: their
    sessions end, so the old password's sign-ins are over too)."""
    with store.transaction() as con:
        if replace:
            con.execute("DELETE FROM users WHERE username = ?", [username])
            con.execute("DELETE FROM sessions WHERE username = ?", [username])
        con.execute("INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?)",
                    [username, password_hash, role])


def find_user(store: Store, username: str) -> dict[str, Any] | None:
    """One user's row, or None."""
    return _one(store.query(
        "SELECT username, password_hash, role, lang FROM users WHERE username = ?", [username]))


def set_user_lang(store: Store, username: str, lang: str) -> None:
    """Remember the language a user chose."""
    with store.transaction() as con:
        con.execute("UPDATE users SET lang = ? WHERE username = ?", [lang, username])


def insert_session(store: Store, session_hash: str, username: str, csrf_token: str,
                   expires_at: datetime) -> None:
    """Record a new session (and forget the expired ones)."""
    with store.transaction() as con:
        con.execute("DELETE FROM sessions WHERE expires_at < current_timestamp")
        con.execute("INSERT INTO sessions (session_hash, username, csrf_token, expires_at) "
                    "VALUES (?, ?, ?, ?)", [session_hash, username, csrf_token, expires_at])


def find_session(store: Store, session_hash: str) -> dict[str, Any] | None:
    """A live session with its user's role and language, or None."""
    return _one(store.query(
        "SELECT s.username, s.csrf_token, u.role, u.lang FROM sessions s "
        "JOIN users u USING (username) "
        "WHERE s.session_hash = ? AND s.expires_at > current_timestamp", [session_hash]))


def delete_session(store: Store, session_hash: str) -> None:
    """End a session."""
    with store.transaction() as con:
        con.execute("DELETE FROM sessions WHERE session_hash = ?", [session_hash])


# --- labels and items ---------------------------------------------------------------

def insert_label(store: Store, item_id: str, label: str, username: str) -> bool:
    """Store a person's reaction label for an item that takes one (the rule enrich
    follows); False when there is no such item or it takes no reaction label."""
    with store.transaction() as con:
        stored = con.execute(
            "INSERT INTO labels (item_id, label, username) SELECT item_id, ?, ? FROM items "
            f"WHERE item_id = ? AND {WANTS_REACTION}", [label, username, item_id]).fetchall()
    return bool(stored[0][0])


def label_target(store: Store, item_id: str) -> dict[str, Any] | None:
    """An item's kind, whether it is the brand's and whether it takes a reaction label;
    None when there is no such item."""
    return _one(store.query(
        f"SELECT kind, account_id IS NOT NULL AS is_brand, {WANTS_REACTION} AS takes_label "
        "FROM items WHERE item_id = ?", [item_id]))


def item_reactions(store: Store, item_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The reaction (human over model) of each given item that has one."""
    if not item_ids:
        return {}
    rows = store.query("SELECT item_id, label, source, model_label "
                       "FROM item_reactions_of(?::VARCHAR[])", [item_ids])
    return {r["item_id"]: r for r in _rows(rows)}


def _item_filters(text: str | None, kind: str | None, network: str | None
                  ) -> tuple[str, list[Any]]:
    where, params = ["TRUE"], []
    if text:  # "cafe" finds "Café" and "ETE" finds "été": accents and case both ignored
        where.append("strip_accents(lower(i.text)) LIKE strip_accents(lower(?)) ESCAPE '\\'")
        params.append("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                      + "%")
    if kind:
        where.append("i.kind = ?")
        params.append(kind)
    if network:
        where.append("i.network = ?")
        params.append(network)
    return " AND ".join(where), params


# A label filter first reads the labels of the newest matching items only, then of more
# when too few of them carry the label, and of every item at last (see _labelled).
_LABEL_WINDOWS = (2_000, 20_000, 200_000)
_NEWEST = "ORDER BY i.created_at DESC, i.item_id"


def _page(store: Store, chosen: str, params: list[Any]) -> list[dict[str, Any]]:
    """The rows ``chosen`` picks (a query of ``rid``: row ids, and ``examined``), whole.

    Only the columns that filter and sort are read to choose the page; its rows are then
    fetched by row id in the same statement (a million texts are never sorted).
    """
    return _rows(store.query(f"""
        WITH chosen AS ({chosen}), page AS (
            SELECT i.item_id, i.network, i.kind, i.text, i.created_at, i.url, i.author_id,
                   i.parent_id, i.root_id, i.account_id
            FROM items i WHERE i.rowid IN (SELECT rid FROM chosen)
        )
        SELECT p.*, a.handle, (SELECT max(examined) FROM chosen) AS examined FROM page p
        LEFT JOIN (SELECT actor_id, any_value(handle) AS handle FROM actors
                   WHERE actor_id IN (SELECT author_id FROM page) GROUP BY actor_id) a
          ON a.actor_id = p.author_id
        ORDER BY p.created_at DESC, p.item_id
    """, params))


def _labelled(store: Store, where: str, params: list[Any], label: str, limit: int,
              offset: int) -> list[dict[str, Any]]:
    """The page of items with ``label`` (``none``: without one), newest first."""
    test, wanted = ("r.item_id IS NULL", []) if label == "none" else ("r.label = ?", [label])
    for window in _LABEL_WINDOWS:
        if window < offset + limit:
            continue
        rows = _page(store, f"""
            WITH candidates AS (
                SELECT i.rowid AS rid, i.item_id, i.created_at FROM items i
                WHERE {where} {_NEWEST} LIMIT ?
            )
            SELECT c.rid, (SELECT count(*) FROM candidates) AS examined FROM candidates c
            LEFT JOIN item_reactions_of((SELECT list(item_id) FROM candidates)) r
              ON r.item_id = c.item_id
            WHERE {test} ORDER BY c.created_at DESC, c.item_id LIMIT ? OFFSET ?
        """, [*params, window, *wanted, limit, offset])
        if len(rows) == limit or (rows and rows[0]["examined"] < window):
            return rows
        if not rows and not store.query(f"SELECT 1 FROM items i WHERE {where} LIMIT 1 OFFSET ?",
                                        [*params, window]).num_rows:
            return []  # every matching item was examined
    member = ("i.item_id NOT IN (SELECT item_id FROM item_reactions)" if label == "none"
              else "i.item_id IN (SELECT item_id FROM item_reactions WHERE label = ?)")
    return _page(store, f"SELECT i.rowid AS rid, NULL AS examined FROM items i WHERE {where} "
                        f"AND {member} {_NEWEST} LIMIT ? OFFSET ?",
                 [*params, *wanted, limit, offset])


def search_items(store: Store, *, text: str | None = None, kind: str | None = None,
                 network: str | None = None, label: str | None = None,
                 limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Items matching the filters, newest first, with their author's handle."""
    where, params = _item_filters(text, kind, network)
    if label:
        return _labelled(store, where, params, label, limit, offset)
    return _page(store, f"SELECT i.rowid AS rid, NULL AS examined FROM items i WHERE {where} "
                        f"{_NEWEST} LIMIT ? OFFSET ?", [*params, limit, offset])


def item_facets(store: Store) -> dict[str, list[str]]:
    """The networks and kinds present, for the filter menus."""
    rows = store.query("SELECT 'network' AS f, network AS v FROM "
                       "(SELECT DISTINCT network FROM items) UNION ALL "
                       "SELECT 'kind', kind FROM (SELECT DISTINCT kind FROM items) ORDER BY 1, 2")
    facets: dict[str, list[str]] = {"network": [], "kind": []}
    for row in _rows(rows):
        facets[row["f"]].append(row["v"])
    return facets


_DEEPEST = 200  # levels a thread walk follows; bad data cannot make it loop


def _thread_root(store: Store, item_id: str) -> str | None:
    """The root of an item's thread: its own root id, else the highest stored ancestor's
    (imports often give a reply's parent and not its root); None for an unknown item."""
    row = _one(store.query("SELECT parent_id, root_id FROM items WHERE item_id = ?",
                           [item_id]))
    seen = {item_id}
    for _ in range(_DEEPEST):
        if row is None:
            return None
        if row["root_id"] is not None:
            return str(row["root_id"])
        parent = row["parent_id"]
        above = None if parent is None or parent in seen else _one(store.query(
            "SELECT parent_id, root_id FROM items WHERE item_id = ?", [parent]))
        if above is None:
            return item_id
        seen.add(parent)
        item_id, row = parent, above
    return item_id


def _thread_ids(store: Store, root: str) -> list[str]:
    """The root and everything naming it as root or descending from it by parents, one
    query per level (a recursive CTE joins every level with all items: 50x slower on a
    million items)."""
    found = set(store.query("SELECT item_id FROM items WHERE item_id = ? OR root_id = ?",
                            [root, root])["item_id"].to_pylist())
    frontier = found | {root}
    for _ in range(_DEEPEST):
        below = set(store.query(
            "SELECT item_id FROM items WHERE parent_id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(frontier)])["item_id"].to_pylist()) - found
        if not below:
            break
        found |= below
        frontier = below
    return sorted(found)


def thread_items(store: Store, item_id: str) -> list[dict[str, Any]]:
    """The whole thread an item belongs to (its root and every item under it), oldest first."""
    root = _thread_root(store, item_id)
    if root is None:
        return []
    return _rows(store.query(
        """
        WITH thread AS (
            SELECT i.* FROM items i WHERE i.item_id IN (SELECT unnest(?::VARCHAR[]))
        )
        SELECT th.item_id, th.network, th.kind, th.text, th.created_at, th.url, th.author_id,
               th.parent_id, th.root_id, th.account_id, a.handle
        FROM thread th
        LEFT JOIN (SELECT actor_id, any_value(handle) AS handle FROM actors
                   WHERE actor_id IN (SELECT author_id FROM thread) GROUP BY actor_id) a
          ON a.actor_id = th.author_id
        ORDER BY th.created_at, th.item_id
        """, [_thread_ids(store, root)]))


# --- reactions over time --------------------------------------------------------------

def data_bounds(store: Store, start: datetime | None = None, end: datetime | None = None
                ) -> tuple[datetime | None, datetime | None]:
    """The first and last item dates of the workspace (of those from ``start`` to before
    ``end`` when both are given)."""
    within = "WHERE created_at >= ? AND created_at < ?" if start and end else ""
    row = _one(store.query(f"SELECT min(created_at) AS lo, max(created_at) AS hi FROM items "
                           f"{within}", [start, end] if within else None))
    return (row["lo"], row["hi"]) if row else (None, None)


def reactions_by_week(store: Store, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Labelled reactions to the brand (``reads.TO_BRAND``, as the KPIs count them) per ISO
    week, network and label (human over model)."""
    return _rows(store.query(
        f"""
        WITH RECURSIVE {TO_BRAND}
        SELECT date_trunc('week', i.created_at) AS week, i.network, r.label, count(*) AS n
        FROM items i JOIN item_reactions r USING (item_id)
        WHERE i.item_id IN (SELECT item_id FROM to_brand)
          AND i.created_at >= ? AND i.created_at < ?
        GROUP BY ALL ORDER BY ALL
        """, [start, end]))


def ignored_by_week(store: Store, start: datetime, end: datetime, window_hours: int
                    ) -> list[dict[str, Any]]:
    """Brand posts per ISO week and network, how many got no reaction by someone else in
    the window (the brand answering itself is none, as in the KPIs), and how many are too
    recent to tell (their window is not over: ``reads.MATURED``)."""
    return _rows(store.query(
        f"""
        WITH posts AS (
            SELECT item_id, network, created_at FROM items
            WHERE account_id IS NOT NULL AND kind = 'post'
              AND created_at >= ? AND created_at < ?
        ), {MATURED}, answers AS (
            SELECT r.root_id AS item_id, r.created_at FROM items r
            WHERE r.kind IN {REACTION_SQL} AND r.account_id IS NULL
              AND r.root_id IN (SELECT item_id FROM posts)
            UNION ALL
            SELECT r.parent_id, r.created_at FROM items r
            WHERE r.kind IN {REACTION_SQL} AND r.account_id IS NULL
              AND r.parent_id IN (SELECT item_id FROM posts)
        ), answered AS (
            SELECT DISTINCT p.item_id FROM posts p JOIN answers a USING (item_id)
            WHERE a.created_at < p.created_at + to_hours(?)
        )
        SELECT date_trunc('week', p.created_at) AS week, p.network, count(*) AS posts,
               count(*) FILTER (WHERE p.item_id NOT IN (SELECT item_id FROM answered)
                                  AND p.item_id IN (SELECT item_id FROM matured)) AS ignored,
               count(*) FILTER (WHERE p.item_id NOT IN (SELECT item_id FROM matured))
                 AS too_recent
        FROM posts p GROUP BY ALL ORDER BY ALL
        """, [start, end, timedelta(hours=window_hours), window_hours]))


# --- the publication queue ------------------------------------------------------------

_QUEUE_COLUMNS = ("queue_id, account_id, text, variant, scheduled_at, status, item_id, "
                  "error, created_at, updated_at")


def queue_rows(store: Store, limit: int = 500) -> list[dict[str, Any]]:
    """The queue but its cancelled entries, in the order they go out: by planned time,
    those without one last, then by id."""
    return _rows(store.query(f"SELECT {_QUEUE_COLUMNS} FROM queue WHERE status <> 'cancelled' "
                             "ORDER BY scheduled_at NULLS LAST, queue_id LIMIT ?", [limit]))


def queue_counts(store: Store) -> dict[str, int]:
    """Entries per status."""
    rows = store.query("SELECT status, count(*) AS n FROM queue GROUP BY status").to_pylist()
    return {r["status"]: int(r["n"]) for r in rows}


def queue_row(store: Store, queue_id: int) -> dict[str, Any] | None:
    """One queue entry, or None."""
    return _one(store.query(f"SELECT {_QUEUE_COLUMNS} FROM queue WHERE queue_id = ?",
                            [queue_id]))


def update_queue(store: Store, queue_id: int, *, expected: tuple[str, ...], status: str,
                 text: str | None = None, scheduled_at: datetime | None = None) -> bool:
    """Change an entry's status (and text or time) only if its status is still ``expected``."""
    sets = ["status = ?", "updated_at = current_timestamp"]
    params: list[Any] = [status]
    if text is not None:
        sets.append("text = ?")
        params.append(text)
    if scheduled_at is not None:
        sets.append("scheduled_at = ?")
        params.append(scheduled_at)
    marks = ", ".join("?" for _ in expected)
    with store.transaction() as con:
        rows = con.execute(
            f"UPDATE queue SET {', '.join(sets)} WHERE queue_id = ? AND status IN ({marks})",
            [*params, queue_id, *expected]).fetchall()
    return bool(rows and rows[0][0])
