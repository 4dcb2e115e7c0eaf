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
    Interaction,
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
            _item("o1", 200, author=fan),  # the newest data: every window is over
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


def test_a_counter_read_after_the_only_late_reply_leaves_the_post_ignored(store: Store
                                                                        ) -> None:
    """A post's one reply, stored, came 96 h after it; its counter, read days later, says
    1 reply: that one. The post was called answered because a counter said so."""
    fan = "bluesky:fan"
    batch = Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(BRAND, "bluesky", "brand"), Actor(fan, "bluesky", "fan")],
        items=[_item("p1", 0), _item("p2", 1), _item("r1", 96, "reply", "bluesky:p1", fan),
               _item("o1", 500, author=fan)],
        metric_snapshots=[  # p2's counter counts a reply the store lacks: answered
            MetricSnapshot("bluesky:p1", T0 + timedelta(days=19), likes=0, replies=1),
            MetricSnapshot("bluesky:p2", T0 + timedelta(days=19), likes=0, replies=1)],
    )
    store.write(batch, kind="test", source="t")
    k = kpis(store)
    assert (k.posts, k.ignored_posts) == (2, 1)


def test_a_later_snapshot_of_impressions_alone_keeps_the_stored_replies(store: Store
                                                                       ) -> None:
    """Replies counted 0 at 11:00, two stored replies at 12:00 and 12:30, then a snapshot
    of impressions alone at 13:00: the counter was judged read after the replies (the
    newest snapshot's time), and the KPIs said 0 replies."""
    fan = "bluesky:fan"
    batch = Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(BRAND, "bluesky", "brand"), Actor(fan, "bluesky", "fan")],
        items=[_item("p1", 0), _item("r1", 2, "reply", "bluesky:p1", fan),
               _item("r2", 2.5, "reply", "bluesky:p1", fan)],
        metric_snapshots=[MetricSnapshot("bluesky:p1", T0 + timedelta(hours=1), replies=0),
                          MetricSnapshot("bluesky:p1", T0 + timedelta(hours=3),
                                         impressions=50)])
    store.write(batch, kind="test", source="t")
    k = kpis(store)
    assert k.engagements == 2 and k.reply_rate == pytest.approx(2.0)


def _day(n: float) -> datetime:
    return T0 + timedelta(days=n)


@pytest.mark.parametrize(("items", "snapshots", "edges", "ignored"), [
    # a counter of 2 direct replies, one stored (late) with a reply under it: one is
    # missing, of unknown time, so the post was answered (the nested reply hid it)
    ([_item("r1", 96, "reply", "bluesky:p1", "bluesky:fan"),
      _item("r2", 97, "reply", "bluesky:r1", "bluesky:fan")],
     [MetricSnapshot("bluesky:p1", _day(10), replies=2, quotes=0)], [], 0),
    # the one reply the counter counts is the brand's own, stored: nobody else answered
    ([_item("b1", 1, "reply", "bluesky:p1")],
     [MetricSnapshot("bluesky:p1", _day(10), replies=1, quotes=0)], [], 1),
    # the one quote counted is stored as an edge, 5 days late: not an answer in time
    ([], [MetricSnapshot("bluesky:p1", _day(10), replies=0, quotes=1)],
     [Interaction("bluesky:quote:q1", "bluesky", "quote", "bluesky:fan", _day(5),
                  target_item_id="bluesky:p1")], 1),
    # no reply counter, a quote the store lacks: answered, whatever late reply is stored
    ([_item("r1", 96, "reply", "bluesky:p1", "bluesky:fan")],
     [MetricSnapshot("bluesky:p1", _day(10), quotes=1)], [], 0),
])
def test_counters_answer_only_for_what_the_store_lacks(
        store: Store, items: list[Item], snapshots: list[MetricSnapshot],
        edges: list[Interaction], ignored: int) -> None:
    """Each counter is compared with what it counts that is stored: direct replies (the
    brand's too) and quotes, made before it was read; nothing else."""
    batch = Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(BRAND, "bluesky", "brand"), Actor("bluesky:fan", "bluesky", "fan")],
        items=[_item("p1", 0), *items, _item("o1", 500, author="bluesky:fan")],
        metric_snapshots=snapshots, interactions=edges)
    store.write(batch, kind="test", source="t")
    assert kpis(store).ignored_posts == ignored


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
    """The CLI said "too few for a %" while the JSON (and so the dashboard's data) said
    +21,414%: the analysis leaves the % out below 100 followers, for every reader."""
    import pyarrow as pa

    from sounding.analyse.kpis import _follower_growth
    from sounding.cli.render import _growth_note

    bounds = pa.table({"account_id": ["small", "below", "large", "none"],
                       "network": ["bluesky"] * 4, "followers_start": [7, 98, 1200, 0],
                       "followers_end": [1506, 151, 1500, 12]})
    growth = _follower_growth(bounds)
    assert {a: f["growth_pct"] for a, f in growth.items()} == {
        "small": None, "below": None, "large": 25.0, "none": None}
    # a % left out is said to be, not silently missing
    assert _growth_note(growth["small"]) == "+1,499 over the period, from 7, too few for a %"
    assert _growth_note(growth["below"]) == "+53 over the period, from 98, too few for a %"
    assert _growth_note(growth["none"]) == "+12 over the period, from 0, too few for a %"
    assert _growth_note(growth["large"]) == "+300 over the period, from 1,200 (25.0%)"


