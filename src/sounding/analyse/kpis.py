"""Headline KPIs of a period, computed from plain Arrow tables (a pure engine).

Engagement rate has two denominators because the industry disagrees: per follower at
posting time (what every network exposes) and per impression (only where a network or
an export gives impressions). Both are reported, each with the posts it rests on.

Engagements and replies come from each post's latest counters, read after what the
workspace stores of the same things (so un-likes and deleted replies since are counted).
Where a counter is missing, or read before a stored engagement (likes, reposts and quotes
as edges, replies as items) and lower than the stored count, the stored count is used
(``store.reads.STORED_ENGAGEMENTS`` resolves each figure). The KPIs say how many posts
rest on stored figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sounding.models import REACTIONS

__all__ = ["Kpis", "compute_kpis"]

_ENGAGEMENTS = ("likes", "reposts", "replies", "quotes")


@dataclass(frozen=True)
class Kpis:
    """The headline figures of one period."""

    period_start: datetime
    period_end: datetime
    posts: int
    posts_by_network: dict[str, int]
    impressions: int | None
    posts_with_impressions: int
    reach: int | None
    posts_with_reach: int
    engagements: int | None
    posts_with_counters: int
    posts_from_stored: int
    engagement_rate_per_follower: float | None
    engagement_rate_per_impression: float | None
    replies: int
    replies_from_stored: int
    reply_rate: float | None
    reactions: int
    reactions_labelled: int
    reaction_shares: dict[str, float | None]
    ignored_posts: int
    ignored_share: float | None
    posts_too_recent: int  # posts whose reaction window is not over: out of the ignored share
    followers: dict[str, dict[str, Any]]
    hint: str = ""  # why a period has no brand post, and what to do (set by the workflow)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["period_start"] = self.period_start.isoformat()
        data["period_end"] = self.period_end.isoformat()
        data["definitions"] = DEFINITIONS
        return data


DEFINITIONS = {
    "engagements": "likes + reposts + replies + quotes on brand posts: each post's latest "
                   "counters, or what the workspace stores of them where a counter is "
                   "missing, or older than the stored ones and lower",
    "reach": "sum of each post's reach (people who saw it), over posts whose reach is known",
    "engagement_rate_per_follower":
        "engagements / sum over posts of the account's followers when the post went out",
    "engagement_rate_per_impression":
        "engagements / impressions, over the posts whose impressions are known",
    "reply_rate": "replies per brand post: each post's reply counter, or the replies by "
                  "others stored for it where the counter is missing, or older than the "
                  "stored replies and lower",
    "reaction_shares": "share by label of the labelled reactions to the brand: mentions, and "
                       "replies, quotes and comments in its threads",
    "ignored_share": "brand posts with no reply, quote or comment within the window, among "
                     "those whose window is over by the newest data of the workspace",
}


def _sum(table: pa.Table, column: str) -> int:
    value = pc.sum(table[column]).as_py()
    return int(value or 0)


def _count(mask: pa.Array) -> int:
    """How many are true (a mask), or the total (counts)."""
    return int(pc.sum(mask).as_py() or 0)


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _engagements(posts: pa.Table) -> tuple[pa.Array, pa.Array]:
    """Engagements per post, and which posts rest on a stored figure."""
    first = _ENGAGEMENTS[0]
    total, stored = posts[f"{first}_resolved"], posts[f"{first}_from_stored"]
    for name in _ENGAGEMENTS[1:]:
        total = pc.add(total, posts[f"{name}_resolved"])
        stored = pc.or_(stored, posts[f"{name}_from_stored"])
    return total, stored


# followers at the start below which growth has no percentage: +1,499 from 7 is not
# "+21,414%" (the CLI, the report and the JSON say "too few for a %")
PCT_BASE = 100


def _follower_growth(bounds: pa.Table) -> dict[str, dict[str, Any]]:
    growth = {}
    for row in bounds.to_pylist():
        start, end = row["followers_start"], row["followers_end"]
        growth[row["account_id"]] = {
            "network": row["network"], "start": start, "end": end, "growth": end - start,
            "growth_pct": round(100 * (end - start) / start, 2) if start >= PCT_BASE
            else None,
        }
    return growth


def _reaction_shares(labels: pa.Table) -> tuple[int, dict[str, float | None]]:
    labelled = labels.filter(pc.is_valid(labels["reaction"]))
    n = labelled.num_rows
    shares = {
        r: _ratio(pc.sum(pc.equal(labelled["reaction"], r)).as_py() or 0, n) for r in REACTIONS
    }
    return n, shares


def compute_kpis(posts: pa.Table, labels: pa.Table, bounds: pa.Table, *,
                 start: datetime, end: datetime) -> Kpis:
    """KPIs from brand posts (see ``store.reads.brand_posts``), reaction labels and followers."""
    engagements, from_stored = _engagements(posts)
    known = pc.any(posts["engagements_known"]).as_py() or not posts.num_rows
    replies_each, replies_stored = posts["replies_resolved"], posts["replies_from_stored"]
    # a post seen by nobody has no rate to give (learn reads it so too): 0 is unknown
    with_impr = pc.fill_null(pc.greater(posts["impressions"], 0), False)
    followers = pc.coalesce(posts["followers_at_post"], 0)
    with_followers = pc.greater(followers, 0)
    # a post's counters may count answers the store lacks (an export without its
    # comments): those, of unknown time, count as answers; the stored ones the counters
    # could count (made before they were read) are timed, and are not counted twice
    untimed = pc.fill_null(pc.or_kleene(pc.greater(posts["replies"], posts["replies_counted"]),
                                  pc.greater(posts["quotes"], posts["quotes_counted"])), False)
    unanswered = pc.and_(pc.equal(posts["reactions_in_window"], 0), pc.invert(untimed))
    ignored = pc.and_(unanswered, posts["matured"])
    n_matured = _count(posts["matured"])
    n_posts = posts.num_rows
    replies = _count(replies_each)
    has_replies = bool(pc.any(posts["replies_known"]).as_py())
    n_labelled, shares = _reaction_shares(labels)
    n_ignored = _count(ignored)
    impressions = _sum(posts.filter(with_impr), "impressions")
    with_reach = pc.is_valid(posts["reach"])
    networks = pc.value_counts(posts["network"]).to_pylist() if n_posts else []
    return Kpis(
        period_start=start, period_end=end, posts=n_posts,
        posts_by_network={v["values"]: v["counts"] for v in networks},
        impressions=impressions if pc.any(with_impr).as_py() else None,
        posts_with_impressions=_count(with_impr),
        reach=_sum(posts.filter(with_reach), "reach") if pc.any(with_reach).as_py() else None,
        posts_with_reach=_count(with_reach),
        engagements=int(pc.sum(engagements).as_py() or 0) if known else None,
        posts_with_counters=_count(posts["has_counters"]),
        posts_from_stored=_count(from_stored),
        engagement_rate_per_follower=_ratio(
            pc.sum(pc.filter(engagements, with_followers)).as_py() or 0,
            pc.sum(followers).as_py() or 0) if known else None,
        engagement_rate_per_impression=_ratio(
            pc.sum(pc.filter(engagements, with_impr)).as_py() or 0, impressions),
        replies=replies, replies_from_stored=_count(replies_stored) if has_replies else 0,
        reply_rate=_ratio(replies, n_posts) if has_replies else None,
        reactions=labels.num_rows, reactions_labelled=n_labelled, reaction_shares=shares,
        ignored_posts=n_ignored, ignored_share=_ratio(n_ignored, n_matured),
        posts_too_recent=n_posts - n_matured,
        followers=_follower_growth(bounds),
    )
