"""When a verdict calls levels even, when it asks for more posts, and which way its sign goes."""

from __future__ import annotations

import numpy as np

from sounding.analyse.decide import Comparison, is_even, more_posts_needed
from sounding.analyse.variants import LearnSettings, PostOutcomes, analyse_variants
from sounding.analyse.verdict_texts import METRICS


def _lead(mean: float, low: float, high: float) -> Comparison:
    """A two-level comparison whose lead (leader minus runner-up) has this 95% interval."""
    return Comparison(np.array([0.89, 0.11]), np.array([0.0, mean]), 0, 1, 0.89, mean, low,
                      high, (high - low) / (2 * 1.96))


def test_an_interval_that_still_reaches_a_worthwhile_lead_asks_for_more_posts() -> None:
    """The demo's tone, +3.3 pts [-1.8, 8.9], was called even with a worthwhile lead of
    about 6 pts: a lead of 8.9 is not ruled out, so more posts could still show one."""
    tone = _lead(3.3, -1.8, 8.9)
    for worthwhile in (5.0, 6.0):
        assert not is_even(tone, worthwhile)
        assert more_posts_needed(tone, 60, worthwhile) > 0


def test_an_interval_entirely_below_a_worthwhile_lead_is_even() -> None:
    alike = _lead(0.4, -2.1, 2.9)
    assert is_even(alike, 5.0)
    assert more_posts_needed(alike, 60, 5.0) == 0


def test_the_posts_asked_for_shrink_as_the_interval_narrows() -> None:
    wide, narrow = _lead(3.3, -1.8, 8.9), _lead(3.3, 0.1, 6.5)
    assert more_posts_needed(wide, 60, 6.0) > more_posts_needed(narrow, 60, 6.0) >= 1


def _animosity_outcomes(posts: int = 120) -> PostOutcomes:
    """Level 'calm' draws far less animosity than 'edgy'; interest is alike."""
    rng = np.random.default_rng(2)
    level = np.array(["calm", "edgy"])[np.arange(posts) % 2]
    labelled = rng.poisson(10, posts)
    angry = rng.binomial(labelled, np.where(level == "calm", 0.1, 0.4))
    return PostOutcomes({"tone": level}, np.full(posts, 500.0),
                        rng.poisson(40, posts).astype(float), (labelled - angry).astype(float),
                        angry.astype(float), np.zeros(posts), labelled.astype(float),
                        np.arange(posts, dtype=float))


def test_lower_is_better_shows_the_leaders_minus_the_runner_ups() -> None:
    """Less animosity reads as a negative difference, interval included."""
    settings = LearnSettings(metric="animosity", draws=2000)
    verdict = analyse_variants(_animosity_outcomes(), settings).factor("tone").verdict
    assert verdict.decided and verdict.leader == "calm"
    assert verdict.low < verdict.diff < verdict.high < 0
    assert -35 < verdict.diff < -20  # about 10% - 40%, in points
    assert verdict.text.startswith("tone: calm beats (lower) edgy on animosity: P = 1.00, -")


def _mixed_outcomes(posts: int = 60) -> PostOutcomes:
    """'calm' doubles engagement and is answered; of the 'edgy' posts, one only is answered
    (so reactions say nothing of edgy, while engagement and silence do)."""
    rng = np.random.default_rng(4)
    level = np.array(["calm", "edgy"])[np.arange(posts) % 2]
    engagements = rng.poisson(np.where(level == "calm", 80, 40)).astype(float)
    labelled = np.where(level == "calm", rng.poisson(10, posts), 0)
    labelled[1] = 10  # the one answered edgy post
    interest = rng.binomial(labelled, 0.5)
    return PostOutcomes({"tone": level}, np.full(posts, 500.0), engagements,
                        interest.astype(float), (labelled - interest).astype(float),
                        np.zeros(posts), labelled.astype(float),
                        np.arange(posts, dtype=float))


def test_each_metric_gets_its_own_verdict_from_the_same_posts() -> None:
    """The verdict on interest (the metric asked for) stays the shown one; the verdicts on
    the other metrics rest on their own data: engagement and silence name calm, while
    interest and animosity have one answered edgy post, too few to tell."""
    tone = analyse_variants(_mixed_outcomes(), LearnSettings(metric="interest",
                                                             draws=2000)).factor("tone")
    assert set(tone.verdicts) == set(METRICS)
    assert tone.verdict == tone.verdicts["interest"]
    for metric, verdict in tone.verdicts.items():
        assert verdict.metric == metric and verdict.text.startswith("tone: ")
        assert f" on {metric}" in verdict.text
    for metric in ("engagement", "ignored"):
        assert tone.verdicts[metric].decided and tone.verdicts[metric].leader == "calm"
    for metric in ("interest", "animosity"):
        shown = tone.verdicts[metric]
        assert not shown.decided and shown.reason == "unreplicated"
        assert shown.about == ("edgy",)


def test_a_confounded_factor_has_no_verdict_on_any_metric() -> None:
    settings = LearnSettings(metric="interest", draws=2000)
    tone = analyse_variants(_mixed_outcomes(), settings,
                            confounded={"tone": ("(period)",)}).factor("tone")
    for verdict in tone.verdicts.values():
        assert not verdict.decided and verdict.reason == "confounded"
        assert verdict.about == ("(period)",)


def test_levels_without_animosity_are_even_not_short_of_ten_thousand_posts() -> None:
    """With no hostile reply at all, the lead worth acting on was 10% of a share near 0:
    an interval of +/-0.3 pts asked for "more than 10,000 more posts" forever."""
    posts = 40
    level = np.array(["photo", "video"])[np.arange(posts) % 2]
    labelled = np.full(posts, 20.0)
    outcomes = PostOutcomes({"format": level}, np.full(posts, 500.0), np.full(posts, 30.0),
                            labelled / 2, np.zeros(posts), labelled / 2, labelled,
                            np.arange(posts, dtype=float))
    verdict = analyse_variants(outcomes, LearnSettings(metric="animosity", draws=2000)
                               ).factor("format").verdict
    assert not verdict.decided and verdict.more_posts == 0
    assert "rules out a lead worth acting on" in verdict.text
    assert verdict.low > -1.0 and verdict.high < 1.0


def test_a_lead_that_rounds_to_nothing_has_no_minus_sign() -> None:
    from sounding.models import number_text

    assert number_text(-0.04, 1, "en", signed=True) == "+0.0"
    assert number_text(-0.04, 1, "fr") == "0,0"
    assert number_text(-0.06, 1, "en", signed=True) == "-0.1"
    assert number_text(-1234.56, 1, "fr") == "-1\u202f234,6"


def test_posts_without_an_exposure_are_said_to_lack_it_on_engagement() -> None:
    """Four fun posts, none with followers or impressions known: the verdict said "fewer
    than 2 posts", beside a design table that showed four."""
    posts = 8
    level = np.array(["dry", "fun"])[np.arange(posts) % 2]
    exposure = np.where(level == "dry", 500.0, 0.0)
    outcomes = PostOutcomes({"tone": level}, exposure, np.full(posts, 10.0),
                            np.ones(posts), np.ones(posts), np.zeros(posts),
                            np.full(posts, 2.0), np.arange(posts, dtype=float))
    verdict = analyse_variants(outcomes, LearnSettings(metric="interest", draws=500)
                               ).factor("tone").verdicts["engagement"]
    assert verdict.reason == "unreplicated"
    assert "posts counted (with followers or impressions known) for fun" in verdict.text
