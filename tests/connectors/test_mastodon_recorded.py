"""Mastodon through Mastodon.py, answered by recorded responses of the documented entities."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sounding.errors import ConfigError, NetworkRefused, TextTooLong
from sounding.store import Store
from sounding.store.connector_store import account_settings, get_cursor, queue_add, text_limit
from sounding.workflows import queue_view
from sounding.workflows.accounts import add_account, list_accounts
from sounding.workflows.collect import collect
from sounding.workflows.listen import add_query
from sounding.workflows.ops import OPERATIONS
from sounding.workflows.publish import publish_due
from sounding.workflows.queue import add_to_queue

from .mastodon_http import FIXTURES

TOKEN = "recorded-token-7f3a9c"
ENV = "SOUNDING_MASTODON_KETTLECO_SOCIAL_EXAMPLE_TOKEN"
ACCOUNT = "mastodon:kettleco@social.example"
NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.fixture
def brand(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv(ENV, TOKEN)
    added = add_account(store, "mastodon", "kettleco", service_url="https://social.example")
    assert added["credential_env"] == ENV and added["account_id"] == ACCOUNT
    add_query(store, "#kettle")
    return store


def _by_kind(store: Store) -> dict[str, int]:
    rows = store.query("SELECT kind, count(*) AS n FROM interactions GROUP BY kind").to_pylist()
    return {r["kind"]: r["n"] for r in rows}


def test_collect_brings_every_edge_once(brand: Store, mastodon_connect: Any,
                                        mastodon_http: Any) -> None:
    result = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert _by_kind(brand) == {"like": 1, "repost": 1, "reply": 1, "quote": 1, "mention": 1,
                               "follow": 1}
    items = {r["item_id"]: r for r in brand.query("SELECT * FROM items").to_pylist()}
    post = "mastodon:social.example/statuses/113000000000000001"
    assert items[post]["account_id"] == ACCOUNT
    assert items[post]["text"] == "Our new kettle is out & it whistles in tune! #kettle"
    reply = items["mastodon:social.example/statuses/113000000000000020"]
    assert (reply["kind"], reply["parent_id"], reply["root_id"]) == ("reply", post, post)
    assert reply["author_id"] == "mastodon:ana@other.example"
    assert brand.scalar("SELECT bio FROM actors WHERE actor_id = ?",
                        ["mastodon:ana@other.example"]) == "Tea lover & #baking fan"
    answer = items["mastodon:social.example/statuses/113000000000000021"]
    assert answer["account_id"] == ACCOUNT
    assert items["mastodon:social.example/statuses/113000000000000030"]["kind"] == "quote"
    assert items["mastodon:social.example/statuses/113000000000000040"]["kind"] == "mention"
    assert "mastodon:social.example/statuses/113000000000000002" not in items  # a boost
    assert result["accounts"][ACCOUNT]["listening_hits"] == 1
    assert brand.scalar("SELECT followers FROM account_snapshots") == 42
    assert brand.scalar("SELECT likes FROM metric_snapshots WHERE item_id = ?", [post]) == 1
    assert get_cursor(brand, f"{ACCOUNT}:posts") == "113000000000000002"
    auth = {r.headers["Authorization"] for r in mastodon_http.requests}
    assert auth == {f"Bearer {TOKEN}"}

    mastodon_http.requests.clear()
    again = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert again["accounts"][ACCOUNT]["new"] == {}
    urls = [str(r.url) for r in mastodon_http.requests]
    assert any("/accounts/109/statuses?min_id=113000000000000002" in u for u in urls)
    assert any("/notifications?min_id=5005" in u for u in urls)
    brand.close()
    assert TOKEN.encode() not in brand.path.read_bytes()



@pytest.fixture
def collect_cli(cli: Any, mastodon_connect: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The CLI on a workspace with the recorded account, its collect answered by the
    recorded instance."""
    monkeypatch.setenv(ENV, TOKEN)
    monkeypatch.setitem(OPERATIONS, "collect",
                        functools.partial(collect, connect_fn=mastodon_connect))
    added = cli("account", "add", "mastodon", "--handle", "kettleco", "--instance",
                "https://social.example")
    assert added.code == 0, added.err
    return cli


