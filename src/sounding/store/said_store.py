"""The SQL of 'what is said': texts with their reaction, mention buckets, alert tables."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from sounding.store.database import Store
from sounding.store.reads import REACTION_KINDS

__all__ = [
    "add_channel", "add_rule", "alert_history", "bucket_counts", "channels", "daily_series",
    "extend_alert", "insert_alert", "last_alert", "mention_span", "remove_channel",
    "remove_rule", "rules", "said_texts", "set_deliveries", "update_rule",
]

# Written items by others than the brand, with their language and reaction (a person's
# label overrides the model's: item_reactions). Filters are bound parameters; a NULL
# parameter means "any".
_SAID = f"""
    WITH lang AS (
        SELECT item_id, arg_max(label, created_at) AS lang FROM enrichments
        WHERE enricher = 'language' AND label IS NOT NULL GROUP BY item_id
    )
    SELECT i.item_id, i.network, i.created_at, i.text, i.kind,
           coalesce(l.lang, a.lang) AS lang, r.label AS reaction
    FROM items i
    LEFT JOIN lang l ON l.item_id = i.item_id
    LEFT JOIN actors a ON a.actor_id = i.author_id AND a.network = i.network
    LEFT JOIN item_reactions r ON r.item_id = i.item_id
    WHERE i.kind IN {REACTION_KINDS} AND i.account_id IS NULL
      AND i.created_at >= ? AND i.created_at < ?
      AND (?::VARCHAR IS NULL OR i.network = ?)