def _thread_workspace(store: Store, counters: list[MetricSnapshot]) -> None:
    """Two brand posts; answers in and out of the brand's threads, all labelled."""
    fan, other = "bluesky:fan", "bluesky:other"
    items = [
        _item("p1", 0), _item("p2", 24),
        _item("r1", 1, "reply", "bluesky:p1", fan),        # a reply to the brand
        _item("r2", 2, "reply", "bluesky:r1", other),      # deeper in its thread, no root
        _item("c1", 3, "comment", "bluesky:p2", fan),      # a comment on the brand's post
        _item("m1", 4, "mention", None, fan),              # a mention of the brand
        _item("q1", 5, "quote", None, fan),                # a quote known by its edge only
        _item("o1", 0.5, "post", None, other),             # someone else's post...
        _item("x1", 6, "reply", "bluesky:o1", fan),        # ...and a reply to it
        _item("z1", 7, "reply", "bluesky:zzz", fan),       # a reply to an unknown parent
    ]
    quote_edge = Interaction("bluesky:quote:fan:q1", "bluesky", "quote", fan,
                             T0 + timedelta(hours=5), target_item_id="bluesky:p2")
    like = Interaction("bluesky:like:fan:p2", "bluesky", "like", fan, T0 + timedelta(hours=25),
                       target_item_id="bluesky:p2")
    batch = Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(BRAND, "bluesky", "brand"), Actor(fan, "bluesky", "fan"),
                Actor(other, "bluesky", "other")],
        items=items, interactions=[quote_edge, like], metric_snapshots=counters)
    store.write(batch, kind="test", source="t")
    labels = {"r1": "interest", "r2": "neutral", "c1": "interest", "m1": "animosity",
              "q1": "neutral", "x1": "animosity", "z1": "animosity"}
    with store.transaction() as con:
        for item, label in labels.items():
            con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                        "VALUES (?, 'reaction', 't', ?)", [f"bluesky:{item}", label])


def test_reaction_shares_count_only_reactions_to_the_brand(store: Store) -> None:
    _thread_workspace(store, [])
    k = kpis(store)
    # r1, r2, c1, m1, q1: not the reply to someone else's post, nor the one to 'zzz'
    assert k.reactions == 5 and k.reactions_labelled == 5
    assert k.reaction_shares == {"interest": 0.4, "animosity": 0.2, "neutral": 0.4}


def test_without_counters_replies_and_engagements_come_from_what_is_stored(
        store: Store) -> None:
    _thread_workspace(store, [])
    k = kpis(store)
    # p1: reply r1 (r2 answers r1, not p1); p2: comment c1, like, quote edge q1
    assert k.replies == 2 and k.reply_rate == pytest.approx(1.0)
    assert k.replies_from_stored == 2 and k.posts_with_counters == 0
    assert k.engagements == 4 and k.posts_from_stored == 2


