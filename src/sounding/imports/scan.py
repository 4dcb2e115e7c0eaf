"""The careful reader: walks a file line by line to say exactly where it is broken.

The fast Arrow readers stop at the first problem without saying where; this module
reads the same file in pure Python, bounded in memory (a line longer than the limit is
skipped, never held whole), and returns the good rows with their line numbers plus one
Problem per bad line.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sounding.errors import Problem, invalid_json

__all__ = ["ScanResult", "bad_byte", "distinct_names", "mark_codec", "reading_codec", "scan_csv",
           "scan_jsonl", "sniff_delimiter"]

_CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t")
# UTF-32 first: its little-endian mark starts with UTF-16's.
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def mark_codec(head: bytes) -> str | None:
    """The UTF-16/32 codec, with its byte order, that a file's first bytes name by their
    byte-order mark (Excel's "Unicode text" has one), or None. ``codec[:6]`` is the codec
    that reads the mark and drops it."""
    return next((codec for mark, codec in _MARKS if head.startswith(mark)), None)


def reading_codec(head: bytes, encoding: str) -> str:
    """The codec that reads a text starting with ``head``: the one its UTF-16/32 mark names
    (dropping the mark), else ``encoding``, as utf-8-sig when it is UTF-8 (Excel's "CSV
    UTF-8" writes a mark)."""
    marked = mark_codec(head[:4])
    if marked:
        return marked[:6]
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


def sniff_delimiter(header: str) -> str:
    """The separator of a CSV header line: the most frequent of , ; and tab outside
    quotes (French Excel writes ';', "Unicode text" tabs); a comma when none is found."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=lambda d: counts[d])


def bad_byte(raw: bytes, exc: UnicodeDecodeError, encoding: str) -> str:
    """What is wrong with a line that does not decode, and how to read it instead: a
    spreadsheet re-saved on Windows writes Windows-1252 (0xe9 for é), not UTF-8."""
    where = f"byte 0x{raw[exc.start]:02x} at position {exc.start + 1} is not valid {encoding}"
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig"):
        try:
            raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return (f"{where}: the file looks saved as Windows-1252 (Excel on Windows); "
                    "save it as UTF-8 ('CSV UTF-8'), or pass --encoding cp1252")
    return f"{where}; expected {encoding} text (or pass --encoding)"


@dataclass
class ScanResult:
    """Rows as strings by column, the line each row starts on, and the problems found."""

    header: list[str]
    columns: dict[str, list[str]]
    lines: list[int]
    problems: list[Problem] = field(default_factory=list)
    rejected: list[dict[str, object]] = field(default_factory=list)
    # per column, the rows whose JSON value was an array or an object, not one value
    nested: dict[str, list[int]] = field(default_factory=dict)

    def refuse(self, name: str, line: int | None, message: str, raw: str) -> None:
        """A line refused whole: its problem is reported and kept with it in the rejects."""
        self.problems.append(Problem(name, line, None, message))
        self.rejected.append({"line": line, "problems": [message], "raw": raw})


def _raw_lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """Yield (line number, bytes or None when too long, length) without holding long lines."""
    number = 0
    while True:
        raw = fh.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield number, raw, len(raw)
            continue
        size = len(raw)
        while not raw.endswith(b"\n"):
            raw = fh.readline(_CHUNK)
            if not raw:
                break
            size += len(raw)
        yield number, None, size


def _decoded_lines(path: Path, encoding: str, limit: int, result: ScanResult,
                   name: str) -> Iterator[tuple[int, str]]:
    with path.open("rb") as fh:
        for number, raw, size in _raw_lines(fh, limit):
            if raw is None:
                result.refuse(name, number, f"line is {size:,} bytes, longer than the "
                              f"{limit:,}-byte limit (raise it with --max-line-bytes if this "
                              "is expected)", f"<{size} bytes>")
                continue
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                result.refuse(name, number, bad_byte(raw, exc, encoding),
                              raw.decode(encoding, "replace").rstrip("\r\n"))
                continue
            if number == 1:
                text = text.removeprefix("\ufeff")
            yield number, text


def distinct_names(header: list[str]) -> list[str]:
    """The header with a blank or repeated name made distinct ("(column 6)", "notes
    (column 7)"): columns sounding does not read may be blank or repeat (an Excel sheet's
    empty columns); a repeat of one it reads was refused before reading."""
    seen: set[str] = set()
    out = []
    for number, name in enumerate(header, 1):
        unique = name
        while not unique or unique in seen:
            unique = f"{name} (column {number})".strip() if unique == name else unique + "'"
        seen.add(unique)
        out.append(unique)
    return out


def scan_csv(path: Path, *, encoding: str = "utf-8", limit: int, delimiter: str = ",",
             name: str | None = None) -> ScanResult:
    """Read a CSV file whose first line is the header, one row per record; ``name``: the
    file to name in problems (the original of a transcoded copy), default ``path``."""
    name = name or str(path)
    result = ScanResult([], {}, [])
    state = {"first": 0}
    texts: list[str] = []  # the lines of the record being read, for the rejects file

    def feed() -> Iterator[str]:
        for number, text in _decoded_lines(path, encoding, limit, result, name):
            if not state["first"]:
                state["first"] = number
            texts.append(text)
            yield text

    csv.field_size_limit(max(limit, 131072))
    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    try:
        result.header = distinct_names([h.strip() for h in next(reader)])
    except StopIteration:
        result.problems.append(Problem(name, None, None, "the file is empty"))
        return result
    except csv.Error as exc:
        result.problems.append(Problem(name, 1, None, f"unreadable header: {exc}"))
        return result
    result.columns = {h: [] for h in result.header}
    _read_records(reader, result, state, texts, name, delimiter)
    return result


def _read_records(reader: Iterator[list[str]], result: ScanResult, state: dict[str, int],
                  texts: list[str], name: str, delimiter: str) -> None:
    width = len(result.header)
    while True:
        state["first"] = 0
        texts.clear()
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            result.refuse(name, state["first"] or None, f"malformed CSV: {exc}",
                          "".join(texts).rstrip("\r\n"))
            continue
        line = state["first"]
        if not record:
            continue
        if len(record) != width:
            result.refuse(name, line, f"expected {width} fields as in the header, found "
                          f"{len(record)} (a truncated or unquoted line?)",
                          delimiter.join(record))
            continue
        for column, value in zip(result.header, record, strict=True):
            result.columns[column].append(value)
        result.lines.append(line)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def _encodable(row: dict[str, str]) -> bool:
    """Whether every key and value is text UTF-8 can hold (JSON's ``\\ud800`` escape
    decodes to a lone surrogate, which it cannot)."""
    try:
        for key, value in row.items():
            key.encode("utf-8")
            value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def scan_jsonl(path: Path, *, encoding: str = "utf-8", limit: int,
               name: str | None = None) -> ScanResult:
    """Read a JSON Lines file: one object per line, blank lines ignored; ``name`` as in
    ``scan_csv``."""
    result = ScanResult([], {}, [])
    rows: list[dict[str, str]] = []
    name = name or str(path)
    for number, text in _decoded_lines(path, encoding, limit, result, name):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            result.refuse(name, number, invalid_json(exc),
                          text.rstrip("\r\n"))
            continue
        if not isinstance(obj, dict):
            result.refuse(name, number, f"expected a JSON object, found {type(obj).__name__}",
                          text.rstrip("\r\n"))
            continue
        row = {str(k): _as_text(v) for k, v in obj.items()}
        if not _encodable(row):
            result.refuse(name, number, "a \\ud800-\\udfff escape stands alone: it is half "
                          "of a character, not text", text.rstrip("\r\n"))
            continue
        for key, value in obj.items():
            if isinstance(value, dict | list):
                result.nested.setdefault(str(key), []).append(len(rows))
        rows.append(row)
        result.lines.append(number)
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    result.header = list(header)
    result.columns = {h: [row.get(h, "") for row in rows] for h in result.header}
    return result
