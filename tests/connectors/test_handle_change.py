"""A Bluesky handle change (same DID) renames the stored actor: nobody and nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from sounding.connectors import bluesky_parse as bp
from sounding.connectors.records import Brand, Records
from sounding.models import Account, Actor, Batch, Interaction
from sounding.store import Store
from sounding.store.migrations import available_migrations

BRAND = Brand("bluesky", "brand.test", "bluesky:brand.test", "bluesky:brand.test", "did:plc:b")
POSTS = [f"at://did:plc:b/app.bsky.feed.post/p{n}" for n in range(3)]
REPLY = "at://did:plc:x/app.bsky.feed.post/r1"
OLD, NEW = "alice.bsky.social", "alice.example.com"
SEEN = datetime(2026, 11, 21, tzinfo=UTC)


def _alice(handle: str) -> dict[str, Any]:
    return {"did": "did:plc:x", "handle": handle, "displayName": "Alice", "followersCount": 5}


def _likes(uri: str, *actors: dict[str, Any]) -> dict[str, Any]:
    return {"uri": uri, "likes": [{"actor": a, "createdAt": "2026-11-20T18:01:00Z",
                                   "indexedAt": "2026-11-20T18:01:02Z"} for a in actors]}


def _notes(author: dict[str, Any], *, reply: bool) -> dict[str, Any]:
    follow = {"uri": "at://did:plc:x/app.bsky.graph.follow/f1", "cid": "c", "author": author,
              "reason": "follow", "indexedAt": "2026-11-20T18:02:00Z",
              "record": {"$type": "app.bsky.graph.follow", "subject": "did:plc:b",
                         "createdAt": "2026-11-20T18:02:00Z"}}
    answer = {"uri": REPLY, "cid": "c", "author": author, "reason": "reply",
              "indexedAt": "2026-11-20T18:03:00Z",
              "record": {"$type": "app.bsky.feed.post", "text": "Love it",
                         "createdAt": "2026-11-20T18:03:00Z",
                         "reply": {"root": {"uri": POSTS[0]}, "parent": {"uri": POSTS[0]}}}}
    return {"notifications": [follow, answer] if reply else [follow]}


def _collected(handle: str, liked: int, *, reply: bool = True) -> Batch:
    """What a collect of the brand's notifications and reactions parses: Alice (under
    ``handle``) likes the first ``liked`` posts, reposts the first, follows the brand
    (and replied to the first post); Bob likes the first post."""
    alice, bob = _alice(handle), {"did": "did:plc:y", "handle": "bob.test"}
    out = bp.parse_notifications(_notes(alice, reply=reply), BRAND)
    for n, uri in enumerate(POSTS[:liked]):
        out.extend(bp.parse_likes(_likes(uri, alice, bob) if n == 0 else _likes(uri, alice)))
    out.extend(bp.parse_reposted_by({"uri": POSTS[0], "repostedBy": [alice]}, SEEN))
    return out.batch()


def _rows(store: Store, sql: str, *params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = store.query(sql, list(params)).to_pylist()
    return rows


def _state(store: Store) -> list[list[dict[str, Any]]]:
    return [_rows(store, f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY ALL")
            for t in ("interaction_rows", "items")] + [_rows(store, "SELECT * FROM actors "
                                                             "ORDER BY actor_id")]


def _alice_edges(store: Store) -> dict[str, list[str]]:
    rows = _rows(store, "SELECT kind, interaction_id FROM interactions "
                        "WHERE actor_id LIKE 'bluesky:alice%' ORDER BY ALL")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["kind"], []).append(row["interaction_id"])
    return found


def test_a_new_handle_renames_the_actor_and_keeps_each_edge_once(store: Store) -> None:
    store.write(_collected(OLD, liked=2), kind="collect", source="t")
    before = _alice_edges(store)
    assert {k: len(v) for k, v in before.items()} == {"follow": 1, "like": 2, "repost": 1,
                                                      "reply": 1}
    store.write(_collected(NEW, liked=3, reply=False), kind="collect", source="t")

    people = _rows(store, "SELECT actor_id, handle, native_id FROM actors "
                          "WHERE native_id = 'did:plc:x'")
    assert people == [{"actor_id": f"bluesky:{NEW}", "handle": NEW, "native_id": "did:plc:x"}]
    assert not _rows(store, "SELECT 1 FROM actors WHERE handle = ?", OLD)
    after = _alice_edges(store)
    assert {k: len(v) for k, v in after.items()} == {"follow": 1, "like": 3, "repost": 1,
                                                     "reply": 1}
    assert all(f":{NEW}:" in key for key in after["like"] + after["repost"] + after["follow"])
    assert store.scalar("SELECT count(*) - count(DISTINCT interaction_id) "
                        "FROM interaction_rows") == 0
    assert store.scalar("SELECT count(*) FROM interactions WHERE actor_id = 'bluesky:bob.test'"
                        ) == 1
    reply = _rows(store, "SELECT author_id, url FROM items WHERE item_id = ?", bp.item_id(REPLY))
    assert reply == [{"author_id": f"bluesky:{NEW}",
                      "url": f"https://bsky.app/profile/{NEW}/post/r1"}]

    settled = _state(store)
    _, stats = store.write(_collected(NEW, liked=3, reply=False), kind="collect", source="t")
    assert _state(store) == settled
    assert all(s.new == 0 for s in stats.tables.values())


def test_both_handles_already_stored_merge_into_one_actor(store: Store) -> None:
    store.write(_collected(OLD, liked=2), kind="collect", source="t")
    first_seen = store.scalar("SELECT first_seen FROM actors WHERE handle = ?", [OLD])
    # an export named the new handle before any collect saw it: no DID, one like of its own
    imported = Interaction(f"bluesky:like:{NEW}:{POSTS[1]}", "bluesky", "like", f"bluesky:{NEW}",
                           datetime(2026, 11, 20, 18, 1, tzinfo=UTC), bp.item_id(POSTS[1]))
    store.write(Batch.from_records(actors=[Actor(f"bluesky:{NEW}", "bluesky", NEW, lang="fr")],
                                   interactions=[imported]), kind="import", source="t")
    store.write(_collected(NEW, liked=3, reply=False), kind="collect", source="t")

    people = _rows(store, "SELECT actor_id, lang, followers, first_seen FROM actors "
                          "WHERE actor_id LIKE 'bluesky:alice%'")
    assert people == [{"actor_id": f"bluesky:{NEW}", "lang": "fr", "followers": 5,
                       "first_seen": first_seen}]
    assert {k: len(v) for k, v in _alice_edges(store).items()} == {
        "follow": 1, "like": 3, "repost": 1, "reply": 1}
    assert store.scalar("SELECT count(*) - count(DISTINCT interaction_id) "
                        "FROM interaction_rows") == 0


def test_a_handle_taken_by_someone_else_keeps_two_people_apart(store: Store) -> None:
    """Alice gives up her handle and Carol (another DID) takes it: Carol's like does not
    join Alice's history; Alice waits under her DID, then takes her new handle's key."""
    store.write(_collected(OLD, liked=2), kind="collect", source="t")
    carol = {"did": "did:plc:z", "handle": OLD, "displayName": "Carol"}
    store.write(bp.parse_likes(_likes(POSTS[2], carol)).batch(), kind="collect", source="t")
    people = _rows(store, "SELECT actor_id, handle, native_id FROM actors "
                          "WHERE native_id IN ('did:plc:x', 'did:plc:z') ORDER BY native_id")
    assert people == [
        {"actor_id": "bluesky:did:plc:x", "handle": "did:plc:x", "native_id": "did:plc:x"},
        {"actor_id": f"bluesky:{OLD}", "handle": OLD, "native_id": "did:plc:z"}]
    edges = _rows(store, "SELECT actor_id, count(*) AS n FROM interactions WHERE actor_id IN "
                         "('bluesky:did:plc:x', ?) GROUP BY ALL ORDER BY ALL", f"bluesky:{OLD}")
    assert edges == [{"actor_id": f"bluesky:{OLD}", "n": 1},       # Carol's like
                     {"actor_id": "bluesky:did:plc:x", "n": 5}]    # Alice's, all kept
    reply = _rows(store, "SELECT author_id FROM items WHERE item_id = ?", bp.item_id(REPLY))
    assert reply == [{"author_id": "bluesky:did:plc:x"}]

    store.write(_collected(NEW, liked=3, reply=False), kind="collect", source="t")
    assert not _rows(store, "SELECT 1 FROM actors WHERE actor_id = 'bluesky:did:plc:x'")
    alice = _rows(store, "SELECT kind, count(*) AS n FROM interactions WHERE actor_id = ? "
                         "GROUP BY ALL ORDER BY ALL", f"bluesky:{NEW}")
    assert {r["kind"]: r["n"] for r in alice} == {"follow": 1, "like": 3, "repost": 1,
                                                   "reply": 1}
    assert store.scalar("SELECT count(*) FROM interactions WHERE actor_id = ?",
                        [f"bluesky:{OLD}"]) == 1
    assert store.scalar("SELECT count(*) - count(DISTINCT interaction_id) "
                        "FROM interaction_rows") == 0


def test_the_brand_s_new_handle_moves_its_account_and_its_followers_edges(store: Store) -> None:
    store.write(Batch.from_records(accounts=[Account(BRAND.account_id, "bluesky", "brand.test",
                                                     BRAND.actor_id)]), kind="t", source="t")
    profile = {"did": "did:plc:b", "handle": "brand.test", "followersCount": 1}
    for batch in (bp.parse_profile(profile, BRAND, SEEN), _collected(OLD, liked=1)):
        store.write(batch.batch() if isinstance(batch, Records) else batch, kind="t", source="t")
    renamed = bp.parse_profile({**profile, "handle": "brand.example"}, BRAND, SEEN)
    store.write(renamed.batch(), kind="t", source="t")
    assert store.scalar("SELECT actor_id FROM accounts") == "bluesky:brand.example"
    assert _rows(store, "SELECT target_actor_id FROM interactions WHERE kind = 'follow'") == [
        {"target_actor_id": "bluesky:brand.example"}]


def test_an_import_without_native_ids_renames_nothing(store: Store) -> None:
    store.write(_collected(OLD, liked=1), kind="collect", source="t")
    store.write(Batch.from_records(actors=[Actor(f"bluesky:{NEW}", "bluesky", NEW)]),
                kind="import", source="t")
    assert store.scalar("SELECT count(*) FROM actors WHERE actor_id LIKE 'bluesky:alice%'") == 2


def test_a_workspace_from_before_native_ids_learns_them_at_the_next_collect(db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
                "applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    for m in available_migrations():
        if m.version <= 9:
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [m.version, m.name])
    batch = _collected(OLD, liked=2)
    for name, stored in (("actors", "actors"), ("items", "items"),
                         ("interactions", "interaction_rows")):  # as sounding 9 did: no DIDs
        table = getattr(batch, name)
        table = table.drop(["native_id"]) if name == "actors" else table
        con.register("_t", table)
        con.execute(f"INSERT INTO {stored} ({', '.join(table.column_names)}) SELECT * FROM _t")
        con.unregister("_t")
    con.close()
    with Store.open(db) as store:
        assert 10 in store.query("SELECT version FROM schema_migrations")["version"].to_pylist()
        assert store.scalar("SELECT count(native_id) FROM actors") == 0
        store.write(_collected(OLD, liked=2), kind="collect", source="t")  # same handle
        assert store.scalar("SELECT native_id FROM actors WHERE handle = ?", [OLD]) == "did:plc:x"
        store.write(_collected(NEW, liked=3, reply=False), kind="collect", source="t")
        assert store.scalar("SELECT count(*) FROM actors WHERE native_id = 'did:plc:x'") == 1
        assert len(_alice_edges(store)["like"]) == 3
