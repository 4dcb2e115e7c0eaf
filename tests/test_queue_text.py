"""What a queued text must be: written (not the planner's placeholder) before it is queued,
approved or sent; within its network's limit when it is queued or edited, by one check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conftest import RecordingNetwork
from sounding.errors import PostUnwritten, TextTooLong
from sounding.store import Store
from sounding.workflows import publish, queue_view
from sounding.workflows.accounts import add_account
from sounding.workflows.queue import add_to_queue, list_queue
from sounding.workflows.queue_text import PLACEHOLDER, placeholder

BLUESKY = "bluesky:brand"
MASTODON = "mastodon:brand@example.social"


@pytest.fixture
def accounts(store: Store) -> Store:
    add_account(store, "bluesky", "brand")
    add_account(store, "mastodon", "brand@example.social",
                service_url="https://example.social")
    return store


def _entry(store: Store, queue_id: int) -> dict[str, Any]:
    return next(r for r in list_queue(store) if r["queue_id"] == queue_id)


def _force(store: Store, queue_id: int, **values: str) -> None:
    """Set an entry's columns as some other path (an old version, a script) might."""
    with store.transaction() as con:
        for column, value in values.items():
            con.execute(f"UPDATE queue SET {column} = ? WHERE queue_id = ?", [value, queue_id])


@pytest.mark.parametrize("text", [placeholder("format=video"), f"  {PLACEHOLDER} mine"])
def test_queue_add_refuses_the_placeholder(cli, text: str) -> None:
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0
    result = cli("queue", "add", "--account", BLUESKY, "--text", text, "--draft")
    assert result.code != 0
    assert "placeholder" in result.err and "write the post" in result.err
    assert "queued" not in result.out


def test_approving_a_placeholder_is_refused_until_the_post_is_written(accounts: Store) -> None:
    queue_id = add_to_queue(accounts, BLUESKY, "words", status="draft")["queue_id"]
    _force(accounts, queue_id, text=placeholder("format=video"))
    with pytest.raises(PostUnwritten, match="placeholder"):
        queue_view.approve(accounts, queue_id)
    assert _entry(accounts, queue_id)["status"] == "draft"
    queue_view.edit_text(accounts, queue_id, placeholder("format=photo"))  # a draft may keep it
    queue_view.edit_text(accounts, queue_id, "Our croissant of the week")
    queue_view.approve(accounts, queue_id)
    assert _entry(accounts, queue_id)["status"] == "approved"


def test_an_edit_is_held_to_the_bluesky_limit_as_queue_add_is(accounts: Store) -> None:
    queue_id = add_to_queue(accounts, BLUESKY, "short", status="draft")["queue_id"]
    with pytest.raises(TextTooLong) as refused:
        queue_view.edit_text(accounts, queue_id, "é" * 301)
    assert (refused.value.network, refused.value.length, refused.value.limit) == (
        "bluesky", 301, 300)
    assert _entry(accounts, queue_id)["text"] == "short"
    with pytest.raises(TextTooLong):
        add_to_queue(accounts, BLUESKY, "é" * 301, status="draft")
    queue_view.edit_text(accounts, queue_id, "é" * 300)
    assert _entry(accounts, queue_id)["text"] == "é" * 300


def test_bluesky_counts_graphemes_and_a_mastodon_instance_sets_its_own_limit(
        accounts: Store) -> None:
    emoji = "👍🏽" * 300  # 600 code points, 300 graphemes: Bluesky takes it
    add_to_queue(accounts, BLUESKY, emoji, status="draft")
    with pytest.raises(TextTooLong, match="Bluesky"):
        add_to_queue(accounts, BLUESKY, emoji + "!", status="draft")
    # an instance may take more than Mastodon's default 500: its connector checks at sending
    queue_id = add_to_queue(accounts, MASTODON, "short", status="draft")["queue_id"]
    queue_view.edit_text(accounts, queue_id, "x" * 1000)
    assert _entry(accounts, queue_id)["text"] == "x" * 1000




def test_the_publisher_never_sends_a_placeholder(accounts: Store) -> None:
    ids = [add_to_queue(accounts, BLUESKY, text)["queue_id"] for text in ("one", "two")]
    _force(accounts, ids[0], text=placeholder("format=video"), status="approved")
    network = RecordingNetwork()
    result = publish.publish_due(accounts, now=datetime.now(UTC) + timedelta(minutes=5),
                                 connect_fn=lambda account, **kw: network)
    assert network.sent == ["two"]
    outcomes = {e["queue_id"]: (e["outcome"], e["detail"]) for e in result["entries"]}
    assert outcomes[ids[0]][0] == "failed" and "placeholder" in outcomes[ids[0]][1]
    assert outcomes[ids[1]][0] == "published"
    failed = _entry(accounts, ids[0])
    assert failed["status"] == "failed" and "write the post first" in failed["error"]
