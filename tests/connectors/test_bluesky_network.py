"""Against a real local Bluesky network: publish, react, collect every edge exactly once."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from atproto import Client, client_utils, models

from sounding.store import Store

pytestmark = pytest.mark.atproto_network
_ids = itertools.count(1)


Wait = Callable[..., Any]


def make_account(pds: str, name: str, wait: Wait) -> tuple[str, str, Client]:
    """A fresh account on the local PDS; returns handle, password and a logged-in client."""
    handle, password = f"{name}{next(_ids)}.test", f"pw-{name}-secret-{next(_ids)}"
    Client(base_url=pds).com.atproto.server.create_account(
        {"handle": handle, "email": f"{handle}@example.test", "password": password})
    client = Client(base_url=pds)
    wait(lambda: client.login(handle, password))
    return handle, password, client


def _add_brand(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, pds: str,
               wait: Wait) -> tuple[str, str, Client]:
    handle, password, client = make_account(pds, "brand", wait)
    monkeypatch.setenv("SOUNDING_TEST_BSKY_PASSWORD", password)
    result = cli("account", "add", "bluesky", "--handle", handle, "--service", pds,
                 "--password-env", "SOUNDING_TEST_BSKY_PASSWORD")
    assert result.code == 0, result.err
    return handle, password, client


def _rows(store_path: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    with Store.open(store_path) as store:
        rows: list[dict[str, Any]] = store.query(sql, list(params)).to_pylist()
    return rows


def _react(fan: Client, brand_did: str, brand_handle: str, uri: str, wait: Wait) -> dict[str, str]:
    post = wait(lambda: fan.get_posts([uri]).posts)[0]
    ref = models.create_strong_ref(post)
    reply = fan.send_post("Love it! When does it ship?",
                          reply_to=models.AppBskyFeedPost.ReplyRef(parent=ref, root=ref))
    fan.like(post.uri, post.cid)
    fan.repost(post.uri, post.cid)
    quote = fan.send_post("Look at this launch", embed=models.AppBskyEmbedRecord.Main(record=ref))
    text = client_utils.TextBuilder().text("Has anyone tried ").mention(
        f"@{brand_handle}", brand_did).text("'s new thing?")
    mention = fan.send_post(text)
    fan.follow(brand_did)
    return {"reply": reply.uri, "quote": quote.uri, "mention": mention.uri}


def _indexed(fan: Client, uri: str, replies: int = 1) -> bool:
    post = fan.get_posts([uri]).posts[0]
    return bool(post.reply_count == replies and post.like_count == 1
                and post.repost_count == 1 and post.quote_count == 1)


def test_publish_react_collect_exactly_once(atproto_network: dict[str, Any], cli: Any,
                                            db: Path, monkeypatch: pytest.MonkeyPatch,
                                            wait_for: Wait) -> None:
    pds = atproto_network["pds"]
    brand, password, brand_client = _add_brand(cli, monkeypatch, pds, wait_for)
    fan_handle, _, fan = make_account(pds, "fan", wait_for)
    text = f"Launch day! Café ☕ #launch https://example.com/launch cc @{fan_handle}"
    added = cli("queue", "add", "--account", brand, "--text", text,
                "--variant", "format=text,topic=launch")
    assert added.code == 0, added.err
    published = cli("publish", "--due")
    assert published.code == 0, published.out + published.err
    queue = _rows(db, "SELECT status, remote_uri, item_id FROM queue")
    assert queue[0]["status"] == "published"
    uri = queue[0]["remote_uri"]
    record = brand_client.com.atproto.repo.get_record(
        {"repo": uri.split("/")[2], "collection": "app.bsky.feed.post",
         "rkey": uri.rsplit("/", 1)[-1]}).value
    kinds = sorted(f.features[0].py_type for f in record.facets)
    assert kinds == ["app.bsky.richtext.facet#link", "app.bsky.richtext.facet#mention",
                     "app.bsky.richtext.facet#tag"]
    tag = next(f for f in record.facets if f.features[0].py_type.endswith("#tag"))
    assert text.encode()[tag.index.byte_start:tag.index.byte_end] == b"#launch"

    made = _react(fan, uri.split("/")[2], brand, uri, wait_for)
    wait_for(lambda: _indexed(fan, uri))
    wait_for(lambda: len(brand_client.app.bsky.notification.list_notifications().notifications)
               >= 6)
    first = cli("collect", "--json")
    assert first.code == 0, first.err
    edges = _rows(db, "SELECT kind, count(*) AS n FROM interactions GROUP BY kind")
    assert {e["kind"]: e["n"] for e in edges} == {
        "reply": 1, "like": 1, "repost": 1, "quote": 1, "mention": 1, "follow": 1}
    items = {r["item_id"].split(":", 1)[1]: r for r in _rows(db, "SELECT * FROM items")}
    assert items[uri]["account_id"] == f"bluesky:{brand}"
    assert items[made["reply"]]["kind"] == "reply"
    assert items[made["reply"]]["parent_id"] == f"bluesky:{uri}"
    assert items[made["quote"]]["kind"] == "quote"
    assert items[made["mention"]]["kind"] == "mention"
    assert _rows(db, "SELECT factor, level FROM variants ORDER BY factor") == [
        {"factor": "format", "level": "text"}, {"factor": "topic", "level": "launch"}]
    assert _rows(db, "SELECT followers FROM account_snapshots")[-1]["followers"] == 1

    again = cli("collect", "--json")
    assert again.code == 0, again.err
    assert all(not s["new"] for s in json.loads(again.out)["accounts"].values())

    post = fan.get_posts([uri]).posts[0]
    late = fan.send_post("One more question: price?", reply_to=models.AppBskyFeedPost.ReplyRef(
        parent=models.create_strong_ref(post), root=models.create_strong_ref(post)))
    wait_for(lambda: _indexed(fan, uri, replies=2))
    third = cli("collect", "--json")
    assert third.code == 0, third.err
    new_items = _rows(db, f"SELECT kind FROM items WHERE item_id = 'bluesky:{late.uri}'")
    assert new_items == [{"kind": "reply"}]
    assert _rows(db, "SELECT count(*) AS n FROM interactions WHERE kind = 'reply'") == [{"n": 2}]
    kpis = cli("kpis", "--json")
    assert kpis.code == 0, kpis.err
    figures = json.loads(kpis.out)
    assert figures["posts"] == 1 and figures["ignored_posts"] == 0
    assert figures["reactions"] == 4  # two replies, a quote and a mention
    assert figures["followers"][f"bluesky:{brand}"]["end"] == 1

    for path in (db, db.with_name(db.name + ".wal")):
        if path.exists():
            assert password.encode() not in path.read_bytes()
    for output in (added, published, first, again, third, kpis):
        assert password not in output.out + output.err


def _own_posts(client: Client) -> list[Any]:
    did = client._session.did
    return list(client.com.atproto.repo.list_records(
        {"repo": did, "collection": "app.bsky.feed.post"}).records)


@pytest.mark.parametrize("dies", ["after_sending", "before_sending"])
def test_a_run_that_dies_never_publishes_twice(
        atproto_network: dict[str, Any], cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch,
        wait_for: Wait, dies: str) -> None:
    from sounding.connectors.bluesky import BlueskyConnector
    from sounding.workflows import publish

    brand, _, brand_client = _add_brand(cli, monkeypatch, atproto_network["pds"], wait_for)
    assert cli("queue", "add", "--account", brand, "--text", f"Exactly once ({dies})").code == 0
    if dies == "after_sending":
        target, name = publish, "_record"
    else:
        target, name = BlueskyConnector, "publish"  # type: ignore[assignment]
    original = getattr(target, name)

    def killed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt("the process died")

    monkeypatch.setattr(target, name, killed)
    with Store.open(db) as store, pytest.raises(KeyboardInterrupt):
        publish.publish_due(store)
    assert _rows(db, "SELECT status FROM queue") == [{"status": "sending"}]
    assert len(_own_posts(brand_client)) == (1 if dies == "after_sending" else 0)
    monkeypatch.setattr(target, name, original)

    rerun = cli("publish", "--due")
    assert rerun.code == 0, rerun.out + rerun.err
    assert len(_own_posts(brand_client)) == 1
    assert _rows(db, "SELECT status FROM queue") == [{"status": "published"}]
    assert cli("publish", "--due").out.strip().endswith("of 0 due")
    assert len(_own_posts(brand_client)) == 1


def test_a_wrong_password_names_the_setting_to_fix(
        atproto_network: dict[str, Any], cli: Any, monkeypatch: pytest.MonkeyPatch,
        wait_for: Wait) -> None:
    _, password, _ = _add_brand(cli, monkeypatch, atproto_network["pds"], wait_for)
    monkeypatch.setenv("SOUNDING_TEST_BSKY_PASSWORD", "expired-" + password)
    result = cli("collect")
    assert result.code == 1
    assert "SOUNDING_TEST_BSKY_PASSWORD" in result.err
    assert password not in result.out + result.err
    monkeypatch.delenv("SOUNDING_TEST_BSKY_PASSWORD")
    missing = cli("collect")
    assert missing.code == 1 and "$SOUNDING_TEST_BSKY_PASSWORD is not set" in missing.err


def test_listening_finds_posts_and_links_them_to_the_query(
        atproto_network: dict[str, Any], cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch,
        wait_for: Wait) -> None:
    brand, _, _ = _add_brand(cli, monkeypatch, atproto_network["pds"], wait_for)
    _, _, fan = make_account(atproto_network["pds"], "fan", wait_for)
    word = f"zorblax{next(_ids)}"
    assert cli("listen", "add", word).code == 0
    post = fan.send_post(f"Has anyone tried {word}? Curious.")
    wait_for(lambda: fan.app.bsky.feed.search_posts({"q": word}).posts)
    result = cli("collect", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["accounts"][f"bluesky:{brand}"]["listening_hits"] == 1
    hits = _rows(db, "SELECT h.item_id, i.kind FROM listening_hits h JOIN items i USING (item_id)")
    assert hits == [{"item_id": f"bluesky:{post.uri}", "kind": "mention"}]
    again = cli("collect", "--json")
    assert json.loads(again.out)["accounts"][f"bluesky:{brand}"]["listening_hits"] == 0


def test_a_refused_password_sends_nothing_and_the_entry_can_be_cancelled(
        atproto_network: dict[str, Any], cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch,
        wait_for: Wait) -> None:
    brand, password, brand_client = _add_brand(cli, monkeypatch, atproto_network["pds"],
                                               wait_for)
    assert cli("queue", "add", "--account", brand, "--text", "Not with that password").code == 0
    assert cli("queue", "add", "--account", brand, "--text", "Sent once it is fixed").code == 0
    monkeypatch.setenv("SOUNDING_TEST_BSKY_PASSWORD", "wrong")
    refused = cli("publish", "--due")
    assert refused.code == 1
    assert "set $SOUNDING_TEST_BSKY_PASSWORD" in refused.out  # the hint, per entry
    assert "nothing was sent" in refused.out and "0 published" in refused.out
    rows = _rows(db, "SELECT status, idempotency_key, error FROM queue ORDER BY queue_id")
    assert [(r["status"], r["idempotency_key"]) for r in rows] == [("scheduled", None)] * 2
    assert all("refused the app password" in r["error"] for r in rows)
    listed = cli("queue", "list")
    assert "#1 scheduled" in listed.out and "sending" not in listed.out
    cancelled = cli("queue", "cancel", "1")
    assert cancelled.code == 0, cancelled.err
    monkeypatch.setenv("SOUNDING_TEST_BSKY_PASSWORD", password)
    fixed = cli("publish", "--due")
    assert fixed.code == 0, fixed.out + fixed.err
    assert [p.value.text for p in _own_posts(brand_client)] == ["Sent once it is fixed"]


def test_a_broken_account_does_not_stop_collect_for_the_others(
        atproto_network: dict[str, Any], cli: Any, monkeypatch: pytest.MonkeyPatch,
        wait_for: Wait) -> None:
    brand, _, _ = _add_brand(cli, monkeypatch, atproto_network["pds"], wait_for)
    monkeypatch.delenv("SOUNDING_TEST_DEAD_PW", raising=False)
    added = cli("account", "add", "bluesky", "--handle", "dead.test", "--service",
                atproto_network["pds"], "--password-env", "SOUNDING_TEST_DEAD_PW")
    assert added.code == 0, added.err
    result = cli("collect")  # bluesky:dead.test is collected first, and fails
    assert result.code == 1
    assert f"bluesky:{brand}: new " in result.out
    assert "bluesky:dead.test not collected" in result.err
    assert "SOUNDING_TEST_DEAD_PW" in result.err
    as_json = json.loads(cli("collect", "--json").out)
    assert list(as_json["accounts"]) == [f"bluesky:{brand}"]
    assert list(as_json["failed"]) == ["bluesky:dead.test"]


def test_a_fan_who_changes_handle_stays_one_person(
        atproto_network: dict[str, Any], cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch,
        wait_for: Wait) -> None:
    pds = atproto_network["pds"]
    _, _, brand_client = _add_brand(cli, monkeypatch, pds, wait_for)
    _, _, fan = make_account(pds, "fan", wait_for)
    did = fan._session.did

    def react(text: str, *, everything: bool) -> None:
        sent = brand_client.send_post(text)
        post = wait_for(lambda: fan.get_posts([sent.uri]).posts)[0]
        fan.like(post.uri, post.cid)
        if everything:
            fan.repost(post.uri, post.cid)
            fan.follow(brand_client._session.did)
        wait_for(lambda: fan.get_posts([sent.uri]).posts[0].like_count == 1)

    def edges() -> dict[str, int]:
        rows = _rows(db, "SELECT kind, count(*) AS n FROM interactions i JOIN actors a "
                         "ON a.actor_id = i.actor_id WHERE a.native_id = ? GROUP BY kind", did)
        return {r["kind"]: r["n"] for r in rows}

    react("Before the rename", everything=True)
    assert cli("collect").code == 0
    assert edges() == {"like": 1, "repost": 1, "follow": 1}
    renamed = f"renamed{next(_ids)}.test"
    fan.com.atproto.identity.update_handle({"handle": renamed})
    wait_for(lambda: fan.app.bsky.actor.get_profile({"actor": did}).handle == renamed)
    react("After the rename", everything=False)
    collected = cli("collect")
    assert collected.code == 0, collected.err
    assert _rows(db, "SELECT handle FROM actors WHERE native_id = ?", did) == [
        {"handle": renamed}]
    assert edges() == {"like": 2, "repost": 1, "follow": 1}
    assert _rows(db, "SELECT count(*) - count(DISTINCT interaction_id) AS n "
                     "FROM interaction_rows") == [{"n": 0}]
