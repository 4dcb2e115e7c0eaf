"""Reading an export file: decoding with exact places of bad bytes, CSV rows with line
numbers, and the date an export was taken (from its name or its modification time)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sounding.errors import ImportRejected, Problem
from sounding.imports.convert import AHEAD
from sounding.imports.scan import bad_byte, reading_codec, sniff_delimiter

__all__ = ["CsvRows", "date_in_name", "dated_by", "decode", "export_date", "read_csv",
           "too_early"]

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ISO_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")
_META_DATE = re.compile(r"(?i)(?<![a-z])([a-z]{3})-(\d{1,2})-(20\d\d)(?!\d)")
_MILLIS = re.compile(r"(?<!\d)(1[5-9]\d{11})(?!\d)")


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """The text of an export (a byte-order mark dropped; UTF-16 when its mark says so, as
    Excel's "Unicode text" is); a bad byte is an ImportRejected naming its line."""
    encoding = reading_codec(data, encoding)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        raw = data[start:end if end >= 0 else len(data)]
        moved = UnicodeDecodeError(exc.encoding, raw, exc.start - start, exc.end - start,
                                   exc.reason)
        raise ImportRejected([Problem(
            name, data.count(b"\n", 0, exc.start) + 1, None,
            bad_byte(raw, moved, encoding.removesuffix("-sig")))]) from exc


@dataclass
class CsvRows:
    """The header and every row with the line it starts on."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | csv.Error]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            yield start, next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, exc


def read_csv(text: str, name: str) -> CsvRows:
    """Rows of a CSV export (comma, semicolon or tab separated, as localised exports are)."""
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    result = CsvRows([], [], [])
    for line, record in _records(text, delimiter):
        if isinstance(record, csv.Error):
            result.problems.append(Problem(name, line, None, f"malformed CSV: {record}"))
            continue
        if not result.header:
            result.header = [h.strip() for h in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(result.header):
            result.problems.append(Problem(
                name, line, None, f"expected {len(result.header)} fields as in the header, "
                f"found {len(record)} (a truncated or unquoted line?)"))
            continue
        result.rows.append((line, dict(zip(result.header, record, strict=True))))
    return result


def date_in_name(name: str) -> datetime | None:
    """The latest date a file name holds (``2026-03-31``, ``Mar-31-2026``, epoch millis)."""
    found: list[datetime] = []
    days = [(y, m, d) for y, m, d in _ISO_DATE.findall(name)]
    days += [(y, str(_MONTHS[mon.lower()]), d) for mon, d, y in _META_DATE.findall(name)
             if mon.lower() in _MONTHS]
    for y, m, d in days:
        try:  # a day alone: the counters were read by its end
            day = datetime(int(y), int(m), int(d), tzinfo=UTC)
        except ValueError:
            continue
        found.append(day + timedelta(days=1, seconds=-1))
    for millis in _MILLIS.findall(name):
        found.append(datetime.fromtimestamp(int(millis) / 1000, UTC))
    valid = [f for f in found if f.year >= 2004]
    return max(valid) if valid else None


def dated_by(path: Path, as_of: datetime | None, own: str | None = None) -> str:
    """Where an export's date came from, for a problem that names it: ``--as-of``, the
    export's own (``own`` says what holds it), its file name, or its modification time."""
    if as_of is not None:
        return "--as-of"
    if own is not None:
        return own
    return "the file name" if date_in_name(path.name) else "the file's modification time"


def too_early(created_at: datetime, observed: datetime, said_by: str, file: str,
              line: int | None, column: str | None, what: str = "post") -> list[Problem]:
    """Counters dated before their item (``what``) was created cannot be its: the
    export's date (said by ``said_by``) is wrong, or the item's."""
    if observed >= created_at:
        return []
    if created_at > datetime.now(UTC) + AHEAD:  # no export date can help
        return [Problem(file, line, column, f"the {what} is dated {created_at:%Y-%m-%d}, "
                        "a date to come: check the file's dates")]
    return [Problem(file, line, column,
                    f"the counters are dated {observed:%Y-%m-%d} ({said_by}), before the "
                    f"{what} was created on {created_at:%Y-%m-%d}: pass --as-of with the date "
                    "the export was taken")]


def export_date(path: Path, own: datetime | None = None) -> datetime:
    """When the export was taken: a date it holds, else one in its name, else its mtime."""
    if own is not None:
        return own
    named = date_in_name(path.name)
    if named is not None:
        return named
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
