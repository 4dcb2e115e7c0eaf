"""Posting times for proposals: one post a day, at the hour of its proposed time slot."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, timedelta

__all__ = ["SLOT_HOURS", "slot_times"]

# A representative UTC hour for each time slot level (the simulator's slot_of boundaries).
SLOT_HOURS: dict[str, int] = {"morning": 8, "midday": 12, "evening": 18, "night": 22}


def slot_times(after: datetime, slots: Sequence[str | None], *, default_hour: int = 12,
               hours: Mapping[str, int] | None = None, per_day: int = 1,
               busy: Collection[date] = ()) -> list[datetime]:
    """A time for each proposal: ``per_day`` posts a day from the day after ``after``,
    skipping the ``busy`` days (a post already waits there).

    A proposal whose slot is a known level goes out at that slot's hour, otherwise at
    ``default_hour`` (the brand's usual posting hour); posts on the same day are spaced
    by at least an hour so no two share a time.
    """
    table = dict(SLOT_HOURS if hours is None else hours)
    day = (after + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    out: list[datetime] = []
    for k, slot in enumerate(slots):
        if k and k % max(per_day, 1) == 0:
            day += timedelta(days=1)
        while day.date() in busy:
            day += timedelta(days=1)
        hour = table.get(slot or "", default_hour)
        when = day.replace(hour=hour)
        while when in out:
            when += timedelta(hours=1)
        out.append(when)
    return out
