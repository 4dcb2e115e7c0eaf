"""Best represented means an index credibly above 100: segments whose interval holds 100
are on par, those below it under-represented, and the customer base is ranked nowhere."""

from __future__ import annotations

import pandas as pd

from sounding.analyse.segment_rules import Condition, SegmentRule
from sounding.analyse.segments import measure_segments, rankings
from sounding.cli.audience import ranking_lines


def test_rankings_split_by_where_the_interval_lies() -> None:
    actors = pd.DataFrame({"lang": ["x"] * 600 + ["y"] * 200 + ["z"] * 200,
                           "engagements": 1, "interest": 1, "animosity": 0, "neutral": 0})
    customers = pd.DataFrame({"lang": ["x"] * 300 + ["y"] * 200 + ["z"] * 500})
    rules = [SegmentRule(v, v, (Condition("lang", (v,)),)) for v in ("z", "y", "x")]
    ranks = rankings(measure_segments(rules, actors, customers, weeks=1.0))
    assert (ranks["best_represented"], ranks["on_par"], ranks["under_represented"]) == (
        ["x"], ["y"], ["z"])
    assert ranking_lines(ranks)[:3] == ["best represented: x", "on par (interval holds 100): y",
                                        "under-represented (interval below 100): z"]


def test_with_no_segment_above_100_none_is_called_best_represented() -> None:
    ranks = {"best_represented": [], "on_par": ["a"], "under_represented": ["b"],
             "most_active": ["a", "b"], "too_small": []}
    assert ranking_lines(ranks)[0] == "best represented: none: no interval lies above 100"
