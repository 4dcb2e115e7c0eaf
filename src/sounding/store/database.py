"""The workspace database: opening it safely, transactions, runs and reads.

DuckDB lets one process hold a file for writing. A command opens the workspace, does
its work in one transaction and closes it; a second process that finds the file locked
waits (with a callback so the CLI can say so) instead of failing. The server keeps the
file open for its whole life and serialises operations with a lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from sounding.errors import InputError, NotFound, StoreError, WorkspaceBusy
from sounding.models import Batch
from sounding.store.migrations import apply_migrations, check_workspace
from sounding.store.writes import WriteStats, write_batch

__all__ = ["TABLES", "Store", "held_elsewhere"]

TABLES = (
    "accounts", "actors", "items", "interactions", "metric_snapshots", "account_snapshots",
    "variants", "enrichments", "customers", "cursors", "queue", "runs",
)
_LOCK_MARKERS = ("Could not set lock", "Conflicting lock")


def _open_hint(message: str) -> str:
    """What to do about a workspace file that would not open, by what the system said."""
    if "Read-only file system" in message or "Permission denied" in message:
        return ("the path is right, but the file or its folder cannot be written here: copy "
                "the workspace to a folder you can write to")
    return "--db (or sounding.open) names a workspace file, which sounding makes: check the path"


def _connect(path: Path, read_only: bool, wait: float, on_wait: Callable[[str], None] | None,
             give_up: Callable[[], Exception | None] | None = None
             ) -> duckdb.DuckDBPyConnection:
    """Connect, retrying while another process holds the lock; ``give_up`` may end the
    wait early with the error it returns (the holder became a server, which keeps it)."""
    deadline = time.monotonic() + wait
    delay, told = 0.05, False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if not any(marker in message for marker in _LOCK_MARKERS):
                raise StoreError(f"{path}: {message}", hint=_open_hint(message)) from exc
            if time.monotonic() + delay > deadline:
                raise WorkspaceBusy(f"{path} is in use by another process ({message})") from exc
            if on_wait and not told:
                on_wait(f"{path} is busy; waiting up to {wait:.0f} s for the other process")
                told = True
            stop = give_up() if give_up else None
            if stop is not None:
                raise stop from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


# The workspaces this process has open (their real paths): a lock probe must never touch
# one, since closing any descriptor of a file drops every POSIX lock the process holds on
# it, DuckDB's included, and another process could then write the file too.
_OPEN_HERE: Counter[str] = Counter()


def held_elsewhere(path: str | Path) -> bool:
    """Whether another process holds the workspace file open to write (DuckDB keeps a
    lock on it while it is open). One this process holds is not probed (see
    ``_OPEN_HERE``): no other process can hold it meanwhile."""
    if _OPEN_HERE[os.path.realpath(path)]:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # refused while a writer holds it
    except OSError:
        return True
    finally:
        os.close(fd)  # and with it the probe's lock
    return False


class Store:
    """One workspace file: the only owner of a DuckDB connection in sounding."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self._con = con
        self.path = path
        self._lock = threading.RLock()
        self._reads_ended = threading.Condition(self._lock)
        self._reading: set[duckdb.DuckDBPyConnection] = set()
        self._closed = self._released = False
        self._commits = 0

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, wait: float = 60.0,
             on_wait: Callable[[str], None] | None = None,
             give_up: Callable[[], Exception | None] | None = None) -> Store:
        """Open (and create or upgrade) a workspace, waiting up to ``wait`` s for a lock
        (see ``_connect`` for ``on_wait`` and ``give_up``)."""
        path = Path(path)
        if read_only and not path.exists():
            raise NotFound(f"no workspace at {path}", hint="create it with an import or 'demo'")
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path, read_only, wait, on_wait, give_up)
        # GLOBAL: every read runs on its own cursor, which would otherwise take the
        # process's zone (TZ) for dates, hours and the time zone of the Arrow timestamps
        con.execute("SET GLOBAL TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        try:
            if read_only:
                check_workspace(con)
            else:
                apply_migrations(con)
        except StoreError as exc:
            con.close()  # the lock too: nothing here holds the file any longer
            raise type(exc)(f"{path}: {exc}", hint=exc.hint) from exc.__cause__
        _OPEN_HERE[os.path.realpath(path)] += 1
        return cls(con, path)

    def close(self, *, wait: float = 30.0) -> None:
        """Stop the reads still running in other threads, then close.

        DuckDB refuses to close a connection while one of its cursors is mid-call (a page
        being warmed as the server stops), so those reads are interrupted and given up to
        ``wait`` s to let go; reads asked for after this are refused with a StoreError.
        A transaction is not interrupted: it holds the store's lock, which closing waits
        for, so it commits (or rolls back) whole first."""
        with self._lock:
            self._closed = True  # no read or transaction starts from now on
            if self._released:
                return
            deadline = time.monotonic() + wait
            while self._reading:
                for cursor in self._reading:
                    cursor.interrupt()  # also a read whose query has not started yet
                if time.monotonic() >= deadline:  # closing now would raise, then abort
                    busy = len(self._reading)
                    raise StoreError(f"{self.path}: {busy} read{'s' * (busy > 1)} did not "
                                     f"stop within {wait:g} s", hint="close it again, or end "
                                     "the process: that releases the file")
                self._reads_ended.wait(timeout=0.05)
            self._con.close()
            self._released = True
            _OPEN_HERE[os.path.realpath(self.path)] -= 1

    def _open_connection(self) -> duckdb.DuckDBPyConnection:
        """The connection, under the store's lock; a closed store says so, as a read does."""
        if self._closed:
            raise StoreError(f"{self.path} is closed",
                             hint="the command or server that held it has stopped")
        return self._con

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Everything inside commits together or not at all."""
        with self._lock:
            con = self._open_connection()
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            self._commits += 1

    @property
    def commits(self) -> int:
        """How many transactions this store has committed: a server compares it before and
        after a request to know whether the request wrote anything."""
        return self._commits

    def query(self, sql: str, params: list[Any] | None = None, *,
              undone: bool = False) -> pa.Table:
        """Run a read query with bound parameters and return its rows as Arrow.

        Each read runs on its own cursor, outside the store's lock: DuckDB gives it a
        consistent snapshot, and a page's 50 ms read does not queue behind a 10 s
        audience analysis in another thread. ``undone`` runs it in a transaction that is
        always rolled back, so that whatever it might change is not kept.
        """
        with self._lock:
            cursor = self._open_connection().cursor()
            self._reading.add(cursor)
        try:
            if undone:
                cursor.execute("BEGIN TRANSACTION")
            table: pa.Table = cursor.sql(sql, params=params or None).to_arrow_table()
        except duckdb.InterruptException:
            if not self._closed:
                raise
            raise StoreError(f"{self.path} is closed: the read was stopped",
                             hint="the command or server that held it has stopped") from None
        finally:
            if undone:
                with suppress(duckdb.Error):  # a failed query has ended its transaction
                    cursor.execute("ROLLBACK")
            with self._lock:
                self._reading.discard(cursor)
                cursor.close()
                self._reads_ended.notify_all()
        return table

    def select(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run one SELECT given by a person (a notebook's ``ws.sql``), refusing any other
        statement: DuckDB's own parser says what the text is, so a DELETE, a COPY TO, a
        second statement or an EXPLAIN ANALYZE (which runs its statement) never runs."""
        try:
            with self._lock:
                statements = self._open_connection().extract_statements(sql)
        except duckdb.Error as exc:
            raise InputError(f"the query cannot be read: {exc}") from exc
        kinds = [statement.type.name for statement in statements]
        if kinds != ["SELECT"]:
            raise InputError(
                f"only one SELECT query may run here, not {', '.join(kinds) or 'nothing'}",
                hint="the workspace is changed through the sounding commands")
        try:  # a SELECT may still write (WITH x AS (DELETE … RETURNING *)): never kept
            return self.query(sql, params, undone=True)
        except duckdb.Error as exc:
            raise InputError(f"the query failed: {exc}") from exc

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """The first column of the first row of a read query."""
        rows = self.query(sql, params)
        return rows.column(0)[0].as_py() if rows.num_rows else None

    def table(self, name: str) -> pa.Table:
        """A whole table of the data model as Arrow."""
        if name not in TABLES:
            raise NotFound(f"no table '{name}'", hint=f"tables: {', '.join(TABLES)}")
        return self.query(f"SELECT * FROM {name}")

    def write(self, batch: Batch, *, kind: str, source: str,
              extra: dict[str, Any] | None = None, count_implied: bool = False
              ) -> tuple[int, WriteStats]:
        """Write a batch in one transaction and record it as a run; returns (run_id, stats).
        ``count_implied``: also count the edges its new items imply (a collect reports
        them; an import of a million replies would pay a third of a second for it)."""
        with self.transaction() as con:
            run_id = con.execute(
                "INSERT INTO runs (kind, source) VALUES (?, ?) RETURNING run_id", [kind, source]
            ).fetchall()[0][0]
            stats = write_batch(con, batch, run_id, count_implied=count_implied)
            payload = {"tables": stats.as_dict(), **(extra or {})}
            con.execute(
                "UPDATE runs SET finished_at = current_timestamp, status = 'done', stats = ? "
                "WHERE run_id = ?",
                [json.dumps(payload), run_id],
            )
        return run_id, stats

    def table_counts(self) -> dict[str, int]:
        """Rows of every table the workspace has (what ``status`` shows): the data model's
        first, then the others (labels, listening, alerts, users…) by name."""
        names = self.query("SELECT table_name FROM duckdb_tables() WHERE schema_name = "
                           "'main' AND table_name NOT IN ('schema_migrations', "
                           "'interaction_rows') ORDER BY table_name").column(0).to_pylist()
        # interaction_rows is what the interactions view (one of TABLES) reads: counted
        # through it
        return self._rows_of(list(TABLES) + [t for t in names if t not in TABLES])

    def counts(self) -> dict[str, int]:
        """Row count of every table of the data model."""
        return self._rows_of(list(TABLES))

    def _rows_of(self, tables: list[str]) -> dict[str, int]:
        """Rows of each of ``tables`` (names from the code or the catalogue, never input)."""
        sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
        rows = self.query(sql)
        return dict(zip(rows.column(0).to_pylist(), rows.column(1).to_pylist(), strict=True))

    def assign_account(self, actor_id: str, account_id: str) -> int:
        """Mark the items an actor wrote as the brand account's; returns how many."""
        with self.transaction() as con:
            rows = con.execute(
                "UPDATE items SET account_id = ? WHERE author_id = ? "
                "AND account_id IS DISTINCT FROM ?",
                [account_id, actor_id, account_id],
            ).fetchall()
        return int(rows[0][0]) if rows else 0
