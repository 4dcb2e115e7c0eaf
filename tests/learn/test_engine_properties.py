"""Invariants of the test-and-learn engine, checked on random inputs (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sounding.analyse.decide import compare, intervals
from sounding.analyse.design import cramers_v
from sounding.analyse.pooling import beta_pool, gamma_pool
from sounding.plan import FactorArms, exceed_risk, propose

counts = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=2, max_size=5)


def _arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    y = np.array([a for a, _ in pairs], dtype=float)
    n = y + np.array([b for _, b in pairs], dtype=float)
    return y, n


@settings(max_examples=60, deadline=None)
@given(counts, st.booleans())
@example(pairs=[(0, 1), (1, 4), (3, 1)], higher=False)
def test_p_best_sums_to_one_and_loss_is_never_negative(pairs: list[tuple[int, int]],
                                                        higher: bool) -> None:
    y, n = _arrays(pairs)
    comp = compare(beta_pool(y, n), np.random.default_rng(0), 2000, higher)
    assert abs(comp.p_best.sum() - 1.0) < 1e-9
    assert (comp.expected_loss >= 0).all()
    # With a linear loss the level of highest mean has the smallest expected loss. The
    # level most likely best need not: with skewed posteriors, (0/1, 1/5, 3/4) and lower
    # better, P(best) picks level 0 while level 1's expected loss is 0.02 smaller.
    theta = beta_pool(y, n).draws(np.random.default_rng(0), 2000)
    best_mean = int(np.argmax((theta if higher else -theta).mean(axis=0)))
    assert np.isclose(comp.expected_loss[best_mean], comp.expected_loss.min())


@settings(max_examples=60, deadline=None)
@given(counts)
def test_intervals_hold_the_mean_and_stay_in_range(pairs: list[tuple[int, int]]) -> None:
    y, n = _arrays(pairs)
    post = beta_pool(y, n)
    low, high = intervals(post)
    mean = post.mean()
    assert ((low >= 0) & (low <= mean) & (mean <= high) & (high <= 1)).all()


@settings(max_examples=60, deadline=None)
@given(counts, st.sampled_from([32, 64]))
@example(pairs=[(0, 0), (0, 1), (1, 0)], k=32)  # a level with no data of its own
@example(pairs=[(29, 35), (34, 50), (36, 59), (31, 43), (0, 5)], k=32)
def test_more_data_never_widens_an_interval(pairs: list[tuple[int, int]], k: int) -> None:
    """Much more of the same data narrows every level's interval.

    Not for every increase: the pooling strength is re-estimated, and a little more data
    can show that one level really differs from the rest, so it is shrunk less and its
    interval may widen (up to +52% when 0 of 5 sits among levels near 50%, tripled), or
    stay as wide even at 16 times the data (1 of 2 among 1 of 27 and 1 of 45: the pooled
    prior that held it weakens as fast as its own data grows). A level with no data of
    its own keeps the pooled prior. All are how partial pooling should behave; what must
    hold is that enough data (32 times; 3,000 examples checked) always narrows."""
    y, n = _arrays(pairs)
    low1, high1 = intervals(beta_pool(y, n))
    lowk, highk = intervals(beta_pool(k * y, k * n))
    seen = n > 0
    assert ((highk - lowk) < (high1 - low1))[seen].all()


@settings(max_examples=60, deadline=None)
@given(counts)
def test_swapping_levels_swaps_the_results(pairs: list[tuple[int, int]]) -> None:
    y, n = _arrays(pairs)
    order = np.arange(len(y))[::-1]
    a, b = beta_pool(y, n), beta_pool(y[order], n[order])
    np.testing.assert_allclose(a.mean()[order], b.mean(), rtol=1e-9)
    np.testing.assert_allclose(intervals(a)[0][order], intervals(b)[0], atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 200), st.integers(1, 400), st.integers(2, 5))
def test_identical_levels_get_identical_posteriors_and_even_odds(y: int, extra: int,
                                                                 levels: int) -> None:
    post = beta_pool(np.full(levels, float(y)), np.full(levels, float(y + extra)))
    assert np.ptp(post.mean()) < 1e-12
    comp = compare(post, np.random.default_rng(1), 4000, True)
    assert np.abs(comp.p_best - 1 / levels).max() < 0.06


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.floats(10, 5000)), min_size=2, max_size=5))
def test_gamma_pool_shrinks_toward_the_pooled_rate(rows: list[tuple[int, float]]) -> None:
    y = np.array([r[0] for r in rows], dtype=float)
    e = np.array([r[1] for r in rows])
    post = gamma_pool(y, e)
    raw, pooled, mean = y / e, post.prior_mean, post.mean()
    # each posterior mean lies between the raw rate and the pooled rate (with its smoothing)
    lo, hi = np.minimum(raw, pooled), np.maximum(raw, pooled)
    assert ((mean >= lo - 1e-9 - 1 / e) & (mean <= hi + 1e-9 + 1 / e)).all()


def test_cramers_v_spots_confounding() -> None:
    assert cramers_v(np.array([[10.0, 0.0], [0.0, 10.0]])) == 1.0
    assert cramers_v(np.array([[5.0, 5.0], [5.0, 5.0]])) == 0.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 80), st.integers(1, 80)), min_size=2, max_size=4),
       st.floats(0.05, 0.6))
def test_the_planner_never_proposes_a_level_beyond_the_guardrail(
        risk: list[tuple[int, int]], cap: float) -> None:
    ra = np.array([a for a, _ in risk], dtype=float)
    rb = np.array([b for _, b in risk], dtype=float)
    arms = FactorArms("f", tuple(f"l{i}" for i in range(len(ra))), np.ones(len(ra)),
                      np.ones(len(ra)), ra, rb)
    p_exceed = exceed_risk(arms, cap)
    proposals = propose([arms], 20, np.random.default_rng(0), cap=cap)
    least = propose([arms], 20, np.random.default_rng(0), cap=cap, fallback="least-risk")
    for p, q in zip(proposals, least, strict=True):
        chosen = arms.levels.index(p.variant["f"])
        if (p_exceed <= 0.05).any():
            assert p.safe and p_exceed[chosen] <= 0.05
            assert q.safe and p_exceed[arms.levels.index(q.variant["f"])] <= 0.05
        else:
            # nothing admissible: always flagged, with a note; 'least-risk' takes the least,
            # and among equally risky levels one of lowest mean animosity
            assert not p.safe and p.notes
            taken = arms.levels.index(q.variant["f"])
            tied = np.flatnonzero(p_exceed <= p_exceed.min() + 1e-9)
            mean = ra / (ra + rb)
            assert not q.safe and taken in tied and mean[taken] <= mean[tied].min() + 1e-9