def test_a_reply_counter_below_the_stored_replies_is_out_of_date(store: Store) -> None:
    # the counters were taken before any answer came: zero replies, zero quotes
    _thread_workspace(store, [MetricSnapshot("bluesky:p1", T0, likes=3, replies=0),
                              MetricSnapshot("bluesky:p2", T0, likes=5, replies=0, quotes=0)])
    k = kpis(store)
    assert k.replies == 2 and k.replies_from_stored == 2
    assert k.engagements == 3 + 1 + 5 + 1 + 1  # p2's stored like is below its counter
    assert k.posts_with_counters == 2


def test_nothing_known_is_na_not_zero(store: Store) -> None:
    store.write(Batch.from_records(accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
                                   actors=[Actor(BRAND, "bluesky", "brand")],
                                   items=[_item("p1", 0)]), kind="test", source="t")
    k = kpis(store)
    assert k.posts == 1
    assert k.engagements is None and k.reply_rate is None
    assert k.engagement_rate_per_follower is None


def test_an_empty_period_says_where_the_brand_posts_are(shop: Store) -> None:
    assert kpis(shop).hint == ""
    hint = kpis(shop, "2025-01-01..2025-01-31").hint
    assert "2026-09-07 to 2026-09-09" in hint and "account add" not in hint


def test_the_printed_period_given_again_counts_the_same(shop: Store) -> None:
    # r2 (a reaction) and o1 come after the last brand post: an open end runs to the newest
    # data, and the period printed says so, or given again it would count less
    from sounding.cli.render import kpi_table

    for asked, labelled in ((None, 2), ("2026-09-08..", 1)):  # r1 is of 2026-09-07
        k = kpis(shop, asked).as_dict()
        first, last = str(kpi_table(k).title).removeprefix("KPIs ").split(" .. ")
        assert last == "2026-09-15" and k["reactions_labelled"] == labelled
        assert kpis(shop, f"{first}..{last}").as_dict() == k
    example = kpis(shop, "2025-01-01..2025-01-31").hint.rpartition("--period ")[2].split()[0]
    assert kpis(shop, example).as_dict() == kpis(shop).as_dict()


def test_an_empty_period_asks_for_accounts_only_when_there_are_none(store: Store) -> None:
    assert "sounding account add" in kpis(store).hint
    store.write(Batch.from_records(accounts=[Account(BRAND, "bluesky", "brand", BRAND)]),
                kind="test", source="t")
    hint = kpis(store).hint
    assert "account add" not in hint and "collect or import their posts" in hint


def test_the_kpi_table_names_the_source_of_replies(store: Store) -> None:
    from sounding.cli.render import _engagement_note, _reply_note

    _thread_workspace(store, [])
    k = kpis(store).as_dict()
    assert _reply_note(k) == "per post; stored for 2 of 2 posts"
    assert _engagement_note(k) == "counters; stored for 2 of 2 posts"


def _engagement_workspace(store: Store, counter_hours: float) -> None:
    """One brand post with two likes and two replies stored (the last at +5 h), and a
    counter read at ``counter_hours``: one like, one reply (a fan un-liked, a reply was
    deleted)."""
    fan, other = "bluesky:fan", "bluesky:other"
    likes = [Interaction(f"bluesky:like:{a}:p1", "bluesky", "like", a,
                         T0 + timedelta(hours=1), target_item_id="bluesky:p1")
             for a in (fan, other)]
    store.write(Batch.from_records(
        accounts=[Account(BRAND, "bluesky", "brand", BRAND)],
        actors=[Actor(BRAND, "bluesky", "brand"), Actor(fan, "bluesky", "fan"),
                Actor(other, "bluesky", "other")],
        items=[_item("p1", 0), _item("r1", 2, "reply", "bluesky:p1", fan),
               _item("r2", 5, "reply", "bluesky:p1", other)],
        interactions=likes,
        metric_snapshots=[MetricSnapshot("bluesky:p1", T0 + timedelta(hours=counter_hours),
                                         likes=1, reposts=0, replies=1, quotes=0)]),
        kind="test", source="t")


