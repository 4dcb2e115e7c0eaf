"""Verdicts on few or confounded posts: never a confident winner the design cannot support,
never a direction reversed by a time trend that the data cannot tell from the levels."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from sounding.analyse.rates import TREND_SD, trend_posterior
from sounding.analyse.variants import LearnSettings, PostOutcomes, analyse_variants
from sounding.analyse.verdict_texts import note_text, verdict_text
from sounding.store import Store
from sounding.store.learn_reads import learn_posts
from sounding.workflows.accounts import add_account
from sounding.workflows.ingest import import_items
from sounding.workflows.learn import learn, plan


def _outcomes(levels: list[str], engagements: list[float], exposure: list[float],
              days: list[float], **factors: list[str]) -> PostOutcomes:
    n = len(levels)
    zeros = np.zeros(n)
    tags = {"format": np.array(levels), **{k: np.array(v) for k, v in factors.items()}}
    return PostOutcomes(tags, np.array(exposure, dtype=float),
                        np.array(engagements, dtype=float), zeros, zeros, zeros, zeros,
                        np.array(days, dtype=float))


def test_one_photo_and_one_video_post_get_no_verdict_and_keep_their_order() -> None:
    """The reviewer's Meta export: photo 141 / 4,388 impressions (3.2%), video 49 / 2,210
    (2.2%) a week later. The trend used to take the whole difference (-100% per 30 days)
    and name video the winner with P = 1.00."""
    data = _outcomes(["photo", "video"], [141, 49], [4388, 2210], [0, 7])
    analysis = analyse_variants(data, LearnSettings(metric="engagement"), "impressions")
    verdict = analysis.factor("format").verdict
    assert not verdict.decided and verdict.reason == "unreplicated"
    assert verdict.leader == "photo" and verdict.diff > 0  # the raw figures' order
    assert set(verdict.about) == {"photo", "video"}
    assert verdict.text.startswith("format: not enough evidence yet on engagement: fewer "
                                   "than 2 posts counted (with followers or impressions "
                                   "known) for ")
    assert abs(analysis.trend_per_30_days) < 0.05  # the prior's centre: nothing to learn it


def test_a_trend_is_learnt_only_from_posts_of_one_level_at_different_times() -> None:
    """Each level once: the likelihood is flat and the slope keeps its prior. Two posts
    per level a month apart, both halving: the slope is learnt."""
    flat = trend_posterior(np.array([141.0, 49.0]), np.array([4388.0, 2210.0]),
                           np.array([0.0, 7.0]), np.array([0, 1]), 2)
    prior_sd = TREND_SD / 30
    assert abs(flat.mean) < 0.05 * prior_sd
    spread = np.sqrt(flat.weights @ (flat.slopes - flat.mean) ** 2)
    assert 0.8 * prior_sd < spread < 1.2 * prior_sd
    halving = trend_posterior(np.array([400.0, 200.0, 300.0, 150.0]), np.full(4, 5000.0),
                              np.array([0.0, 30.0, 1.0, 31.0]), np.array([0, 0, 1, 1]), 2)
    assert -np.log(2) / 30 * 1.3 < halving.mean < -np.log(2) / 30 * 0.7


def test_a_well_identified_difference_still_gets_its_verdict_despite_a_trend() -> None:
    """Photo and video alternate for 40 posts while every rate grows by half: photo's
    double rate is named, and the trend is found."""
    rng = np.random.default_rng(1)
    days = np.arange(40, dtype=float) * 2
    levels = ["photo" if i % 2 == 0 else "video" for i in range(40)]
    rate = np.where(np.array(levels) == "photo", 0.04, 0.02) * 1.5 ** (days / days.max())
    exposure = np.full(40, 3000.0)
    data = _outcomes(levels, list(rng.poisson(rate * exposure)), list(exposure), list(days))
    analysis = analyse_variants(data, LearnSettings(metric="engagement"))
    verdict = analysis.factor("format").verdict
    assert verdict.decided and verdict.leader == "photo" and verdict.reason == ""
    assert 0.1 < analysis.trend_per_30_days < 0.4  # 1.5 ** (30 / 78) - 1 = 0.17


def test_a_factor_confounded_with_another_gets_no_verdict() -> None:
    """Every video was humorous, every photo informative: no P(best) can say which of the
    two made the difference."""
    levels = ["photo", "video"] * 10
    tones = ["info", "humour"] * 10
    data = _outcomes(levels, [150, 60] * 10, [3000] * 20, list(range(20)), tone=tones)
    settings = LearnSettings(metric="engagement")
    free = analyse_variants(data, settings).factor("format").verdict
    assert free.decided and free.leader == "photo"
    tied = analyse_variants(data, settings, confounded={"format": ("tone",),
                                                        "tone": ("format",)})
    for factor, other in (("format", "tone"), ("tone", "format")):
        verdict = tied.factor(factor).verdict
        assert not verdict.decided and verdict.reason == "confounded"
        assert verdict.about == (other,) and verdict.more_posts >= 1
        assert f"its levels are confounded with {other}" in verdict.text
    french = verdict_text(tied.factor("format").verdict.__dict__, "fr")
    assert "ses niveaux sont confondus avec tone" in french


def _items(path: Path, rows: Sequence[tuple[str, str, int, int | None]]) -> Path:
    """One post every other day per row: (id, format, likes, impressions or None)."""
    lines = ["id,network,author,text,created_at,likes,impressions,variant"]
    for day, (post, level, likes, seen) in enumerate(rows):
        lines.append(f"{post},bluesky,brand.bsky.social,post {post},2026-05-{1 + 2 * day:02d}"
                     f"T18:00:00Z,{likes},{'' if seen is None else seen},format={level}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _workspace(tmp_path: Path, rows: Sequence[tuple[str, str, int, int | None]],
               db: Path | None = None) -> Store:
    store = Store.open(db or tmp_path / "w.duckdb")
    add_account(store, "bluesky", "brand.bsky.social")
    import_items(store, _items(tmp_path / "items.csv", rows))
    return store


def test_two_imported_posts_get_no_verdict_confounded_with_the_period(tmp_path: Path) -> None:
    """The reviewer's items file: photo 5%, video 2% four days later ('leader video')."""
    with _workspace(tmp_path, [("p0", "photo", 150, 3000), ("p1", "video", 60, 3000)]) as store:
        result = learn(store, metric="engagement")
    verdict = result.analysis.factor("format").verdict
    assert not verdict.decided and verdict.reason == "confounded"
    assert verdict.about == ("(period)",) and verdict.leader == "photo"
    assert verdict.text.startswith("format: not enough evidence on engagement: its levels "
                                   "are confounded with the period")


