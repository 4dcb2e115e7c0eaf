"""A thread holds every reply under its root, also when an import gave only parents."""

from __future__ import annotations

from pathlib import Path

from conftest import write_csv
from sounding.store import Store
from sounding.workflows.ingest import import_items
from sounding.workflows.labels import thread


def _import(store: Store, tmp_path: Path, rows: list[dict[str, str]]) -> None:
    base = {"network": "bluesky", "text": "hello", "parent_id": "", "root_id": ""}
    import_items(store, write_csv(tmp_path / "items.csv", [{**base, **r} for r in rows]))


def test_replies_given_only_their_parent_are_in_the_thread(store: Store, tmp_path: Path
                                                          ) -> None:
    _import(store, tmp_path, [
        {"id": "p0", "author": "brand", "created_at": "2026-03-01T10:00:00Z"},
        {"id": "r1", "author": "ann", "created_at": "2026-03-01T11:00:00Z", "parent_id": "p0"},
        {"id": "r2", "author": "bob", "created_at": "2026-03-01T12:00:00Z", "parent_id": "r1"},
        {"id": "r3", "author": "cy", "created_at": "2026-03-01T13:00:00Z", "parent_id": "p0",
         "root_id": "p0"},
        {"id": "other", "author": "dan", "created_at": "2026-03-01T14:00:00Z"},
    ])
    expected = [("bluesky:p0", 0), ("bluesky:r1", 1), ("bluesky:r2", 2), ("bluesky:r3", 1)]
    for asked in ("bluesky:p0", "bluesky:r1", "bluesky:r2", "bluesky:r3"):
        assert [(r["item_id"], r["depth"]) for r in thread(store, asked)] == expected


def test_a_reply_whose_parent_is_not_stored_is_its_own_thread(store: Store, tmp_path: Path
                                                             ) -> None:
    _import(store, tmp_path, [
        {"id": "r1", "author": "ann", "created_at": "2026-03-01T11:00:00Z", "parent_id": "gone"},
        {"id": "r2", "author": "bob", "created_at": "2026-03-01T12:00:00Z", "parent_id": "r1"},
    ])
    assert [r["item_id"] for r in thread(store, "bluesky:r2")] == ["bluesky:r1", "bluesky:r2"]


def test_a_parent_cycle_in_bad_data_ends(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path, [
        {"id": "a", "author": "ann", "created_at": "2026-03-01T11:00:00Z", "parent_id": "b"},
        {"id": "b", "author": "bob", "created_at": "2026-03-01T12:00:00Z", "parent_id": "a"},
    ])
    assert {r["item_id"] for r in thread(store, "bluesky:a")} == {"bluesky:a", "bluesky:b"}
