"""KPI workflow: read the period's posts, labels and followers, hand them to the engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sounding.analyse.kpis import Kpis, compute_kpis
from sounding.errors import InputError
from sounding.models import FIRST_DAY, LAST_DAY
from sounding.store import Store
from sounding.store.reads import brand_posts, brand_span, follower_bounds, reaction_labels

__all__ = ["REACTION_WINDOW", "kpis", "last_day", "measured_bounds", "no_posts_hint", "open_sides",
           "parse_period"]

REACTION_WINDOW = timedelta(hours=72)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FAR = datetime(9999, 1, 1, tzinfo=UTC)


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"--period: {label} '{text}' is not a date like 2026-09-30",
                         hint=_PERIOD_HINT) from exc


_PERIOD_HINT = ("both days are included; leave a side empty for no limit, "
                "e.g. --period 2026-09-01.. or --period ..2026-09-30")


def last_day(end: str) -> str:
    """The last day a period covers, from its exclusive end (ISO 8601)."""
    return (datetime.fromisoformat(end) - timedelta(microseconds=1)).date().isoformat()


def parse_period(text: str | None) -> tuple[datetime, datetime]:
    """``A..B`` (dates, both days included; either side may be empty) → [start, end).

    Days run from 1970-01-01 to 2999-12-31, as stored times do; an end after that (such as
    9999-12-31) reads as no limit."""
    if not text:
        return _EPOCH, _FAR
    first, sep, last = text.partition("..")
    if not sep:
        raise InputError(f"--period '{text}': expected A..B, such as 2026-09-01..2026-09-30",
                         hint=_PERIOD_HINT)
    start = datetime.combine(_day(first, "start"), time(), UTC) if first else _EPOCH
    if start.date() > LAST_DAY:  # else "the end comes before the start" (the far end's)
        raise InputError(f"--period '{text}': the start is after {LAST_DAY}, the last day "
                         "sounding reads", hint=_PERIOD_HINT)
    end = _FAR
    if last and (last_date := _day(last, "end")) < _FAR.date():  # 9999-12-31 has no morrow
        if last_date < FIRST_DAY:  # an open start is 1970-01-01
            raise InputError(f"--period '{text}': the end is before {FIRST_DAY}, the first "
                             "day sounding reads", hint=_PERIOD_HINT)
        end = datetime.combine(last_date, time(), UTC) + timedelta(days=1)
    if end <= start:
        raise InputError(f"--period '{text}': the end comes before the start",
                         hint=_PERIOD_HINT)
    return start, end


def open_sides(period: str | None) -> tuple[bool, bool]:
    """Whether a period leaves its start and its end open: a side left empty, not a date
    that happens to be the epoch (an explicit 1970-01-01 is a start)."""
    first, _, last = (period or "").partition("..")
    return not first.strip(), not last.strip()


def measured_bounds(store: Store, period: str | None) -> tuple[datetime, datetime]:
    """``period`` as [start, end), an open side closed at the first or last day of the data
    (items and follower counts): the days a document states are the days it counts, so the
    period it prints, given again, counts the same."""
    start, end = parse_period(period)
    open_start, open_end = open_sides(period)
    open_end = open_end or end == _FAR  # a far end (9999-12-31) reads as none
    if not (open_start or open_end):
        return start, end
    span = brand_span(store)
    if open_start and span["data_first"] is not None:
        start = datetime.combine(span["data_first"].astimezone(UTC).date(), time(), UTC)
    if open_end:
        newest = span["data_last"] or datetime.now(UTC)
        end = datetime.combine(newest.astimezone(UTC).date(), time(), UTC) + timedelta(days=1)
    return start, end


def no_posts_hint(store: Store) -> str:
    """What to do about a period without any brand post: register the brand's accounts,
    bring in their posts, or choose a period within the dates their posts cover."""
    span = brand_span(store)
    if not span["accounts"]:
        return ("the workspace has no brand account, and the brand's posts are those of its "
                "accounts: sounding account add NETWORK --handle HANDLE")
    if not span["posts"]:
        return (f"no post of the brand's {span['accounts']} account(s) is stored (see "
                "sounding account list): collect or import their posts")
    first, last = span["first"].date().isoformat(), span["last"].date().isoformat()
    data = [span[k].astimezone(UTC).date() for k in ("data_first", "data_last")]
    return (f"the brand's {span['posts']:,} posts run from {first} to {last}: choose a "
            f"period that holds some, e.g. --period {data[0]}..{data[1]} (all the data)")


def kpis(store: Store, period: str | None = None) -> Kpis:
    """The headline KPIs of a period (all data by default); a period without any brand
    post carries a ``hint`` saying why and what to do."""
    start, end = measured_bounds(store, period)
    posts = brand_posts(store, start, end, REACTION_WINDOW)
    labels = reaction_labels(store, start, end)
    bounds = follower_bounds(store, start, end)
    found = compute_kpis(posts, labels, bounds, start=start, end=end)
    return found if posts.num_rows else replace(found, hint=no_posts_hint(store))
