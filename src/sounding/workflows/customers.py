"""Customer import: read the CRM file, hash its identifiers, store them, match them to actors.

Only keyed hashes of identifiers and the attribute columns asked for are stored. A bad
row (an invalid e-mail, no identifier, a duplicate) is reported with its file, line and
column, and nothing is written; importing the same file again changes nothing. A kept
column that would identify a person (see ``analyse.kept``) refuses the whole import.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sounding.analyse.audience import (
    IdColumn,
    Match,
    id_column,
    match_customers,
    parse_customer_rows,
)
from sounding.analyse.kept import (
    KEEP_HINT,
    identifying_value,
    matchable_kind,
    refuse_identifying_names,
)
from sounding.errors import ImportRejected, InputError, Problem, missing_file
from sounding.imports.scan import reading_codec, sniff_delimiter
from sounding.imports.tabular import check_encoding
from sounding.store import Store
from sounding.store.audience_store import (
    actor_handles,
    customer_hashes,
    replace_customers,
    workspace_salt,
)

__all__ = ["CustomerImport", "current_match", "customers_import_op", "import_customers"]


@dataclass(frozen=True)
class CustomerImport:
    """What an import did and how many customers were found among the actors."""

    file: str
    rows: int
    new: int
    updated: int
    unchanged: int
    customers: int
    matched: int
    match_rate: float
    identifiers: dict[str, int]
    unused_ids: list[str]  # --id values of columns that look like identifiers, not named

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows(reader: csv.DictReader[str], file: str, width: int, problems: list[Problem]
          ) -> Iterator[tuple[int, Mapping[str, str | None]]]:
    while True:
        start = reader.line_num + 1  # where the record begins: an error names that line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a CSV this broken cannot be read on past this record
            why = ("a quoted field opened here is never closed" if "end of data" in str(exc)
                   else str(exc))
            raise InputError(f"{file}, line {start}: {why}",
                             hint="fix the file there and import it again: nothing was "
                                  "stored") from None
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            problems.append(Problem(file, line, None, f"expected {width} fields"))
            continue
        yield line, row


def _check_header(file: str, header: Sequence[str], ids: Sequence[IdColumn],
                  keep: Sequence[str]) -> None:
    if not header:
        raise InputError(f"{file}: the file is empty",
                         hint="a CSV whose first line names the columns")
    missing = [c.column for c in ids if c.column not in header]
    missing += [c for c in keep if c not in header]
    if missing:
        raise InputError(f"{file}: no column {', '.join(repr(m) for m in missing)}",
                         hint=_header_hint(header))
    named = [c.column for c in ids] + list(keep)
    twice = sorted({c for c in named if header.count(c) > 1})
    if twice:
        raise InputError(f"{file}: the header names {', '.join(repr(t) for t in twice)} "
                         "more than once: sounding cannot tell which column to read",
                         hint="rename or remove the other column")
    overlap = {c.column for c in ids} & set(keep)
    if overlap:
        raise InputError(f"{file}: {', '.join(sorted(overlap))} cannot be both an --id "
                         "and a --keep column", hint="identifiers are stored only as hashes")
    refuse_identifying_names(file, keep)


def _header_hint(header: Sequence[str]) -> str:
    """The columns the header names; but a first line holding an e-mail, a handle or a
    phone is a customer, not a header, and is not echoed back (it would print a person's
    identifiers on the terminal and in logs)."""
    looks = next((what for column in header if (what := identifying_value(column))), None)
    if looks:
        return (f"the first line looks like data ({looks}), not a header: add a first line "
                "naming the columns, e.g. email,handle,plan")
    return f"the header has: {', '.join(header)}"


def _unused_ids(header: Sequence[str], ids: Sequence[IdColumn], keep: Sequence[str]
                ) -> list[str]:
    """The --id value for each column not named that looks like a handle or an id, which
    could find more customers among actors (an e-mail finds none): ``bluesky:handle``,
    since a bare ``--id bluesky`` would be read as an id."""
    named = {c.column for c in ids} | set(keep)
    found = []
    for column in header:
        kind = matchable_kind(column)
        if kind and column not in named and ":" not in column and column == column.strip():
            found.append(column if id_column(column).kind == kind else f"{column}:{kind}")
    return found


def current_match(store: Store, salt: str | None = None) -> Match:
    """Which actors are customers, from the stored hashes and the stored actors."""
    salt = salt or workspace_salt(store)
    hashes = customer_hashes(store)
    keys = hashes.column("customer_key").to_pylist()
    actors = actor_handles(store)
    return match_customers(
        salt, zip(keys, hashes.column("id_hash").to_pylist(), strict=True),
        zip(actors.column("actor_id").to_pylist(), actors.column("handle").to_pylist(),
            actors.column("native_id").to_pylist(), strict=True),
        int(store.scalar("SELECT count(*) FROM customers") or 0))


def _text_encoding(file: Path, encoding: str) -> str:
    """The codec to read ``file`` with: a UTF-16/32 byte-order mark (Excel's "Unicode
    text") says its own, and UTF-8 drops the mark that Excel's "CSV UTF-8" writes."""
    with file.open("rb") as fh:
        return reading_codec(fh.read(4), encoding)


def _line_of_bad_byte(file: Path, encoding: str) -> int:
    """The line (1 is the header) of the first byte ``encoding`` cannot read; the text
    reader's own error counts from the chunk it was reading."""
    data = file.read_bytes()
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return 1


def import_customers(store: Store, path: str, ids: Sequence[str], keep: Sequence[str] = (),
                     encoding: str = "utf-8") -> CustomerImport:
    """Import a CRM CSV: ``ids`` name identifier columns (``col`` or ``col:kind``)."""
    if not ids:
        raise InputError("name at least one identifier column with --id",
                         hint="e.g. --id email --id handle --id customer_id")
    columns = [id_column(spec) for spec in ids]
    keep = [k.strip() for spec in keep for k in spec.split(",") if k.strip()]
    file = Path(path)
    if not file.exists():
        raise missing_file(file)
    salt = workspace_salt(store)
    problems: list[Problem] = []
    asked, encoding = encoding, _text_encoding(file, check_encoding(encoding))
    try:
        with file.open(encoding=encoding, newline="") as handle:
            delimiter = sniff_delimiter(handle.readline())  # French Excel writes ';'
            handle.seek(0)
            reader = csv.DictReader(handle, delimiter=delimiter, strict=True)
            header = list(reader.fieldnames or [])
            _check_header(str(file), header, columns, keep)
            parsed = parse_customer_rows(_rows(reader, str(file), len(header), problems),
                                         file=str(file), ids=columns, keep=keep, salt=salt)
    except UnicodeDecodeError as exc:
        raise InputError(f"{file}, line {_line_of_bad_byte(file, encoding)}: {exc.reason} "
                         f"(byte 0x{exc.object[exc.start]:02x}): not {asked} text",
                         hint="save it as UTF-8 ('CSV UTF-8'), or pass --encoding cp1252 "
                              "for a CSV that Excel saved on Windows") from None
    problems = sorted(problems + parsed.problems + parsed.identifying,
                      key=lambda p: p.line or 0)
    if problems:
        rejected = ImportRejected(problems)
        rejected.hint = (KEEP_HINT if parsed.identifying else  # no --keep-good here
                         "fix the lines above and import the file again: nothing was stored")
        raise rejected
    new, updated = replace_customers(store, parsed.keys, parsed.attributes, parsed.ids)
    match = current_match(store, salt)
    kinds: dict[str, int] = {}
    for _, kind, _ in parsed.ids:
        kinds[kind] = kinds.get(kind, 0) + 1
    return CustomerImport(file.name, len(parsed.keys), new, updated,
                          len(parsed.keys) - new - updated, match.customers,
                          match.matched_customers, match.rate, kinds,
                          _unused_ids(header, columns, keep))


def customers_import_op(store: Store, path: str, ids: Sequence[str], keep: Sequence[str] = (),
                        encoding: str = "utf-8") -> dict[str, Any]:
    """Operation ``customers_import``: the import report as JSON."""
    return import_customers(store, path, ids, keep, encoding).as_dict()
