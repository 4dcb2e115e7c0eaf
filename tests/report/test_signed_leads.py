"""A lead reads with its sign in the report and the strategy, as `sounding learn` prints it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sounding.analyse.verdict_texts import verdict_text
from sounding.report.documents import strategy_text
from sounding.report.evidence import build_evidence


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_leads_are_signed_as_learn_prints_them(data: dict[str, Any], lang: str) -> None:
    strategy = strategy_text(data, lang)
    ev = build_evidence(data, lang)
    for factor, row in zip(data["learn"]["analysis"]["factors"], ev["factors"], strict=True):
        learned = re.search(r"P = [\d,.]+, ([+-][\d,.]+) ", verdict_text(factor["verdict"], lang))
        assert learned, verdict_text(factor["verdict"], lang)
        lead = f", {learned.group(1)} pts "
        assert lead in row["verdict"], (lead, row["verdict"])
        assert lead in strategy
