"""Reads and writes of test and learn: posts with their outcomes, variants, queued drafts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from sounding.store.database import Store
from sounding.store.reads import BRAND_POSTS, MATURED, STORED_ENGAGEMENTS

__all__ = ["learn_posts", "post_variants", "queue_drafts", "queued_drafts"]

_REACTION_KINDS = "('reply', 'quote', 'comment')"


def learn_posts(store: Store, start: datetime, end: datetime, window: timedelta) -> pa.Table:
    """Brand posts with exposure, engagements and their reactions in the window, by label.

    Each engagement counts as the KPIs count it (see ``reads.STORED_ENGAGEMENTS``): its
    latest counter, or what the workspace stores of it where there is no counter or the
    stored engagements are newer than the counter and more.

    ``written`` counts every reply, quote or comment by someone else within ``window``;
    ``interest``, ``animosity`` and ``neutral`` count those the reaction enricher labelled
    (its latest label per item). Followers are the account's at posting time;
    ``matured`` says whether the window is over (``reads.MATURED``).
    """
    return store.query(
        f"""
        WITH {BRAND_POSTS}, {STORED_ENGAGEMENTS},
        labels AS (  -- a person's correction wins over the model's label
            SELECT item_id, label FROM item_reactions
        ), answers AS (
            SELECT p.item_id, count(*) AS written,
                   count(*) FILTER (WHERE l.label = 'interest') AS interest,
                   count(*) FILTER (WHERE l.label = 'animosity') AS animosity,
                   count(*) FILTER (WHERE l.label = 'neutral') AS neutral
            FROM posts p JOIN items r
              ON coalesce(r.root_id, r.parent_id) = p.item_id
             AND r.kind IN {_REACTION_KINDS} AND r.account_id IS NULL
             AND r.created_at < p.created_at + ?
            LEFT JOIN labels l ON l.item_id = r.item_id
            GROUP BY p.item_id
        ), {MATURED}
        SELECT p.item_id, p.account_id, p.network, p.created_at,
               s.followers AS followers_at_post, l.impressions,
               e.likes_resolved + e.reposts_resolved + e.replies_resolved
               + e.quotes_resolved AS engagements,
               coalesce(a.written, 0) AS written, coalesce(a.interest, 0) AS interest,
               coalesce(a.animosity, 0) AS animosity, coalesce(a.neutral, 0) AS neutral,
               p.item_id IN (SELECT item_id FROM matured) AS matured
        FROM posts p
        LEFT JOIN latest l USING (item_id)
        JOIN engaged e USING (item_id)
        LEFT JOIN answers a USING (item_id)
        ASOF LEFT JOIN account_snapshots s
          ON p.account_id = s.account_id AND p.created_at >= s.observed_at
        ORDER BY p.created_at, p.item_id
        """,
        [start, end, window, window],
    )


def post_variants(store: Store, start: datetime, end: datetime) -> pa.Table:
    """The factor=level tags of the brand's posts of the period (one row per tag)."""
    return store.query(
        """
        SELECT DISTINCT v.item_id, v.factor, v.level FROM variants v
        JOIN items i USING (item_id)
        WHERE i.account_id IS NOT NULL AND i.kind = 'post'
          AND i.created_at >= ? AND i.created_at < ?
        ORDER BY v.item_id, v.factor
        """,
        [start, end],
    )


def queue_drafts(store: Store, drafts: Sequence[dict[str, Any]]) -> list[int]:
    """Insert drafts (account_id, text, variant dict, scheduled_at) in one transaction."""
    ids: list[int] = []
    with store.transaction() as con:
        for d in drafts:
            row = con.execute(
                "INSERT INTO queue (account_id, text, variant, scheduled_at, status) "
                "VALUES (?, ?, ?, ?, 'draft') RETURNING queue_id",
                [d["account_id"], d["text"], json.dumps(d["variant"], sort_keys=True),
                 d["scheduled_at"]],
            ).fetchall()
            ids.append(int(row[0][0]))
    return ids


def queued_drafts(store: Store, account_id: str | None = None) -> pa.Table:
    """Drafts and scheduled posts still waiting in the queue (not published nor cancelled:
    a cancelled draft frees its slot for the next plan)."""
    where = "status IN ('draft', 'approved', 'scheduled')"
    params: list[Any] = []
    if account_id is not None:
        where += " AND account_id = ?"
        params.append(account_id)
    return store.query(
        f"SELECT queue_id, account_id, text, variant, scheduled_at, status FROM queue "
        f"WHERE {where} ORDER BY scheduled_at, queue_id", params)
