"""The learn and plan commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sounding.store import Store


@pytest.fixture
def registered(db: Path, store_launch: Callable[[Path, int], Store]) -> None:
    store_launch(db, 4).close()


def test_learn_and_plan_commands(registered: None, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("learn")
    assert result.code == 0, result.err
    assert "format: video beats" in result.out
    data = json.loads(cli("learn", "--json").out)
    assert {v.split(":")[0] for v in data["verdicts"]} == {"format", "slot", "tone", "topic"}
    planned = cli("plan", "--posts", "2", "--json")
    assert planned.code == 0, planned.err
    assert len(json.loads(planned.out)["drafts"]) == 4
    text = cli("plan", "--posts", "1", "--account", "bluesky:briochebramble.bsky.social")
    assert text.code == 0 and "1 drafts queued" in text.out
    bad = cli("plan", "--posts", "1", "--account", "x:nobody")
    assert bad.code != 0 and "no account" in bad.err
    for posts in ("0", "100000"):  # 100,000 ran for minutes and queued drafts into 2029
        bad = cli("plan", "--posts", posts)
        assert bad.code == 1 and f"--posts must be from 1 to 200, not {posts}" in bad.err
    bad = cli("learn", "--metric", "bogus")
    assert bad.code == 1 and "unknown metric 'bogus'" in bad.err
    assert "hint: --metric is one of animosity, engagement, ignored, interest" in bad.err