def test_a_counter_read_after_what_is_stored_wins_over_it(store: Store) -> None:
    from sounding.store.learn_reads import learn_posts

    _engagement_workspace(store, counter_hours=48)  # after the un-like and the deletion
    k = kpis(store)
    assert k.engagements == 2 and k.replies == 1
    assert k.posts_from_stored == 0 and k.replies_from_stored == 0
    learned = learn_posts(store, T0 - timedelta(days=1), T0 + timedelta(days=9),
                          timedelta(hours=72))
    assert learned["engagements"].to_pylist() == [2]


def test_a_counter_read_before_later_stored_replies_is_stale(store: Store) -> None:
    from sounding.store.learn_reads import learn_posts

    _engagement_workspace(store, counter_hours=3)  # r2 (+5 h) came after it
    k = kpis(store)
    assert k.replies == 2 and k.replies_from_stored == 1
    assert k.engagements == 1 + 2 and k.posts_from_stored == 1  # likes: older, counter wins
    learned = learn_posts(store, T0 - timedelta(days=1), T0 + timedelta(days=9),
                          timedelta(hours=72))
    assert learned["engagements"].to_pylist() == [3]


def test_listening_hits_are_no_reaction_unless_they_mention_or_answer_the_brand(
        store: Store) -> None:
    from sounding.store.connector_store import listening_add, listening_hits_add

    _thread_workspace(store, [])
    fan = "bluesky:fan"
    heard = [_item("h1", 8, "mention", None, fan),             # only has the keyword
             _item("h2", 9, "mention", None, fan),             # and names the brand
             _item("h3", 10, "mention", "bluesky:p1", fan),    # and answers the brand
             _item("p3", 11)]                                   # the brand's own post
    named = Interaction("bluesky:mention:fan:h2", "bluesky", "mention", fan,
                        T0 + timedelta(hours=9), target_item_id="bluesky:h2",
                        target_actor_id=BRAND)
    store.write(Batch.from_records(items=heard, interactions=[named]), kind="test",
                source="t")
    with store.transaction() as con:
        for item in ("h1", "h2", "h3"):
            con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                        "VALUES (?, 'reaction', 't', 'animosity')", [f"bluesky:{item}"])
    query = listening_add(store, BRAND, "#brioche")
    found = [f"bluesky:{i}" for i in ("h1", "h2", "h3", "p3")]
    assert listening_hits_add(store, query, found) == 3  # not the brand's own post
    k = kpis(store)
    assert k.reactions == 5 + 2 and k.reactions_labelled == 7  # h2 and h3, not h1
    assert k.reaction_shares["animosity"] == pytest.approx(3 / 7)


def test_posts_younger_than_the_window_are_not_yet_ignored(shop: Store) -> None:
    from sounding.cli.render import kpi_table
    from sounding.store.learn_reads import learn_posts
    from sounding.store.web_store import ignored_by_week

    # just published, minutes before the newest data (o1, +200 h): nobody could answer yet
    shop.write(Batch.from_records(items=[_item("p4", 199.9), _item("p5", 150)]),
               kind="test", source="t")
    k = kpis(shop)
    assert k.posts == 5 and k.posts_too_recent == 2
    assert k.ignored_posts == 1 and k.ignored_share == pytest.approx(1 / 3)
    table = kpi_table(k.as_dict())
    notes = {str(kpi): str(note) for kpi, note in zip(table.columns[0].cells,
                                                      table.columns[2].cells, strict=True)}
    assert notes["ignored posts"] == "1 with no reply/quote in 72 h; 2 too recent to tell"
    learned = learn_posts(shop, T0 - timedelta(days=1), T0 + timedelta(days=30),
                          timedelta(hours=72))
    assert learned["matured"].to_pylist() == [True, True, True, False, False]
    weeks = ignored_by_week(shop, T0 - timedelta(days=1), T0 + timedelta(days=30), 72)
    # p2 (its reply came too late) and p3 (only the brand answered it): no counters here
    assert [sum(w[c] for w in weeks) for c in ("posts", "ignored", "too_recent")] == [5, 2, 2]
