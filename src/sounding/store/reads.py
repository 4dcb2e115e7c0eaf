"""Named read queries the workflows need, so SQL stays inside the store."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from sounding.store.database import Store

__all__ = ["BRAND_POSTS", "STORED_ENGAGEMENTS", "TO_BRAND", "brand_posts", "brand_span",
           "follower_bounds", "reaction_labels"]

REACTION_KINDS = "('reply', 'quote', 'comment', 'mention')"
# Someone else's reactions to the brand, as CTEs ending in ``to_brand (item_id)`` (the
# query must open with WITH RECURSIVE): every mention, and the replies, quotes and comments
# in a brand item's thread: under it by parent links, or rooted at it (a thread whose
# middle was not stored), or a quote whose edge points into such a thread (a connector
# keeps a quote's target as an edge only). A reply to an unknown parent or to someone
# else's post is no reaction to the brand.
TO_BRAND = """brand AS (
            SELECT item_id FROM items WHERE account_id IS NOT NULL
        ), brand_thread AS (
            SELECT item_id FROM brand
            UNION
            SELECT c.item_id FROM items c JOIN brand_thread t ON c.parent_id = t.item_id
        ), to_brand AS (
            SELECT i.item_id FROM items i
            WHERE i.account_id IS NULL AND (i.kind = 'mention' OR (
                i.kind IN ('reply', 'quote', 'comment')
                AND (i.item_id IN (SELECT item_id FROM brand_thread)
                     OR i.root_id IN (SELECT item_id FROM brand))))
            UNION
            SELECT q.item_id FROM items q JOIN interactions x
              ON x.kind = 'quote' AND x.network = q.network AND x.actor_id = q.author_id
             AND x.created_at = q.created_at
            WHERE q.kind = 'quote' AND q.account_id IS NULL
              AND x.target_item_id IN (SELECT item_id FROM brand_thread)
        )"""
# The brand's posts of a period, as a CTE named ``posts``; binds (start, end).
BRAND_POSTS = """posts AS (
            SELECT item_id, network, account_id, created_at FROM items
            WHERE account_id IS NOT NULL AND kind = 'post'
              AND created_at >= ? AND created_at < ?
        )"""


# What the workspace itself holds of each brand post's engagements, beside its counters
# (after BRAND_POSTS): likes, reposts and quotes by others as edges (``stored``), their
# replies and comments as items (``written``).
STORED_ENGAGEMENTS = """stored AS (
            SELECT target_item_id AS item_id,
                   count(*) FILTER (WHERE kind = 'like') AS stored_likes,
                   count(*) FILTER (WHERE kind = 'repost') AS stored_reposts,
                   count(*) FILTER (WHERE kind = 'quote') AS stored_quotes
            FROM interactions WHERE target_item_id IN (SELECT item_id FROM posts)
              AND actor_id NOT IN (SELECT actor_id FROM accounts)
            GROUP BY ALL
        ), written AS (
            SELECT parent_id AS item_id, count(*) AS stored_replies FROM items
            WHERE kind IN ('reply', 'comment') AND account_id IS NULL
              AND parent_id IN (SELECT item_id FROM posts)
            GROUP BY ALL
        )"""


def brand_posts(store: Store, start: datetime, end: datetime, window: timedelta) -> pa.Table:
    """Brand posts of the period: latest counters, what is stored of the same engagements
    (likes, reposts and quotes by others as edges, their replies and comments as items),
    followers at posting time, reactions within ``window``."""
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
        ), {STORED_ENGAGEMENTS}, answers AS (
            SELECT p.item_id, count(*) AS reactions_in_window
            FROM posts p JOIN thread t ON t.post_id = p.item_id
            WHERE t.created_at < p.created_at + ?
            GROUP BY p.item_id
        )
        SELECT p.*, l.likes, l.reposts, l.replies, l.quotes, l.impressions, l.reach,
               l.item_id IS NOT NULL AS has_counters,
               coalesce(st.stored_likes, 0) AS stored_likes,
               coalesce(st.stored_reposts, 0) AS stored_reposts,
               coalesce(w.stored_replies, 0) AS stored_replies,
               coalesce(st.stored_quotes, 0) AS stored_quotes,
               s.followers AS followers_at_post,
               coalesce(a.reactions_in_window, 0) AS reactions_in_window
        FROM posts p
        LEFT JOIN latest l USING (item_id)
        LEFT JOIN stored st USING (item_id)
        LEFT JOIN written w USING (item_id)
        LEFT JOIN answers a USING (item_id)
        ASOF LEFT JOIN account_snapshots s
          ON p.account_id = s.account_id AND p.created_at >= s.observed_at
        ORDER BY p.created_at
        """,
        [start, end, window],
    )


def reaction_labels(store: Store, start: datetime, end: datetime) -> pa.Table:
    """Every reaction to the brand (see ``TO_BRAND``) of the period, with its label (a
    person's correction when there is one, else the model's)."""
    return store.query(
        f"""
        WITH RECURSIVE {TO_BRAND}
        SELECT i.item_id, i.network, i.created_at, e.label AS reaction
        FROM items i
        LEFT JOIN item_reactions e ON e.item_id = i.item_id
        WHERE i.item_id IN (SELECT item_id FROM to_brand)
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


def brand_span(store: Store) -> dict[str, Any]:
    """The brand's accounts and posts over all the data: how many, first and last post."""
    row = store.query(
        """
        SELECT (SELECT count(*) FROM accounts) AS accounts, count(*) AS posts,
               min(created_at) AS first, max(created_at) AS last
        FROM items WHERE account_id IS NOT NULL AND kind = 'post'
        """).to_pylist()[0]
    return dict(row)
