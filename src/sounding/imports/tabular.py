"""Read a CSV or JSONL file into an Arrow table, fast when the file is sound.

The fast path is Arrow's C++ reader, asked for the types the caller expects (counts,
times) so that it parses them on every core. If those types do not fit every cell, the
file is read again as text, for the caller to name each bad cell; if Arrow refuses the
file itself, the careful scanner (``scan``) reads it again to name every bad line, and
its rows are used instead.
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

from sounding.errors import ImportRejected, InputError, Problem, missing_file
from sounding.imports.scan import (
    ScanResult,
    distinct_names,
    mark_codec,
    scan_csv,
    scan_jsonl,
    sniff_delimiter,
)

__all__ = ["DEFAULT_MAX_LINE_BYTES", "RawRows", "TypesFor", "check_encoding", "detect_format",
           "read_rows"]

DEFAULT_MAX_LINE_BYTES = 8 << 20
# The header's column names → the Arrow type wanted for some of them (others stay text).
TypesFor = Callable[[list[str]], Mapping[str, pa.DataType]]


@dataclass
class RawRows:
    """A file's rows as an Arrow table, with a way back to the file's line numbers."""

    table: pa.Table
    line_of: Callable[[int], int]
    problems: list[Problem] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)
    nested: Mapping[str, list[int]] = field(default_factory=dict)
    copy: IO[bytes] | None = None  # the UTF-8 copy of a UTF-16/32 file, kept with its rows


_ENCODING_HINT = "use utf-8 (the default), or cp1252 for a CSV that Excel saved on Windows"
_CHUNK = 1 << 20


def check_encoding(encoding: str) -> str:
    """The codec's canonical name; refuses a name Python does not know."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"--encoding '{encoding}': not an encoding sounding knows",
                         hint=_ENCODING_HINT) from None


def _wide_encoding(path: Path, name: str) -> str | None:
    """The UTF-16/32 codec to transcode the file with, or None for a byte-wide file.

    Asked for UTF-16 or UTF-32, that; asked for UTF-8 (the default), the byte-order mark
    decides (Excel's "Unicode text" is UTF-16 with one). A mark beside another encoding
    is refused: the file is not what was said."""
    with path.open("rb") as fh:
        head = fh.read(4)
    # the mark's byte order, whatever was said (its mark is then read as U+FEFF, dropped)
    found = mark_codec(head)
    if name.startswith(("utf-16", "utf-32")):
        return found if found and found.startswith(name[:6]) else name
    if found is None and name in ("utf-8", "utf-8-sig") and b"\0" in head[:2]:
        # text with every other byte NUL: UTF-16 saved without its byte-order mark
        order = "le" if head[1:2] == b"\0" else "be"
        raise InputError(f"{path}: the file looks like UTF-16 without a byte-order mark "
                         "(a NUL byte beside each letter), not UTF-8",
                         hint=f"pass --encoding utf-16-{order}, or save the file as UTF-8")
    if found is None or name in ("utf-8", "utf-8-sig"):
        return found
    family = found[:6].upper()
    raise InputError(f"{path}: the file starts with a {family} byte-order mark, "
                     f"but --encoding is {name}",
                     hint=f"leave --encoding out, or pass --encoding {family.lower()}")


def _transcode(path: Path, codec: str) -> IO[bytes]:
    """The file as UTF-8 in a scratch file (deleted once closed or collected), so that
    the fast readers, which split lines on the byte 0x0a, can read it. Lines keep their
    numbers; a byte sequence that is not ``codec`` names its line."""
    decoder = codecs.getincrementaldecoder(codec)()
    scratch = tempfile.NamedTemporaryFile(prefix="sounding-", suffix=".utf8")  # noqa: SIM115
    lines, first = 1, True
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                scratch.close()
                raise InputError(f"{path}, line {lines + _newlines_before(chunk, exc, codec)}: "
                                 f"{exc.reason}; expected {codec} text",
                                 hint="save the file as UTF-8, or pass the --encoding it "
                                      "was saved in") from None
            if first:
                text, first = text.removeprefix("\ufeff"), False
            lines += text.count("\n")
            scratch.write(text.encode("utf-8"))
            if not chunk:
                break
    scratch.flush()
    return scratch


