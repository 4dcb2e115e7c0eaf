"""Cell values as networks write them (localised numbers and dates) → ints and UTC times."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from sounding.imports.convert import MAX_COUNT
from sounding.models import FIRST_DAY, LAST_DAY

__all__ = ["MAX_COUNT", "TIME_EXPECTED", "parse_count", "parse_time"]

TIME_EXPECTED = "a date and time such as 2026-03-01 18:00 (ISO 8601)"
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_SLASHED = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
_X_FORMAT = "%a %b %d %H:%M:%S %z %Y"


def parse_count(value: object, lang: str = "en") -> int | None:
    """A whole number ≥ 0 from a cell (``1,234``, ``1 234``, ``12.0``); None when blank.

    Raises ValueError for anything else.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        number = int(value)
    else:
        text = _SPACES.sub("", str(value))
        if text in ("", "-", "--", "n/a", "N/A"):
            return None
        thousands = "." if lang == "fr" else ","
        if re.fullmatch(r"\d{1,3}(" + re.escape(thousands) + r"\d{3})+", text):
            text = text.replace(thousands, "")
        if re.fullmatch(r"\d+\.0+", text):
            text = text.partition(".")[0]
        if not (text.isascii() and text.isdigit() and len(text) <= 19):  # not "+7", "1_000"
            raise ValueError(value)
        number = int(text)
    if not 0 <= number <= MAX_COUNT:  # a count whose sums the store's BIGINT holds
        raise ValueError(value)
    return number


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _slashed(match: re.Match[str], day_first: bool) -> datetime:
    first, second, year, hour, minute, sec, half = match.groups()
    day, month = (first, second) if day_first else (second, first)
    h = int(hour or 0)
    if half:
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    return datetime(int(year), int(month), int(day), h, int(minute or 0), int(sec or 0),
                    tzinfo=UTC)


def parse_time(value: object, *, day_first: bool = False) -> datetime | None:
    """A moment from ISO 8601, ``dd/mm/yyyy hh:mm`` (or mm/dd), X's or RFC 822 form.

    No zone means UTC. Returns None when the value is blank, not a date, or off the
    calendar (before 1970, after 2999).
    """
    try:
        moment = _parse_time(value, day_first)
    except OverflowError:  # 9999-12-31 23:00 -05:00 is in the year 10000
        return None
    if moment is None or not FIRST_DAY <= moment.date() <= LAST_DAY:
        return None
    return moment


def _parse_time(value: object, day_first: bool) -> datetime | None:
    if isinstance(value, datetime):
        return _utc(value)
    text = "" if value is None else str(value).strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        return _utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    match = _SLASHED.match(text)
    if match:
        try:
            return _slashed(match, day_first)
        except ValueError:
            return None
    for parse in (lambda t: datetime.strptime(t, _X_FORMAT), parsedate_to_datetime):
        try:
            return _utc(parse(text))
        except (ValueError, TypeError, IndexError):
            continue
    return None