def test_alternating_imported_posts_name_the_better_format(tmp_path: Path) -> None:
    rows = [(f"p{i}", ("photo", "video")[i % 2], (150, 60)[i % 2], 3000) for i in range(8)]
    with _workspace(tmp_path, rows) as store:
        verdict = learn(store, metric="engagement").analysis.factor("format").verdict
    assert verdict.decided and verdict.leader == "photo"
    assert verdict.text.startswith("format: photo beats video on engagement: P = 1.00")


def test_impressions_known_for_some_posts_give_a_rate_on_those(tmp_path: Path) -> None:
    """Impressions for 2 of 16 posts and no follower count: the rate per impression rests
    on those two, and a note says so, instead of 'no impressions are known'."""
    rows = [(f"p{i}", ("photo", "video")[i % 2], 20 + i, 2000 if i < 2 else None)
            for i in range(16)]
    with _workspace(tmp_path, rows) as store:
        result = learn(store, metric="engagement")
        planned = plan(store, posts=1, cap=0.5, write=False)
    assert result.analysis.exposure_kind == "impressions"
    note = ("the engagement rate per impression rests on 2 of 16 posts: the others have no "
            "impression count (or fewer than 10)")
    assert note in result.analysis.notes
    assert not any("no follower count or impressions" in n for n in result.analysis.notes)
    assert note_text(note, "fr").startswith("le taux d'engagement par impression repose sur "
                                            "2 des 16 publications")
    levels = result.analysis.factor("format").metric("engagement").levels
    assert [lv.n for lv in levels] == [1.0, 1.0]  # one measured post per level
    assert planned.objective == "engagement" and planned.notes == []


def test_learn_cli_notes_the_posts_a_rate_rests_on(tmp_path: Path, db: Path,  # type: ignore[no-untyped-def]
                                                  cli) -> None:
    rows = [(f"p{i}", ("photo", "video")[i % 2], 20 + i, 2000 if i < 2 else None)
            for i in range(16)]
    _workspace(tmp_path, rows, db).close()
    shown = cli("learn", "--metric", "engagement")
    assert shown.code == 0, shown.err
    assert "note: the engagement rate per impression rests on 2 of 16 posts" in shown.out
    assert "observational: posts were not randomised" not in shown.out  # said in the header