def _newlines_before(chunk: bytes, exc: UnicodeDecodeError, codec: str) -> int:
    """Line breaks in ``chunk`` before the undecodable bytes (for the error's line)."""
    return chunk[:exc.start].decode(codec, "replace").count("\n")


def detect_format(path: Path) -> str:
    """``csv`` or ``jsonl`` from the file's extension."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InputError(f"{path}: cannot tell the format from '{suffix or 'no extension'}'",
                     hint="name it .csv or .jsonl, or pass --format csv|jsonl")


def _from_scan(result: ScanResult) -> RawRows:
    table = pa.table({h: pa.array(v, pa.string()) for h, v in result.columns.items()})
    lines = result.lines
    return RawRows(table, lambda row: lines[row], result.problems, result.rejected,
                   result.nested)


def _first_line(path: Path, encoding: str, limit: int) -> tuple[str | None, str]:
    """The header line as text (None when too long, blank or undecodable), and the same
    line decoded leniently, enough to tell its separator."""
    with path.open("rb") as fh:
        first = fh.readline(limit + 1)
    lenient = first.decode(encoding, "replace").removeprefix("\ufeff")
    try:
        text = first.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None, lenient
    if len(first) > limit or not text.strip():
        return None, lenient
    return text, lenient


def _check_header_line(name: str, line: str, delimiter: str,
                       reads: Callable[[str], bool] | None) -> None:
    """Refuse a file whose lines end with a carriage return alone (classic Mac OS: the
    header runs into the rows), and a header naming twice a column that ``reads`` says is
    read (any column without ``reads``)."""
    if "\r" in line.rstrip("\r\n"):
        raise InputError(f"{name}: its lines end with a carriage return alone (classic "
                         "Mac OS)", hint="save it with ordinary line ends (LF or CRLF)")
    try:
        header = _csv_header(line.rstrip("\r\n"), delimiter) or []
    except (csv.Error, StopIteration):
        return  # the readers say what is wrong with it
    seen: dict[str, int] = {}
    for number, column in enumerate(header, 1):
        if column and column in seen and (reads is None or reads(column)):
            raise InputError(f"{name}, line 1: column '{column}' appears twice (columns "
                             f"{seen[column]} and {number})",
                             hint="rename or remove one of them")
        seen.setdefault(column, number)


def _csv_header(line: str | None, delimiter: str) -> list[str] | None:
    if line is None:
        return None
    return [h.strip() for h in next(csv.reader([line], delimiter=delimiter))]


def _within(table: pa.Table, limit: int, *, keyed: bool = False) -> bool:
    """Whether no row can have come from a line longer than ``limit`` bytes: Arrow's
    reader, given blocks of ``limit`` bytes, takes lines up to about twice as long. A
    lower bound of each line's length: its text cells, a byte for any other value, the
    separators, and for JSON (``keyed``) each value's ``"key":``."""
    if table.num_rows == 0 or table.num_columns == 0:
        return True
    total = None
    for name, column in zip(table.column_names, table.columns, strict=True):
        present = pc.cast(pc.is_valid(column), pa.int64())
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            length = pc.coalesce(pc.cast(pc.binary_length(column), pa.int64()), 0)
        else:
            length = present
        if keyed:
            length = pc.add(length, pc.multiply(present, len(name.encode()) + 3))
        total = length if total is None else pc.add(total, length)
    longest = pc.max(total).as_py() or 0
    return bool(longest + table.num_columns - 1 <= limit)


