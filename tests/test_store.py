"""The store: migrations, idempotent upserts, snapshot history, transactions."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sounding.errors import MigrationError, StoreError
from sounding.models import Actor, Batch, Interaction, Item, MetricSnapshot, VariantTag
from sounding.store import TABLES, Store
from sounding.store.migrations import available_migrations
from sounding.store.writes import write_batch

T0 = datetime(2026, 9, 7, 10, tzinfo=UTC)


def _batch(text: str = "hello", likes: int = 1, at: datetime = T0) -> Batch:
    return Batch.from_records(
        actors=[Actor("bluesky:ann", "bluesky", "ann", display_name="Ann")],
        items=[Item("bluesky:p1", "bluesky", "bluesky:ann", text, T0)],
        metric_snapshots=[MetricSnapshot("bluesky:p1", at, likes=likes)],
        variants=[VariantTag("bluesky:p1", "format", "video")],
    )


def test_new_workspace_has_every_table_and_records_migrations(store: Store) -> None:
    assert set(store.counts()) == set(TABLES)
    versions = store.query("SELECT version FROM schema_migrations").column(0).to_pylist()
    assert versions == [m.version for m in available_migrations()]


def test_reopening_applies_nothing_and_keeps_data(db: Path) -> None:
    with Store.open(db) as s:
        s.write(_batch(), kind="test", source="t")
    with Store.open(db) as s:
        assert s.counts()["items"] == 1
        assert s.scalar("SELECT count(*) FROM schema_migrations") == len(available_migrations())


def test_workspace_from_a_newer_version_is_refused(db: Path) -> None:
    Store.open(db).close()
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    con.close()
    with pytest.raises(MigrationError, match="999"):
        Store.open(db)


def test_writing_the_same_batch_twice_changes_nothing(store: Store) -> None:
    _, first = store.write(_batch(), kind="test", source="t")
    before = store.counts()
    _, second = store.write(_batch(), kind="test", source="t")
    after = store.counts()
    assert first.tables["items"].new == 1
    assert second.tables["items"].new == 0 and second.tables["items"].unchanged == 1
    assert {k: v for k, v in after.items() if k != "runs"} == \
        {k: v for k, v in before.items() if k != "runs"}


def test_changed_counters_append_a_snapshot_and_keep_history(store: Store) -> None:
    store.write(_batch(likes=1), kind="test", source="t")
    store.write(_batch(likes=1, at=T0 + timedelta(hours=1)), kind="test", source="t")
    store.write(_batch(likes=4, at=T0 + timedelta(hours=2)), kind="test", source="t")
    history = store.query("SELECT likes FROM metric_snapshots ORDER BY observed_at")
    assert history.column(0).to_pylist() == [1, 4]


def test_a_snapshot_imported_late_is_compared_with_the_one_before_it(store: Store) -> None:
    """An export of 2 March imported after those of 1 and 3 March: its 9 likes differ
    from the 5 before it, so it is history; it was compared with the newest (9) and lost.
    The same, three days in one batch after the newest."""
    day = [datetime(2026, 3, d, tzinfo=UTC) for d in range(1, 8)]

    def likes(*pairs: tuple[int, int]) -> Batch:
        return Batch.from_records(metric_snapshots=[
            MetricSnapshot("bluesky:p1", day[d], likes=n) for d, n in pairs])

    for pairs in (((0, 5),), ((2, 9),), ((1, 9),)):
        store.write(likes(*pairs), kind="t", source="t")
    store.write(likes((3, 9), (5, 2), (4, 2)), kind="t", source="t")  # 4 same as 3, 6 as 5
    history = store.query("SELECT observed_at, likes FROM metric_snapshots "
                          "ORDER BY observed_at").to_pylist()
    assert [(h["observed_at"].day, h["likes"]) for h in history] == [
        (1, 5), (2, 9), (3, 9), (5, 2)]


def test_a_snapshot_lacking_counters_adds_nothing_when_the_rest_is_the_same(store: Store
                                                                          ) -> None:
    """A later file with likes alone added a snapshot (likes 10, the rest unknown) after one
    of 10 likes, 2 reposts, 1 reply: nothing had changed."""
    def snap(day: int, **counts: int) -> Batch:
        return Batch.from_records(metric_snapshots=[
            MetricSnapshot("bluesky:p1", datetime(2026, 3, day, tzinfo=UTC), **counts)])

    store.write(snap(2, likes=10, reposts=2, replies=1), kind="t", source="t")
    _, stats = store.write(snap(3, likes=10), kind="t", source="t")
    assert stats.tables["metric_snapshots"].new == 0
    store.write(snap(4, likes=11), kind="t", source="t")  # a change: kept, as given
    rows = store.query("SELECT likes, reposts FROM metric_snapshots ORDER BY observed_at")
    assert rows.to_pylist() == [{"likes": 10, "reposts": 2}, {"likes": 11, "reposts": None}]


def test_one_batch_of_snapshots_keeps_what_the_same_snapshots_one_by_one_keep(
        db: Path, tmp_path: Path) -> None:
    """5 likes and 3 replies, then 5 likes alone, then 5 and 3 again: one batch kept the
    third (compared with the second, which lacks replies), three batches did not."""
    snaps = [MetricSnapshot("bluesky:p1", T0 + timedelta(days=d), **counts) for d, counts in
             ((0, {"likes": 5, "replies": 3}), (1, {"likes": 5}), (2, {"likes": 5, "replies": 3}))]
    kept = []
    for path, batches in ((db, [snaps]), (tmp_path / "apart.duckdb", [[s] for s in snaps])):
        with Store.open(path) as store:
            for batch in batches:
                store.write(Batch.from_records(metric_snapshots=batch), kind="t", source="t")
            kept.append(store.query("SELECT likes, replies FROM metric_snapshots").to_pylist())
    assert kept[0] == kept[1] == [{"likes": 5, "replies": 3}]


def test_a_parent_named_deeper_is_not_replaced_by_the_threads_root(store: Store) -> None:
    """A comments feed that does not say which comment a comment answers gives its post
    as parent: it flattened the thread a WXR export had stored, and the two sources then
    updated the item back and forth on every import."""
    def comment(parent: str) -> Batch:
        return Batch.from_records(items=[Item(
            "blog:x/p#comment-8", "blog", "blog:x/~ann", "oui", T0, kind="comment",
            parent_id=parent, root_id="blog:x/p")])

    store.write(comment("blog:x/p#comment-7"), kind="t", source="wxr")
    _, stats = store.write(comment("blog:x/p"), kind="t", source="feed")
    assert stats.tables["items"].updated == 0
    assert store.scalar("SELECT parent_id FROM items") == "blog:x/p#comment-7"
    store.write(comment("blog:x/p#comment-6"), kind="t", source="wxr")  # a deeper one wins
    assert store.scalar("SELECT parent_id FROM items") == "blog:x/p#comment-6"
    with store.transaction() as con:  # a parent never known is filled in by the root
        con.execute("UPDATE items SET parent_id = NULL")
    store.write(comment("blog:x/p"), kind="t", source="feed")
    assert store.scalar("SELECT parent_id FROM items") == "blog:x/p"


def test_a_reply_found_again_by_a_listening_query_stays_a_reply(store: Store) -> None:
    """A listening query's hits are stored as mentions: one that was a reply in the brand's
    thread became a mention on every collect, and its reply edge vanished."""
    def seen(kind: str) -> Batch:
        return Batch.from_records(
            actors=[Actor("bluesky:fan", "bluesky", "fan"), Actor("bluesky:ann", "bluesky", "ann")],
            items=[Item("bluesky:p1", "bluesky", "bluesky:ann", "post", T0),
                   Item("bluesky:r1", "bluesky", "bluesky:fan", "#brioche", T0, kind=kind,
                        parent_id="bluesky:p1")])

    store.write(seen("reply"), kind="collect", source="thread")
    _, stats = store.write(seen("mention"), kind="collect", source="listening")
    assert stats.tables["items"].updated == 0
    assert store.scalar("SELECT kind FROM items WHERE item_id = 'bluesky:r1'") == "reply"
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'reply'") == 1
    store.write(seen("quote"), kind="t", source="t")  # what the item is, said: it changes
    assert store.scalar("SELECT kind FROM items WHERE item_id = 'bluesky:r1'") == "quote"


def test_a_workspace_on_a_read_only_disk_is_not_blamed_on_its_path() -> None:
    from sounding.store.database import _open_hint

    said = 'IO Error: Cannot open file "/mnt/ro/ws.duckdb": Read-only file system'
    assert "the path is right" in _open_hint(said) and "check the path" not in _open_hint(said)
    assert "check the path" in _open_hint('Cannot open file "x": No such file or directory')


def test_changed_text_updates_the_item_in_place(store: Store) -> None:
    store.write(_batch("v1"), kind="test", source="t")
    _, stats = store.write(_batch("v2"), kind="test", source="t")
    assert stats.tables["items"].updated == 1
    assert store.scalar("SELECT text FROM items") == "v2"
    assert store.counts()["items"] == 1


def test_duplicate_keys_in_one_batch_keep_the_last_row(store: Store) -> None:
    items = [Item("bluesky:p1", "bluesky", "bluesky:ann", t, T0) for t in ("a", "b", "c")]
    store.write(Batch.from_records(items=items), kind="test", source="t")
    assert store.scalar("SELECT text FROM items") == "c"


def test_only_a_write_that_asks_counts_the_edges_its_replies_imply(store: Store) -> None:
    """A collect reports the reply edges it added; an import of a million replies does not
    pay for counting them."""
    def replies(first: int) -> Batch:
        return Batch.from_records(items=[
            Item(f"bluesky:r{i}", "bluesky", f"bluesky:fan{i}", "hi", T0, kind="reply",
                 parent_id="bluesky:p1") for i in range(first, first + 3)])

    _, imported = store.write(replies(0), kind="import", source="file")
    assert "implied_edges" not in imported.as_dict()
    _, collected = store.write(replies(3), kind="collect", source="c", count_implied=True)
    assert collected.as_dict()["implied_edges"]["new"] == 3
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'reply'") == 6


class _Recording:
    """A connection that remembers every statement it ran."""

    def __init__(self, con: Any) -> None:
        self.con, self.sql = con, []

    def execute(self, sql: str, *args: Any) -> Any:
        self.sql.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def test_snapshot_keys_equal_to_the_item_keys_are_not_counted_again(store: Store) -> None:
    """An import's snapshots are keyed by its items' ids: whether those repeat is asked
    once (a hash count of a million keys), and the answer still holds for the history."""
    batch = Batch.from_records(
        items=[Item("bluesky:p1", "bluesky", "bluesky:ann", t, T0) for t in ("a", "b")],
        metric_snapshots=[MetricSnapshot("bluesky:p1", T0, likes=1),
                          MetricSnapshot("bluesky:p1", T0 + timedelta(hours=1), likes=4)],
    )
    with store.transaction() as con:
        recording = _Recording(con)
        stats = write_batch(recording, batch, None)
    assert sum("count(DISTINCT" in sql for sql in recording.sql) == 1
    assert (stats.tables["items"].new, stats.tables["metric_snapshots"].new) == (1, 2)
    assert store.scalar("SELECT text FROM items") == "b"
    history = store.query("SELECT likes FROM metric_snapshots ORDER BY observed_at")
    assert history.column(0).to_pylist() == [1, 4]


def test_a_failed_write_leaves_nothing(store: Store) -> None:
    bad = Batch.from_records(items=[Item("bluesky:p1", "bluesky", "bluesky:ann", "x", T0)])
    with pytest.raises(RuntimeError), store.transaction() as con:
        con.execute("INSERT INTO runs (kind, source) VALUES ('t', 't')")
        write_batch(con, bad, None)
        raise RuntimeError("boom")
    assert store.counts()["items"] == 0
    assert store.counts()["runs"] == 0


def _thread() -> Batch:
    """A post, a reply to it with the edge a collector also reports, and a like."""
    reply = Item("bluesky:r1", "bluesky", "bluesky:bob", "nice", T0 + timedelta(hours=1),
                 kind="reply", parent_id="bluesky:p1")
    return Batch.from_records(
        items=[Item("bluesky:p1", "bluesky", "bluesky:ann", "hello", T0), reply],
        interactions=[
            Interaction("bluesky:reply:bob:r1", "bluesky", "reply", "bluesky:bob",
                        reply.created_at, target_item_id="bluesky:p1"),
            Interaction("bluesky:like:cat:p1", "bluesky", "like", "bluesky:cat",
                        T0 + timedelta(hours=2), target_item_id="bluesky:p1"),
        ])


def _edges(store: Store) -> list[tuple[str, str, str]]:
    rows = store.query("SELECT kind, actor_id, target_item_id FROM interactions ORDER BY kind")
    return [(r["kind"], r["actor_id"], r["target_item_id"]) for r in rows.to_pylist()]


def test_reply_edges_come_from_the_reply_items_once(store: Store) -> None:
    store.write(_thread(), kind="test", source="t")
    store.write(_thread(), kind="test", source="t")
    assert _edges(store) == [("like", "bluesky:cat", "bluesky:p1"),
                             ("reply", "bluesky:bob", "bluesky:p1")]
    # only the like is stored: the reply item implies its edge
    assert store.scalar("SELECT count(*) FROM interaction_rows") == 1


def test_upgrading_keeps_stored_reply_edges_without_doubling_them(db: Path) -> None:
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
                "applied_at TIMESTAMPTZ DEFAULT current_timestamp)")
    for m in available_migrations():
        if m.version < 7:
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [m.version, m.name])
    thread = _thread()
    for name in ("items", "interactions"):  # as a 0.x sounding wrote them: every edge stored
        con.register("_t", getattr(thread, name))
        con.execute(f"INSERT INTO {name} ({', '.join(getattr(thread, name).column_names)}) "
                    "SELECT * FROM _t")
    con.close()
    with Store.open(db) as store:
        assert store.scalar("SELECT count(*) FROM interaction_rows") == 2
        assert _edges(store) == [("like", "bluesky:cat", "bluesky:p1"),
                                 ("reply", "bluesky:bob", "bluesky:p1")]


def _long_read(store: Store) -> tuple[threading.Thread, list[BaseException]]:
    """A read of minutes started in another thread, once it holds its cursor; what it met."""
    failures: list[BaseException] = []

    def read() -> None:
        try:
            store.query("SELECT sum(a.range) AS s FROM range(4000000000) a")
        except BaseException as exc:  # the test reports what the read met
            failures.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 30
    while not store._reading and time.monotonic() < deadline:
        time.sleep(0.01)
    return reader, failures


def test_closing_stops_a_read_running_in_another_thread(db: Path) -> None:
    """A server stopping while a page is being warmed: DuckDB refused to close the
    connection under a busy cursor, and the process then aborted."""
    store = Store.open(db)
    reader, failures = _long_read(store)
    started = time.monotonic()
    store.close()
    reader.join(timeout=30)
    assert not reader.is_alive() and time.monotonic() - started < 20
    assert [type(exc) for exc in failures] == [StoreError]  # the reader is told why
    assert "is closed: the read was stopped" in str(failures[0])
    with pytest.raises(StoreError, match="is closed"):
        store.query("SELECT 1")
    with pytest.raises(StoreError, match="is closed"), store.transaction():
        pass
    with Store.open(db) as again:  # the file was released
        assert again.scalar("SELECT 42") == 42


def test_a_close_that_cannot_wait_says_so_and_can_be_done_again(db: Path) -> None:
    """A close given no time interrupts the read and says it has not stopped yet; a second
    close ends it (the first had marked the store closed, so a second returned at once and
    left the file held)."""
    store = Store.open(db)
    reader, failures = _long_read(store)
    with pytest.raises(StoreError, match="1 read did not stop within 0 s"):
        store.close(wait=0)
    store.close()
    reader.join(timeout=30)
    assert not reader.is_alive()
    assert [type(exc) for exc in failures] == [StoreError]
    with Store.open(db) as again:
        assert again.scalar("SELECT 1") == 1


def test_closing_waits_for_a_transaction_to_commit_whole(db: Path) -> None:
    """A write under way when the server stops is not cut: close waits for its commit."""
    store = Store.open(db)
    inside = threading.Event()

    def write() -> None:
        with store.transaction() as con:
            con.execute("CREATE TABLE t (x INTEGER)")
            inside.set()
            time.sleep(0.5)
            con.execute("INSERT INTO t VALUES (1), (2)")

    writer = threading.Thread(target=write)
    writer.start()
    assert inside.wait(timeout=30)
    store.close()
    writer.join(timeout=30)
    with Store.open(db) as again:
        assert again.scalar("SELECT count(*) FROM t") == 2


def test_a_duckdb_file_sounding_did_not_make_is_never_changed(tmp_path: Path) -> None:
    """Twenty-one tables were added to someone's database; one holding 'items' was left
    with a schema_migrations table after a failed migration."""
    from sounding.store.migrations import NotAWorkspace

    for tables in (["sales"], ["items", "sales"]):
        path = tmp_path / f"{len(tables)}.duckdb"
        con = duckdb.connect(str(path))
        for table in tables:
            con.execute(f"CREATE TABLE {table} (a INTEGER)")
        con.close()
        for read_only in (False, True):
            with pytest.raises(NotAWorkspace, match=f"^{path}: a DuckDB database, but not a "
                                                    "sounding workspace: it holds "):
                Store.open(path, read_only=read_only)
        con = duckdb.connect(str(path), read_only=True)
        assert [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                          "ORDER BY 1").fetchall()] == tables
        con.close()
    Store.open(tmp_path / "new.duckdb").close()  # a new file still becomes a workspace
    with Store.open(tmp_path / "new.duckdb", read_only=True) as store:
        assert store.counts()["items"] == 0


@pytest.mark.parametrize("kind", ["folder", "text", "empty"])
def test_a_path_that_is_no_database_is_said_with_a_hint(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.duckdb"
    if kind == "folder":
        path.mkdir()
    else:
        path.write_text("hello\n" if kind == "text" else "")
    with pytest.raises(StoreError, match=f"^{path}: IO Error") as caught:
        Store.open(path, wait=0)
    assert "names a workspace file" in (caught.value.hint or "")


def test_probing_a_workspace_this_process_holds_keeps_its_lock(tmp_path: Path) -> None:
    """The probe opened and closed the file, which dropped this process's DuckDB lock:
    another process could then write the workspace as well."""
    import subprocess
    import sys

    import sounding
    from sounding.store import held_elsewhere
    from sounding.workflows.ops import server_file

    path = tmp_path / "ws.duckdb"
    held = Store.open(path)
    server_file(path).write_text('{"pid": 1, "url": "http://127.0.0.1:9", "token": "t"}')
    try:
        assert not held_elsewhere(path)
        sounding.open(path).close()  # reads the stale server file, probes nothing
        other = subprocess.run([sys.executable, "-c", "import duckdb, sys; "
                                "duckdb.connect(sys.argv[1])", str(path)],
                               capture_output=True, text=True, timeout=60)
        assert other.returncode != 0 and "lock" in other.stderr.lower()
    finally:
        held.close()


def test_reads_are_in_utc_whatever_the_process_zone(tmp_path: Path) -> None:
    """Each read runs on its own cursor, which took the zone from TZ: the planner read
    the posting hour and the busy days in Tokyo time and queued a draft on a taken slot."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from sounding.store import Store\n"
        "s = Store.open(sys.argv[1])\n"
        "t = s.query(\"SELECT TIMESTAMPTZ '2026-01-01 23:30:00+00' AS t, hour(TIMESTAMPTZ "
        "'2026-01-01 23:30:00+00') AS h, CAST(TIMESTAMPTZ '2026-01-01 23:30:00+00' AS DATE) "
        "AS d\")\n"
        "print(t.schema.field('t').type.tz, t.column('h')[0].as_py(), t.column('d')[0].as_py())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "w.duckdb")],
                          capture_output=True, text=True, env={**os.environ, "TZ": "Asia/Tokyo"},
                          check=True)
    assert done.stdout.split() == ["UTC", "23", "2026-01-01"]