def test_posts_without_counters_are_measured_by_their_stored_replies(tmp_path: Path) -> None:
    """An export without like or reply counters: each post's engagements are the replies
    the workspace holds (as in the KPIs), not 0 for every post."""
    lines = ["id,network,author,text,created_at,impressions,parent_id,variant"]
    for day, (post, level, replies) in enumerate([("p0", "photo", 3), ("p1", "video", 1),
                                                  ("p2", "photo", 4), ("p3", "video", 0)]):
        lines.append(f"{post},bluesky,brand.bsky.social,post,2026-05-{1 + 2 * day:02d}"
                     f"T18:00:00Z,1000,,format={level}")
        lines += [f"{post}r{i},bluesky,fan{i},merci,2026-05-{1 + 2 * day:02d}T19:00:00Z,,"
                  f"{post}," for i in range(replies)]
    (tmp_path / "items.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as store:
        add_account(store, "bluesky", "brand.bsky.social")
        import_items(store, tmp_path / "items.csv")
        posts = learn_posts(store, datetime(2026, 1, 1, tzinfo=UTC),
                            datetime(2027, 1, 1, tzinfo=UTC), timedelta(hours=72))
    assert dict(zip(posts["item_id"].to_pylist(), posts["engagements"].to_pylist(),
                    strict=True)) == {"bluesky:p0": 3, "bluesky:p1": 1, "bluesky:p2": 4,
                                      "bluesky:p3": 0}


def test_posts_whose_window_is_not_over_are_left_out_of_the_ignored_share() -> None:
    """Video's last three posts went out minutes ago: nobody could answer them yet."""
    levels = ["photo"] * 4 + ["video"] * 6
    written = np.array([1, 0, 1, 1, 2, 1, 1, 0, 0, 0], dtype=float)
    matured = np.array([True] * 7 + [False] * 3)
    tags = {"format": np.array(levels)}
    ones = np.ones(len(levels))
    data = PostOutcomes(tags, 500 * ones, 10 * ones, ones, 0 * ones, 0 * ones, written,
                        np.arange(len(levels), dtype=float), matured)
    ignored = analyse_variants(data, LearnSettings(metric="ignored"), "followers"
                               ).factor("format").metric("ignored")
    by_level = {lv.level: lv for lv in ignored.levels}
    assert (by_level["video"].posts, by_level["video"].n) == (6, 3)  # rests on 3 of 6
    assert (by_level["photo"].posts, by_level["photo"].n) == (4, 4)
    assert by_level["video"].mean < by_level["photo"].mean  # none of its 3 was ignored


def test_a_factor_of_one_level_is_said_to_have_nothing_to_compare() -> None:
    """Every post was a photo: the verdict said "no level stands out", as if photo had
    been compared with something and found even."""
    data = _outcomes(["photo"] * 6, [40, 52, 38, 61, 45, 50], [1000] * 6, [0, 3, 7, 10, 14, 17])
    for lang, said in (("en", "format: only photo was tried, so nothing to compare it with "
                              "on engagement: try another level"),
                       ("fr", "format : seul le niveau photo a été essayé, rien à quoi le "
                              "comparer sur le taux d'interaction ; essayez un autre niveau")):
        verdict = analyse_variants(data, LearnSettings(metric="engagement"),
                                   "impressions").factor("format").verdict
        assert not verdict.decided and verdict.reason == "one_level"
        assert verdict.more_posts == 0
        assert verdict_text(dataclasses.asdict(verdict), lang) == said


def test_posts_without_labelled_reactions_are_said_to_lack_them() -> None:
    """Ten posts of each format, none with a labelled reply: "fewer than 2 posts for photo
    and video" read as if the brand had posted twice."""
    levels = ["photo", "video"] * 10
    data = _outcomes(levels, [50.0] * 20, [1000.0] * 20, [float(d) for d in range(20)])
    factor = analyse_variants(data, LearnSettings(metric="interest"),
                              "impressions").factor("format")
    assert factor.verdicts["interest"].reason == "unreplicated"
    assert "fewer than 2 posts with labelled reactions for " in (
        factor.verdicts["interest"].text)
    assert "moins de 2 publications avec des réactions étiquetées pour" in verdict_text(
        dataclasses.asdict(factor.verdicts["animosity"]), "fr")
    assert "fewer than" not in factor.verdicts["engagement"].text  # 10 posts each have data
