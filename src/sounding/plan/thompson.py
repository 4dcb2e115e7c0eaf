"""Thompson sampling over each factor's levels, behind an animosity guardrail.

For every proposed post and every factor, one draw is taken from each admissible level's
posterior of the objective and the largest wins, so levels are tried in proportion to
the probability that they are best. A level is admissible when the posterior probability
that its animosity share exceeds the cap is at most ``max_risk`` (5%). Factors are
treated as additive: a variant is admissible when each of its levels is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "FactorArms",
    "Proposal",
    "caution_text",
    "default_cap",
    "exceed_risk",
    "propose",
    "rotation_baseline",
    "sample_reward",
]


@dataclass(frozen=True, eq=False)
class FactorArms:
    """One factor's levels with their posteriors, as plain arrays (one entry per level).

    The objective is Beta(reward_a, reward_b) when ``family`` is 'beta' (a share),
    Gamma(shape=reward_a, rate=reward_b) when 'gamma' (a rate per exposure), or normal
    with mean reward_a and sd reward_b when 'normal' (a level's effect on a log rate;
    ``reward_cov``, when given, is the levels' joint covariance and replaces the sds).
    The animosity share is Beta(risk_a, risk_b).
    """

    factor: str
    levels: tuple[str, ...]
    reward_a: np.ndarray
    reward_b: np.ndarray
    risk_a: np.ndarray
    risk_b: np.ndarray
    family: str = "beta"
    reward_cov: np.ndarray | None = None


# Why a level was chosen though none is safe enough, in each language a page speaks.
_CAUTIONS = {
    "en": {"trying": "{factor}: no level is safe enough yet; trying {level} (P(animosity > "
                     "cap) = {risk}, a draw of its share was within the cap)",
           "least_risky": "{factor}: no level is safe enough; chose the least risky, {level} "
                          "(P(animosity > cap) = {risk})",
           "equally_risky": "{factor}: no level is safe enough; {level} drawn on the objective "
                            "among levels equally risky (P(animosity > cap) = {risk})"},
    "fr": {"trying": "{factor} : aucun niveau n'est encore assez sûr ; essai de {level} "
                     "(P(animosité > plafond) = {risk}, un tirage de sa part est resté sous "
                     "le plafond)",
           "least_risky": "{factor} : aucun niveau n'est assez sûr ; choix du moins risqué, "
                          "{level} (P(animosité > plafond) = {risk})",
           "equally_risky": "{factor} : aucun niveau n'est assez sûr ; {level} tiré sur "
                            "l'objectif parmi des niveaux aussi risqués (P(animosité > "
                            "plafond) = {risk})"},
}


def caution_text(caution: Mapping[str, Any], lang: str = "en") -> str:
    """A caution (``kind``, ``factor``, ``level``, ``risk``) as one line in ``lang``."""
    risk = f"{float(caution['risk']):.2f}"
    words = _CAUTIONS.get(lang, _CAUTIONS["en"])[str(caution["kind"])]
    return words.format(factor=caution["factor"], level=caution["level"],
                        risk=risk.replace(".", ",") if lang == "fr" else risk)


@dataclass(frozen=True)
class Proposal:
    """One proposed post: its variant and how safe each chosen level is; ``cautions`` say,
    per factor with no safe level, which one was chosen and why (see :func:`caution_text`)."""

    variant: dict[str, str]
    risk: dict[str, float]  # P(animosity share > cap) of each chosen level
    safe: bool
    cautions: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def notes(self) -> tuple[str, ...]:
        """The cautions in English."""
        return tuple(caution_text(c) for c in self.cautions)


CAP_MARGIN = 0.05  # the default cap sits at least this far above the baseline


def default_cap(baseline_share: float, multiple: float = 1.5,
                margin: float = CAP_MARGIN) -> float:
    """The animosity cap from the brand's own baseline share of animosity: ``multiple``
    times it, and at least ``margin`` above it. Without the margin, a brand that draws
    almost no animosity got a cap near 0 that no level could ever be shown to keep under,
    so every draft stayed unsafe however much was measured."""
    baseline = max(baseline_share, 0.0)
    return float(min(1.0, max(baseline * multiple, baseline + margin)))


def exceed_risk(arms: FactorArms, cap: float) -> np.ndarray:
    """Posterior probability that each level's animosity share is above ``cap``."""
    from scipy.special import betainc  # type: ignore[import-untyped]

    return np.asarray(1.0 - betainc(arms.risk_a, arms.risk_b, cap), dtype=np.float64)


def _draw(arms: FactorArms, rng: np.random.Generator, allowed: np.ndarray) -> int:
    return int(np.argmax(np.where(allowed, sample_reward(arms, rng), -np.inf)))


def sample_reward(arms: FactorArms, rng: np.random.Generator) -> np.ndarray:
    """One joint draw of every level's objective from its posterior."""
    if arms.family == "beta":
        return np.asarray(rng.beta(arms.reward_a, arms.reward_b), dtype=np.float64)
    if arms.family == "gamma":
        return np.asarray(rng.gamma(arms.reward_a, 1.0 / arms.reward_b), dtype=np.float64)
    if arms.family != "normal":
        raise ValueError(f"unknown family {arms.family!r}; beta, gamma or normal")
    if arms.reward_cov is None:
        return np.asarray(rng.normal(arms.reward_a, arms.reward_b), dtype=np.float64)
    # Cholesky of the (symmetric, positive semi-definite) covariance, jittered for safety
    cov = (arms.reward_cov + arms.reward_cov.T) / 2
    chol = np.linalg.cholesky(cov + 1e-12 * np.eye(len(cov)))
    return np.asarray(arms.reward_a + chol @ rng.standard_normal(len(cov)), dtype=np.float64)


def _least_risky(arms: FactorArms, risk: np.ndarray, rng: np.random.Generator
                 ) -> tuple[str, int]:
    """The level with the lowest risk; ties broken by the lowest posterior mean animosity
    share (far above the cap every level's risk is 1.0, and the first-listed level would
    otherwise win whatever its animosity), then by a draw of the objective: levels alike
    in risk were chosen in the order of their names."""
    mean = arms.risk_a / (arms.risk_a + arms.risk_b)
    lowest = risk <= risk.min() + 1e-9
    tied = lowest & (mean <= mean[lowest].min() + 1e-9)
    if tied.sum() > 1:
        return "equally_risky", _draw(arms, rng, tied)
    return "least_risky", int(np.flatnonzero(tied)[0])


def _pick(arms: FactorArms, risk: np.ndarray, cap: float, max_risk: float,
          rng: np.random.Generator, fallback: str) -> tuple[int, dict[str, Any] | None]:
    allowed = risk <= max_risk
    if allowed.any():
        return _draw(arms, rng, allowed), None
    kind, i = _least_risky(arms, risk, rng)
    if fallback == "thompson":
        # constrained Thompson sampling: a level may be tried when a draw of its animosity
        # share is within the cap, so uncertain levels still get the data that can clear them
        feasible = rng.beta(arms.risk_a, arms.risk_b) <= cap
        if feasible.any():
            kind, i = "trying", _draw(arms, rng, feasible)
    return i, {"kind": kind, "factor": arms.factor, "level": arms.levels[i],
               "risk": round(float(risk[i]), 4)}


def rotation_baseline(arms: Sequence[FactorArms]) -> float:
    """The animosity share expected under uniform rotation of the levels.

    The average over factors of the mean of the levels' posterior means. Unlike the share of
    the posts made so far it does not follow the planner's own choices, so a planner that
    has been posting a hostile level does not raise its own cap.
    """
    if not arms:
        return 0.0
    means = [float(np.mean(a.risk_a / (a.risk_a + a.risk_b))) for a in arms]
    return float(np.mean(means))


def propose(arms: Sequence[FactorArms], posts: int, rng: np.random.Generator, *,
            cap: float, max_risk: float = 0.05,
            fallback: str = "thompson") -> tuple[Proposal, ...]:
    """The next ``posts`` variants by Thompson sampling within the guardrail.

    Per factor, the level is drawn among the admissible ones (P(animosity > cap) at most
    ``max_risk``). When a factor has none, the proposal is marked unsafe and the level is
    drawn among those whose sampled animosity share is within the cap (``fallback=
    'thompson'``), or is the least risky (``'least-risk'``, and when no draw is within).
    """
    if fallback not in ("thompson", "least-risk"):
        raise ValueError(f"unknown fallback {fallback!r}; thompson or least-risk")
    risks = [exceed_risk(a, cap) for a in arms]
    out = []
    for _ in range(posts):
        variant: dict[str, str] = {}
        risk: dict[str, float] = {}
        cautions: list[dict[str, Any]] = []
        for a, r in zip(arms, risks, strict=True):
            i, caution = _pick(a, r, cap, max_risk, rng, fallback)
            variant[a.factor], risk[a.factor] = a.levels[i], round(float(r[i]), 4)
            if caution:
                cautions.append(caution)
        out.append(Proposal(variant, risk, not cautions, tuple(cautions)))
    return tuple(out)
