"""The planner's joint fit on engagement as evidence rows: the figures its target rests on."""

from __future__ import annotations

import math
from typing import Any

from sounding.report.i18n_report import Fmt
from sounding.report.targets import best_odds, gain_odds, joint_fit

__all__ = ["joint_rows"]

_Z = 1.959964  # a 95% interval of a normal


def joint_rows(fmt: Fmt, data: dict[str, Any]) -> list[dict[str, str]]:
    """Per factor and level of the joint fit on the log engagement rate: posts, effect with
    its 95% interval (the jackknife's covariance), the probability of being the factor's
    best level and of beating its posts-weighted average (none without a joint fit)."""
    joint = joint_fit(data)
    if not joint:
        return []
    best, above = best_odds(joint), gain_odds(joint)
    rows = []
    for factor, fit in joint.items():
        for i, level in enumerate(fit["levels"]):
            mean, sd = float(fit["mean"][i]), math.sqrt(max(float(fit["cov"][i][i]), 0.0))
            rows.append({"factor": factor, "level": str(level),
                         "posts": fmt.count(fit["posts"][i]),
                         "effect": fmt.num(mean, 2, signed=True),
                         "effect_ci": fmt.interval(fmt.num(mean - _Z * sd, 2, signed=True),
                                                   fmt.num(mean + _Z * sd, 2, signed=True)),
                         "p_best": fmt.prob(best[factor][i]),
                         "p_above": fmt.prob(above[factor][str(level)])})
    return rows
