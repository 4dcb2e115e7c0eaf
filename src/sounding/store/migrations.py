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

from sounding.errors import MigrationError

__all__ = ["Migration", "apply_migrations", "available_migrations"]

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


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


def _applied(con: Any) -> set[int]:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    return {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}


def apply_migrations(con: Any) -> list[int]:
    """Bring the database up to date; returns the versions applied now."""
    migrations = available_migrations()
    done = _applied(con)
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
