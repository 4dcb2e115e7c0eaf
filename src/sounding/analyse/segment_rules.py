"""Segment rules: the conditions a ``segments.toml`` states, parsed and checked.

A rule is a set of conditions on fields (``lang = "fr"``, ``followers = {min = 1000}``,
``plan = ["loyalty-card", "weekly-subscription"]``, ``customer = true``,
``bio = {words = ["chef", "pâtissier"]}``); a bad value is refused with the segment and
the field it belongs to. Measuring the segments is :mod:`sounding.analyse.segments`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import numpy as np

from sounding.errors import BadValue

if TYPE_CHECKING:  # pandas is imported where used: every CLI command would pay it at start-up
    import pandas as pd

__all__ = ["Condition", "SegmentRule", "parse_rules", "toml_value"]

@dataclass(frozen=True, slots=True)
class Condition:
    """One test on one field: equal to one of ``values``, within [low, high], or a text
    holding one of ``words`` (as a word, in any case and with or without accents)."""

    field: str
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    words: tuple[str, ...] = ()

    def test(self, column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """(passes, known) for each row of a column; blank text is unknown."""
        import pandas as pd

        known = column.notna().to_numpy()
        if self.words:
            known = known & column.map(
                lambda v: not isinstance(v, str) or bool(v.strip())).to_numpy(dtype=bool)
            wanted = {_plain_word(w) for w in self.words}
            passes = column.map(lambda v: isinstance(v, str) and not wanted.isdisjoint(
                _plain_word(w) for w in _WORD.findall(v))).to_numpy(dtype=bool)
        elif self.values:
            wanted = {_norm(v) for v in self.values}
            passes = column.map(lambda v: _norm(v) in wanted).to_numpy(dtype=bool)
        else:
            number = pd.to_numeric(column, errors="coerce")
            passes = np.ones(len(column), dtype=bool)
            if self.low is not None:
                passes &= (number >= self.low).to_numpy(dtype=bool)
            if self.high is not None:
                passes &= (number <= self.high).to_numpy(dtype=bool)
        return passes & known, known


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def _plain_word(word: str) -> str:
    """Lower case without accents: "Pâtissier" and "patissier" are one word."""
    decomposed = unicodedata.normalize("NFKD", word.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return value


@dataclass(frozen=True, slots=True)
class SegmentRule:
    """A named segment: all of its conditions must hold."""

    name: str
    label: str
    conditions: tuple[Condition, ...]
    source: str = "rule"  # a person's; sounding's own: see analyse.segment_words


_SCALAR = (str, int, float, bool)
_RESERVED = re.compile(r"cluster_\d+|customers", re.IGNORECASE)  # the segments sounding names
_EXAMPLE = ('e.g. lang = "fr", plan = ["loyalty-card", "weekly"], customer = true, '
            'followers = { min = 1000 }, bio = { words = ["chef"] }')


def toml_value(value: Any) -> str:
    """A value as the TOML file wrote it, for a message: ``true``, ``"fr"``, ``nan``, the
    date 2026-01-01, a list inside a list, never Python's own spelling."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # 1.0, nan, inf
    if isinstance(value, datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, time):
        return f"the time {value.isoformat()}"
    return "a list" if isinstance(value, list) else "a table"


def _bad(name: str, fld: str, what: str, hint: str = _EXAMPLE) -> BadValue:
    return BadValue(f"segment '{name}', field '{fld}': {what}", key=("segment", name, fld),
                    hint=hint)


def _bound(name: str, fld: str, spec: Mapping[str, Any], key: str) -> float | None:
    value = spec.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                              or (not math.isfinite(value) and value == value)):
        raise _bad(name, fld, f"{key} takes a number, found {toml_value(value)}",
                   'e.g. followers = { min = 1000, max = 50000 }')
    if value is not None and value != value:  # nan: no count is above or below it
        raise _bad(name, fld, f"{key} takes a number, found nan, which nothing equals",
                   'e.g. followers = { min = 1000, max = 50000 }')
    return value


