"""The simulated launch: determinism, size, truth consistent with the batch, realism."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from sounding.models import REACTIONS, Batch
from sounding.simulate import (
    FACTORS,
    Launch,
    LaunchConfig,
    simulate_launch,
    slot_of,
    truth_to_json,
)

FRENCH = (" vous ", " le ", " la ", " les ", " je ", "c'est", " est ", " à ", " de ", " et ")
ENGLISH = (" the ", " you ", " your ", " is ", " i ", " this ", " it ", " to ", " and ", " of ")


@pytest.fixture(scope="module")
def launch() -> Launch:
    return simulate_launch()


@pytest.fixture(scope="module")
def frames(launch: Launch) -> dict[str, pd.DataFrame]:
    return {name: t.to_pandas() for name, t in launch.batch.tables().items()}


def _segment_of(launch: Launch) -> dict[str, str]:
    segments: dict[str, str] = launch.truth["actor_segment"]
    return segments


# determinism and runtime -------------------------------------------------------------


def test_same_seed_gives_identical_launch(launch: Launch) -> None:
    again = simulate_launch(seed=7)
    for name, table in launch.batch.tables().items():
        assert table.equals(again.batch.tables()[name]), name
    assert launch.customers.equals(again.customers)
    assert truth_to_json(launch.truth) == truth_to_json(again.truth)


def test_different_seed_gives_different_launch(launch: Launch) -> None:
    other = simulate_launch(seed=8)
    assert not launch.batch.interactions.equals(other.batch.interactions)
    assert launch.truth["actor_segment"] != other.truth["actor_segment"]
    assert launch.truth["reactions"] != other.truth["reactions"]


def test_runs_quickly_and_reports_progress() -> None:
    calls: list[tuple[int, int]] = []
    started = time.perf_counter()
    result = simulate_launch(seed=3, progress=lambda done, total: calls.append((done, total)))
    assert time.perf_counter() - started < 10
    total = result.truth["counts"]["posts"]
    assert calls[-1] == (total, total)
    assert [c[0] for c in calls] == list(range(1, total + 1))


def test_scale_shrinks_the_audience() -> None:
    small = simulate_launch(LaunchConfig(scale=0.2), seed=1)
    assert 500 < small.batch.actors.num_rows < 1200
    assert small.customers.num_rows == 300
    assert small.truth["counts"]["posts"] >= 150  # the calendar does not scale


# size and shape ---------------------------------------------------------------------


def test_sizes_are_in_the_requested_ranges(launch: Launch, frames: dict[str, pd.DataFrame]
                                            ) -> None:
    items, inter = frames["items"], frames["interactions"]
    assert 2000 <= (frames["actors"].actor_id.str.contains("briochebramble") == 0).sum() <= 5000
    assert (items.kind == "post").sum() >= 150
    assert 1500 <= (items.kind == "reply").sum() <= 6000
    assert (inter.kind == "like").sum() >= 15000
    assert {"post", "reply", "quote", "mention"} == set(items.kind)
    assert set(inter.kind) == {"reply", "like", "repost", "quote", "mention", "follow"}
    assert list(frames["accounts"].network) == ["bluesky", "mastodon"]


def test_batch_is_referentially_sound(frames: dict[str, pd.DataFrame]) -> None:
    items, inter, actors = frames["items"], frames["interactions"], frames["actors"]
    assert items.item_id.is_unique and inter.interaction_id.is_unique
    assert actors.actor_id.is_unique
    ids, people = set(items.item_id), set(actors.actor_id)
    assert set(items.author_id) <= people and set(inter.actor_id) <= people
    assert set(items.parent_id.dropna()) <= ids and set(items.root_id.dropna()) <= ids
    assert set(inter.target_item_id.dropna()) <= ids
    assert set(inter.target_actor_id.dropna()) <= people
    assert items.item_id.str.match(r"^(bluesky|mastodon):(post|reply|quote|mention)-\d+$").all()
    assert (items.item_id.str.split(":").str[0] == items.network).all()


def test_members_talk_to_their_own_segment(launch: Launch,
                                           frames: dict[str, pd.DataFrame]) -> None:
    segment = launch.truth["actor_segment"]
    brand = set(frames["accounts"].actor_id)
    inter = frames["interactions"]
    tags = inter[(inter.kind == "mention") & ~inter.target_actor_id.isin(brand)
                 & inter.target_actor_id.notna()]
    assert len(tags) > 100
    same = (tags.actor_id.map(segment) == tags.target_actor_id.map(segment)).mean()
    assert same == 1.0
    circle = launch.truth["actor_circle"]
    assert (tags.actor_id.map(circle) == tags.target_actor_id.map(circle)).all()
    items = frames["items"].set_index("item_id")
    nested = items[items.parent_id.notna() & items.parent_id.isin(items.index)
                   & (items.kind == "reply")]
    nested = nested[nested.parent_id.map(items.kind) == "reply"]
    own = (nested.author_id.map(circle)
           == nested.parent_id.map(items.author_id).map(circle)).mean()
    assert own > 0.02  # when an acquaintance replied earlier (rare); by chance about 0.001


def test_threads_point_at_earlier_items(frames: dict[str, pd.DataFrame]) -> None:
    items = frames["items"].set_index("item_id")
    replies = items[items.kind == "reply"]
    assert (items.loc[replies.root_id, "kind"] == "post").all()
    parents = items.loc[replies.parent_id]
    assert (parents.created_at.to_numpy() < replies.created_at.to_numpy()).all()
    assert (parents.kind == "reply").sum() > 0  # some replies answer replies
    quotes = items[items.kind == "quote"]
    assert (items.loc[quotes.parent_id, "kind"] == "post").all()
    mentions = items[items.kind == "mention"]
    assert mentions.parent_id.isna().all()
    assert mentions.text.str.contains("@briochebramble").all()


def test_timestamps_are_utc_and_inside_the_run(launch: Launch) -> None:
    ts = launch.batch.items.schema.field("created_at").type
    assert ts == pa.timestamp("us", tz="UTC")
    created = launch.batch.items.column("created_at").to_pylist()
    start = launch.config.start
    assert min(created) >= start and all(c.tzinfo is not None for c in created[:10])
    assert start.tzinfo == UTC and start.date().isoformat() == "2026-09-07"


def test_ids_of_interactions_are_stable_keys(frames: dict[str, pd.DataFrame]) -> None:
    inter = frames["interactions"]
    likes = inter[inter.kind == "like"].head(50)
    for row in likes.itertuples():
        network, handle = row.actor_id.split(":", 1)
        post = row.target_item_id.split(":", 1)[1]
        assert row.interaction_id == f"{network}:like:{handle}:{post}"


def test_brand_posts_have_variants_with_enough_posts_per_level(
    frames: dict[str, pd.DataFrame],
) -> None:
    posts = frames["items"][frames["items"].kind == "post"]
    variants = frames["variants"]
    assert set(variants.item_id) == set(posts.item_id)
    assert (variants.groupby("item_id").factor.nunique() == 4).all()
    for factor, levels in FACTORS.items():
        counts = variants[variants.factor == factor].level.value_counts()
        assert set(counts.index) == set(levels)
        assert counts.min() >= 20, (factor, counts.to_dict())


def test_slot_follows_the_posting_hour(frames: dict[str, pd.DataFrame]) -> None:
    posts = frames["items"][frames["items"].kind == "post"].set_index("item_id")
    slots = frames["variants"].query("factor == 'slot'").set_index("item_id").level
    hours = posts.loc[slots.index, "created_at"].dt.hour
    assert [slot_of(h) for h in hours] == list(slots)
    assert [slot_of(h) for h in (6, 12, 18, 23, 2)] == [
        "morning", "midday", "evening", "night", "night"]


# segments, texts and reactions ------------------------------------------------------


def test_segments_cover_languages_and_a_hostile_group(launch: Launch) -> None:
    segments = launch.truth["segments"]
    assert len(segments) >= 5
    assert {s["lang"] for s in segments} >= {"fr", "en"}
    params = launch.truth["effects"]["parameters"]
    hostile = [name for name, p in params.items()
               if any(p["animosity"]["base"] + shift > p["interest"]["base"] + p["interest"][f][lvl]
                      for f in FACTORS for lvl, shift in p["animosity"][f].items())]
    assert hostile, "no segment leans hostile on any level"


def test_reply_texts_follow_the_author_language(launch: Launch,
                                                 frames: dict[str, pd.DataFrame]) -> None:
    items = frames["items"]
    actors = frames["actors"].set_index("actor_id")
    replies = items[items.kind == "reply"].copy()
    replies["lang"] = actors.loc[replies.author_id, "lang"].to_numpy()
    assert set(replies.lang) == {"fr", "en"}
    text = " " + replies.text.str.lower() + " "
    french = text.apply(lambda t: any(w in t for w in FRENCH))
    english = text.apply(lambda t: any(w in t for w in ENGLISH))
    assert french[replies.lang == "fr"].mean() > 0.6 > french[replies.lang == "en"].mean()
    assert english[replies.lang == "en"].mean() > 0.6 > english[replies.lang == "fr"].mean()
    assert replies.text.nunique() > 500
    assert replies.text.str.contains("#").any() and replies.text.str.contains("https://").any()


def test_every_reaction_item_has_a_true_reaction(launch: Launch,
                                                 frames: dict[str, pd.DataFrame]) -> None:
    items = frames["items"]
    written = set(items[items.kind.isin(["reply", "quote", "mention"])].item_id)
    reactions = launch.truth["reactions"]
    assert set(reactions) == written
    assert set(reactions.values()) == set(REACTIONS)
    triggers = launch.truth["mention_trigger"]
    assert set(triggers) == set(items[items.kind == "mention"].item_id)


def test_true_reactions_follow_the_hostile_segment_preferences(
    launch: Launch, frames: dict[str, pd.DataFrame]
) -> None:
    items = frames["items"]
    topic = frames["variants"].query("factor == 'topic'").set_index("item_id").level
    replies = items[items.kind == "reply"].copy()
    replies["segment"] = replies.author_id.map(_segment_of(launch))
    replies["topic"] = topic.loc[replies.root_id].to_numpy()
    replies["hostile"] = replies.item_id.map(launch.truth["reactions"]) == "animosity"
    eco = replies[replies.segment == "en_eco"]
    on_topic = eco[eco.topic == "sustainability"].hostile.mean()
    off_topic = eco[eco.topic != "sustainability"].hostile.mean()
    assert on_topic > off_topic + 0.15
    assert replies[replies.segment == "fr_gourmets"].hostile.mean() < 0.15


def test_true_level_rates_reflect_the_default_effects(launch: Launch) -> None:
    levels = launch.truth["effects"]["levels"]
    assert levels["tone"]["promotional"]["animosity"] > levels["tone"]["informative"]["animosity"]
    assert levels["format"]["video"]["engagement"] > levels["format"]["link"]["engagement"]
    for factor in levels.values():
        for rates in factor.values():
            assert sum(rates[r] for r in REACTIONS) == pytest.approx(1.0, abs=1e-5)
            assert 0.0 < rates["engagement"] < 1.0


# ignored posts ----------------------------------------------------------------------


def test_ignored_posts_are_those_without_reaction_in_the_window(
    launch: Launch, frames: dict[str, pd.DataFrame]
) -> None:
    items = frames["items"].set_index("item_id")
    posts = items[items.kind == "post"]
    texts = items[items.kind.isin(["reply", "quote", "mention"])].copy()
    texts["post"] = texts.root_id.fillna(texts.parent_id)
    mentions = texts.kind == "mention"
    texts.loc[mentions, "post"] = texts.index[mentions].map(launch.truth["mention_trigger"])
    delay = texts.created_at - posts.loc[texts.post, "created_at"].set_axis(texts.index)
    window = pd.Timedelta(hours=launch.truth["ignore_window_hours"])
    answered = set(texts[delay <= window].post)
    expected = sorted(set(posts.index) - answered)
    assert sorted(launch.truth["ignored_posts"]) == expected
    assert 0.15 <= launch.truth["ignored_share"] <= 0.30


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ignored_share_is_in_range_for_other_seeds(seed: int) -> None:
    assert 0.12 <= simulate_launch(seed=seed).truth["ignored_share"] <= 0.32


# truth agrees with the batch --------------------------------------------------------


def test_truth_counts_agree_with_the_batch(launch: Launch,
                                           frames: dict[str, pd.DataFrame]) -> None:
    counts = launch.truth["counts"]
    items, inter, variants = frames["items"], frames["interactions"], frames["variants"]
    segment_of = _segment_of(launch)
    assert len(segment_of) + 2 == len(frames["actors"])
    by_segment = pd.Series(segment_of).value_counts().to_dict()
    assert counts["actors_by_segment"] == by_segment
    replies = items[items.kind == "reply"].author_id.map(segment_of).value_counts()
    assert counts["replies_by_segment"] == {k: int(replies.get(k, 0)) for k in by_segment}
    for factor, levels in counts["posts_by_level"].items():
        observed = variants[variants.factor == factor].level.value_counts().to_dict()
        assert levels == observed
    reactions = pd.Series(launch.truth["reactions"]).value_counts().to_dict()
    assert counts["reactions"] == reactions
    kinds = inter.kind.value_counts()
    assert (counts["likes"], counts["reposts"], counts["follows"]) == (
        kinds["like"], kinds["repost"], kinds["follow"])


def test_truth_is_json_serialisable(launch: Launch) -> None:
    text = truth_to_json(launch.truth)
    assert json.loads(text) == launch.truth
    assert launch.truth["seed"] == 7 and launch.truth["config"]["weeks"] == 12
    for name in ("segments", "actor_segment", "reactions", "effects", "counts",
                 "ignored_posts", "customer_mix", "engaged_mix"):
        assert name in launch.truth


# customers --------------------------------------------------------------------------


def test_customers_are_fictional_and_some_match_actors(launch: Launch,
                                                       frames: dict[str, pd.DataFrame]) -> None:
    crm = launch.customers.to_pandas()
    assert crm.customer_id.is_unique and crm.email.is_unique
    assert crm.email.str.endswith("@example.com").all()
    handles = set(frames["actors"].handle)
    linked = pd.concat([crm.bluesky_handle.dropna(), crm.mastodon_handle.dropna()])
    assert 0.2 < len(linked) / len(crm) < 0.5
    assert set(linked) <= handles
    assert set(launch.truth["customer_segment"]) == set(crm.customer_id)
    assert {"country", "lang", "age_band", "plan"} <= set(crm.columns)


def test_customer_mix_differs_from_engaged_mix(launch: Launch,
                                               frames: dict[str, pd.DataFrame]) -> None:
    inter = frames["interactions"]
    engaged = inter[inter.kind != "follow"].actor_id.drop_duplicates().map(_segment_of(launch))
    mix = engaged.value_counts(normalize=True)
    truth_mix = launch.truth["engaged_mix"]
    for name, share in truth_mix.items():
        assert share == pytest.approx(mix.get(name, 0.0), abs=1e-5)
    customers = launch.truth["customer_mix"]
    distance = 0.5 * sum(abs(customers[n] - truth_mix[n]) for n in customers)
    assert distance > 0.25
    index = launch.truth["representation_index"]
    assert min(index.values()) < 50 and max(index.values()) > 200


# counters and followers -------------------------------------------------------------


def test_follower_snapshots_grow_with_follow_edges(launch: Launch,
                                                   frames: dict[str, pd.DataFrame]) -> None:
    snaps = frames["account_snapshots"]
    follows = frames["interactions"].query("kind == 'follow'")
    for account, rows in snaps.groupby("account_id"):
        series = rows.sort_values("observed_at")
        assert series.followers.is_monotonic_increasing
        assert series.followers.iloc[-1] > 20 * max(series.followers.iloc[0], 1)
        mine = follows[follows.target_actor_id == account].created_at
        expected = [int((mine <= t).sum()) for t in series.observed_at]
        assert series.followers.tolist() == expected
        assert launch.truth["followers"][account] == series.followers.iloc[-1]


def test_metric_snapshots_match_the_interactions(frames: dict[str, pd.DataFrame]) -> None:
    snaps, inter = frames["metric_snapshots"], frames["interactions"]
    assert snaps.impressions.isna().all()
    assert (snaps.groupby("item_id").size() == 7).all()
    names = {"likes": "like", "reposts": "repost", "replies": "reply", "quotes": "quote"}
    for column, kind in names.items():
        edges = inter[inter.kind == kind]
        by_post = {k: np.sort(g.created_at.dt.tz_localize(None).to_numpy())
                   for k, g in edges.groupby("target_item_id")}
        empty = np.array([], dtype="datetime64[us]")
        observed = snaps.observed_at.dt.tz_localize(None).to_numpy()
        expected = [
            int(np.searchsorted(by_post.get(item, empty), at, side="right"))
            for item, at in zip(snaps.item_id, observed, strict=True)
        ]
        assert snaps[column].tolist() == expected, column
    assert snaps.groupby("item_id").likes.apply(lambda s: s.is_monotonic_increasing).all()
    assert snaps.likes.max() > 100


def test_engagement_grows_with_followers(launch: Launch) -> None:
    posts = pd.DataFrame.from_dict(launch.truth["posts"], orient="index")
    early, late = posts.followers.median(), posts.followers.max()
    assert late > early
    correlation = np.corrcoef(np.log1p(posts.followers), np.log1p(posts.exposed))[0, 1]
    assert correlation > 0.5


def test_a_custom_config_is_respected() -> None:
    config = replace(LaunchConfig(), weeks=4, customers=200)
    short = simulate_launch(config, seed=5)
    assert short.truth["counts"]["posts"] == 4 * 15
    assert short.customers.num_rows == 200
    assert isinstance(short.batch, Batch)


def test_members_describe_themselves_in_their_segments_words(launch: Launch) -> None:
    from sounding.simulate.templates import LANGS

    actors = launch.batch.actors.to_pandas().set_index("actor_id")
    segment = pd.Series(_segment_of(launch))
    bios = actors["bio"].reindex(segment.index)
    assert 0.72 <= bios.notna().mean() <= 0.78  # bio_share 0.75
    for name, lang in (("food_pros", "en"), ("fr_grumblers", "fr")):
        own = LANGS[lang].BIOS[name]
        written = bios[(segment == name) & bios.notna()]
        in_pool = written.map(lambda b, own=own: any(p in b for p in own)).mean()
        assert 0.7 <= in_pool <= 0.9  # one or two phrases, each from the pool with p 0.7
        others = bios[(segment != name) & bios.notna()]
        assert not others.map(lambda b, own=own: any(p in b for p in own)).any()


def test_bios_follow_the_share_and_leave_the_rest_of_the_launch_unchanged() -> None:
    small = LaunchConfig(scale=0.2)
    with_bios = simulate_launch(small, seed=3)
    without = simulate_launch(replace(small, bio_share=0.0), seed=3)
    assert without.batch.actors["bio"].null_count == without.batch.actors.num_rows
    for name in ("items", "interactions", "metric_snapshots"):
        assert getattr(with_bios.batch, name).equals(getattr(without.batch, name))
    assert with_bios.batch.actors.drop(["bio"]).equals(without.batch.actors.drop(["bio"]))
