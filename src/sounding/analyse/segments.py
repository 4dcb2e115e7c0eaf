"""Segments' figures: rules (see :mod:`sounding.analyse.segment_rules`) and behavioural
clusters measured on both sides of the representation index.

Every field of a rule is looked up on both sides: among engaged actors (their own fields,
plus the CRM fields of those matched to a customer) and among customers (their CRM fields,
plus the fields of the actors they were matched to: one on each network counts in each
network's segment). A member whose field is unknown is left out of that side's
denominator, so a rule on a CRM field is measured among matched actors only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from sounding.analyse.representation import (
    MIN_COUNT,
    Activity,
    Representation,
    activity_rate,
    representation,
)
from sounding.analyse.segment_rules import SegmentRule
from sounding.analyse.segment_words import CUSTOMER_BASE, cluster_description
from sounding.models import REACTIONS

if TYPE_CHECKING:  # pandas is imported where used: every CLI command would pay it at start-up
    import pandas as pd

__all__ = [
    "ACTOR_FIELDS",
    "STANDINGS",
    "SegmentFigures",
    "behaviour_features",
    "by_standing",
    "evaluate",
    "frames",
    "measure_segments",
    "rankings",
    "uncompared",
]

LANG_WEIGHT = 2.0
# the rankings by representation index, by where each index's 95% interval lies
STANDINGS = ("best_represented", "on_par", "under_represented")
ACTOR_FIELDS = ("lang", "network", "followers", "bio", "activity", "engagements",
                "customer", "cluster")



ACCOUNTS = "accounts_matched"  # a customer's actors, when it has several (else 1)


def evaluate(rule: SegmentRule, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(member, known) per row: known when every field the rule reads is known. A customer
    matched to several actors (``ACCOUNTS``, their fields as aligned tuples) is a member
    when one of its accounts meets the whole rule, not each condition on another one."""
    if ACCOUNTS in frame and (frame[ACCOUNTS] > 1).any():
        return _per_account(rule, frame)
    return _evaluate(rule, frame)