def _read_csv_as(path: Path, encoding: str, limit: int, header: list[str],
                 types: Mapping[str, pa.DataType], delimiter: str) -> pa.Table | None:
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    column_types = {h: types.get(h, pa.string()) for h in header}
    table = pa_csv.read_csv(
        path,
        read_options=pa_csv.ReadOptions(block_size=limit, encoding=encoding,
                                        column_names=header, skip_rows=1),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                          invalid_row_handler=on_invalid),
        # Only an empty cell is missing: "NA" in a count column is an error to report.
        convert_options=pa_csv.ConvertOptions(column_types=column_types, null_values=[""],
                                              strings_can_be_null=False),
    )
    return None if invalid or not _within(table, limit) else table


def _read_csv_fast(path: Path, encoding: str, limit: int, types_for: TypesFor | None,
                   line: str | None, delimiter: str) -> pa.Table | None:
    header = _csv_header(line, delimiter)
    if header is None:
        return None
    header = distinct_names(header)
    types = {h: t for h, t in (types_for(header) if types_for else {}).items() if h in header}
    if types:
        try:
            return _read_csv_as(path, encoding, limit, header, types, delimiter)
        except (pa.ArrowInvalid, UnicodeDecodeError):
            pass  # a cell does not fit its type, or worse: read it all as text below
    try:
        return _read_csv_as(path, encoding, limit, header, {}, delimiter)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None


_QUOTE_BLOCK = 1 << 18  # bytes: 256 KiB blocks made the pass a quarter faster than one


def _stray_quote(path: Path, delimiter: str) -> bool:
    """Whether a quote stands between two characters of a cell's text (``"bad"quote``):
    Arrow's reader drops it without a word, where the careful reader names the line (or
    keeps the quote of an unquoted ``5" screen``). One vectorised pass over the bytes of a
    byte-wide file, by blocks that stay in the cache: a quote is in place after a
    separator, a line break or a quote, or before one (or at either end)."""
    import numpy as np

    size = path.stat().st_size
    if size == 0:
        return False
    data = np.memmap(path, dtype=np.uint8, mode="r")
    edge = np.zeros(256, dtype=bool)
    edge[[ord(delimiter), ord("\n"), ord("\r"), ord('"')]] = True
    start = len(codecs.BOM_UTF8) if data[:3].tobytes() == codecs.BOM_UTF8 else 0
    for first in range(0, size, _QUOTE_BLOCK):
        quotes = np.flatnonzero(data[first:first + _QUOTE_BLOCK] == ord('"')) + first
        opens = edge[data[np.maximum(quotes - 1, 0)]] | (quotes == start)
        closes = edge[data[np.minimum(quotes + 1, size - 1)]] | (quotes == size - 1)
        if np.any(~opens & ~closes):
            return True
    return False


def _csv_lines(path: Path, encoding: str, limit: int, delimiter: str, rows: int,
               name: str | None) -> Callable[[int], int]:
    """Row index to line number, scanning the file only if a line number is asked for.
    Where the careful scan refuses lines Arrow's reader took (``"hi"x``), rows and lines
    no longer pair up: the scan's problems are the file's, and nothing is imported."""
    cache: list[int] = []

    def line_of(row: int) -> int:
        if not cache:
            scan = scan_csv(path, encoding=encoding, limit=limit, delimiter=delimiter,
                            name=name)
            if scan.problems or len(scan.lines) != rows:
                rejected = ImportRejected(scan.problems or [Problem(
                    name or str(path), None, None,
                    f"read as {rows} rows by one reader and {len(scan.lines)} by another: "
                    "check its quotes")])
                rejected.hint = ("fix the lines above: with quotes this broken the rows "
                                 "cannot be told apart, so --keep-good cannot set them aside")
                raise rejected
            cache.extend(scan.lines)
        return cache[row]

    return line_of