def _bars(err: str) -> dict[str, tuple[str, int]]:
    """Each stage's count (done/total) and how much of its bar is drawn."""
    lines = [line.split() for line in err.splitlines() if line.strip()]
    return {words[0]: (words[-2], "".join(words).count("━")) for words in lines}


def test_collect_with_nothing_new_shows_every_stage_complete(collect_cli: Any) -> None:
    assert collect_cli("collect").code == 0
    again = collect_cli("collect")
    assert again.code == 0, again.err
    bars = _bars(again.err)
    assert {stage: count for stage, (count, _) in bars.items()} == {
        "profile": "1/1", "posts": "0/0", "notifications": "0/0", "engagement": "2/2"}
    full = bars["profile"][1]
    assert full > 0 and all(drawn == full for _, drawn in bars.values())


def test_collect_counts_the_interactions_it_stored_replies_and_quotes_included(
        collect_cli: Any, db: Path) -> None:
    result = collect_cli("collect")
    assert result.code == 0, result.err
    with Store.open(db, read_only=True) as store:
        stored = store.counts()["interactions"]
        implied = store.scalar("SELECT count(*) FROM implied_edges")
    assert implied > 0  # the reply and the quote are items: their edges are implied
    assert f" items, {stored:,} interactions," in result.out
    again = json.loads(collect_cli("collect", "--json").out)
    assert "interactions" not in again["accounts"][ACCOUNT]["new"]

def test_429_is_waited_out_then_succeeds(brand: Store, mastodon_connect: Any,
                                         mastodon_http: Any) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=30)).isoformat().replace("+00:00", "Z")
    mastodon_http.fail = [{"status": 429, "body": {"error": "Too many requests"},
                           "headers": {"X-RateLimit-Remaining": "0",
                                       "X-RateLimit-Reset": reset}}]
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert len(mastodon_connect.sleeps) == 1 and 25 <= mastodon_connect.sleeps[0] <= 31
    assert _by_kind(brand)["like"] == 1


def test_5xx_backs_off_exponentially(brand: Store, mastodon_connect: Any,
                                     mastodon_http: Any) -> None:
    mastodon_http.fail = [{"status": 503, "body": {"error": "busy"}}] * 2
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert mastodon_connect.sleeps == [1.0, 2.0]


def test_network_killed_mid_collection_resumes_without_loss(
        brand: Store, mastodon_connect: Any, mastodon_http: Any, tmp_path: Any) -> None:
    mastodon_http.kill_after = 6  # profile, instance, posts, notifications; engagement dies
    cut = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert "mastodon: social.example" in cut["failed"][ACCOUNT]["error"]
    assert cut["accounts"][ACCOUNT]["new"]["items"] > 0  # what was written is counted
    assert get_cursor(brand, f"{ACCOUNT}:posts") == "113000000000000002"
    assert get_cursor(brand, f"{ACCOUNT}:notifications") == "5005"
    mastodon_http.kill_after = None
    mastodon_http.requests.clear()
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    posts = [str(r.url) for r in mastodon_http.requests if "/accounts/109/statuses" in r.url]
    assert posts and all("min_id=113000000000000002" in u for u in posts)
    assert _by_kind(brand) == {"like": 1, "repost": 1, "reply": 1, "quote": 1, "mention": 1,
                               "follow": 1}
    dupes = brand.scalar("SELECT count(*) - count(DISTINCT item_id) FROM items")
    assert dupes == 0


def test_an_expired_token_names_the_setting(brand: Store, mastodon_connect: Any,
                                            mastodon_http: Any) -> None:
    mastodon_http.fail = [{"status": 401, "body": {"error": "The access token is invalid"}}]
    failure = collect(brand, connect_fn=mastodon_connect, now=NOW)["failed"][ACCOUNT]
    message = f"{failure['error']} {failure['hint']}"
    assert ENV in message and "access token is invalid" in message and TOKEN not in message


