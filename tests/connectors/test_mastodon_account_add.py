"""Adding a Mastodon account reads its instance's text limit from the public instance
pages (answered by recorded responses of the documented Instance entities), so drafts
are held to it before any collect; an instance that cannot be read adds the account all
the same, held to Mastodon's default."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sounding.connectors.mastodon_parse import max_characters
from sounding.errors import TextTooLong
from sounding.store import Store
from sounding.store.connector_store import account_settings, text_limit
from sounding.workflows.accounts import add_account, list_accounts
from sounding.workflows.collect import collect
from sounding.workflows.queue import add_to_queue

from .mastodon_http import FIXTURES

TOKEN = "recorded-token-7f3a9c"
ENV = "SOUNDING_MASTODON_KETTLECO_SOCIAL_EXAMPLE_TOKEN"
ACCOUNT = "mastodon:kettleco@social.example"
INSTANCE = "https://social.example"
V2, V1 = "/api/v2/instance/", "/api/v1/instance/"
LONG = "x" * 1200  # over Mastodon's default 500, within what the instance allows


def _entity(name: str, limit: int) -> dict[str, Any]:
    """A recorded Instance (``instance``: v2, ``instance_v1``) allowing ``limit``."""
    instance = json.loads((FIXTURES / "entities.json").read_text())[name]
    instance["configuration"]["statuses"]["max_characters"] = limit
    return dict(instance)


def _add(store: Store) -> dict[str, Any]:
    return add_account(store, "mastodon", "kettleco", service_url=INSTANCE)


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, TOKEN)  # set, so that a request carrying it would show


def test_an_account_added_holds_drafts_to_the_instance_s_limit_before_any_collect(
        store: Store, mastodon_instance: Any) -> None:
    mastodon_instance.route("GET", V2, _entity("instance", 5000))
    added = _add(store)
    assert (added["max_characters"], added["text_limit_unread"]) == (5000, None)
    assert text_limit(store, ACCOUNT) == 5000
    assert [a["max_characters"] for a in list_accounts(store)] == [5000]
    assert add_to_queue(store, ACCOUNT, LONG)["status"] == "scheduled"
    with pytest.raises(TextTooLong) as over:
        add_to_queue(store, ACCOUNT, "x" * 5001)
    assert (over.value.limit, over.value.assumed) == (5000, False)
    asked = [(r.method, r.path_url) for r in mastodon_instance.requests]
    assert asked == [("GET", V2)]  # one public page, nothing else
    assert all("Authorization" not in r.headers for r in mastodon_instance.requests)


def test_a_server_before_4_0_is_read_from_api_v1_instance(store: Store,
                                                          mastodon_instance: Any) -> None:
    mastodon_instance.route("GET", V2, {"error": "Not found"}, status=404)
    mastodon_instance.route("GET", V1, _entity("instance_v1", 11000))
    assert _add(store)["max_characters"] == 11000
    assert add_to_queue(store, ACCOUNT, "x" * 10000)["status"] == "scheduled"
    assert [r.path_url for r in mastodon_instance.requests] == [V2, V1]
    assert all("Authorization" not in r.headers for r in mastodon_instance.requests)


def _refused_at_500(store: Store) -> None:
    """Nothing recorded: a long draft is held to Mastodon's default, saying so."""
    assert text_limit(store, ACCOUNT) is None
    with pytest.raises(TextTooLong) as refused:
        add_to_queue(store, ACCOUNT, LONG)
    assert (refused.value.limit, refused.value.assumed) == (500, True)


def test_an_unreachable_instance_still_adds_the_account(store: Store,
                                                        mastodon_instance: Any) -> None:
    mastodon_instance.kill_after = 0  # every connection refused
    added = _add(store)
    assert added["account_id"] == ACCOUNT and added["max_characters"] is None
    assert "social.example" in added["text_limit_unread"]
    assert "connection refused" in added["text_limit_unread"]
    assert [(a["account_id"], a["service_url"], a["credential_env"])
            for a in account_settings(store)] == [(ACCOUNT, INSTANCE, ENV)]
    _refused_at_500(store)
    assert len(mastodon_instance.requests) == 1  # a server down is not asked twice


def test_a_failing_instance_is_asked_once_without_retries(store: Store,
                                                          mastodon_instance: Any) -> None:
    mastodon_instance.fail = [{"status": 503, "body": {"error": "busy"}}]
    added = _add(store)
    assert added["max_characters"] is None and "busy" in added["text_limit_unread"]
    assert len(mastodon_instance.requests) == 1
    _refused_at_500(store)


