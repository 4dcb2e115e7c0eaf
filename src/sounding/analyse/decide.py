"""From a pooled posterior to decisions: credible intervals, P(best), expected loss, verdicts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sounding.analyse.pooling import GridPosterior

__all__ = [
    "MIN_REPLICATES",
    "MORE_POSTS_CAP",
    "Comparison",
    "compare",
    "evidence_gap",
    "intervals",
    "is_even",
    "more_posts_needed",
]

MIN_REPLICATES = 2  # posts a level needs before its own variation can be measured
MORE_POSTS_CAP = 10_000  # the most more_posts_needed says: a rough estimate past it means nothing


def _cdf(post: GridPosterior, x: np.ndarray) -> np.ndarray:
    from scipy.special import betainc, gammainc  # type: ignore[import-untyped]

    if post.family == "beta":
        c = betainc(post.shape, post.scale2, x[None, :])
    else:
        c = gammainc(post.shape, x[None, :] * post.scale2)
    return np.asarray(post.weights @ c)


def intervals(post: GridPosterior, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed credible interval per level, exact for the grid mixture (bisection)."""
    mean, sd = post.mean(), np.sqrt(post.var())
    top = 1.0 if post.family == "beta" else float(np.max(mean + 40 * sd + 1e-12))
    out = []
    for q in ((1 - level) / 2, (1 + level) / 2):
        lo, hi = np.zeros_like(mean), np.full_like(mean, top)
        for _ in range(40):
            mid = (lo + hi) / 2
            below = _cdf(post, mid) < q
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        out.append((lo + hi) / 2)
    return out[0], out[1]


@dataclass(frozen=True)
class Comparison:
    """Monte Carlo summaries of the joint posterior of a factor's levels."""

    p_best: np.ndarray  # per level; sums to 1
    expected_loss: np.ndarray  # per level; >= 0, in the metric's units
    leader: int
    runner_up: int
    p_beats: float  # P(leader better than runner-up)
    diff_mean: float  # leader minus runner-up (in the direction 'better')
    diff_low: float
    diff_high: float
    diff_sd: float


def compare(post: GridPosterior, rng: np.random.Generator, draws: int,
            higher_is_better: bool) -> Comparison:
    """P(best), expected loss of choosing each level, and the leader against the runner-up."""
    theta = post.draws(rng, draws)
    signed = theta if higher_is_better else -theta
    levels = theta.shape[1]
    # ties (draws that underflow to 0 when a level has no successes) are shared evenly
    top = signed == signed.max(axis=1, keepdims=True)
    p_best = (top / top.sum(axis=1, keepdims=True)).mean(axis=0)
    loss = (signed.max(axis=1, keepdims=True) - signed).mean(axis=0)
    order = np.lexsort((-signed.mean(axis=0), -p_best))
    leader = int(order[0])
    runner = int(order[1]) if levels > 1 else leader
    diff = signed[:, leader] - signed[:, runner]
    lo, hi = np.quantile(diff, [0.025, 0.975])
    return Comparison(p_best, loss, leader, runner, float((diff > 0).mean()),
                      float(diff.mean()), float(lo), float(hi), float(diff.std()))


def is_even(comp: Comparison, smallest_effect: float) -> bool:
    """Whether the levels are about even: the lead's 95% interval rules out a lead worth
    acting on (it lies within plus or minus ``smallest_effect``).

    A lead that is merely unproven is not even: while the interval still reaches a lead
    worth acting on, more posts could show one.
    """
    return (smallest_effect > 0 and comp.diff_high < smallest_effect
            and comp.diff_low > -smallest_effect)


def more_posts_needed(comp: Comparison, posts_now: int, smallest_effect: float,
                      z: float = 1.96) -> int:
    """Rough posts to add (spread over the levels) before the lead's interval settles it.

    0 when the levels are even (:func:`is_even`). Otherwise the interval must either clear
    zero (the lead is shown) or fall below ``smallest_effect`` (the levels are even):
    whichever is nearer to the lead's mean sets the half-width, so the lead's sd must fall
    to the larger gap / z. Standard errors shrink like 1/sqrt(posts). At least 1, at most
    ``MORE_POSTS_CAP`` (then read "more than", not "about": see ``more_posts_text``).
    """
    if is_even(comp, smallest_effect):
        return 0
    lead = abs(comp.diff_mean)
    gap = max(lead, smallest_effect - lead)
    if comp.diff_sd <= 0 or gap <= 0:
        return 0
    ratio = (comp.diff_sd * z / gap) ** 2
    return int(min(MORE_POSTS_CAP, max(1, math.ceil(max(posts_now, 1) * (ratio - 1)))))


def evidence_gap(posts: np.ndarray, comp: Comparison, confounded: Sequence[str]) -> str:
    """Why the design cannot name a winner (or call the levels even), whatever P(best)
    says; '' when it can.

    'confounded': the factor's levels went out with something else (the period, the
    account, another factor), so the posterior contrasts a mixture of both effects.
    'unreplicated': the leader or the runner-up rests on fewer than
    :data:`MIN_REPLICATES` posts, so nothing measures how much posts of one level vary, and
    the model's own noise (Poisson or binomial, far narrower than real posts) would pass
    for certainty.
    """
    if confounded:
        return "confounded"
    if min(posts[comp.leader], posts[comp.runner_up]) < MIN_REPLICATES:
        return "unreplicated"
    return ""
