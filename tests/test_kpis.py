"""KPIs on a hand-made workspace whose figures are worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sounding.errors import InputError
from sounding.models import (
    Account,
    AccountSnapshot,
    Actor,
    Batch,
    Item,
    MetricSnapshot,
)
from sounding.store import Store
from sounding.workflows.kpis import kpis, parse_period

T0 = datetime(2026, 9, 7, 10, tzinfo=UTC)
BRAND = "bluesky:brand"


def _item(i: str, hours: float, kind: str = "post", parent: str | None = None,
          author: str = BRAND) -> Item:
    return Item(f"bluesky:{i}", "bluesky", author, f"text {i}", T0 + timedelta(hours=hours),
                kind=kind, parent_id=parent, account_id=BRAND if author == BRAND else None)


@pytest.fixture
def shop(store: Store) -> Store:
    fan = "bluesky:fan"
    batch = Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(BRAND, "bluesky", "brand"), Actor(fan, "bluesky", "fan")],
        items=[
            _item("p1", 0), _item("p2", 24), _item("p3", 48),
            _item("r1", 1, "reply", "bluesky:p1", fan),   # p1 answered in its window
            _item("r2", 100, "reply", "bluesky:p2", fan),  # p2 answered 76 h later: too late
            _item("b1", 49, "reply", "bluesky:p3"),  # the brand answering itself: no reaction
        ],
        metric_snapshots=[
            MetricSnapshot("bluesky:p1", T0, likes=1),
            MetricSnapshot("bluesky:p1", T0 + timedelta(days=3), likes=8, reposts=1, replies=1),
            MetricSnapshot("bluesky:p2", T0 + timedelta(days=3), likes=2, replies=1,
                           impressions=400, reach=250),
            MetricSnapshot("bluesky:p3", T0 + timedelta(days=3), likes=0, replies=0),
        ],
        account_snapshots=[
            AccountSnapshot(BRAND, T0 - timedelta(hours=1), followers=100),
            AccountSnapshot(BRAND, T0 + timedelta(hours=23), followers=150),
        ],
    )
    store.write(batch, kind="test", source="t")
    store.query("SELECT 1")
    with store.transaction() as con:
        con.execute("INSERT INTO enrichments (item_id, enricher, version, label) VALUES "
                    "('bluesky:r1', 'reaction', 't', 'interest'), "
                    "('bluesky:r2', 'reaction', 't', 'animosity')")
    return store


def test_kpis_match_hand_computed_figures(shop: Store) -> None:
    k = kpis(shop)
    assert k.posts == 3 and k.posts_by_network == {"bluesky": 3}
    assert k.engagements == (8 + 1 + 1) + (2 + 1) + 0
    # followers at posting time: p1 100, p2 150, p3 150
    assert k.engagement_rate_per_follower == pytest.approx(13 / 400)
    assert k.impressions == 400 and k.posts_with_impressions == 1
    assert k.reach == 250 and k.posts_with_reach == 1
    assert k.engagement_rate_per_impression == pytest.approx(3 / 400)
    assert k.reply_rate == pytest.approx(2 / 3)
    # p2's only reply came after 72 h but its counter says 1 reply: not ignored; p3 ignored
    assert k.ignored_posts == 1
    assert k.reaction_shares == {"interest": 0.5, "animosity": 0.5, "neutral": 0.0}
    assert k.followers[BRAND]["growth"] == 50


def test_period_filters_posts(shop: Store) -> None:
    k = kpis(shop, "2026-09-08..2026-09-09")
    assert k.posts == 2 and k.engagements == 3


@pytest.mark.parametrize("bad", ["2026-09-01", "2026-13-01..", "2026-09-09..2026-09-01"])
def test_bad_periods_are_refused_clearly(bad: str) -> None:
    with pytest.raises(InputError, match="--period"):
        parse_period(bad)


def test_empty_workspace_gives_empty_kpis(store: Store) -> None:
    k = kpis(store)
    assert k.posts == 0 and k.engagement_rate_per_follower is None


def test_follower_growth_shows_a_percentage_only_from_a_meaningful_base() -> None:
    from sounding.cli.render import _growth_note

    small = {"start": 7, "end": 1506, "growth": 1499, "growth_pct": 21414.29}
    large = {"start": 1200, "end": 1500, "growth": 300, "growth_pct": 25.0}
    assert _growth_note(small) == "+1,499 over the period, from 7"
    assert _growth_note(large) == "+300 over the period, from 1,200 (25.0%)"