def test_a_server_error_without_a_reason_says_its_status(store: Store,
                                                          mastodon_instance: Any) -> None:
    """A proxy's 502 page has no JSON error: the note names the status, not 'None'."""
    mastodon_instance.fail = [{"status": 502, "raw": "<html>Bad gateway</html>"}]
    added = _add(store)
    unread = added["text_limit_unread"]
    assert "server error (502: no reason given)" in unread and "None" not in unread


GARBLED = [
    pytest.param({"raw": "<html><body>Under maintenance</body></html>"}, id="html-page"),
    pytest.param({"body": []}, id="a-list"),
    pytest.param({"body": {"configuration": None}}, id="no-configuration"),
    pytest.param({"body": {"configuration": {"statuses": {"max_characters": "lots"}}}},
                 id="a-word"),
    pytest.param({"body": {"configuration": {"statuses": {"max_characters": 0}}}},
                 id="zero"),
    pytest.param({"body": {"error": "This method requires an authenticated user"},
                  "status": 401}, id="limited-federation-401"),
]


@pytest.mark.parametrize("answer", GARBLED)
def test_an_instance_answering_something_unexpected_still_adds_the_account(
        store: Store, mastodon_instance: Any, answer: dict[str, Any]) -> None:
    for page in (V2, V1):
        mastodon_instance.route("GET", page, answer.get("body"), **{
            k: v for k, v in answer.items() if k != "body"})
    added = _add(store)
    assert added["account_id"] == ACCOUNT and added["max_characters"] is None
    assert added["text_limit_unread"] == "social.example did not say it"
    assert [r.path_url for r in mastodon_instance.requests] == [V2, V1]
    _refused_at_500(store)


def test_the_limit_known_is_kept_when_the_instance_cannot_be_read_again(
        store: Store, mastodon_instance: Any) -> None:
    mastodon_instance.route("GET", V2, _entity("instance", 5000), times=1)
    _add(store)
    mastodon_instance.kill_after = len(mastodon_instance.requests)
    again = _add(store)
    assert again["max_characters"] == 5000 and again["text_limit_unread"]
    assert text_limit(store, ACCOUNT) == 5000


def test_the_first_collect_reads_what_account_add_could_not(
        store: Store, mastodon_instance: Any, mastodon_connect: Any) -> None:
    mastodon_instance.kill_after = 0
    _add(store)
    _refused_at_500(store)
    mastodon_instance.kill_after = None
    mastodon_instance.route("GET", V2, _entity("instance", 5000))
    collect(store, connect_fn=mastodon_connect, now=datetime(2026, 11, 22, tzinfo=UTC))
    assert text_limit(store, ACCOUNT) == 5000
    assert add_to_queue(store, ACCOUNT, LONG)["status"] == "scheduled"


@pytest.mark.parametrize(("value", "limit"), [
    (5000, 5000), ("11000", 11000), (0, None), (-1, None), (True, None), (4.5, None),
    ("5k", None), (None, None)])
def test_max_characters_takes_only_a_positive_whole_number(value: Any,
                                                           limit: int | None) -> None:
    assert max_characters({"configuration": {"statuses": {"max_characters": value}}}) == limit
    assert max_characters({"configuration": {}}) is None
    assert max_characters("<html>") is None


# -- the CLI ----------------------------------------------------------------------------

def _cli_add(cli: Any) -> Any:
    return cli("account", "add", "mastodon", "--handle", "kettleco", "--instance", INSTANCE)


def test_account_add_says_the_instance_s_limit_and_a_long_draft_is_queued(
        cli: Any, mastodon_instance: Any, db: Path) -> None:
    mastodon_instance.route("GET", V2, _entity("instance", 5000))
    added = _cli_add(cli)
    assert added.code == 0, added.err
    assert "texts up to 5,000 characters on this instance" in added.out
    assert TOKEN not in added.out + added.err
    queued = cli("queue", "add", "--account", ACCOUNT, "--text", LONG, "--draft")
    assert queued.code == 0, queued.err
    assert "texts up to 5,000 characters" in cli("account", "list").out


def test_account_add_says_plainly_when_the_limit_is_not_known(
        cli: Any, mastodon_instance: Any) -> None:
    mastodon_instance.kill_after = 0
    added = _cli_add(cli)
    assert added.code == 0, added.err
    said = " ".join(added.out.split())
    assert f"account {ACCOUNT} added" in said
    assert "the instance's text limit is not known yet" in said and "social.example" in said
    assert ("drafts are checked against 500 characters until the first collect reads it"
            in said)
    assert TOKEN not in added.out + added.err
    refused = cli("queue", "add", "--account", ACCOUNT, "--text", LONG, "--draft")
    assert refused.code != 0 and "it takes 500" in " ".join(refused.err.split())

