"""Import what networks export (Meta, X, LinkedIn, WordPress, feeds) in one transaction.

Each file is parsed by its format's pure parser; any problem refuses the whole import
(nothing written) unless ``keep_good``; then one ``store.write`` stores everything, so a
folder of monthly exports lands together or not at all and builds a counter history.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sounding.connectors.wordpress import HttpClient, fetch_wordpress
from sounding.errors import ImportRejected, InputError, Problem
from sounding.imports.convert import AHEAD
from sounding.imports.formats import Parsed, detect_files, merge, parser_for
from sounding.imports.formats.values import TIME_EXPECTED, parse_time
from sounding.imports.formats.wp_rest import parse_wp_rest
from sounding.imports.tabular import check_encoding
from sounding.models import FIRST_DAY, LAST_DAY, Batch
from sounding.store import Store, TableStats
from sounding.workflows.ingest import ImportReport, write_rejects

__all__ = ["ExportReport", "import_export", "import_wordpress"]

_DAY_ALONE = re.compile(r"\d{4}-\d\d-\d\d")
WP_MAX_PER_PAGE = 100  # the REST API answers 400 to more


@dataclass(frozen=True)
class ExportReport(ImportReport):
    """What one import did, in the shape of the items import's report plus what was read;
    ``as_of`` is the latest counter date, ``dates`` each file's own (file → date)."""

    formats: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    as_of: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _as_of(value: str | datetime | None) -> datetime | None:
    """The date the counters were read, which cannot be to come (a day of zones aside)."""
    if value is None or isinstance(value, datetime):
        moment = parse_time(value) if value else None
    else:
        moment = parse_time(value)
        if moment is None:  # 1900-01-01 is ISO 8601 too: the range is what it is off
            raise InputError(f"--as-of '{value}': expected {TIME_EXPECTED}, from "
                             f"{FIRST_DAY} to {LAST_DAY}",
                             hint="the date the export was taken, such as --as-of 2026-03-01")
        if _DAY_ALONE.fullmatch(value.strip()):  # a day alone: read by its end, as in a name
            moment += timedelta(days=1, seconds=-1)
    if moment is not None and moment > datetime.now(UTC) + AHEAD:
        raise InputError(f"--as-of {moment:%Y-%m-%d %H:%M}: a date to come",
                         hint="the date the export was taken, today or before")
    return moment


def _mark_brand(store: Store, batch: Batch) -> Batch:
    """Items written by an actor registered as a brand account become that account's:
    the accounts stored, and those this batch registers (a page's comments imported in
    the same run as its posts file), else a repeat import would change them."""
    rows = store.query("SELECT actor_id, account_id FROM accounts").to_pylist()
    rows += batch.accounts.select(["actor_id", "account_id"]).to_pylist()
    if not rows or batch.items.num_rows == 0:
        return batch
    brand = {r["actor_id"]: r["account_id"] for r in rows}
    actors = pa.array(list(brand), pa.string())
    accounts = pa.array(list(brand.values()), pa.string())
    items = batch.items
    known = pc.take(accounts, pc.index_in(items["author_id"], actors))
    account = pc.coalesce(items["account_id"], known)
    items = items.set_column(items.schema.get_field_index("account_id"), "account_id", account)
    return replace(batch, items=items)


def _write(store: Store, parsed: Parsed, source: str, keep_good: bool,
           skipped: Sequence[Path] = (), rejects_path: Path | None = None,
           dates: Mapping[str, str] | None = None) -> ExportReport:
    """Store the parsed batch; with ``keep_good``, what was refused goes to ``rejects_path``
    (one JSON object per problem: file, line, column, problem), when there is a path.
    ``dates``: the date of each file's counters, for the report."""
    if parsed.problems and not keep_good:
        raise ImportRejected(parsed.problems)
    rejects_file = None
    if parsed.problems and rejects_path is not None:
        write_rejects(rejects_path, [
            {"file": p.file, "line": p.line, "column": p.column, "problem": p.message}
            for p in parsed.problems])
        rejects_file = str(rejects_path)
    batch = _mark_brand(store, parsed.batch)
    run_id, stats = store.write(batch, kind="import", source=source,
                                extra={"formats": parsed.fmt, "rejected": parsed.rejected})
    items = stats.tables.get("items") or TableStats()
    snapshots = stats.tables.get("metric_snapshots")
    # the store keeps one row per id: the rows it was given beyond those repeated an id
    kept = items.new + items.updated + items.unchanged
    return ExportReport(
        file=source, formats=parsed.fmt.split("+"), files=list(parsed.files), run_id=run_id,
        rows=parsed.rows, new=items.new, updated=items.updated, unchanged=items.unchanged,
        rejected=parsed.rejected, snapshots_added=snapshots.new if snapshots else 0,
        rejects_file=rejects_file, duplicates=batch.items.num_rows - kept,
        snapshots_kept_stored=snapshots.kept_stored if snapshots else 0,
        as_of=parsed.as_of.isoformat() if parsed.as_of else None, dates=dict(dates or {}),
        skipped=[str(p) for p in skipped], problems=[str(p) for p in parsed.problems[:50]])


