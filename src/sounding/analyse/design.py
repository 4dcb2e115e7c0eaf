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

__all__ = ["DesignCheck", "PairCheck", "check_design", "cramers_v", "issue_text"]

_ISSUES = {
    "en": {"few_posts": "{first}={level}: only {count} post{s} (fewer than {limit})",
           "confounded": "{first} and {second} are confounded (Cramér's V = {value}): their "
                         "effects can't be told apart",
           "untried": "{first} x {second}: {count} of {limit} combinations never tried"},
    "fr": {"few_posts": "{first}={level} : seulement {count} publication{s} (moins de {limit})",
           "confounded": "{first} et {second} sont confondus (V de Cramér = {value}) : leurs "
                         "effets ne se distinguent pas",
           "untried": "{first} x {second} : {count} combinaisons sur {limit} jamais essayées"},
}


# Time and the account are checked as factors under these names, said in words.
_CHECKED_AS_FACTORS = {"en": {"(period)": "the period", "(account)": "the account"},
                       "fr": {"(period)": "la période", "(account)": "le compte"}}


def issue_text(issue: Mapping[str, Any], lang: str = "en") -> str:
    """One design issue (a dict with ``kind`` and its figures) as a line in ``lang``."""
    value = f"{float(issue.get('value', 0.0)):.2f}"
    if lang == "fr":
        value = value.replace(".", ",")
    said = _CHECKED_AS_FACTORS.get(lang, _CHECKED_AS_FACTORS["en"])
    named = {k: said.get(str(issue[k]), issue[k]) for k in ("first", "second") if k in issue}
    plural = "" if issue.get("count") == 1 else "s"
    return _ISSUES.get(lang, _ISSUES["en"])[issue["kind"]].format(
        **{"second": "", "level": "", "count": 0, "limit": 0, **issue, **named,
           "value": value, "s": plural})


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
    issues: tuple[dict[str, Any], ...]  # kind and figures, to be said in any language

    @property
    def warnings(self) -> tuple[str, ...]:
        """The issues in English."""
        return tuple(issue_text(i) for i in self.issues)

    def confounded_with(self, factor: str) -> tuple[str, ...]:
        """What ``factor``'s levels are confounded with (other factors, the period, the
        account): their effects can't be told apart from its own."""
        pairs = [(i["first"], i["second"]) for i in self.issues if i["kind"] == "confounded"]
        return tuple(sorted({b if a == factor else a for a, b in pairs if factor in (a, b)}))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "warnings": list(self.warnings)}


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


def _pair_issues(pair: PairCheck, max_v: float) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if pair.cramers_v >= max_v:
        out.append({"kind": "confounded", "first": pair.first, "second": pair.second,
                    "value": pair.cramers_v})
    if pair.empty_cells and not pair.first.startswith("(") and not pair.second.startswith("("):
        out.append({"kind": "untried", "first": pair.first, "second": pair.second,
                    "count": pair.empty_cells, "limit": pair.cells})
    return out


def check_design(levels: Mapping[str, np.ndarray], *, context: Mapping[str, np.ndarray]
                 | None = None, min_posts: int = 5, max_v: float = 0.5) -> DesignCheck:
    """Check the variants' design; ``context`` adds non-factors such as '(period)'."""
    tags = {f: np.asarray(v).astype(str) for f, v in sorted(levels.items())}
    counts = {f: {str(k): int(c) for k, c in zip(*np.unique(v[v != ""], return_counts=True),
                                                   strict=True)} for f, v in tags.items()}
    issues = [{"kind": "few_posts", "first": f, "level": lvl, "count": c, "limit": min_posts}
              for f, per in counts.items() for lvl, c in per.items() if c < min_posts]
    everything = {**tags, **{k: np.asarray(v).astype(str) for k, v in (context or {}).items()}}
    pairs = []
    for fa, fb in combinations(everything, 2):
        if fa not in tags and fb not in tags:
            continue
        pair = _pair(fa, everything[fa], fb, everything[fb])
        if pair is not None:
            pairs.append(pair)
            issues.extend(_pair_issues(pair, max_v))
    return DesignCheck(counts, tuple(pairs), tuple(issues))