def _per_account(rule: SegmentRule, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    counts = frame[ACCOUNTS].fillna(1).to_numpy(dtype=np.int64)
    owner = np.repeat(np.arange(len(frame)), counts)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = frame.iloc[owner].reset_index(drop=True)
    several = counts > 1
    for column in rows.columns:
        if any(isinstance(v, tuple) for v in frame[column].to_numpy(dtype=object)[several]):
            rows[column] = [v[p] if isinstance(v, tuple) else v
                            for v, p in zip(rows[column].to_numpy(dtype=object), position,
                                            strict=True)]
    member, known = _evaluate(rule, rows)
    return (np.bincount(owner, weights=member, minlength=len(frame)) > 0,
            np.bincount(owner, weights=known, minlength=len(frame)) > 0)


def _evaluate(rule: SegmentRule, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    member = np.ones(len(frame), dtype=bool)
    known = np.ones(len(frame), dtype=bool)
    for cond in rule.conditions:
        column = frame[cond.field] if cond.field in frame else pd.Series([None] * len(frame))
        passes, has = cond.test(column.reset_index(drop=True))
        member &= passes
        known &= has
    return member & known, known


@dataclass(frozen=True)
class SegmentFigures:
    """What sounding says about one segment."""

    name: str
    label: str
    source: str
    size: int
    share: float
    activity: Activity
    reaction_mix: dict[str, float | None]
    representation: Representation
    about: dict[str, Any] = field(default_factory=dict)  # a cluster's traits
    # whether its index compares it with the customer base: not for a rule on `customer`
    # itself (the known customers, or the engaged who are not customers)
    compared: bool = True

    @property
    def description(self) -> str:
        """The cluster's traits in one English line ("" for a rule)."""
        return cluster_description(self.about) if self.about else ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "source": self.source,
                "size": self.size, "share": self.share, "activity": self.activity.as_dict(),
                "reaction_mix": self.reaction_mix,
                "representation": self.representation.as_dict(),
                "description": self.description, "about": self.about,
                "compared": self.compared}


def uncompared(segment: Mapping[str, Any]) -> str | None:
    """Why a segment (as its dict) has no index against the customer base, as a message
    key: ``customer_base`` (every customer is in it, so its index is the share of engaged
    actors who are known customers, not a representation) or
    ``reads_customer`` (a rule on `customer` picks customers or not); None when it has."""
    if segment.get("compared", True):
        return None
    return "customer_base" if segment.get("source") == CUSTOMER_BASE else "reads_customer"


def _reaction_mix(actors: pd.DataFrame) -> dict[str, float | None]:
    counts = {r: float(actors[r].sum()) if r in actors else 0.0 for r in REACTIONS}
    total = sum(counts.values())
    return {r: (c / total if total else None) for r, c in counts.items()}


def measure_segments(rules: Sequence[SegmentRule], actors: pd.DataFrame,
                     customers: pd.DataFrame, weeks: float, *, seed: int = 0,
                     about: Mapping[str, dict[str, Any]] | None = None
                     ) -> list[SegmentFigures]:
    """Size, activity, reaction mix and representation index of each segment.

    ``actors`` holds one row per engaged actor with ``engagements`` and the reaction
    counts; ``customers`` one row per customer. ``weeks`` is the observation span.
    """
    out = []
    for i, rule in enumerate(rules):
        a_member, a_known = evaluate(rule, actors)
        c_member, c_known = evaluate(rule, customers)
        members = actors[a_member]
        rep = representation(int(a_member.sum()), int(a_known.sum()), int(c_member.sum()),
                             int(c_known.sum()), seed=seed + i)
        if rep.index is None:  # no customer in it: an interval would bound no index
            rep = replace(rep, low=None, high=None, p_over=None)
        out.append(SegmentFigures(
            rule.name, rule.label, rule.source, len(members),
            len(members) / len(actors) if len(actors) else 0.0,
            activity_rate(int(members["engagements"].sum()), len(members), weeks),
            _reaction_mix(members), rep, dict((about or {}).get(rule.name, {})),
            not any(c.field == "customer" for c in rule.conditions),
        ))
    return out


def _standing(rep: Representation) -> str:
    """Where a ranked index stands against 100 (as expected), by its 95% interval: only a
    segment whose whole interval lies above 100 is shown to be better represented."""
    if rep.low is not None and rep.low > 100.0:
        return "best_represented"
    return "under_represented" if rep.high is not None and rep.high < 100.0 else "on_par"


def by_standing(ranks: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Each ranked segment's standing (``STANDINGS``), in the rankings' order: best
    represented first, each standing by index."""
    return {n: key for key in STANDINGS for n in ranks.get(key, ())}


def rankings(figures: Sequence[SegmentFigures], *, min_count: int = MIN_COUNT
             ) -> dict[str, list[str]]:
    """Segments by representation index, highest first, split by where its interval lies
    (above 100: best represented; holding 100: on par; below: under-represented), and by
    activity; those too small are listed apart. The customer base itself is never ranked
    as represented: every customer is in it, so its index only says what share of the
    engaged actors are known customers (× 100); nor is any
    rule on `customer` (``compared`` false)."""
    index_ok = sorted((f for f in figures if f.representation.rankable and f.compared),
                      key=lambda f: -(f.representation.index or 0.0))
    active_ok = [f for f in figures if f.size >= min_count and f.activity.rate is not None]
    return {
        **{key: [f.name for f in index_ok if _standing(f.representation) == key]
           for key in STANDINGS},
        "most_active": [f.name for f in sorted(active_ok, key=lambda f: -(f.activity.rate or 0))],
        "too_small": [f.name for f in figures if not f.representation.rankable],
    }


def behaviour_features(actors: pd.DataFrame, levels: pd.DataFrame, weeks: float
                       ) -> tuple[np.ndarray, list[str]]:
    """Standardised behaviour per actor: activity, reaction mix, tastes, language, audience.

    ``levels`` has (actor_id, factor, level, n): engagements with posts of each variant
    level. Reaction shares are shrunk toward the overall mix (two pseudo-reactions), so
    an actor who wrote once is not placed at a corner.
    """
    cols: dict[str, np.ndarray] = {}
    cols["activity"] = np.log1p(actors["engagements"].to_numpy(float) / max(weeks, 1e-9))
    cols["writes"] = (actors["written"].to_numpy(float) + 0.5) / (
        actors["engagements"].to_numpy(float) + 1.0)
    labelled = actors[list(REACTIONS)].to_numpy(float)
    overall = (labelled.sum(axis=0) + 1.0) / (labelled.sum() + len(REACTIONS))
    mix = (labelled + 2.0 * overall) / (labelled.sum(axis=1, keepdims=True) + 2.0)
    for j, r in enumerate(REACTIONS):
        cols[f"reaction_{r}"] = mix[:, j]
    cols.update(_taste_columns(actors["actor_id"], levels))
    languages = sorted(actors["lang"].dropna().unique())
    for value in languages:
        cols[f"lang_{value}"] = (actors["lang"] == value).to_numpy(float)
    cols["followers"] = np.log1p(actors["followers"].fillna(0).to_numpy(float))
    matrix = np.column_stack(list(cols.values()))
    spread = matrix.std(axis=0)
    matrix = (matrix - matrix.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    # Language is what people write in, the strongest behavioural trait measured here.
    weight = np.array([LANG_WEIGHT if n.startswith("lang_") else 1.0 for n in cols])
    return matrix * weight, list(cols)


def _taste_columns(actor_ids: pd.Series, levels: pd.DataFrame) -> dict[str, np.ndarray]:
    if levels.empty:
        return {}
    wide = levels.pivot_table(index="actor_id", columns=["factor", "level"], values="n",
                              aggfunc="sum", fill_value=0)
    wide = wide.reindex(actor_ids).fillna(0.0)
    out = {}
    for factor in wide.columns.get_level_values(0).unique():
        block = wide[factor].to_numpy(float)
        prior = (block.sum(axis=0) + 1.0) / (block.sum() + block.shape[1])
        shares = (block + 2.0 * prior) / (block.sum(axis=1, keepdims=True) + 2.0)
        for j, level in enumerate(wide[factor].columns):
            out[f"{factor}={level}"] = shares[:, j]
    return out


def _attributes(customers: pd.DataFrame) -> pd.DataFrame:
    """customer_key + attributes (JSON text) → one column per CRM attribute."""

    import pandas as pd

    rows = [json.loads(a) if a else {} for a in customers["attributes"]]
    table = pd.DataFrame(rows, index=customers["customer_key"].to_numpy())
    return table.reindex(customers["customer_key"].to_numpy())


def frames(profiles: pd.DataFrame, actors: pd.DataFrame, customers: pd.DataFrame,
           actor_customer: Mapping[str, str], weeks: float,
           extra: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The engaged-actor and customer tables that segment rules are evaluated on.

    ``profiles``: engaged actors (actor_profiles); ``actors``: every actor
    (actor_id, network, handle, lang, followers, bio); ``customers``: customer_key and
    attributes; ``extra``: more actor fields indexed by actor_id (a cluster, a label).
    """
    crm = _attributes(customers)
    engaged = profiles.set_index("actor_id", drop=False)
    engaged["activity"] = engaged["engagements"] / max(weeks, 1e-9)
    engaged["customer"] = engaged.index.isin(list(actor_customer))
    if extra is not None:
        engaged = engaged.join(extra, how="left")
    keys = engaged.index.map(lambda a: actor_customer.get(a))
    known_crm = crm.reindex(keys)
    for column in known_crm.columns.difference(engaged.columns):
        engaged[column] = known_crm[column].to_numpy()
    everyone = actors.set_index("actor_id", drop=False)
    everyone["engagements"], everyone["activity"] = 0, 0.0
    for column in ("engagements", "activity", "lang"):
        if column in engaged:
            everyone.loc[engaged.index, column] = engaged[column]
    if extra is not None:
        everyone = everyone.join(extra, how="left")
    people = crm.copy()
    people["customer"] = True
    linked, accounts = _linked_fields(everyone, actor_customer, crm.index)
    for column, values in linked.items():
        if column not in people.columns:
            people[column] = values
    people[ACCOUNTS] = accounts
    return engaged.reset_index(drop=True), people.reset_index(drop=True)


def _linked_fields(everyone: pd.DataFrame, actor_customer: Mapping[str, str],
                   keys: pd.Index) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Each actor field for each customer: its actor's value, or, for a customer matched
    to several actors (on Bluesky and on Mastodon), the tuple of their values in one order
    for every field (see :func:`evaluate`); and how many actors each customer has."""
    import pandas as pd

    by_customer: dict[str, list[str]] = {}
    for a, c in sorted(actor_customer.items()):
        by_customer.setdefault(c, []).append(a)
    linked = everyone.reindex([by_customer.get(k, [None])[0] for k in keys])
    several = [(i, by_customer[k]) for i, k in enumerate(keys) if len(by_customer.get(k, ())) > 1]
    counts = np.ones(len(keys), dtype=np.int64)
    for i, accounts in several:
        counts[i] = len(accounts)
    out = {}
    for column in linked.columns:
        values = linked[column].to_numpy(dtype=object)
        for i, accounts in several:
            values[i] = tuple(None if pd.isna(v) else v
                              for v in everyone.loc[accounts, column].tolist())
        out[str(column)] = values
    return out, counts
