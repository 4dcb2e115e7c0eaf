"""When a verdict calls levels even, when it asks for more posts, and which way its sign goes."""

from __future__ import annotations

import numpy as np

from sounding.analyse.decide import Comparison, is_even, more_posts_needed
from sounding.analyse.variants import METRICS, LearnSettings, PostOutcomes, analyse_variants


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
