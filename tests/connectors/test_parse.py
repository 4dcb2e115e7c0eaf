"""The pure parts: text rules, facets, cursors and Bluesky payloads as the XRPC API writes them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from atproto_client.exceptions import RateLimitExceededError
from atproto_client.request import Response

from sounding.connectors import bluesky_parse as bp
from sounding.connectors.base import Draft, newest_first_state, walk_cursor
from sounding.connectors.bluesky import BlueskyConnector, _retry_after
from sounding.connectors.bluesky_post import check_draft, facets
from sounding.connectors.mastodon_parse import html_to_text, parse_verify_credentials
from sounding.connectors.records import Brand, Records
from sounding.connectors.retry import RetryPolicy, with_retries
from sounding.connectors.text import find_spans, graphemes, mastodon_length, tid
from sounding.errors import (
    CredentialRejected,
    NetworkFailure,
    NetworkRefused,
    PostRejected,
    RateLimited,
    SoundingError,
)
from sounding.models import Actor, Batch
from sounding.store import Store

BRAND = Brand("bluesky", "brand.test", "bluesky:brand.test", "bluesky:brand.test", "did:plc:b")
URI = "at://did:plc:b/app.bsky.feed.post/3kabc"
FAN = {"did": "did:plc:f", "handle": "fan.test", "displayName": "Fan"}


def _view(uri: str, author: dict[str, str], text: str, **record: object) -> dict[str, object]:
    return {"uri": uri, "cid": "bafy", "author": author, "indexedAt": "2026-11-20T18:00:01.000Z",
            "record": {"$type": "app.bsky.feed.post", "text": text,
                       "createdAt": "2026-11-20T18:00:00.123456789Z", **record}}


def test_graphemes_count_what_a_person_sees() -> None:
    assert graphemes("héllo") == 5
    assert graphemes("e\u0301") == 1
    assert graphemes("👍🏽👨‍👩‍👧🇫🇷") == 3
    assert graphemes("a\r\nb") == 3


def test_facet_offsets_are_utf8_bytes() -> None:
    text = "Café ☕ #launch https://ex.com/a. cc @fan.test!"
    spans = {s.kind: s for s in find_spans(text)}
    raw = text.encode()
    assert raw[spans["tag"].byte_start:spans["tag"].byte_end] == b"#launch"
    assert raw[spans["link"].byte_start:spans["link"].byte_end] == b"https://ex.com/a"
    assert raw[spans["mention"].byte_start:spans["mention"].byte_end] == b"@fan.test"
    made = facets(text, {"fan.test": "did:plc:f"}.get)
    assert [f["features"][0]["$type"].rsplit("#")[1] for f in made] == ["tag", "link", "mention"]
    assert facets("hi @nobody.test", lambda h: None) == []


def test_limits_are_checked_before_sending() -> None:
    check_draft(Draft("é" * 300))
    with pytest.raises(PostRejected, match="301 graphemes"):
        check_draft(Draft("é" * 301))
    assert mastodon_length("see https://example.com/" + "x" * 100) == 4 + 23
    assert mastodon_length("hi @ana@other.example") == len("hi @ana")


def test_mastodon_counts_as_its_server_does() -> None:
    """Graphemes; a sentence's punctuation after a link is no part of the link; a mention
    may follow a bracket but not a word (an e-mail address is counted in full)."""
    assert mastodon_length("👍🏽" * 10) == 10
    assert mastodon_length("see https://example.com/" + "x" * 100 + ".") == 4 + 23 + 1
    assert mastodon_length("(@ana@other.example)") == len("(@ana)")
    assert mastodon_length("mail bob@other.example") == len("mail bob@other.example")


def test_tids_sort_by_time() -> None:
    keys = [tid(t) for t in (1_700_000_000_000_000, 1_700_000_000_000_001, 1_800_000_000_000_000)]
    assert keys == sorted(keys) and all(len(k) == 13 for k in keys)


def test_newest_first_walk_resumes_and_moves_its_mark_only_at_the_end() -> None:
    state, done = newest_first_state(None, ["2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z"], "c1")
    assert not done and walk_cursor(state) == "c1"
    state, done = newest_first_state(state, ["2026-01-01T00:00:00Z"], None)
    assert done and json.loads(state) == {"mark": "2026-01-03T00:00:00Z"}
    state, done = newest_first_state(state, ["2026-01-04T00:00:00Z", "2026-01-03T00:00:00Z"], "c")
    assert done and json.loads(state)["mark"] == "2026-01-04T00:00:00Z"


def test_retries_wait_as_the_network_asks() -> None:
    slept: list[float] = []
    answers: list[Exception | str] = [RateLimited("429", retry_after=7), NetworkFailure("503"),
                                      "ok"]

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert with_retries(call, RetryPolicy(sleep=slept.append)) == "ok"
    assert slept == [7, 2.0]


def _tries(error: SoundingError) -> int:
    """How many times ``with_retries`` calls something that always raises ``error``."""
    calls: list[int] = []

    def call() -> None:
        calls.append(1)
        raise error

    with pytest.raises(SoundingError):
        with_retries(call, RetryPolicy(tries=4, sleep=lambda s: None))
    return len(calls)


def test_retries_honour_the_transient_flag() -> None:
    final = NetworkFailure("a refusal that came in as a network error")
    final.transient = False
    busy = SoundingError("busy")
    busy.transient = True
    assert _tries(final) == 1
    assert _tries(NetworkRefused("422", status=422)) == 1
    assert _tries(busy) == 4
    assert _tries(NetworkFailure("503")) == 4


def test_bluesky_4xx_is_final_whatever_class_the_sdk_raises() -> None:
    from atproto_client.exceptions import (  # type: ignore[import-untyped]
        NetworkError,
        UnauthorizedError,
    )
    from atproto_client.models.common import XrpcError  # type: ignore[import-untyped]
    from atproto_client.request import Response  # type: ignore[import-untyped]

    connector = BlueskyConnector(BRAND, "app-password", credential_env="SOUNDING_TEST_BSKY",
                                 service_url="http://127.0.0.1:9")

    def outcome(kind: type[Exception], status: int | None) -> tuple[type[Exception], int]:
        response = None if status is None else Response(
            False, status, XrpcError("PayloadTooLarge", "request entity too large"), {})
        calls: list[int] = []

        def call() -> None:
            calls.append(1)
            raise kind(response)
        with pytest.raises(SoundingError) as caught:
            with_retries(lambda: connector._translate(call),
                         RetryPolicy(tries=3, sleep=lambda s: None))
        return type(caught.value), len(calls)

    assert outcome(NetworkError, 413) == (NetworkRefused, 1)  # the SDK calls it a network error
    assert outcome(NetworkError, 409) == (NetworkRefused, 1)
    assert outcome(UnauthorizedError, 403) == (NetworkRefused, 1)
    assert outcome(UnauthorizedError, 401) == (CredentialRejected, 1)
    assert outcome(NetworkError, 502) == (NetworkFailure, 3)
    assert outcome(NetworkError, None) == (NetworkFailure, 3)


def test_thread_replies_at_every_depth() -> None:
    reply = _view("at://did:plc:f/app.bsky.feed.post/r1", FAN, "When?",
                  reply={"root": {"uri": URI, "cid": "x"}, "parent": {"uri": URI, "cid": "x"}})
    answer = _view("at://did:plc:b/app.bsky.feed.post/r2", {"did": "did:plc:b",
                   "handle": "brand.test"}, "Soon!",
                   reply={"root": {"uri": URI, "cid": "x"}, "parent": {"uri": reply["uri"],
                                                                     "cid": "y"}})
    payload = {"thread": {"$type": "app.bsky.feed.defs#threadViewPost",
                          "post": _view(URI, {"did": "did:plc:b", "handle": "brand.test"}, "Hi"),
                          "replies": [{"$type": "app.bsky.feed.defs#threadViewPost",
                                       "post": reply, "replies": [
                                           {"$type": "app.bsky.feed.defs#threadViewPost",
                                            "post": answer, "replies": []},
                                           {"$type": "app.bsky.feed.defs#blockedPost",
                                            "uri": "at://x", "blocked": True}]}]}}
    out = bp.parse_thread(payload, BRAND)
    items = {i.item_id: i for i in out.items.values()}
    first = items[bp.item_id(str(reply["uri"]))]
    assert (first.kind, first.parent_id, first.root_id) == ("reply", bp.item_id(URI),
                                                            bp.item_id(URI))
    assert first.created_at == datetime(2026, 11, 20, 18, 0, 0, 123456, tzinfo=UTC)
    assert items[bp.item_id(str(answer["uri"]))].account_id == "bluesky:brand.test"
    assert {e.interaction_id for e in out.interactions.values()} == {
        f"bluesky:reply:fan.test:{reply['uri']}", f"bluesky:reply:brand.test:{answer['uri']}"}


def test_a_reply_chain_deeper_than_python_s_stack_is_read_whole() -> None:
    """A chain of 1,500 replies, each answering the one before: the recursive walk ended
    in a RecursionError."""
    top = {"$type": "app.bsky.feed.defs#threadViewPost",
           "post": _view(URI, {"did": "did:plc:b", "handle": "brand.test"}, "Hi"),
           "replies": []}
    node, parent = top, URI
    for n in range(1500):
        uri = f"at://did:plc:f/app.bsky.feed.post/c{n}"
        child = {"$type": "app.bsky.feed.defs#threadViewPost", "replies": [],
                 "post": _view(uri, FAN, f"reply {n}", reply={
                     "root": {"uri": URI, "cid": "x"}, "parent": {"uri": parent, "cid": "y"}})}
        node["replies"].append(child)  # type: ignore[attr-defined]
        node, parent = child, uri
    out = bp.parse_thread({"thread": top}, BRAND)
    assert len(out.items) == 1500
    last = out.items[bp.item_id("at://did:plc:f/app.bsky.feed.post/c1499")]
    assert last.parent_id == bp.item_id("at://did:plc:f/app.bsky.feed.post/c1498")


def test_notifications_become_edges_with_stable_ids() -> None:
    like = {"uri": "at://did:plc:f/app.bsky.feed.like/l1", "cid": "c", "author": FAN,
            "reason": "like", "reasonSubject": URI, "indexedAt": "2026-11-20T18:01:00Z",
            "record": {"$type": "app.bsky.feed.like", "subject": {"uri": URI, "cid": "c"},
                       "createdAt": "2026-11-20T18:01:00Z"}}
    follow = {**like, "reason": "follow", "reasonSubject": None,
              "record": {"$type": "app.bsky.graph.follow", "subject": "did:plc:b",
                         "createdAt": "2026-11-20T18:02:00Z"}}
    mention = {"uri": "at://did:plc:f/app.bsky.feed.post/m1", "cid": "c", "author": FAN,
               "reason": "mention", "indexedAt": "2026-11-20T18:03:00Z",
               "record": {"$type": "app.bsky.feed.post", "text": "@brand.test hi",
                          "createdAt": "2026-11-20T18:03:00Z"}}
    out = bp.parse_notifications({"notifications": [like, follow, mention, like]}, BRAND)
    edges = {e.kind: e for e in out.interactions.values()}
    assert edges["like"].interaction_id == f"bluesky:like:fan.test:{URI}"
    assert edges["like"].target_item_id == bp.item_id(URI)
    assert edges["follow"].target_actor_id == "bluesky:brand.test"
    assert edges["mention"].target_item_id == bp.item_id(mention["uri"])
    assert len(out.interactions) == 3
    assert next(iter(out.items.values())).kind == "mention"
    assert out.actors["bluesky:fan.test"].display_name == "Fan"
    assert out.actors["bluesky:fan.test"].bio is None  # a basic profile view has none


def test_a_profile_description_becomes_the_actors_bio() -> None:
    def liked_by(actor: dict[str, object]) -> object:
        payload = {"uri": URI, "likes": [{"actor": actor, "createdAt": "2026-11-20T18:01:00Z",
                                          "indexedAt": "2026-11-20T18:01:00Z"}]}
        return bp.parse_likes(payload).actors["bluesky:fan.test"]

    actor = liked_by({**FAN, "description": "  Pastry chef <b>in Lyon</b>\n"})
    assert actor.bio == "Pastry chef <b>in Lyon</b>"  # kept as written; pages escape it
    assert liked_by({**FAN, "description": "   "}).bio is None
    both = bp.parse_likes({"uri": URI, "likes": [
        {"actor": {**FAN, "description": "Baker"}, "createdAt": "2026-11-20T18:01:00Z"},
        {"actor": {**FAN, "followersCount": 3}, "createdAt": "2026-11-20T18:02:00Z"}]})
    assert both.actors["bluesky:fan.test"].bio == "Baker"  # a later view without it


def test_a_bio_survives_the_order_in_which_profile_views_arrive() -> None:
    out = Records()
    out.add_actor(Actor("bluesky:fan.test", "bluesky", "fan.test", "Fan"))  # a post's author
    out.add_actor(Actor("bluesky:fan.test", "bluesky", "fan.test", "Fan", bio="Baker"))
    out.add_actor(Actor("bluesky:fan.test", "bluesky", "fan.test", "Fan", followers=9))
    assert (out.actors["bluesky:fan.test"].bio, out.actors["bluesky:fan.test"].followers) == (
        "Baker", 9)


def test_an_empty_mastodon_note_erases_the_stored_bio(store: Store) -> None:
    brand = Brand("mastodon", "me@social.example", "mastodon:me@social.example",
                  "mastodon:me@social.example", "1")
    account = {"id": "1", "acct": "me", "display_name": "Me", "followers_count": 3}
    at = datetime(2026, 11, 20, tzinfo=UTC)

    def stored(note: object) -> object:
        payload = account if note is None else {**account, "note": note}
        actors = parse_verify_credentials(payload, brand, "social.example", at).actors
        store.write(Batch.from_records(actors=list(actors.values())), kind="test", source="t")
        return store.scalar("SELECT bio FROM actors")

    assert stored("<p>Tea &amp; cake</p>") == "Tea & cake"
    assert stored(None) == "Tea & cake"  # the payload did not say
    assert stored("") == ""  # the account says it has none


def test_mastodon_html_becomes_text() -> None:
    assert html_to_text("<p>Hi &amp; bye<br>line</p><p>two</p>") == "Hi & bye\nline\n\ntwo"


def test_the_brand_s_own_status_found_by_a_search_stays_a_post() -> None:
    from sounding.connectors.mastodon_parse import parse_statuses

    brand = Brand("mastodon", "me@social.example", "mastodon:me@social.example",
                  "mastodon:me@social.example", "1")
    status = {"id": "9", "content": "<p>#brioche</p>", "created_at": "2026-11-20T10:00:00Z",
              "url": "https://social.example/@me/9"}
    me, fan = {"id": "1", "acct": "me"}, {"id": "2", "acct": "fan"}
    items = parse_statuses([{**status, "account": me}, {**status, "id": "10", "account": fan}],
                           brand, "social.example", kind="mention").items
    kinds = {i.author_id: (i.kind, i.account_id) for i in items.values()}
    assert kinds == {"mastodon:me@social.example": ("post", "mastodon:me@social.example"),
                     "mastodon:fan@social.example": ("mention", None)}


def test_a_text_of_300_flags_is_refused_by_its_weight() -> None:
    """300 graphemes, but 4,200 bytes: Bluesky's record holds 3,000."""
    with pytest.raises(PostRejected, match="weighs 4,200 bytes; Bluesky allows 3,000"):
        check_draft(Draft("\U0001f3f3\ufe0f\u200d\U0001f308" * 300))
    check_draft(Draft("é" * 300))  # 600 bytes: fine


