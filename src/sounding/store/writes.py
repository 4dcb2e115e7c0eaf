"""Idempotent writes of a Batch: insert what is new, update what changed, append history.

All SQL here is built from the fixed column lists of ``sounding.models``; values from
the outside world only ever travel as Arrow tables or bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from sounding.models import (
    ACCOUNT_SCHEMA,
    ACCOUNT_SNAPSHOT_SCHEMA,
    ACTOR_SCHEMA,
    INTERACTION_SCHEMA,
    ITEM_SCHEMA,
    METRIC_SNAPSHOT_SCHEMA,
    VARIANT_SCHEMA,
    Batch,
)

__all__ = ["TableStats", "WriteStats", "write_batch"]


@dataclass(frozen=True, slots=True)
class TableStats:
    """What one write did to one table."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class WriteStats:
    """What one batch did to the store, table by table."""

    tables: dict[str, TableStats] = field(default_factory=dict)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            name: {"new": s.new, "updated": s.updated, "unchanged": s.unchanged}
            for name, s in self.tables.items()
        }


# table -> (key columns, columns that may change, columns kept when the new value is null)
_ENTITIES: dict[str, tuple[pa.Schema, tuple[str, ...], tuple[str, ...]]] = {
    "accounts": (ACCOUNT_SCHEMA, ("account_id",), ()),
    "actors": (ACTOR_SCHEMA, ("actor_id",), ("display_name", "lang", "followers")),
    "items": (
        ITEM_SCHEMA,
        ("item_id",),
        ("text", "kind", "parent_id", "root_id", "url", "account_id"),
    ),
    "interactions": (INTERACTION_SCHEMA, ("interaction_id",), ()),
    "variants": (VARIANT_SCHEMA, ("item_id", "factor"), ("level",)),
}
_RUN_TABLES = frozenset({"items", "interactions"})
_HISTORIES: dict[str, tuple[pa.Schema, str, tuple[str, ...]]] = {
    "metric_snapshots": (
        METRIC_SNAPSHOT_SCHEMA,
        "item_id",
        ("likes", "reposts", "replies", "quotes", "impressions"),
    ),
    "account_snapshots": (
        ACCOUNT_SNAPSHOT_SCHEMA,
        "account_id",
        ("followers", "following", "posts"),
    ),
}


def _stage(con: Any, name: str, table: pa.Table, keys: tuple[str, ...]) -> None:
    """Copy a batch table into a temp table, keeping the last row for each key."""
    ordered = table.append_column("_ord", pa.array(range(table.num_rows), pa.int64()))
    con.register("_incoming", ordered)
    key_list = ", ".join(keys)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _staged_{name} AS SELECT * EXCLUDE (_ord) "
        f"FROM _incoming QUALIFY row_number() OVER (PARTITION BY {key_list} "
        "ORDER BY _ord DESC) = 1"
    )
    con.unregister("_incoming")


def _upsert_entity(con: Any, name: str, table: pa.Table, run_id: int | None) -> TableStats:
    schema, keys, mutable = _ENTITIES[name]
    _stage(con, name, table, keys)
    staged = f"_staged_{name}"
    join = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    changed = " OR ".join(
        f"(s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM t.{c})" for c in mutable
    ) or "FALSE"
    new, updated, total = con.execute(
        f"SELECT count(*) FILTER (WHERE t.{keys[0]} IS NULL), "
        f"count(*) FILTER (WHERE t.{keys[0]} IS NOT NULL AND ({changed})), count(*) "
        f"FROM {staged} s LEFT JOIN {name} t ON {join}"
    ).fetchall()[0]
    if updated:
        sets = ", ".join(f"{c} = coalesce(s.{c}, t.{c})" for c in mutable)
        where = join.replace("t.", f"{name}.")
        con.execute(
            f"UPDATE {name} SET {sets.replace('t.', f'{name}.')} FROM {staged} s "
            f"WHERE {where} AND ({changed.replace('t.', f'{name}.')})"
        )
    if new:
        columns = list(schema.names)
        run_col = ", run_id" if name in _RUN_TABLES else ""
        run_val = ", ?" if run_col else ""
        con.execute(
            f"INSERT INTO {name} ({', '.join(columns)}{run_col}) "
            f"SELECT {', '.join('s.' + c for c in columns)}{run_val} FROM {staged} s "
            f"ANTI JOIN {name} t ON {join}",
            [run_id] if run_col else [],
        )
    con.execute(f"DROP TABLE {staged}")
    return TableStats(new=new, updated=updated, unchanged=total - new - updated)


def _append_history(con: Any, name: str, table: pa.Table, run_id: int | None) -> TableStats:
    """Append snapshots whose values differ from the one before them in time."""
    schema, owner, values = _HISTORIES[name]
    _stage(con, name, table, (owner, "observed_at"))
    staged = f"_staged_{name}"
    cols = ", ".join(schema.names)
    sig = "row(" + ", ".join(values) + ")"
    before = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
    con.execute(
        f"INSERT INTO {name} ({cols}, run_id) SELECT {cols}, ? FROM ("
        f" SELECT *, lag(sig) OVER (PARTITION BY {owner} ORDER BY observed_at, src) AS prev"
        f" FROM (SELECT {cols}, {sig} AS sig, 0 AS src FROM {name}"
        f"   WHERE {owner} IN (SELECT {owner} FROM {staged})"
        f"   QUALIFY row_number() OVER (PARTITION BY {owner} ORDER BY observed_at DESC) = 1"
        f"  UNION ALL SELECT {cols}, {sig} AS sig, 1 AS src FROM {staged})"
        f") WHERE src = 1 AND (prev IS NULL OR prev IS DISTINCT FROM sig) "
        "ON CONFLICT DO NOTHING",
        [run_id],
    )
    added = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] - before
    con.execute(f"DROP TABLE {staged}")
    return TableStats(new=added, unchanged=table.num_rows - added)


def write_batch(con: Any, batch: Batch, run_id: int | None) -> WriteStats:
    """Write every non-empty table of the batch; the caller owns the transaction."""
    stats: dict[str, TableStats] = {}
    for name, table in batch.tables().items():
        if table.num_rows == 0:
            continue
        if name in _HISTORIES:
            stats[name] = _append_history(con, name, table, run_id)
        else:
            stats[name] = _upsert_entity(con, name, table, run_id)
    return WriteStats(stats)
