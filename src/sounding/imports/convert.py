"""Turn a file's raw columns into typed ones, naming each cell that cannot be converted.

Conversion is vectorised with Arrow; when a column fails, bisection finds the bad cells
in O(bad · log n) conversions, so a clean million-row file costs one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from sounding.imports.spec import ITEM_COLUMNS, Column
from sounding.models import (
    CASELESS_NETWORKS,
    FIRST_DAY,
    ITEM_KINDS,
    LAST_DAY,
    NETWORKS,
    TS,
    network_name,
)

__all__ = ["AHEAD", "CONTROL", "CONTROL_ADVICE", "EXCEL_ADVICE", "EXCEL_ROUNDED", "MAX_COUNT",
           "Converted", "cell_value", "check_times", "convert_columns", "count_advice",
           "parse_variant"]

_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError)
_ZONE = r"(Z|[+-]\d\d(:?\d\d)?)$"  # as Arrow reads a zone: +05 is +05:00
_DATE_ONLY = r"^\d{4}-\d\d-\d\d$"
# the calendar a time may fall in; Python's datetime ends at 9999 (a zone can pass it)
_EARLIEST = datetime.combine(FIRST_DAY, time(), UTC)
_LATEST = datetime.combine(LAST_DAY, time.max, UTC)


@dataclass
class Converted:
    """Typed columns (null where a cell was bad) and the problems by row index."""

    columns: dict[str, pa.Array]
    problems: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, row: int, column: str, message: str) -> None:
        self.problems.setdefault(row, []).append((column, message))


def cell_value(array: pa.Array, row: int) -> object:
    """A raw cell as Python holds it; a time as text (the year 10000 has no datetime)."""
    if pa.types.is_timestamp(array.type):
        return array.slice(row, 1).cast(pa.string())[0].as_py()
    return array[row].as_py()


def _failing(array: pa.Array, fn: Callable[[pa.Array], pa.Array]) -> list[int]:
    """Indices of the cells on which ``fn`` raises, found by bisection."""
    try:
        fn(array)
        return []
    except _ARROW_ERRORS:
        if len(array) == 1:
            return [0]
    mid = len(array) // 2
    return _failing(array[:mid], fn) + [mid + i for i in _failing(array[mid:], fn)]


_SLASHED_DATE = re.compile(r"^\s*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b")


def _date_advice(found: str) -> str:
    """Why a date written 01/10/2026 is refused: it reads as 1 October or January 10;
    why 9999-12-31 is: it is off the calendar."""
    if _SLASHED_DATE.match(found):
        return ("; a date with slashes could be day or month first: write it year first "
                "(2026-10-01 for 1 October)")
    year = re.match(r"\s*(\d{4,})-", found)
    if year and not FIRST_DAY.year <= int(year[1]) <= LAST_DAY.year:
        return f"; a date from {FIRST_DAY} to {LAST_DAY}"
    return ""


def _convert(array: pa.Array, fn: Callable[[pa.Array], pa.Array], out: Converted,
             column: str, expected: str, advise: Callable[[str], str] | None = None
             ) -> pa.Array:
    try:
        return fn(array)
    except _ARROW_ERRORS:
        bad = _failing(array, fn)
    for row in bad:
        found = str(cell_value(array, row))
        advice = advise(found) if advise else ""
        out.add(row, column, f"expected {expected}, found {found[:60]!r}{advice}")
    bad_rows = set(bad)
    mask = pa.array([i in bad_rows for i in range(len(array))])
    return fn(pc.if_else(mask, pa.scalar(None, array.type), array))


def _as_text(array: pa.Array) -> pa.Array:
    return array.cast(pa.string())


def _blank_to_null(array: pa.Array) -> pa.Array:
    stripped = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(stripped, ""), pa.scalar(None, pa.string()), stripped)


def _known_text(array: pa.Array) -> pa.Array:
    """Trimmed text, null where blank: an id, or a profile field that says nothing."""
    return _blank_to_null(_as_text(array))


def _on_calendar(times: pa.Array) -> pa.Array:
    """Raise (naming the cells by bisection) on a time off the calendar: 9999-12-31 with
    a zone west of UTC is in the year 10000, which no reader of the store could take."""
    early = pc.less(times, pa.scalar(_EARLIEST, TS))
    late = pc.greater(times, pa.scalar(_LATEST, TS))
    if pc.any(pc.or_(early, late)).as_py():
        raise pa.ArrowInvalid("a time off the calendar")
    return times


def _to_timestamp(array: pa.Array) -> pa.Array:
    if pa.types.is_timestamp(array.type):
        if array.type.tz is None:
            return _on_calendar(
                pc.assume_timezone(array.cast(pa.timestamp("us")), "UTC").cast(TS))
        return _on_calendar(array.cast(TS))
    text = _blank_to_null(_as_text(array))
    try:
        return _on_calendar(text.cast(TS))
    except _ARROW_ERRORS:
        pass  # some values lack a zone, or are dates alone: normalise them below
    text = pc.if_else(pc.match_substring_regex(text, _DATE_ONLY),
                      pc.binary_join_element_wise(text, "T00:00:00", ""), text)
    if pc.any(pc.ends_with(text, "z")).as_py():  # ISO 8601 allows a small z
        text = pc.replace_substring_regex(text, r"z$", "Z")
    zoned = pc.match_substring_regex(text, _ZONE)
    text = pc.if_else(zoned, text, pc.binary_join_element_wise(text, "Z", ""))
    try:
        return _on_calendar(text.cast(TS))
    except _ARROW_ERRORS:  # nanoseconds (Go, JavaScript) are read to the microsecond
        return _on_calendar(pc.replace_substring_regex(text, r"(\.\d{6})\d+", r"\1").cast(TS))


# A counter above a trillion is a mistake (an id in the wrong column, a sum of sums), and
# sums of such counters would overflow the store's 64-bit integers in the analyses.
MAX_COUNT = 10**12


def count_advice(found: str) -> str:
    """Why a cell of digits is no count: too large (empty for anything else)."""
    digits = re.sub(r"[\s\u00a0\u202f',.]", "", found)
    if digits.isascii() and digits.isdigit() and int(digits[:20]) > MAX_COUNT:
        return f"; a counter is at most {MAX_COUNT:,}"
    return ""


def _to_count(array: pa.Array) -> pa.Array:
    if pa.types.is_integer(array.type):
        values = array.cast(pa.int64())
    else:
        text = _blank_to_null(_as_text(array))
        digits = pc.match_substring_regex(text, r"^\d+$")
        exact = pc.if_else(digits, text, pa.scalar(None, pa.string())).cast(pa.int64())
        # "12.0" and the like through a float, where a float is exact
        floats = pc.if_else(digits, pa.scalar(None, pa.string()), text).cast(pa.float64())
        if pc.any(pc.greater(pc.abs(floats), float(2**53))).as_py():
            raise pa.ArrowInvalid("a count a float cannot hold exactly")
        values = pc.coalesce(exact, floats.cast(pa.int64()))  # raises on 3.5
    if pc.any(pc.less(values, 0)).as_py():
        raise pa.ArrowInvalid("negative count")
    if pc.any(pc.greater(values, MAX_COUNT)).as_py():
        raise pa.ArrowInvalid("a count too large")
    return values


# how Excel shows a long number it rounded to 15 digits: 18023456789012345 → 1.80235E+16
EXCEL_ROUNDED = r"^\d[.,]\d+E\+\d+$"  # French Excel: 1,80235E+16
EXCEL_ADVICE = ("; a long id that Excel rounded to a number: take the export again and "
                "open it with the column as text")


# no id, handle or variant holds one: a form would send it back changed (a browser sends a
# line break as CRLF and a NUL as U+FFFD), so such an item could not be labelled
CONTROL = "[\x00-\x1f\x7f]"
CONTROL_ADVICE = "; an id holds no control character (a line break, a tab, a NUL)"


def _id_advice(found: str) -> str:
    if re.match(EXCEL_ROUNDED, found):
        return EXCEL_ADVICE
    return CONTROL_ADVICE if re.search(CONTROL, found) else ""


def _to_key(array: pa.Array) -> pa.Array:
    """A handle, network or kind as text; none holds a control character."""
    text = _known_text(array)
    # printable ASCII (most ids, checked in a few ms a million) cannot hold one; the
    # regular expression, ten times slower, reads only a column that is not all such
    if not pc.all(pc.ascii_is_printable(text)).as_py() and \
            pc.any(pc.match_substring_regex(text, CONTROL)).as_py():
        raise pa.ArrowInvalid("an id with a control character")
    return text


def _to_id(array: pa.Array) -> pa.Array:
    """An item's id as text; one that Excel rounded (``1.80235E+16``) is no id: two posts
    would become one."""
    text = _to_key(array)
    if pc.any(pc.match_substring(text, "E+")).as_py() and \
            pc.any(pc.match_substring_regex(text, EXCEL_ROUNDED)).as_py():
        raise pa.ArrowInvalid("an id Excel rounded")
    return text


_ITEM_IDS = ("id", "parent_id", "root_id")


def _convert_column(column: Column, raw: pa.Array, out: Converted) -> pa.Array:
    if column.kind == "timestamp":
        return _convert(raw, _to_timestamp, out, column.name,
                        "an ISO 8601 date and time such as 2026-03-01 18:00", _date_advice)
    if column.kind == "count":
        return _convert(raw, _to_count, out, column.name, "a whole number ≥ 0", count_advice)
    if column.kind == "text":
        return _convert(raw, _as_text, out, column.name, "text")
    if column.kind in ("trimmed", "variant"):  # a variant is checked pair by pair below
        return _convert(raw, _known_text, out, column.name, "text")
    return _convert(raw, _to_id if column.name in _ITEM_IDS else _to_key, out, column.name,
                    "an id", _id_advice)


def _check_required(converted: Converted, name: str, array: pa.Array) -> None:
    for row in pc.indices_nonzero(pc.is_null(array)).to_pylist():
        if not any(col == name for col, _ in converted.problems.get(row, [])):
            converted.add(row, name, "a value is required here")


def _networks(array: pa.Array) -> pa.Array:
    """Each network as models.network_name names it (``Twitter`` → ``x``), null when
    unknown; a file names few networks, so each distinct name is looked up once."""
    if pc.all(pc.is_in(array, value_set=pa.array(NETWORKS))).as_py() is not False:
        return array  # all named as they should be: the common case, and the fast one
    distinct = pc.unique(array)
    names = pa.array([network_name(v) if v is not None else None
                      for v in distinct.to_pylist()], pa.string())
    return pc.take(names, pc.index_in(array, distinct))


def _handles(networks: pa.Array, authors: pa.Array) -> pa.Array:
    """models.actor_handle on whole columns: no leading ``@``, lowercase where the
    network's handles ignore case; null where nothing is left. Each step is skipped
    where it changes nothing (a string if_else copies the column)."""
    bare = pc.utf8_ltrim(authors, characters="@")
    caseless = pc.is_in(networks, value_set=pa.array(sorted(CASELESS_NETWORKS)))
    if pc.any(caseless).as_py():
        # handles are nearly always ASCII; the others are lowered as Python lowers them
        # (accounts and connectors do: a final Σ is ς), once per distinct handle
        lower = pc.ascii_lower(bare)
        odd = pc.invert(pc.string_is_ascii(bare))
        if pc.any(odd).as_py():
            names = pc.unique(pc.filter(bare, odd))
            lowered = pa.array([str(v).lower() for v in names.to_pylist()], pa.string())
            lower = pc.if_else(odd, pc.take(lowered, pc.index_in(bare, names)), lower)
        bare = lower if pc.all(caseless).as_py() else pc.if_else(caseless, lower, bare)
    if not pc.any(pc.equal(bare, "")).as_py():
        return bare
    return pc.if_else(pc.equal(bare, ""), pa.scalar(None, pa.string()), bare)


def _check_networks(out: Converted) -> None:
    """Refuse a network no brand account can be on, and spell handles as keys do."""
    given = out.columns.get("network")
    if given is None:
        return
    networks = _networks(given)
    unknown = pc.and_(pc.is_valid(given), pc.is_null(networks))
    for row in pc.indices_nonzero(unknown).to_pylist():
        out.add(row, "network", f"expected one of {', '.join(NETWORKS)} (twitter is read "
                                f"as x), found {given[row].as_py()[:40]!r}")
    out.columns["network"] = networks
    if "author" in out.columns:
        out.columns["author"] = _handles(networks, out.columns["author"])
        _check_required(out, "author", out.columns["author"])


# how far a date may run ahead of the import (clocks and zones written wrong)
AHEAD = timedelta(days=1)
_COUNTERS = tuple(c.name for c in ITEM_COLUMNS if c.kind == "count")


def _rows_where(mask: pa.Array) -> list[int]:
    return list(pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist())


def check_times(out: Converted, imported_at: datetime) -> None:
    """Refuse a creation date after the import (a post from 2099), and counters read
    before their item existed (``observed_at`` before ``created_at``): they cannot be that
    item's."""
    created = out.columns.get("created_at")
    if created is None:
        return
    future = pc.greater(created, pa.scalar(imported_at + AHEAD, created.type))
    for row in _rows_where(future):
        out.add(row, "created_at", f"{created[row].as_py():%Y-%m-%d %H:%M} is after this "
                                   f"import ({imported_at:%Y-%m-%d %H:%M} UTC)")
    counted = [pc.is_valid(out.columns[c]) for c in _COUNTERS if c in out.columns]
    if not counted:
        return
    has_counter = counted[0]
    for valid in counted[1:]:
        has_counter = pc.or_(has_counter, valid)
    given = out.columns.get("observed_at")
    read_at = (pc.coalesce(given, pa.scalar(imported_at, created.type)) if given is not None
               else pa.scalar(imported_at, created.type))
    early = pc.and_(pc.and_(has_counter, pc.invert(future)), pc.less(read_at, created))
    for row in _rows_where(early):
        stamp = read_at if isinstance(read_at, pa.Scalar) else read_at[row]
        column = "observed_at" if given is not None and given[row].is_valid else "created_at"
        made = created[row].as_py()
        out.add(row, column, f"the counters are read at {stamp.as_py():%Y-%m-%d %H:%M}, "
                             f"before the item was created ({made:%Y-%m-%d %H:%M}): they "
                             "cannot be its")