"""


def said_texts(store: Store, start: datetime, end: datetime, network: str | None = None,
               lang: str | None = None) -> pa.Table:
    """Replies, quotes, comments and mentions of the period: text, network, lang, reaction."""
    return store.query(
        f"SELECT * FROM ({_SAID}) WHERE (?::VARCHAR IS NULL OR lang = ?) "
        "ORDER BY created_at, item_id",
        [start, end, network, network, lang, lang],
    )


def mention_span(store: Store) -> tuple[datetime | None, datetime | None]:
    """When the oldest and the newest items written by others than the brand were made."""
    row = store.query(f"SELECT min(created_at) AS first, max(created_at) AS last FROM items "
                      f"WHERE kind IN {REACTION_KINDS} AND account_id IS NULL").to_pylist()[0]
    return row["first"], row["last"]


def bucket_counts(store: Store, end: datetime, span: timedelta, buckets: int,
                  network: str | None = None) -> pa.Table:
    """Mentions per bucket ending at ``end`` (bucket 0 is the latest): all, labelled,
    animosity."""
    start = end - span * buckets
    return store.query(
        f"""
        SELECT CAST(floor(epoch(? - created_at) / ?) AS BIGINT) AS bucket,
               count(*) AS n, count(reaction) AS labelled,
               count(*) FILTER (WHERE reaction = 'animosity') AS animosity
        FROM ({_SAID}) GROUP BY ALL ORDER BY bucket
        """,
        [end, span.total_seconds(), start, end, network, network],
    )


def daily_series(store: Store, start: datetime, end: datetime, network: str | None = None,
                 lang: str | None = None) -> pa.Table:
    """Per day of the period: mentions, labelled ones and animosity ones."""
    return store.query(
        f"""
        SELECT CAST(date_trunc('day', created_at) AS DATE) AS day, count(*) AS n,
               count(reaction) AS labelled,
               count(*) FILTER (WHERE reaction = 'animosity') AS animosity
        FROM ({_SAID}) WHERE (?::VARCHAR IS NULL OR lang = ?) GROUP BY ALL ORDER BY day
        """,
        [start, end, network, network, lang, lang],
    )


def add_channel(store: Store, kind: str, target: str, config: dict[str, Any]) -> int:
    """Record an alert channel (its config holds env names, never secrets)."""
    with store.transaction() as con:
        row = con.execute(
            "INSERT INTO alert_channels (kind, target, config) VALUES (?, ?, ?) "
            "RETURNING channel_id", [kind, target, json.dumps(config)]).fetchall()
    return int(row[0][0])


def channels(store: Store, enabled_only: bool = False) -> list[dict[str, Any]]:
    """Alert channels, oldest first, with their config decoded."""
    rows: list[dict[str, Any]] = store.query(
        "SELECT channel_id, kind, target, config, enabled, created_at FROM alert_channels "
        "WHERE enabled OR NOT ? ORDER BY channel_id", [enabled_only]).to_pylist()
    for row in rows:
        row["config"] = json.loads(row["config"])
    return rows


def remove_channel(store: Store, channel_id: int) -> str | None:
    """Stop sending alerts to a channel: 'deleted' when no alert went through it, else
    'disabled' (the row stays, so the alerts' deliveries still name where they went);
    None when there is no such channel, or it was removed before."""
    with store.transaction() as con:
        found = con.execute("SELECT 1 FROM alert_channels WHERE channel_id = ? AND enabled",
                            [channel_id]).fetchall()
        if not found:
            return None
        used = con.execute(
            "SELECT 1 FROM alerts WHERE list_contains(CAST(json_extract(deliveries, "
            "'$[*].channel_id') AS BIGINT[]), ?) LIMIT 1", [channel_id]).fetchall()
        if used:
            con.execute("UPDATE alert_channels SET enabled = false WHERE channel_id = ?",
                        [channel_id])
            return "disabled"
        con.execute("DELETE FROM alert_channels WHERE channel_id = ?", [channel_id])
    return "deleted"


_RULE = ("rule_id", "metric", "span", "network", "alpha", "min_count", "enabled")
_RETURNING = f"RETURNING {', '.join(_RULE)}"


def _rule_of(rows: list[Any]) -> dict[str, Any] | None:
    return dict(zip(_RULE, rows[0], strict=True)) if rows else None


def rules(store: Store, enabled_only: bool = False) -> list[dict[str, Any]]:
    """Alert rules, by id."""
    found: list[dict[str, Any]] = store.query(
        f"SELECT {', '.join(_RULE)} FROM alert_rules WHERE enabled OR NOT ? ORDER BY rule_id",
        [enabled_only]).to_pylist()
    return found


def add_rule(store: Store, metric: str, span: str, network: str | None, alpha: float,
             min_count: int, enabled: bool = True) -> tuple[dict[str, Any], bool]:
    """Record a spike rule (``network`` None: every network) unless one on the same
    metric, span and network exists: (the rule as stored, True), or (that rule, False).
    The look and the insert are one transaction, so two at once cannot both add it."""
    with store.transaction() as con:
        same = con.execute(
            f"SELECT {', '.join(_RULE)} FROM alert_rules WHERE metric = ? AND span = ? "
            "AND network IS NOT DISTINCT FROM ? ORDER BY rule_id LIMIT 1",
            [metric, span, network]).fetchall()
        if same:
            return dict(zip(_RULE, same[0], strict=True)), False
        rows = con.execute(
            "INSERT INTO alert_rules (metric, span, network, alpha, min_count, enabled) "
            f"VALUES (?, ?, ?, ?, ?, ?) {_RETURNING}",
            [metric, span, network, alpha, min_count, enabled]).fetchall()
    return dict(zip(_RULE, rows[0], strict=True)), True


def update_rule(store: Store, rule_id: int, alpha: float | None = None,
                min_count: int | None = None, enabled: bool | None = None
                ) -> dict[str, Any] | None:
    """Change a rule's thresholds or whether it is checked (None keeps a value); the rule
    as it now is, or None when there is no such rule."""
    with store.transaction() as con:
        rows = con.execute(
            "UPDATE alert_rules SET alpha = coalesce(?, alpha), "
            "min_count = coalesce(?, min_count), enabled = coalesce(?, enabled) "
            f"WHERE rule_id = ? {_RETURNING}", [alpha, min_count, enabled, rule_id]).fetchall()
    return _rule_of(rows)


def remove_rule(store: Store, rule_id: int) -> dict[str, Any] | None:
    """Delete a rule; its alerts stay, with its number. The rule as it was, with ``alerts``
    (how many it fired), or None when there is no such rule."""
    with store.transaction() as con:
        rows = con.execute(f"DELETE FROM alert_rules WHERE rule_id = ? {_RETURNING}",
                           [rule_id]).fetchall()
        fired = con.execute("SELECT count(*) FROM alerts WHERE rule_id = ?",
                            [rule_id]).fetchall()
    rule = _rule_of(rows)
    return None if rule is None else {**rule, "alerts": int(fired[0][0])}


def last_alert(store: Store, rule_id: int) -> dict[str, Any] | None:
    """The rule's most recent alert, if any, with how each channel took it."""
    rows = store.query("SELECT alert_id, dedup_key, window_start, window_end, last_seen, "
                       "observed, expected, p_value, message, deliveries FROM alerts "
                       "WHERE rule_id = ? ORDER BY last_seen DESC LIMIT 1", [rule_id]
                       ).to_pylist()
    if not rows:
        return None
    row: dict[str, Any] = rows[0]
    row["deliveries"] = json.loads(row["deliveries"]) if row["deliveries"] else []
    return row


def insert_alert(store: Store, alert: dict[str, Any]) -> int | None:
    """Record a new alert; None when its dedup_key is already there (sent before)."""
    cols = ("rule_id", "dedup_key", "window_start", "window_end", "last_seen", "observed",
            "expected", "p_value", "message")
    with store.transaction() as con:
        rows = con.execute(
            f"INSERT INTO alerts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            "ON CONFLICT (dedup_key) DO NOTHING RETURNING alert_id",
            [alert[c] for c in cols]).fetchall()
    return int(rows[0][0]) if rows else None


def extend_alert(store: Store, alert_id: int, last_seen: datetime) -> None:
    """The spike goes on: remember until when, without alerting again."""
    with store.transaction() as con:
        con.execute("UPDATE alerts SET last_seen = greatest(last_seen, ?) WHERE alert_id = ?",
                    [last_seen, alert_id])


def set_deliveries(store: Store, alert_id: int, deliveries: list[dict[str, Any]]) -> None:
    """Record how each channel took the alert."""
    with store.transaction() as con:
        con.execute("UPDATE alerts SET deliveries = ? WHERE alert_id = ?",
                    [json.dumps(deliveries), alert_id])


def alert_history(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The latest alerts, newest first, with their rule."""
    rows: list[dict[str, Any]] = store.query(
        "SELECT a.alert_id, a.rule_id, r.metric, r.span, r.network, a.window_start, "
        "a.window_end, a.last_seen, a.observed, a.expected, a.p_value, a.message, "
        "a.deliveries FROM alerts a LEFT JOIN alert_rules r USING (rule_id) "
        "ORDER BY a.window_end DESC, a.alert_id DESC LIMIT ?", [limit]).to_pylist()
    for row in rows:
        row["deliveries"] = json.loads(row["deliveries"]) if row["deliveries"] else []
    return rows
