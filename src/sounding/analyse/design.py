"""Design check of organic trials: levels with too few posts and factors confounded together.

When every video goes out in the evening, no analysis can tell the video effect from the
evening effect. Association between two factors is measured by Cramér's V on their
contingency table (0: independent, 1: one determines the other); combinations never tried
are counted too. Time (thirds of the period) and the account are checked as factors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import numpy as np

__all__ = ["DesignCheck", "PairCheck", "check_design", "cramers_v"]


@dataclass(frozen=True)
class PairCheck:
    """How two factors were crossed in the posts both tag."""

    first: str
    second: str
    cramers_v: float
    empty_cells: int
    cells: int


@dataclass(frozen=True)
class DesignCheck:
    """Posts per level, pairwise associations, and the warnings they raise."""

    posts_per_level: dict[str, dict[str, int]]
    pairs: tuple[PairCheck, ...]
    warnings: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _table(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ua, ia = np.unique(a, return_inverse=True)
    ub, ib = np.unique(b, return_inverse=True)
    table = np.zeros((len(ua), len(ub)))
    np.add.at(table, (ia, ib), 1.0)
    return table


def cramers_v(table: np.ndarray) -> float:
    """Cramér's V of a contingency table (0 when a margin has a single category)."""
    n = table.sum()
    k = min(table.shape) - 1
    if n == 0 or k == 0:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    ok = expected > 0
    chi2 = float((((table - expected) ** 2)[ok] / expected[ok]).sum())
    return float(np.sqrt(min(1.0, chi2 / (n * k))))


def _pair(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> PairCheck | None:
    both = (a != "") & (b != "")
    if both.sum() < 2:
        return None
    table = _table(a[both], b[both])
    return PairCheck(name_a, name_b, round(cramers_v(table), 4), int((table == 0).sum()),
                     int(table.size))


def _pair_warnings(pair: PairCheck, max_v: float) -> list[str]:
    out = []
    if pair.cramers_v >= max_v:
        out.append(f"{pair.first} and {pair.second} are confounded (Cramér's V = "
                   f"{pair.cramers_v:.2f}): their effects can't be told apart")
    if pair.empty_cells and not pair.first.startswith("(") and not pair.second.startswith("("):
        out.append(f"{pair.first} x {pair.second}: {pair.empty_cells} of {pair.cells} "
                   "combinations never tried")
    return out


def check_design(levels: Mapping[str, np.ndarray], *, context: Mapping[str, np.ndarray]
                 | None = None, min_posts: int = 5, max_v: float = 0.5) -> DesignCheck:
    """Check the variants' design; ``context`` adds non-factors such as '(period)'."""
    tags = {f: np.asarray(v).astype(str) for f, v in sorted(levels.items())}
    counts = {f: {str(k): int(c) for k, c in zip(*np.unique(v[v != ""], return_counts=True),
                                                   strict=True)} for f, v in tags.items()}
    warnings = [f"{f}={lvl}: only {c} posts (fewer than {min_posts})"
                for f, per in counts.items() for lvl, c in per.items() if c < min_posts]
    everything = {**tags, **{k: np.asarray(v).astype(str) for k, v in (context or {}).items()}}
    pairs = []
    for fa, fb in combinations(everything, 2):
        if fa not in tags and fb not in tags:
            continue
        pair = _pair(fa, everything[fa], fb, everything[fb])
        if pair is not None:
            pairs.append(pair)
            warnings.extend(_pair_warnings(pair, max_v))
    return DesignCheck(counts, tuple(pairs), tuple(warnings))
