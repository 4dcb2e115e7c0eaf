"""Import workflow: a file on disk → checked rows → one transaction in the store."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sounding.errors import ImportRejected, InputError
from sounding.imports import parse_items_file
from sounding.store import Store, TableStats

__all__ = ["MAX_LINE_BYTES", "ImportReport", "import_items", "write_rejects"]

MAX_LINE_BYTES = 1 << 30  # 1 GiB: Arrow reads blocks of twice that, within its 32-bit sizes


@dataclass(frozen=True)
class ImportReport:
    """What one import did: rows read, and new / updated / unchanged / rejected counts;
    ``duplicates``: rows that repeated an earlier row's id (the later row is kept)."""

    file: str
    run_id: int
    rows: int
    new: int
    updated: int
    unchanged: int
    rejected: int
    snapshots_added: int
    rejects_file: str | None
    duplicates: int = 0
    # counter readings that differ from those stored for the same moment (kept as stored)
    snapshots_kept_stored: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def brand_actors(store: Store) -> dict[str, str]:
    """The brand's own actors, mapped to their account ids."""
    rows = store.query("SELECT actor_id, account_id FROM accounts").to_pylist()
    return {r["actor_id"]: r["account_id"] for r in rows}


def write_rejects(path: Path, rejects: list[dict[str, object]]) -> None:
    """One JSON object per line: what was refused and why, beside the input file."""
    with path.open("w", encoding="utf-8") as fh:
        for reject in rejects:
            fh.write(json.dumps(reject, ensure_ascii=False, default=str) + "\n")


def import_items(store: Store, path: str | Path, *, fmt: str | None = None,
                 mapping: Mapping[str, str] | None = None, encoding: str = "utf-8",
                 keep_good: bool = False, rejects_path: str | Path | None = None,
                 max_line_bytes: int | None = None) -> ImportReport:
    """Import an items file in one transaction; any bad row rejects the whole file
    unless ``keep_good``, which stores the good rows and writes the bad ones aside."""
    path = Path(path)
    options: dict[str, Any] = {"fmt": fmt, "mapping": mapping, "encoding": encoding}
    if max_line_bytes is not None:
        # 0 read as the default, -5 as an odd csv error, 2**64 overflowed Arrow's reader
        if not 1 <= max_line_bytes <= MAX_LINE_BYTES:
            raise InputError(f"--max-line-bytes must be from 1 to {MAX_LINE_BYTES:,} "
                             f"(1 GiB), not {max_line_bytes}",
                             hint="the longest line accepted, in bytes (default: 8 MiB)")
        options["max_line_bytes"] = max_line_bytes
    parsed = parse_items_file(path, observed_at=datetime.now(UTC),
                              brand=brand_actors(store), **options)
    if parsed.problems and not keep_good:
        raise ImportRejected(parsed.problems)
    rejects_file = None
    if parsed.rejects:
        default = path.with_name(path.name + ".rejects.jsonl")
        target = Path(rejects_path) if rejects_path else default
        write_rejects(target, parsed.rejects)
        rejects_file = str(target)
    run_id, stats = store.write(parsed.batch, kind="import", source=str(path.resolve()),
                                extra={"rejected": parsed.rejected_rows})
    items = stats.tables.get("items") or TableStats()
    snapshots = stats.tables.get("metric_snapshots")
    # the store keeps one row per id: the rows it was given beyond those repeated an id
    kept = items.new + items.updated + items.unchanged
    return ImportReport(
        file=str(path), run_id=run_id, rows=parsed.rows, new=items.new,
        updated=items.updated, unchanged=items.unchanged, rejected=parsed.rejected_rows,
        snapshots_added=snapshots.new if snapshots else 0, rejects_file=rejects_file,
        duplicates=parsed.batch.items.num_rows - kept,
        snapshots_kept_stored=snapshots.kept_stored if snapshots else 0,
    )