def _parse_one(path: Path, fmt: str, options: dict[str, Any]) -> Parsed:
    try:
        return parser_for(fmt)(path, **options)
    except ImportRejected as exc:  # the whole file is unreadable: it counts as rejected
        return Parsed(fmt, (str(path),), Batch(), 1, 1, list(exc.problems))
    except (OSError, RecursionError, MemoryError) as exc:
        problem = Problem(str(path), None, None, f"cannot read: {type(exc).__name__}: {exc}")
        return Parsed(fmt, (str(path),), Batch(), 1, 1, [problem])


_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)
_TEXT_FORMATS = ("meta-posts", "meta-comments", "x-archive")  # XML and XLSX say their own


def import_export(store: Store, path: str | Path, *, fmt: str | None = None,
                  as_of: str | datetime | None = None, account: str | None = None,
                  followers: int | None = None, keep_good: bool = False,
                  encoding: str | None = None) -> ExportReport:
    """Import an export file, an X archive folder or a folder of exports, all in one run.

    ``as_of`` dates the counters (default: each file's own date, else its name's, else
    its modification time); ``account`` names the brand account where the export does not;
    ``followers`` is a LinkedIn page's follower count on the export's date; ``encoding``
    reads CSV and X archive files that are not UTF-8 (Excel on Windows writes cp1252).
    """
    path = Path(path)
    encoding = check_encoding(encoding) if encoding else None
    if followers is not None and followers < 0:  # the parser would store it as 0
        raise InputError(f"--followers {followers}: a follower count is 0 or more",
                         hint="the page's follower count on the export's date, as LinkedIn "
                              "shows it")
    moment = _as_of(as_of)
    found, skipped = ([(path, fmt)], []) if fmt else detect_files(path)
    parts = []
    for file, file_fmt in found:
        options: dict[str, Any] = {"as_of": moment, "account": account}
        if file_fmt == "linkedin":
            options["followers"] = followers
        if encoding and file_fmt in _TEXT_FORMATS:
            options["encoding"] = encoding
        parts.append(_parse_one(file, file_fmt, options))
    # oldest export first, so that where several carry a post the latest one's row is kept
    parts.sort(key=lambda p: p.as_of or _LONG_AGO)
    dates = {f: p.as_of.isoformat() for p in parts if p.as_of for f in p.files}
    return _write(store, merge(parts), str(path.resolve()), keep_good, skipped,
                  path.with_name(path.name + ".rejects.jsonl"), dates)


def import_wordpress(store: Store, url: str, *, as_of: str | datetime | None = None,
                     keep_good: bool = False, per_page: int = 100,
                     max_pages: int | None = None, client: HttpClient | None = None,
                     progress: Callable[[str], None] | None = None) -> ExportReport:
    """Fetch a WordPress site's posts and approved comments and store them in one run.

    ``per_page`` (1 to 100, as WordPress allows), ``max_pages`` (1 or more) and ``as_of``
    are checked before the site is asked."""
    if not 1 <= per_page <= WP_MAX_PER_PAGE:
        raise InputError(f"--per-page {per_page}: WordPress sends 1 to {WP_MAX_PER_PAGE} "
                         "items per request",
                         hint=f"leave it out to ask for {WP_MAX_PER_PAGE} at a time")
    if max_pages is not None and max_pages < 1:
        raise InputError(f"--max-pages {max_pages}: expected 1 or more pages",
                         hint="leave it out to read every page")
    given_as_of = _as_of(as_of)
    dump = fetch_wordpress(url, client=client, per_page=per_page, max_pages=max_pages,
                           progress=progress)
    observed = given_as_of or datetime.now(UTC).replace(microsecond=0)
    parsed = parse_wp_rest(dump.site, dump.posts, dump.comments, observed_at=observed,
                           site_name=dump.name)
    return _write(store, parsed, url, keep_good)
