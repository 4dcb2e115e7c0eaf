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
    assert text.code == 0 and "1 draft queued" in text.out
    bad = cli("plan", "--posts", "1", "--account", "x:nobody")
    assert bad.code != 0 and "no account" in bad.err
    for posts in ("0", "100000"):  # 100,000 ran for minutes and queued drafts into 2029
        bad = cli("plan", "--posts", posts)
        assert bad.code == 1 and f"--posts must be from 1 to 200, not {posts}" in bad.err
    bad = cli("learn", "--metric", "bogus")
    assert bad.code == 1 and "unknown metric 'bogus'" in bad.err
    assert "hint: --metric is one of animosity, engagement, ignored, interest" in bad.err


def test_a_post_queued_at_the_calendars_end_does_not_stop_the_plan(
        db: Path, store_launch: Callable[[Path, int], Store]) -> None:
    """A post scheduled for 9999-12-31 (before such times were refused) made the plan's
    next day overflow: the test-and-learn page, the report and `plan` failed."""
    from datetime import UTC, datetime

    from sounding.store.connector_store import queue_add
    from sounding.workflows.learn import plan

    with store_launch(db, 4) as store:
        account = "bluesky:briochebramble.bsky.social"
        queue_add(store, account, "far", variant={}, images=[], status="scheduled",
                  scheduled_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
        now = datetime(2026, 12, 7, tzinfo=UTC)
        drafts = plan(store, posts=2, account=account, write=False, now=now).drafts
    assert [d["scheduled_at"][:10] for d in drafts] == ["2026-12-08", "2026-12-09"]


def test_a_post_queued_months_ahead_takes_its_own_day_only(
        db: Path, store_launch: Callable[[Path, int], Store]) -> None:
    """A post for next year's Black Friday put the whole plan after it."""
    from datetime import UTC, datetime

    from sounding.store.connector_store import queue_add
    from sounding.workflows.learn import plan

    with store_launch(db, 4) as store:
        account = "bluesky:briochebramble.bsky.social"
        for when in (datetime(2027, 11, 26, 9, tzinfo=UTC), datetime(2026, 12, 9, 9, tzinfo=UTC)):
            queue_add(store, account, "Black Friday", variant={}, images=[],
                      status="scheduled", scheduled_at=when)
        now = datetime(2026, 12, 7, tzinfo=UTC)
        drafts = plan(store, posts=3, account=account, write=False, now=now).drafts
    assert [d["scheduled_at"][:10] for d in drafts] == ["2026-12-08", "2026-12-10",
                                                        "2026-12-11"]