def parse_variant(text: str) -> dict[str, str]:
    """``format=video;tone=humour`` → {"format": "video", "tone": "humour"}."""
    pairs: dict[str, str] = {}
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        factor, sep, level = part.partition("=")
        if not sep or not factor.strip() or not level.strip():
            raise ValueError(f"'{part.strip()}' is not factor=level")
        factor, level = factor.strip().lower(), level.strip().lower()
        if re.search(CONTROL, factor + level):
            raise ValueError(f"{part.strip()[:40]!r} holds a control character (a line "
                             "break, a NUL)")
        if pairs.get(factor, level) != level:
            raise ValueError(f"'{factor}' is given twice ({pairs[factor]} and {level})")
        pairs[factor] = level
    return pairs


def convert_columns(raw: pa.Table, found: Mapping[str, str],
                    known: Mapping[int, list[tuple[str, str]]] | None = None) -> Converted:
    """Typed arrays for every known column the file has, with per-cell problems
    (``known``: those the reader found already, by row)."""
    out = Converted({}, {row: list(cells) for row, cells in (known or {}).items()})
    for column in ITEM_COLUMNS:
        if column.name not in found:
            continue
        array = raw.column(found[column.name])  # the reader's blocks, never copied into one
        out.columns[column.name] = _convert_column(column, array, out)
        if column.required and column.name != "text":
            _check_required(out, column.name, out.columns[column.name])
    _check_networks(out)
    kinds = out.columns.get("kind")
    if kinds is not None:  # "Reply" is a reply: kinds are read in lowercase
        kinds = out.columns["kind"] = pc.utf8_lower(kinds)
        bad = pc.and_(pc.is_valid(kinds), pc.invert(pc.is_in(kinds, pa.array(ITEM_KINDS))))
        for row in pc.indices_nonzero(bad).to_pylist():
            out.add(row, "kind", f"expected one of {', '.join(ITEM_KINDS)}, "
                                 f"found {kinds[row].as_py()!r}")
    parents, ids = out.columns.get("parent_id"), out.columns.get("id")
    if parents is not None and ids is not None:
        for row in _rows_where(pc.equal(parents, ids)):
            out.add(row, "parent_id", "the item's own id: an item cannot answer itself")
    variants = out.columns.get("variant")
    if variants is not None:
        for row in pc.indices_nonzero(pc.is_valid(variants)).to_pylist():
            try:
                parse_variant(variants[row].as_py())
            except ValueError as exc:
                out.add(row, "variant", f"expected factor=level pairs: {exc}")
    return out
