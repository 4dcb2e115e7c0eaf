"""What a queued text must be: written (not the planner's placeholder) before it is queued,
approved or sent; within its network's limit when it is queued or edited, by one check."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from conftest import RecordingNetwork
from sounding.errors import PostUnwritten, TextTooLong
from sounding.store import Store
from sounding.workflows import publish, queue_view
from sounding.workflows.accounts import add_account
from sounding.workflows.queue import add_to_queue, list_queue
from sounding.workflows.queue_text import PLACEHOLDER, is_placeholder, placeholder, placeholder_in

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
    assert (refused.value.account, refused.value.network, refused.value.length,
            refused.value.limit) == (BLUESKY, "bluesky", 301, 300)
    assert _entry(accounts, queue_id)["text"] == "short"
    with pytest.raises(TextTooLong):
        add_to_queue(accounts, BLUESKY, "é" * 301, status="draft")
    queue_view.edit_text(accounts, queue_id, "é" * 300)
    assert _entry(accounts, queue_id)["text"] == "é" * 300


def test_bluesky_counts_graphemes(accounts: Store) -> None:
    emoji = "👍🏽" * 300  # 600 code points, 300 graphemes: Bluesky takes it
    add_to_queue(accounts, BLUESKY, emoji, status="draft")
    with pytest.raises(TextTooLong, match="Bluesky"):
        add_to_queue(accounts, BLUESKY, emoji + "!", status="draft")


def test_queue_add_refuses_501_characters_for_mastodon(cli) -> None:
    assert cli("account", "add", "mastodon", "--handle", "brand@example.social",
               "--instance", "https://example.social").code == 0
    result = cli("queue", "add", "--account", MASTODON, "--text", "x" * 501, "--draft")
    assert result.code != 0
    said = " ".join(result.err.split())
    assert (f"{MASTODON}: the text has 501 characters as Mastodon counts them; it takes 500"
            in said)
    assert "Mastodon's default" in said and "instance's own limit" in said
    assert "shorten the text" in said
    assert json.loads(cli("queue", "list", "--json").out) == []  # nothing queued
    assert cli("queue", "add", "--account", MASTODON, "--text", "x" * 500, "--draft").code == 0


def test_account_list_shows_the_text_limit_an_instance_reported(cli, db) -> None:
    assert cli("account", "add", "mastodon", "--handle", "brand@example.social",
               "--instance", "https://example.social").code == 0
    assert "characters" not in cli("account", "list").out  # none reported yet
    with Store.open(db) as store, store.transaction() as con:  # as a collect records it
        con.execute("UPDATE accounts SET max_characters = 5000")
    listed = cli("account", "list").out
    assert f"{MASTODON}  0 items" in listed and "texts up to 5,000 characters" in listed


def test_mastodon_counts_a_link_as_23_and_a_mention_without_its_domain(cli) -> None:
    assert cli("account", "add", "mastodon", "--handle", "brand@example.social",
               "--instance", "https://example.social").code == 0
    link = "https://example.org/" + "a" * 300
    text = "x" * 400 + f" {link}. Thanks @ana@" + "d" * 60 + ".example"
    # 400 + " " + 23 + ". Thanks @ana" = 436 as Mastodon counts; 800 characters as typed
    assert len(text) > 750
    result = cli("queue", "add", "--account", MASTODON, "--text", text, "--draft")
    assert result.code == 0, result.err
    assert "queued #1" in result.out
    over = "x" * 477 + f" {link}"  # 477 + 1 + 23 = 501
    refused = cli("queue", "add", "--account", MASTODON, "--text", over, "--draft")
    assert refused.code != 0 and "501 characters" in refused.err


def test_approving_and_editing_hold_mastodon_to_its_default_limit(accounts: Store) -> None:
    queue_id = add_to_queue(accounts, MASTODON, "short", status="draft")["queue_id"]
    with pytest.raises(TextTooLong) as refused:
        queue_view.edit_text(accounts, queue_id, "é" * 501)
    assert (refused.value.account, refused.value.length, refused.value.limit) == (
        MASTODON, 501, 500)
    assert _entry(accounts, queue_id)["text"] == "short"
    _force(accounts, queue_id, text="x" * 501)  # written by some other path
    with pytest.raises(TextTooLong, match="Mastodon's default"):
        queue_view.approve(accounts, queue_id)
    assert _entry(accounts, queue_id)["status"] == "draft"



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


def test_the_placeholder_reads_the_same_in_every_language() -> None:
    french = placeholder("tone=humour", "fr")
    assert is_placeholder(french) and is_placeholder(placeholder("tone=humour"))
    assert placeholder_in(placeholder("tone=humour"), "fr") == french
    assert placeholder_in(french, "en") == placeholder("tone=humour")
    assert placeholder_in("[to write] my own words", "fr") == "[to write] my own words"


def test_a_secret_a_service_quotes_back_is_never_stored_or_shown(
        accounts: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server whose 400 quoted the login request had the password stored in queue.error."""
    from sounding.connectors.credentials import read_secret
    from sounding.errors import NetworkFailure, PostRejected

    monkeypatch.setenv("ECHO_PW", "app-pass-SECRET-9876")
    secret = read_secret("ECHO_PW", BLUESKY)
    echoed = f'400 {{"identifier": "brand", "password": "{secret}"}}'
    for error in (PostRejected(echoed), NetworkFailure(echoed)):
        queue_id = add_to_queue(accounts, BLUESKY, "words")["queue_id"]

        def refused(account, exc=error, **kw):  # type: ignore[no-untyped-def]
            raise exc

        result = publish.publish_due(accounts, now=datetime.now(UTC) + timedelta(minutes=5),
                                     connect_fn=refused)
        said = json.dumps(result) + str(_entry(accounts, queue_id)["error"])
        assert secret not in said and '"password": "***"' in said


def test_approving_a_draft_whose_time_passed_keeps_its_time_of_day(accounts: Store) -> None:
    """The planner's 18:00 draft, approved the next morning, was due at once: it would
    have gone out at 9:00, outside the evening slot it tries."""
    queue_id = add_to_queue(accounts, BLUESKY, "words", status="draft")["queue_id"]
    with accounts.transaction() as con:
        con.execute("UPDATE queue SET scheduled_at = ? WHERE queue_id = ?",
                    [datetime(2026, 12, 5, 18, 0, tzinfo=UTC), queue_id])
    morning = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    queue_view.approve(accounts, queue_id, now=morning)
    entry = _entry(accounts, queue_id)
    assert entry["status"] == "approved"
    assert entry["scheduled_at"] == "2026-12-07T18:00:00+00:00"
    assert queue_view.next_same_time(datetime(2026, 12, 5, 8, 0, tzinfo=UTC), morning) == \
        datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