def test_a_rate_limit_reset_that_is_no_time_falls_back_to_the_backoff() -> None:
    def limited(reset: str) -> RateLimitExceededError:
        return RateLimitExceededError(Response(success=False, status_code=429, content=None,
                                               headers={"ratelimit-reset": reset}))

    assert _retry_after(limited("1735689600000")) is None  # milliseconds: year 56971
    assert _retry_after(limited("1")) == 0.0


def test_a_cursor_given_twice_ends_the_pages() -> None:
    """A server repeating its cursor kept the walk asking for ever."""
    connector = object.__new__(BlueskyConnector)
    asked: list[object] = []

    def likes(params: dict[str, object]) -> dict[str, object]:
        asked.append(params["cursor"])
        return {"likes": [{"x": 1}], "cursor": "same"}

    connector._query = lambda call: call()  # type: ignore[method-assign]
    pages = list(connector._pages(likes, URI, "likes"))
    assert len(pages) == 2 and asked == [None, "same"]


def test_accounts_whose_handle_no_longer_resolves_stay_apart() -> None:
    """Bluesky shows every such account as handle.invalid: two people became one actor
    with one like between them."""
    gone = [{"did": f"did:plc:{n}", "handle": "handle.invalid"} for n in ("g1", "g2")]
    out = bp.parse_likes({"uri": URI, "likes": [
        {"actor": a, "createdAt": "2026-11-20T18:01:00Z", "indexedAt": "2026-11-20T18:01:00Z"}
        for a in gone]})
    assert sorted(out.actors) == ["bluesky:did:plc:g1", "bluesky:did:plc:g2"]
    assert len(out.interactions) == 2