def test_publish_sends_an_idempotency_key_and_records_the_variant(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    add_to_queue(brand, ACCOUNT, "Our new kettle is out!", variant="format=text,topic=launch")
    result = publish_due(brand, connect_fn=mastodon_connect)
    assert result["published"] == 1
    post = next(r for r in mastodon_http.requests if r.method == "POST")
    row = brand.query("SELECT * FROM queue").to_pylist()[0]
    assert post.headers["Idempotency-Key"] == row["idempotency_key"]
    assert row["status"] == "published"
    assert row["item_id"] == "mastodon:social.example/statuses/113000000000000001"
    tags = brand.query("SELECT factor, level FROM variants ORDER BY factor").to_pylist()
    assert tags == [{"factor": "format", "level": "text"}, {"factor": "topic", "level": "launch"}]


def test_a_send_cut_short_is_resent_under_the_same_key(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    queue_id = queue_add(brand, ACCOUNT, "Our new kettle is out!", variant={},
                         scheduled_at=NOW, images=[], status="scheduled")
    with brand.transaction() as con:  # what a run that died after marking it left behind
        con.execute("UPDATE queue SET status = 'sending', idempotency_key = 'k-123', "
                    "attempted_at = ? WHERE queue_id = ?",
                    [datetime.now(UTC) - timedelta(minutes=5), queue_id])
    assert publish_due(brand, connect_fn=mastodon_connect)["published"] == 1
    sent = [r for r in mastodon_http.requests if r.method == "POST"]
    assert [r.headers["Idempotency-Key"] for r in sent] == ["k-123"]


def _instance(max_characters: int) -> dict[str, Any]:
    """The recorded instance (``/api/v2/instance``), allowing ``max_characters``."""
    instance = json.loads((FIXTURES / "entities.json").read_text())["instance"]
    instance["configuration"]["statuses"]["max_characters"] = max_characters
    return dict(instance)


def _instance_v1(max_characters: int | None) -> dict[str, Any]:
    """The recorded ``/api/v1/instance`` (a server before 4.0) allowing ``max_characters``;
    None: one before 3.4.2, whose answer has no ``configuration``."""
    instance = json.loads((FIXTURES / "entities.json").read_text())["instance_v1"]
    if max_characters is None:
        del instance["configuration"]
    else:
        instance["configuration"]["statuses"]["max_characters"] = max_characters
    return dict(instance)


def test_a_server_before_4_0_says_its_limit_in_api_v1_instance(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    mastodon_http.route("GET", "/api/v2/instance/", {"error": "Not found"}, status=404)
    mastodon_http.route("GET", "/api/v1/instance/", _instance_v1(11000))
    assert not collect(brand, connect_fn=mastodon_connect, now=NOW)["failed"]
    assert text_limit(brand, ACCOUNT) == 11000
    assert add_to_queue(brand, ACCOUNT, "x" * 10000)["status"] == "scheduled"


def test_the_instance_limit_is_checked_before_sending(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """Queueing holds a text to Mastodon's default 500; an instance taking fewer is read
    and held to when sending, and queueing holds to it from then on."""
    mastodon_http.route("GET", "/api/v2/instance/", _instance(140))
    add_to_queue(brand, ACCOUNT, "x" * 141)
    result = publish_due(brand, connect_fn=mastodon_connect)
    assert result["failed"] == 1
    row = brand.query("SELECT status, error FROM queue").to_pylist()[0]
    assert row["status"] == "failed"
    assert "141 characters; social.example allows 140" in row["error"]
    assert not [r for r in mastodon_http.requests if r.method == "POST"]
    assert text_limit(brand, ACCOUNT) == 140
    with pytest.raises(TextTooLong, match="140 is the instance's own limit"):
        add_to_queue(brand, ACCOUNT, "x" * 141)


def test_an_instance_allowing_5000_takes_a_1200_character_post_once_collected(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    text = "x" * 1200
    with pytest.raises(TextTooLong) as refused:  # never read: Mastodon's default holds
        add_to_queue(brand, ACCOUNT, text)
    assert (refused.value.limit, refused.value.assumed) == (500, True)
    assert [a["max_characters"] for a in list_accounts(brand)
            if a["account_id"] == ACCOUNT] == [None]
    mastodon_http.route("GET", "/api/v2/instance/", _instance(5000))
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert text_limit(brand, ACCOUNT) == 5000
    assert [a["max_characters"] for a in list_accounts(brand)
            if a["account_id"] == ACCOUNT] == [5000]  # as `sounding account list` shows it
    assert add_to_queue(brand, ACCOUNT, text)["status"] == "scheduled"
    assert publish_due(brand, connect_fn=mastodon_connect)["published"] == 1
    post = next(r for r in mastodon_http.requests if r.method == "POST")
    assert text in str(post.body)
    with pytest.raises(TextTooLong) as over:
        add_to_queue(brand, ACCOUNT, "x" * 5001)
    assert (over.value.limit, over.value.assumed) == (5000, False)


def test_the_recorded_limit_follows_the_instance(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """Each collect (and publish) reads the instance again: a lowered limit holds at once;
    an instance that stops saying leaves the last one it said."""
    mastodon_http.route("GET", "/api/v2/instance/", _instance(5000), times=1)
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    add_to_queue(brand, ACCOUNT, "x" * 1200, status="draft")
    mastodon_http.route("GET", "/api/v2/instance/", _instance(1000), times=1)
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert text_limit(brand, ACCOUNT) == 1000
    with pytest.raises(TextTooLong, match="1200 characters as Mastodon counts them; it "
                                          "takes 1000"):
        add_to_queue(brand, ACCOUNT, "x" * 1200)
    with pytest.raises(TextTooLong):  # the draft queued under 5000 cannot be approved now
        queue_view.approve(brand, 1)
    mastodon_http.route("GET", "/api/v2/instance/", _instance(2000), times=1)
    add_to_queue(brand, ACCOUNT, "hello")
    publish_due(brand, connect_fn=mastodon_connect)
    assert text_limit(brand, ACCOUNT) == 2000
    for page in ("/api/v2/instance/", "/api/v1/instance/"):
        mastodon_http.route("GET", page, {"error": "Not found"}, status=404)
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert text_limit(brand, ACCOUNT) == 2000


@pytest.mark.parametrize("said", ["\u00b2", "5000x", 10**12, -3, "0", "9" * 5000])
def test_a_limit_that_is_not_a_sensible_whole_number_is_not_recorded(
        said: Any, brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """A superscript digit, a word, a number no store column holds (or no int() reads),
    a negative or zero: the collect goes on and the instance is taken to have said nothing."""
    mastodon_http.route("GET", "/api/v2/instance/", {**_instance(500), "configuration": {
        "statuses": {"max_characters": said}}})
    mastodon_http.route("GET", "/api/v1/instance/", {"error": "Not found"}, status=404)
    assert not collect(brand, connect_fn=mastodon_connect, now=NOW)["failed"]
    assert text_limit(brand, ACCOUNT) is None


def test_an_instance_that_never_said_its_limit_holds_to_mastodon_s_default(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """A server before 3.4.2: no ``/api/v2/instance`` (404), and a ``/api/v1/instance``
    without ``configuration``: nothing is recorded, and a 501-character text is refused
    with the default's words."""
    mastodon_http.route("GET", "/api/v2/instance/", {"error": "Not found"}, status=404)
    mastodon_http.route("GET", "/api/v1/instance/", _instance_v1(None))
    assert not collect(brand, connect_fn=mastodon_connect, now=NOW)["failed"]
    assert text_limit(brand, ACCOUNT) is None
    with pytest.raises(TextTooLong) as refused:
        add_to_queue(brand, ACCOUNT, "x" * 501)
    said = str(refused.value)
    assert f"{ACCOUNT}: the text has 501 characters as Mastodon counts them; it takes 500" in said
    assert "500 is Mastodon's default" in said and "instance's own limit" in said
    assert add_to_queue(brand, ACCOUNT, "x" * 500)["status"] == "scheduled"


def test_a_refusal_is_recorded_with_the_networks_message(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    mastodon_http.route("POST", "/api/v1/statuses", {"error": "Validation failed: Text can't "
                        "be blank"}, status=422)
    add_to_queue(brand, ACCOUNT, "hello")
    assert publish_due(brand, connect_fn=mastodon_connect)["failed"] == 1
    error = brand.scalar("SELECT error FROM queue")
    assert "Validation failed" in error
    assert json.dumps(error)


REFUSED = "Validation failed: Text character limit of 500 exceeded"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _sent(http: Any, path: str) -> int:
    return sum(1 for r in http.requests if r.method == "POST" and r.path_url == path)


def _image(tmp_path: Any) -> list[str]:
    path = tmp_path / "kettle.png"
    path.write_bytes(PNG)
    return [f"{path}|A copper kettle on a stove"]


def test_a_4xx_refusal_is_final_with_the_instances_reason(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    mastodon_http.route("GET", "/api/v1/statuses/113000000000000001/favourited_by",
                        {"error": "This action is not allowed"}, status=403)
    connector = mastodon_connect(account_settings(brand, ACCOUNT)[0])
    with pytest.raises(NetworkRefused) as caught:
        connector.engagement("social.example/statuses/113000000000000001", NOW)
    assert not caught.value.transient and caught.value.status == 403
    assert "403" in str(caught.value)
    asked = [r for r in mastodon_http.requests if r.path_url.endswith("/favourited_by")]
    assert len(asked) == 1 and mastodon_connect.sleeps == []


def test_a_422_on_the_post_is_not_retried_and_keeps_the_reason(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    mastodon_http.route("POST", "/api/v1/statuses", {"error": REFUSED}, status=422)
    add_to_queue(brand, ACCOUNT, "hello")
    assert publish_due(brand, connect_fn=mastodon_connect)["failed"] == 1
    assert _sent(mastodon_http, "/api/v1/statuses") == 1 and mastodon_connect.sleeps == []
    row = brand.query("SELECT status, error FROM queue").to_pylist()[0]
    assert row["status"] == "failed" and REFUSED in row["error"]


def test_a_503_on_the_post_is_retried(brand: Store, mastodon_connect: Any,
                                      mastodon_http: Any) -> None:
    mastodon_http.route("POST", "/api/v1/statuses", {"error": "busy"}, status=503, times=2)
    add_to_queue(brand, ACCOUNT, "hello")
    assert publish_due(brand, connect_fn=mastodon_connect)["published"] == 1
    assert _sent(mastodon_http, "/api/v1/statuses") == 3
    assert mastodon_connect.sleeps == [1.0, 2.0]
    keys = {r.headers["Idempotency-Key"] for r in mastodon_http.requests if r.method == "POST"}
    assert len(keys) == 1  # the retries are the same post


def test_a_refused_image_fails_the_entry_once(brand: Store, mastodon_connect: Any,
                                              mastodon_http: Any, tmp_path: Any) -> None:
    reason = "Validation failed: File content type is invalid"
    mastodon_http.route("POST", "/api/v2/media", {"error": reason}, status=422)
    add_to_queue(brand, ACCOUNT, "Look at it shine", images=_image(tmp_path))
    result = publish_due(brand, connect_fn=mastodon_connect)
    assert result["failed"] == 1 and reason in result["entries"][0]["detail"]
    row = brand.query("SELECT status, error FROM queue").to_pylist()[0]
    assert row["status"] == "failed" and reason in row["error"]
    assert _sent(mastodon_http, "/api/v2/media") == 1
    assert _sent(mastodon_http, "/api/v1/statuses") == 0
    assert publish_due(brand, connect_fn=mastodon_connect)["due"] == 0  # not sent again
    assert _sent(mastodon_http, "/api/v2/media") == 1


def test_an_image_upload_down_goes_back_to_the_queue_then_goes(
        brand: Store, mastodon_connect: Any, mastodon_http: Any, tmp_path: Any) -> None:
    """Nothing was posted, so the entry is scheduled again (cancellable), with the error."""
    mastodon_http.route("POST", "/api/v2/media", {"error": "busy"}, status=503, times=3)
    add_to_queue(brand, ACCOUNT, "Look at it shine", images=_image(tmp_path))
    result = publish_due(brand, connect_fn=mastodon_connect)
    assert result["pending"] == 1 and "nothing was sent" in result["entries"][0]["detail"]
    row = brand.query("SELECT status, idempotency_key, error FROM queue").to_pylist()[0]
    assert (row["status"], row["idempotency_key"]) == ("scheduled", None)
    assert "social.example" in row["error"] and _sent(mastodon_http, "/api/v1/statuses") == 0
    again = publish_due(brand, connect_fn=mastodon_connect)
    assert again["published"] == 1, again
    post = [r for r in mastodon_http.requests if r.path_url == "/api/v1/statuses"]
    key = brand.scalar("SELECT idempotency_key FROM queue")
    assert [r.headers["Idempotency-Key"] for r in post] == [key]
    assert "22345792" in str(post[0].body)  # the uploaded media id


def test_a_post_request_cut_short_stays_sending_under_its_key(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """The post's own request may have made the post: the entry keeps its claim."""
    mastodon_http.route("POST", "/api/v1/statuses", {"error": "busy"}, status=503, times=3)
    add_to_queue(brand, ACCOUNT, "hello")
    assert publish_due(brand, connect_fn=mastodon_connect)["pending"] == 1
    row = brand.query("SELECT status, idempotency_key FROM queue").to_pylist()[0]
    assert row["status"] == "sending" and row["idempotency_key"]


def test_an_unreadable_answer_leaves_that_entry_pending_and_the_others_go(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    mastodon_http.route("POST", "/api/v1/statuses", {"note": "not a status"}, times=1)
    add_to_queue(brand, ACCOUNT, "first")
    add_to_queue(brand, ACCOUNT, "second")
    result = publish_due(brand, connect_fn=mastodon_connect)
    assert (result["pending"], result["published"]) == (1, 1)
    rows = brand.query("SELECT text, status FROM queue ORDER BY queue_id").to_pylist()
    assert [r["status"] for r in rows] == ["sending", "published"]  # checked on the next run


def test_an_account_that_cannot_be_opened_is_tried_once_per_run(brand: Store) -> None:
    """A refused credential leaves every entry pending, without a login per entry."""
    for text in ("first", "second", "third"):
        add_to_queue(brand, ACCOUNT, text)
    attempts = []

    def refusing(account: dict[str, Any], **_: Any) -> Any:
        attempts.append(account["account_id"])
        raise ConfigError("the access token is invalid")

    result = publish_due(brand, connect_fn=refusing)
    assert (result["due"], result["pending"]) == (3, 3)
    assert attempts == [ACCOUNT]
    assert all("access token is invalid" in e["detail"] for e in result["entries"])


def test_an_account_that_cannot_be_collected_does_not_stop_the_others(
        brand: Store, mastodon_connect: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The broken account comes first (accounts go in id order); the next one is collected."""
    monkeypatch.delenv("SOUNDING_TEST_DEAD_PW", raising=False)
    add_account(brand, "bluesky", "dead.test", credential_env="SOUNDING_TEST_DEAD_PW")
    result = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert list(result["accounts"]) == [ACCOUNT]
    assert result["accounts"][ACCOUNT]["new"]["items"] > 0
    failure = result["failed"]["bluesky:dead.test"]
    assert "SOUNDING_TEST_DEAD_PW" in failure["error"] + failure["hint"]


def test_the_first_collect_starts_from_the_brand_s_first_status(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """Without a cursor Mastodon answers the newest 40: the brand's older statuses were
    never read. min_id=0 walks from the first one; a search asks for full pages."""
    add_query(brand, "kettle whistle")
    mastodon_http.route("GET", "/api/v2/search", {"accounts": [], "hashtags": [],
                                                  "statuses": []})
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    urls = [str(r.url) for r in mastodon_http.requests]
    assert next(u for u in urls if "/accounts/109/statuses" in u).endswith(
        "statuses?min_id=0&limit=40")
    assert next(u for u in urls if "/notifications" in u).endswith("min_id=0&limit=40")
    assert "limit=40" in next(u for u in urls if "/api/v2/search" in u)


def test_a_deleted_post_or_a_server_without_quotes_does_not_stop_the_collect(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """One brand status gone (404), and no quotes endpoint (before Mastodon 4.5): the
    account failed every collect, listening included."""
    gone = "/api/v1/statuses/113000000000000021"
    for path in (gone, f"{gone}/context"):
        mastodon_http.route("GET", path, {"error": "Record not found"}, status=404)
    mastodon_http.route("GET", "/api/v1/statuses/113000000000000001/quotes",
                        {"error": "Not found"}, status=404)
    result = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert not result["failed"]
    done = result["accounts"][ACCOUNT]
    assert list(done["skipped"]) == ["mastodon:social.example/statuses/113000000000000021"]
    assert "404" in done["skipped"]["mastodon:social.example/statuses/113000000000000021"]
    assert done["listening_hits"] == 1
    assert _by_kind(brand) == {"like": 1, "repost": 1, "reply": 1, "mention": 1, "follow": 1}


def test_a_later_page_of_quotes_refused_is_said_not_taken_for_a_server_without_quotes(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """Only a first page refused means the server has no quote posts; a 404 on the next
    page ended the quotes silently, as if the first page were all of them."""
    mastodon_http.route("GET", "/api/v1/statuses/113000000000000001/quotes",
                        {"error": "Record not found"}, status=404,
                        query={"max_id": "113000000000000030"})
    result = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert not result["failed"]
    skipped = result["accounts"][ACCOUNT]["skipped"]
    assert list(skipped) == ["mastodon:social.example/statuses/113000000000000001"]
    assert "404" in skipped["mastodon:social.example/statuses/113000000000000001"]
    assert _by_kind(brand)["mention"] == 1  # the rest of the collect went on


def test_a_send_cut_short_hours_ago_is_found_as_mastodon_shows_it(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """Past the instance's hour of idempotency the recent statuses are searched for the
    text: a remote mention shows as ``@ana`` and a typed ``&amp;`` was decoded twice, so
    the status was not recognised and the post went out a second time."""
    text = "Hello @ana@other.example, Tom &amp; Jerry say hi"
    queue_id = queue_add(brand, ACCOUNT, text, variant={}, scheduled_at=NOW, images=[],
                         status="scheduled")
    tried = datetime.now(UTC) - timedelta(hours=2)
    with brand.transaction() as con:
        con.execute("UPDATE queue SET status = 'sending', idempotency_key = 'k-9', "
                    "attempted_at = ? WHERE queue_id = ?", [tried, queue_id])
    status = json.loads((FIXTURES / "entities.json").read_text())["brand_post"]
    status |= {"id": "113000000000000077", "created_at": (tried + timedelta(seconds=2)
                                                           ).isoformat(),
               "content": '<p>Hello <span class="h-card"><a href="https://other.example/@ana" '
                          'class="u-url mention">@<span>ana</span></a></span>, Tom '
                          "&amp;amp; Jerry say hi</p>"}
    mastodon_http.route("GET", "/api/v1/accounts/109/statuses", [status],
                        query={"limit": "40"})
    assert publish_due(brand, connect_fn=mastodon_connect)["published"] == 1
    assert not [r for r in mastodon_http.requests if r.method == "POST"]
    assert brand.scalar("SELECT item_id FROM queue") == \
        "mastodon:social.example/statuses/113000000000000077"


def test_favourites_beyond_the_first_page_are_all_collected(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """Mastodon answers ``favourited_by`` 40 accounts at a time with a ``Link`` header;
    only the first 40 likers were kept, however popular the post."""
    fan = json.loads((FIXTURES / "entities.json").read_text())["fan"]
    likers = [{**fan, "id": str(300 + n), "username": f"fan{n}",
               "acct": f"fan{n}@other.example", "url": f"https://other.example/@fan{n}",
               "uri": f"https://other.example/users/fan{n}"} for n in range(41)]
    path = "/api/v1/statuses/113000000000000001/favourited_by"
    mastodon_http.route("GET", path, likers[40:], query={"max_id": "77"})
    mastodon_http.route("GET", path, likers[:40], headers={
        "Link": f"<https://social.example{path}?max_id=77>; rel=\"next\""})
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    liked_by = brand.query("SELECT DISTINCT actor_id FROM interactions WHERE kind = 'like'"
                           " AND target_item_id LIKE '%113000000000000001'").column(0)
    assert {a for a in liked_by.to_pylist() if ":fan" in a} == {
        f"mastodon:fan{n}@other.example" for n in range(41)}
    asked = [r.path_url for r in mastodon_http.requests if path in r.path_url]
    assert asked == [path, f"{path}?max_id=77"]


@pytest.mark.parametrize(("reset", "date"), [("in a while", "yesterday-ish"),
                                             ("01700000000", "2026-W01-1x")])
def test_an_answer_whose_rate_limit_reset_is_no_time_is_read(
        brand: Store, mastodon_connect: Any, mastodon_http: Any, reset: str, date: str) -> None:
    """A proxy that rewrites ``X-RateLimit-Reset`` (or ``Date``) made Mastodon.py fail a
    200 as "Rate limit time calculations failed", retried then reported as a 429."""
    bad = {"X-RateLimit-Reset": reset, "Date": date}
    mastodon_http.route("GET", "/api/v1/statuses/113000000000000001/favourited_by",
                        [json.loads((FIXTURES / "entities.json").read_text())["fan"]],
                        headers=bad)
    mastodon_http.fail = [{"status": 429, "body": {"error": "Too many requests"},
                           "headers": {"X-RateLimit-Remaining": "0", **bad}}]
    result = collect(brand, connect_fn=mastodon_connect, now=NOW)
    assert not result["failed"], result["failed"]
    assert _by_kind(brand)["like"] == 1
    assert len(mastodon_connect.sleeps) == 1  # the 429 waited the policy's own delay


def test_likers_are_read_up_to_a_thousand_per_collect(
        brand: Store, mastodon_connect: Any, mastodon_http: Any) -> None:
    """Every page of a post with 10,000 favourites is 250 requests a collect, most of
    the rate limit: the newest 25 pages are read (the counter stays exact)."""
    fan = json.loads((FIXTURES / "entities.json").read_text())["fan"]
    path = "/api/v1/statuses/113000000000000001/favourited_by"
    for n in range(30):
        liker = {**fan, "id": str(500 + n), "username": f"p{n}", "acct": f"p{n}@other.example",
                 "url": f"https://other.example/@p{n}", "uri": f"https://other.example/users/p{n}"}
        link = {"Link": f"<https://social.example{path}?max_id={1000 - n - 1}>; rel=\"next\""}
        mastodon_http.route("GET", path, [liker], headers=link,
                            **({"query": {"max_id": str(1000 - n)}} if n else {}))
    collect(brand, connect_fn=mastodon_connect, now=NOW)
    asked = [r for r in mastodon_http.requests if path in r.path_url]
    assert len(asked) == 25
    liked = brand.scalar("SELECT count(DISTINCT actor_id) FROM interactions WHERE kind = 'like'"
                         " AND actor_id LIKE 'mastodon:p%'")
    assert liked == 25