def _range(name: str, fld: str, spec: Mapping[str, Any]) -> Condition:
    unknown = set(spec) - {"min", "max"}
    if unknown or not spec:
        raise _bad(name, fld, "a range takes min and/or max; a text test takes words"
                   + (f" (found {', '.join(sorted(map(str, unknown)))})" if unknown else ""))
    low, high = _bound(name, fld, spec, "min"), _bound(name, fld, spec, "max")
    if low is not None and high is not None and low > high:
        raise _bad(name, fld, f"min {low:g} is above max {high:g}: the range is empty",
                   'e.g. followers = { min = 1000, max = 50000 }')
    return Condition(fld, low=low, high=high)


def _condition(name: str, fld: str, spec: Any) -> Condition:
    if isinstance(spec, Mapping) and set(spec) == {"words"}:
        words = spec["words"]
        words = [words] if isinstance(words, str) else words
        if not isinstance(words, list) or not words or not all(
                isinstance(w, str) and w.strip() for w in words):
            raise _bad(name, fld, "words takes a list of words",
                       'e.g. bio = { words = ["chef", "pâtissier"] }')
        return Condition(fld, words=tuple(words))
    if isinstance(spec, Mapping):
        return _range(name, fld, spec)
    values = list(spec) if isinstance(spec, list | tuple) else [spec]
    if not values:
        raise _bad(name, fld, "an empty list matches nobody")
    for value in values:
        if not isinstance(value, _SCALAR):
            inside = " inside a list" if isinstance(spec, list) and isinstance(
                value, list | dict) else ""
            raise _bad(name, fld, f"expected a text, a number, true or false (or a list of "
                       f"them), found {toml_value(value)}{inside}")
        if isinstance(value, float) and value != value:
            raise _bad(name, fld, "found nan, which nothing equals: the segment would be empty")
    return Condition(fld, values=tuple(values))


def parse_rules(doc: Mapping[str, Any]) -> list[SegmentRule]:
    """Rules from a parsed ``segments.toml``: one ``[segment.NAME]`` table per segment."""
    tables = doc.get("segment", {})
    if not isinstance(tables, Mapping) or not tables:
        raise BadValue("expected [segment.NAME] tables", key=("segment",),
                       hint='e.g. [segment.francophones]\nlang = "fr"')
    others = sorted(set(doc) - {"segment"})
    if others:
        raise BadValue(f"unknown table or key '{others[0]}': only [segment.NAME] tables "
                       "are read", key=(others[0],),
                       hint='e.g. [segment.francophones]\nlang = "fr"')
    rules = []
    for name, body in tables.items():
        if not name.strip():
            raise BadValue("a segment's name cannot be empty", key=("segment", name),
                           hint='e.g. [segment.francophones]\nlang = "fr"')
        if _RESERVED.fullmatch(name):
            raise BadValue(f"segment '{name}': the name is sounding's own (behavioural "
                           "clusters are cluster_1, cluster_2…, the customer base "
                           "customers): choose another", key=("segment", name),
                           hint=f'e.g. [segment.my_{name}]')
        if not isinstance(body, Mapping):
            raise BadValue(f"segment '{name}': expected a table of conditions",
                           key=("segment", name), hint=f'e.g. [segment.{name}]\nlang = "fr"')
        label = body.get("label", name)
        if not isinstance(label, str) or not label.strip():
            raise _bad(name, "label", f"expected a text, found {toml_value(label)}",
                       f'e.g. label = "{name}"')
        conditions = tuple(_condition(name, f, s) for f, s in body.items() if f != "label")
        if not conditions:
            raise BadValue(f"segment '{name}' has no condition", key=("segment", name),
                           hint=_EXAMPLE)
        rules.append(SegmentRule(name, label, conditions))
    return rules
