"""Representation index: point value, interval, ranking flags, activity rate."""

from __future__ import annotations

import numpy as np
import pytest

from sounding.analyse.representation import activity_rate, representation


def test_index_is_share_ratio_with_interval() -> None:
    r = representation(300, 1000, 50, 500)
    assert r.index == pytest.approx(100 * 0.3 / 0.1)
    assert r.low is not None and r.high is not None
    assert r.low < r.index < r.high
    assert r.p_over == pytest.approx(1.0)
    assert r.rankable


def test_small_segments_are_flagged_and_wide() -> None:
    small = representation(3, 1000, 2, 500)
    large = representation(300, 10_000, 200, 5_000)
    assert not small.rankable and large.rankable
    assert small.high is not None and small.low is not None
    assert large.high is not None and large.low is not None
    assert (small.high - small.low) / small.index > (large.high - large.low) / large.index


def test_unknown_side_gives_no_index() -> None:
    r = representation(10, 100, 0, 0)
    assert r.index is None and not r.rankable


def test_interval_covers_the_true_index() -> None:
    rng = np.random.default_rng(3)
    p_e, p_c, n_e, n_c = 0.12, 0.08, 800, 400
    truth = 100 * p_e / p_c
    hits = 0
    for i in range(300):
        r = representation(int(rng.binomial(n_e, p_e)), n_e, int(rng.binomial(n_c, p_c)), n_c,
                           seed=i, draws=2000)
        assert r.low is not None and r.high is not None
        hits += r.low <= truth <= r.high
    assert 0.91 <= hits / 300 <= 0.99


def test_activity_rate() -> None:
    a = activity_rate(120, 10, 4.0)
    assert a.rate == pytest.approx(3.0)
    assert a.low is not None and a.high is not None and a.low < 3.0 < a.high
    assert activity_rate(0, 0, 4.0).rate is None