def _read_jsonl_fast(path: Path, limit: int) -> pa.Table | None:
    """The file as Arrow; a string Arrow took for a time (``"id": "2026-03-01"``) read
    again as the string it is (JSON has no time type: the conversion types it later)."""
    options = pa_json.ReadOptions(block_size=limit)
    try:
        table = pa_json.read_json(path, read_options=options)
        if any(pa.types.is_temporal(f.type) for f in table.schema):
            schema = pa.schema([pa.field(f.name, pa.string()) if pa.types.is_temporal(f.type)
                                else f for f in table.schema])
            table = pa_json.read_json(path, read_options=options,
                                      parse_options=pa_json.ParseOptions(explicit_schema=schema))
        table.validate(full=True)  # the reader lets bytes that are not UTF-8 through
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None  # the careful reader says which line
    if _rounded(table):
        return None  # the careful reader keeps every digit
    return table if _within(table, limit, keyed=True) else None


def _rounded(table: pa.Table) -> bool:
    """Whether Arrow read a whole number too long for a float (an id of 20 digits) as a
    float, which would store ``x:1.2345678901234567e+19`` for it."""
    for column in table.columns:
        if pa.types.is_floating(column.type):
            biggest = pc.max(pc.abs(column)).as_py()
            if biggest is not None and biggest > 2**53:
                return True
    return False


def _jsonl_lines(path: Path) -> Callable[[int], int]:
    """Row index to line number (blank lines hold no row), computed when first asked."""
    cache: list[int] = []

    def line_of(row: int) -> int:
        if not cache:  # lines as Arrow's reader splits them: at \n, \r\n or \r alone
            with path.open(encoding="utf-8", errors="replace", newline=None) as fh:
                cache.extend(n for n, raw in enumerate(fh, 1) if raw.strip())
        return cache[row]

    return line_of


def read_rows(path: Path, fmt: str, *, encoding: str = "utf-8",
              limit: int = DEFAULT_MAX_LINE_BYTES, types_for: TypesFor | None = None,
              reads: Callable[[str], bool] | None = None) -> RawRows:
    """Read every row of a CSV (header on line 1) or JSONL file.

    ``types_for`` names the CSV columns to parse as counts or times while reading; if
    any of their cells does not parse, every column comes back as text instead. ``reads``
    says which header names are read: one of them twice is refused, others may repeat. The CSV
    separator (, ; or tab) is the header's. A UTF-16 or UTF-32 file (said by
    ``encoding`` or by its byte-order mark) is read through a UTF-8 copy.
    """
    name = check_encoding(encoding)
    if not path.is_file():
        raise missing_file(path)
    wide = _wide_encoding(path, name)
    if wide is None:
        return _read_rows(path, fmt, encoding, limit, types_for, reads)
    scratch = _transcode(path, wide)
    raw = _read_rows(Path(scratch.name), fmt, "utf-8", limit, types_for, reads, str(path))
    raw.copy = scratch  # line numbers are read from the copy, when asked
    return raw


def _read_rows(path: Path, fmt: str, encoding: str, limit: int, types_for: TypesFor | None,
               reads: Callable[[str], bool] | None, name: str | None = None) -> RawRows:
    """``read_rows`` on a byte-wide file; ``name``: the file to name in problems."""
    if fmt == "csv":
        line, lenient = _first_line(path, encoding, limit)
        delimiter = sniff_delimiter(lenient)
        _check_header_line(name or str(path), lenient, delimiter, reads)
        table = _read_csv_fast(path, encoding, limit, types_for, line, delimiter)
        if table is not None and not _stray_quote(path, delimiter):
            return RawRows(table, _csv_lines(path, encoding, limit, delimiter,
                                             table.num_rows, name))
        return _from_scan(scan_csv(path, encoding=encoding, limit=limit, delimiter=delimiter,
                                   name=name))
    if fmt == "jsonl":
        table = _read_jsonl_fast(path, limit) if encoding.lower() in ("utf-8", "utf8") else None
        if table is not None:
            return RawRows(table, _jsonl_lines(path))
        return _from_scan(scan_jsonl(path, encoding=encoding, limit=limit, name=name))
    raise InputError(f"unknown format '{fmt}'", hint="use csv or jsonl")
