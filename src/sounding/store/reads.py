"""Named read queries the workflows need, so SQL stays inside the store."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa

from sounding.store.database import Store

__all__ = ["BRAND_POSTS", "brand_posts", "follower_bounds", "reaction_labels"]

REACTION_KINDS = "('reply', 'quote', 'comment', 'mention')"
# The brand's posts of a period, as a CTE named ``posts``; binds (start, end).
BRAND_POSTS = """posts AS (
            SELECT item_id, network, account_id, created_at FROM items
            WHERE account_id IS NOT NULL AND kind = 'post'
              AND created_at >= ? AND created_at < ?
        )"""


def brand_posts(store: Store, start: datetime, end: datetime, window: timedelta) -> pa.Table:
    """Brand posts of the period with latest counters, followers then, reactions in window."""
    return store.query(
        f"""
        WITH {BRAND_POSTS}, latest AS (
            SELECT item_id, max_by(likes, observed_at) AS likes,
                   max_by(reposts, observed_at) AS reposts,
                   max_by(replies, observed_at) AS replies,
                   max_by(quotes, observed_at) AS quotes,
                   max_by(impressions, observed_at) AS impressions,
                   max_by(reach, observed_at) AS reach
            FROM metric_snapshots WHERE item_id IN (SELECT item_id FROM posts)
            GROUP BY item_id
        ), thread AS (  -- direct answers, then deeper ones by their root: two equi-joins
            SELECT parent_id AS post_id, created_at FROM items
            WHERE kind IN {REACTION_KINDS} AND account_id IS NULL
              AND parent_id IN (SELECT item_id FROM posts)
            UNION ALL
            SELECT root_id, created_at FROM items
            WHERE kind IN {REACTION_KINDS} AND account_id IS NULL
              AND root_id IN (SELECT item_id FROM posts)
              AND parent_id IS DISTINCT FROM root_id
        ), answers AS (
            SELECT p.item_id, count(*) AS reactions_in_window
            FROM posts p JOIN thread t ON t.post_id = p.item_id
            WHERE t.created_at < p.created_at + ?
            GROUP BY p.item_id
        )
        SELECT p.*, l.likes, l.reposts, l.replies, l.quotes, l.impressions, l.reach,
               s.followers AS followers_at_post,
               coalesce(a.reactions_in_window, 0) AS reactions_in_window
        FROM posts p
        LEFT JOIN latest l USING (item_id)
        LEFT JOIN answers a USING (item_id)
        ASOF LEFT JOIN account_snapshots s
          ON p.account_id = s.account_id AND p.created_at >= s.observed_at
        ORDER BY p.created_at
        """,
        [start, end, window],
    )


def reaction_labels(store: Store, start: datetime, end: datetime) -> pa.Table:
    """Every reply, quote, comment or mention by someone else than the brand, with its label
    (a person's correction when there is one, else the model's)."""
    return store.query(
        f"""
        SELECT i.item_id, i.network, i.created_at, e.label AS reaction
        FROM items i
        LEFT JOIN item_reactions e ON e.item_id = i.item_id
        WHERE i.kind IN {REACTION_KINDS} AND i.account_id IS NULL
          AND i.created_at >= ? AND i.created_at < ?
        """,
        [start, end],
    )


def follower_bounds(store: Store, start: datetime, end: datetime) -> pa.Table:
    """Per account: followers at the first and the last snapshot of the period."""
    return store.query(
        """
        SELECT a.account_id, a.network, a.handle,
               min_by(s.followers, s.observed_at) AS followers_start,
               max_by(s.followers, s.observed_at) AS followers_end
        FROM accounts a JOIN account_snapshots s USING (account_id)
        WHERE s.observed_at >= ? AND s.observed_at < ?
        GROUP BY ALL ORDER BY a.account_id
        """,
        [start, end],
    )
