"""Thompson sampling over each factor's levels, behind an animosity guardrail.

For every proposed post and every factor, one draw is taken from each admissible level's
posterior of the objective and the largest wins, so levels are tried in proportion to
the probability that they are best. A level is admissible when the posterior probability
that its animosity share exceeds the cap is at most ``max_risk`` (5%). Factors are
treated as additive: a variant is admissible when each of its levels is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import betainc  # type: ignore[import-untyped]

__all__ = ["FactorArms", "Proposal", "default_cap", "exceed_risk", "propose"]


@dataclass(frozen=True, eq=False)
class FactorArms:
    """One factor's levels with their posteriors, as plain arrays (one entry per level).

    The objective is Beta(reward_a, reward_b) when ``family`` is 'beta' (a share) or
    Gamma(shape=reward_a, rate=reward_b) when 'gamma' (a rate per exposure); the animosity
    share is Beta(risk_a, risk_b).
    """

    factor: str
    levels: tuple[str, ...]
    reward_a: np.ndarray
    reward_b: np.ndarray
    risk_a: np.ndarray
    risk_b: np.ndarray
    family: str = "beta"


@dataclass(frozen=True)
class Proposal:
    """One proposed post: its variant and how safe each chosen level is."""

    variant: dict[str, str]
    risk: dict[str, float]  # P(animosity share > cap) of each chosen level
    safe: bool
    notes: tuple[str, ...] = field(default_factory=tuple)


def default_cap(baseline_share: float, multiple: float = 1.5) -> float:
    """The animosity cap from the brand's own baseline share of animosity."""
    return float(min(1.0, max(baseline_share, 0.0) * multiple))


def exceed_risk(arms: FactorArms, cap: float) -> np.ndarray:
    """Posterior probability that each level's animosity share is above ``cap``."""
    return np.asarray(1.0 - betainc(arms.risk_a, arms.risk_b, cap), dtype=np.float64)


def _draw(arms: FactorArms, rng: np.random.Generator, allowed: np.ndarray) -> int:
    if arms.family == "beta":
        theta = rng.beta(arms.reward_a, arms.reward_b)
    else:
        theta = rng.gamma(arms.reward_a, 1.0 / arms.reward_b)
    return int(np.argmax(np.where(allowed, theta, -np.inf)))


def _pick(arms: FactorArms, risk: np.ndarray, max_risk: float,
          rng: np.random.Generator) -> tuple[int, str | None]:
    allowed = risk <= max_risk
    if allowed.any():
        return _draw(arms, rng, allowed), None
    least = int(np.argmin(risk))
    return least, (f"{arms.factor}: no level is safe enough; chose the least risky, "
                   f"{arms.levels[least]} (P(animosity > cap) = {risk[least]:.2f})")


def propose(arms: Sequence[FactorArms], posts: int, rng: np.random.Generator, *,
            cap: float, max_risk: float = 0.05) -> tuple[Proposal, ...]:
    """The next ``posts`` variants by Thompson sampling within the guardrail."""
    risks = [exceed_risk(a, cap) for a in arms]
    out = []
    for _ in range(posts):
        variant: dict[str, str] = {}
        risk: dict[str, float] = {}
        notes: list[str] = []
        for a, r in zip(arms, risks, strict=True):
            i, note = _pick(a, r, max_risk, rng)
            variant[a.factor], risk[a.factor] = a.levels[i], round(float(r[i]), 4)
            if note:
                notes.append(note)
        out.append(Proposal(variant, risk, not notes, tuple(notes)))
    return tuple(out)
