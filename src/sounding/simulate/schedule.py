"""The brand's editorial calendar: when each account posts and which variant each post tries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from sounding.simulate.config import FORMATS, SLOTS, TONES, TOPICS, LaunchConfig, slot_of

__all__ = ["Schedule", "build_schedule"]

DAY = 86_400


@dataclass(frozen=True)
class Schedule:
    """Every brand post in time order, as parallel arrays indexed by post."""

    account: np.ndarray  # int: index into config.accounts
    number: np.ndarray  # int: 1, 2, ... within its account, in time order
    time: np.ndarray  # int seconds after the start
    format: np.ndarray  # int level indices into FORMATS, TOPICS, TONES, SLOTS
    topic: np.ndarray
    tone: np.ndarray
    slot: np.ndarray
    lang: list[str]

    def __len__(self) -> int:
        return len(self.time)

    def levels(self, i: int) -> dict[str, str]:
        """The variant of post ``i`` as factor -> level."""
        return {
            "format": FORMATS[self.format[i]],
            "topic": TOPICS[self.topic[i]],
            "tone": TONES[self.tone[i]],
            "slot": SLOTS[self.slot[i]],
        }


def build_schedule(config: LaunchConfig) -> Schedule:
    """The calendar: each account's weekly rhythm, with levels rotated week after week.

    Levels rotate on offset cycles so that every level meets every other factor's levels
    and every time slot. One piece of confounding is kept on purpose, as brands do: in the
    last third of the run informative posts often turn promotional (the holiday season),
    when the audience is largest.
    """
    rows = sorted(_rows(config), key=lambda r: (r[2], r[0]))
    cols = list(zip(*rows, strict=True))
    a, n, t, f, p, o, s = (np.array(c, dtype=np.int64) for c in cols[:7])
    return Schedule(a, n, t, f, p, o, s, lang=[str(x) for x in cols[7]])


def _rows(config: LaunchConfig) -> list[tuple[int, int, int, int, int, int, int, str]]:
    """One (account, number, time, format, topic, tone, slot, lang) row per post."""
    rows: list[tuple[int, int, int, int, int, int, int, str]] = []
    late = config.weeks - config.weeks // 3
    for a, account in enumerate(config.accounts):
        for week in range(config.weeks):
            for j, (weekday, hour) in enumerate(account.rhythm):
                k = week * len(account.rhythm) + j
                minute = (7 * k + 13 * a) % 60
                t = week * 7 * DAY + weekday * DAY + hour * 3600 + minute * 60
                # each factor rotates by the week so no level sticks to a weekday or hour
                tone = (j + 2 * week + a) % len(TONES)
                if week >= late and tone == 0 and k % 3 != 0:
                    tone = TONES.index("promotional")
                slot = SLOTS.index(slot_of((config.start + timedelta(seconds=t)).hour))
                rows.append((a, k + 1, t, (j + week) % len(FORMATS),
                             (j // 2 + week + a) % len(TOPICS), tone, slot,
                             account.langs[(j + week) % len(account.langs)]))
    return rows
