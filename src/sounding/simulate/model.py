"""The propensity model: segment x variant log-odds of engaging and of each reaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sounding.models import REACTIONS
from sounding.simulate.config import FACTORS, LaunchConfig

__all__ = ["Propensities", "level_rates", "parameters", "propensities"]

_KINDS = ("engage", "interest", "animosity")


@dataclass(frozen=True)
class Propensities:
    """Probabilities for every segment and every variant (format, topic, tone, slot).

    ``engage`` has shape (segments, formats, topics, tones, slots); ``reaction`` adds a
    last axis over REACTIONS (interest, animosity, neutral) that sums to one.
    """

    engage: np.ndarray
    reaction: np.ndarray

    def at(self, fmt: int, topic: int, tone: int, slot: int) -> tuple[np.ndarray, np.ndarray]:
        """Per segment: the engagement probability and the reaction probabilities."""
        return self.engage[:, fmt, topic, tone, slot], self.reaction[:, fmt, topic, tone, slot]


def _effects(config: LaunchConfig, kind: str) -> list[np.ndarray]:
    """Per factor, a (segments, levels) array of global plus segment log-odds shifts."""
    out = []
    for factor, levels in FACTORS.items():
        table = np.zeros((len(config.segments), len(levels)))
        for effect in config.effects:
            if effect.factor == factor:
                table[:, levels.index(effect.level)] += getattr(effect, kind)
        for s, segment in enumerate(config.segments):
            for effect in segment.effects:
                if effect.factor == factor:
                    table[s, levels.index(effect.level)] += getattr(effect, kind)
        out.append(table)
    return out


def _logits(config: LaunchConfig, kind: str) -> np.ndarray:
    base = np.array([getattr(s, f"{kind}_base") for s in config.segments])
    fmt, topic, tone, slot = _effects(config, kind)
    logits: np.ndarray = (
        base[:, None, None, None, None]
        + fmt[:, :, None, None, None]
        + topic[:, None, :, None, None]
        + tone[:, None, None, :, None]
        + slot[:, None, None, None, :]
    )
    return logits


def propensities(config: LaunchConfig) -> Propensities:
    """Engagement is a logistic model; reactions a multinomial logit with neutral at zero."""
    engage = 1.0 / (1.0 + np.exp(-_logits(config, "engage")))
    stacked = np.stack(
        [_logits(config, "interest"), _logits(config, "animosity")], axis=-1
    )
    stacked = np.concatenate([stacked, np.zeros((*stacked.shape[:-1], 1))], axis=-1)
    weights = np.exp(stacked - stacked.max(axis=-1, keepdims=True))
    return Propensities(engage, weights / weights.sum(axis=-1, keepdims=True))


def parameters(config: LaunchConfig) -> dict[str, Any]:
    """The log-odds of every segment: base and total shift of each factor level."""
    tables = {kind: _effects(config, kind) for kind in _KINDS}
    out: dict[str, Any] = {}
    for s, segment in enumerate(config.segments):
        out[segment.name] = {
            kind: {
                "base": float(getattr(segment, f"{kind}_base")),
                **{
                    factor: {
                        level: round(float(tables[kind][f][s, i]), 6)
                        for i, level in enumerate(levels)
                    }
                    for f, (factor, levels) in enumerate(FACTORS.items())
                },
            }
            for kind in _KINDS
        }
    return out


def level_rates(
    config: LaunchConfig, prop: Propensities, weights: np.ndarray
) -> dict[str, dict[str, dict[str, float]]]:
    """Per factor level, the true engagement rate and the reaction shares.

    Averaged over segments (``weights``, summing to one) and uniformly over the other
    factors' levels. ``engagement`` is the chance an exposed member engages; ``interest``,
    ``animosity`` and ``neutral`` are the shares of written reactions (replies, quotes,
    mentions), so segments that engage and write more weigh more in them.
    """
    talk = np.array([s.talk for s in config.segments])
    writes = weights[:, None, None, None, None] * prop.engage * talk[:, None, None, None, None]
    out: dict[str, dict[str, dict[str, float]]] = {}
    for f, (factor, levels) in enumerate(FACTORS.items()):
        axes = tuple(a for a in range(4) if a != f)  # the other factors, segments summed
        engaged = (weights[:, None, None, None, None] * prop.engage).sum(axis=0).mean(axis=axes)
        written = writes.sum(axis=0).sum(axis=axes)
        shares = (writes[..., None] * prop.reaction).sum(axis=0).sum(axis=axes)
        out[factor] = {
            level: {
                "engagement": round(float(engaged[i]), 6),
                **{
                    r: round(float(shares[i, j] / written[i]), 6)
                    for j, r in enumerate(REACTIONS)
                },
            }
            for i, level in enumerate(levels)
        }
    return out
