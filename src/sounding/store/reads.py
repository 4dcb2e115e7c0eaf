"""Named read queries the workflows need, so SQL stays inside the store."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from sounding.store.database import Store

__all__ = ["BRAND_POSTS", "MATURED", "STORED_ENGAGEMENTS", "TO_BRAND", "brand_posts", "brand_span",
           "follower_bounds", "reaction_labels"]

REACTION_KINDS = "('reply', 'quote', 'comment', 'mention')"
# Someone else's written reactions to the brand, as CTEs ending in ``to_brand (item_id)``
# (the query must open with WITH RECURSIVE): every mention of the brand, and the replies,
# quotes and comments in a brand item's thread: under it by parent links, or rooted at it
# (a thread whose middle was not stored), or a quote whose edge points into such a thread
# (a connector keeps a quote's target as an edge only). A reply to an unknown parent or to
# someone else's post is no reaction to the brand, nor is a post a listening query found
# (stored as a mention) unless the network notified the brand of it (a mention edge). The
# CTE ``brand (item_id)`` holds the brand's own items: the targets of the other reactions,
# likes and reposts.
TO_BRAND = f"""brand AS (
            SELECT item_id FROM items WHERE account_id IS NOT NULL
        ), brand_thread AS (
            SELECT item_id FROM brand
            UNION
            SELECT c.item_id FROM items c JOIN brand_thread t ON c.parent_id = t.item_id
        ), heard AS (  -- listening hits that the network did not say mention the brand
            SELECT item_id FROM listening_hits
            EXCEPT
            SELECT target_item_id FROM interactions WHERE kind = 'mention'
        ), to_brand AS (
            SELECT i.item_id FROM items i
            WHERE i.account_id IS NULL AND (
                (i.kind = 'mention' AND i.item_id NOT IN (SELECT item_id FROM heard)) OR (
                i.kind IN {REACTION_KINDS}
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

# The brand posts (of a ``posts`` CTE) whose reaction window has passed, as a CTE named
# ``matured``; binds (window). A post is ignored only once its window is over: measured
# against the newest data the workspace holds (a post, a reply, an edge, a counter or
# audience reading), not the clock, so a workspace not collected since tells no more than
# it saw, and figures stay the same when read later.
MATURED = """matured AS (
            SELECT item_id FROM posts
            WHERE created_at + ? <= (SELECT greatest(
                (SELECT max(created_at) FROM items),
                (SELECT max(created_at) FROM interactions),
                (SELECT max(observed_at) FROM metric_snapshots),
                (SELECT max(observed_at) FROM account_snapshots)))
        )"""


def _resolved(name: str, stored: str, newest: str) -> str:
    """SQL of one engagement of a post, and whether the stored count gave it: the latest
    counter, unless there is none or what is stored is newer than it (then the stored
    count where it is more: a later stored reply proves the counter out of date)."""
    counter, fresh = f"l.{name}", f"coalesce({newest} <= l.{name}_at, true)"
    return (f"CASE WHEN {counter} IS NOT NULL AND {fresh} THEN {counter} "
            f"ELSE greatest(coalesce({counter}, 0), {stored}) END AS {name}_resolved, "
            f"{stored} > coalesce({counter}, 0) AND NOT ({counter} IS NOT NULL AND {fresh}) "
            f"AS {name}_from_stored")


_FIGURES = (("likes", "coalesce(st.stored_likes, 0)", "st.newest_at"),
            ("reposts", "coalesce(st.stored_reposts, 0)", "st.newest_at"),
            ("replies", "coalesce(w.stored_replies, 0)", "w.newest_at"),
            ("quotes", "coalesce(st.stored_quotes, 0)", "st.newest_at"))

# Each brand post's engagements (after BRAND_POSTS), as CTEs ending in ``engaged``: its
# latest counters (``latest``, each with when it was read: a later snapshot may lack it),
# what the workspace itself holds of them (likes, reposts and
# quotes by others as edges in ``stored``, their replies and comments as items in
# ``written``, each with its newest date), and per figure the one used (``<name>_resolved``,
# ``<name>_from_stored``). A counter read after the newest stored engagement wins: the
# network counted all we hold, and un-likes or deleted replies since. The stored count is
# used where there is no counter, or where it is more and newer than the counter.
STORED_ENGAGEMENTS = f"""latest AS (
            SELECT item_id, max(observed_at) AS observed_at,
                   {", ".join(f"max(observed_at) FILTER (WHERE {n} IS NOT NULL) AS {n}_at"
                              for n, _, _ in _FIGURES)},
                   max_by(likes, observed_at) AS likes,
                   max_by(reposts, observed_at) AS reposts,
                   max_by(replies, observed_at) AS replies,
                   max_by(quotes, observed_at) AS quotes,
                   max_by(impressions, observed_at) AS impressions,
                   max_by(reach, observed_at) AS reach
            FROM metric_snapshots WHERE item_id IN (SELECT item_id FROM posts)
            GROUP BY item_id
        ), stored AS (
            SELECT target_item_id AS item_id,
                   count(*) FILTER (WHERE kind = 'like') AS stored_likes,
                   count(*) FILTER (WHERE kind = 'repost') AS stored_reposts,
                   count(*) FILTER (WHERE kind = 'quote') AS stored_quotes,
                   max(created_at) FILTER (WHERE kind IN ('like', 'repost', 'quote'))
                     AS newest_at
            FROM interactions WHERE target_item_id IN (SELECT item_id FROM posts)
              AND actor_id NOT IN (SELECT actor_id FROM accounts)
            GROUP BY ALL
        ), written AS (
            SELECT parent_id AS item_id, count(*) AS stored_replies,
                   max(created_at) AS newest_at FROM items
            WHERE kind IN ('reply', 'comment') AND account_id IS NULL
              AND parent_id IN (SELECT item_id FROM posts)
            GROUP BY ALL
        ), engaged AS (
            SELECT p.item_id, l.item_id IS NOT NULL AS has_counters,
                   {", ".join(_resolved(*f) for f in _FIGURES)},
                   {" OR ".join(f"l.{n} IS NOT NULL OR {s} > 0" for n, s, _ in _FIGURES)}
                     AS engagements_known,
                   l.replies IS NOT NULL OR coalesce(w.stored_replies, 0) > 0
                     AS replies_known
            FROM posts p
            LEFT JOIN latest l USING (item_id)
            LEFT JOIN stored st USING (item_id)
            LEFT JOIN written w USING (item_id)
        )"""


def brand_posts(store: Store, start: datetime, end: datetime, window: timedelta) -> pa.Table:
    """Brand posts of the period: latest counters, each engagement as used (see
    ``STORED_ENGAGEMENTS``), followers at posting time, reactions within ``window``, the
    stored direct replies and quotes the latest counters could count (made before each was
    read), and whether that window is over (``MATURED``)."""
    return store.query(
        f"""
        WITH {BRAND_POSTS}, {STORED_ENGAGEMENTS},
        thread AS (  -- direct answers, then deeper ones by their root: two equi-joins
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
        ), replies_counted AS (  -- what each counter counts that the store holds: the
            -- direct replies (the brand's too) and the quotes made before it was read
            SELECT r.parent_id AS item_id, count(*) AS n FROM items r
            JOIN latest l ON l.item_id = r.parent_id
            WHERE r.kind IN ('reply', 'comment') AND r.created_at <= l.replies_at
            GROUP BY ALL
        ), quotes_counted AS (
            SELECT q.target_item_id AS item_id, count(*) AS n FROM interactions q
            JOIN latest l ON l.item_id = q.target_item_id
            WHERE q.kind = 'quote' AND q.created_at <= l.quotes_at
            GROUP BY ALL
        ), {MATURED}
        SELECT p.*, l.likes, l.reposts, l.replies, l.quotes, l.impressions, l.reach,
               e.* EXCLUDE (item_id), s.followers AS followers_at_post,
               coalesce(a.reactions_in_window, 0) AS reactions_in_window,
               coalesce(rc.n, 0) AS replies_counted, coalesce(qc.n, 0) AS quotes_counted,
               p.item_id IN (SELECT item_id FROM matured) AS matured
        FROM posts p
        LEFT JOIN latest l USING (item_id)
        JOIN engaged e USING (item_id)
        LEFT JOIN answers a USING (item_id)
        LEFT JOIN replies_counted rc USING (item_id)
        LEFT JOIN quotes_counted qc USING (item_id)
        ASOF LEFT JOIN account_snapshots s
          ON p.account_id = s.account_id AND p.created_at >= s.observed_at
        ORDER BY p.created_at
        """,
        [start, end, window, window],
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
    """The brand's accounts and posts over all the data: how many, first and last post;
    and the first and last date of anything the KPIs count (items, follower counts)."""
    row = store.query(
        """
        WITH dated AS (SELECT created_at AS dated_at FROM items
                       UNION ALL SELECT observed_at FROM account_snapshots)
        SELECT (SELECT count(*) FROM accounts) AS accounts, count(*) AS posts,
               min(created_at) AS first, max(created_at) AS last,
               (SELECT min(dated_at) FROM dated) AS data_first,
               (SELECT max(dated_at) FROM dated) AS data_last
        FROM items WHERE account_id IS NOT NULL AND kind = 'post'
        """).to_pylist()[0]
    return dict(row)
