"""Numbered schema migrations, applied in order and recorded in the database.

Each migration is a file ``NNN_name.sql`` beside this module. A workspace records the
versions it has in ``schema_migrations``; opening it applies the missing ones in one
transaction, so a file is never left half-upgraded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sounding.errors import MigrationError, StoreError

__all__ = ["Migration", "NotAWorkspace", "apply_migrations", "available_migrations",
           "check_workspace"]

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class NotAWorkspace(StoreError):
    """A DuckDB file that sounding did not make: read or written, it is never changed."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its number, its name and its SQL."""

    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with this version of sounding, in order."""
    found = []
    for entry in resources.files("sounding.store").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def _applied(con: Any) -> set[int] | None:
    """The versions a workspace has; None for a new, empty database. A database that
    holds tables but no record of migrations is someone else's: it is refused, never
    turned into a workspace."""
    found = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "UNION ALL SELECT view_name FROM duckdb_views() "
        "WHERE database_name = current_database() AND NOT internal ORDER BY 1").fetchall()
    names = [row[0] for row in found]
    if "schema_migrations" in names:
        return {row[0] for row in
                con.execute("SELECT version FROM schema_migrations").fetchall()}
    if names:
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        raise NotAWorkspace(f"a DuckDB database, but not a sounding workspace: it holds {shown}",
                            hint="name another file with --db (sounding.open): sounding "
                                 "writes only in workspaces it made")
    return None


def check_workspace(con: Any) -> None:
    """Refuse a database that is not a sounding workspace (for a read-only open)."""
    if _applied(con) is None:
        raise NotAWorkspace("an empty DuckDB database, not a sounding workspace",
                            hint="open it without read_only (or import into it) to make it one")


def apply_migrations(con: Any) -> list[int]:
    """Bring the database up to date; returns the versions applied now. A new database
    gets its record of migrations in the same transaction as the first ones."""
    migrations = available_migrations()
    applied = _applied(con)
    done = applied or set()
    newest = max((m.version for m in migrations), default=0)
    if done and max(done) > newest:
        raise MigrationError(
            f"the workspace has schema version {max(done)}, this sounding knows up to {newest}"
        )
    todo = [m for m in migrations if m.version not in done]
    if not todo:
        return []
    con.execute("BEGIN TRANSACTION")
    try:
        if applied is None:
            con.execute(
                "CREATE TABLE schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
            )
        for migration in todo:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [migration.version, migration.name],
            )
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        raise MigrationError(f"migration failed: {exc}") from exc
    return [m.version for m in todo]
