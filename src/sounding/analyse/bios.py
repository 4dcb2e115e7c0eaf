"""What a group of actors says about itself: the words its profile bios use more than others'.

A segment or a community is easier to recognise by "chef, bakery, restaurant" than by its
activity ratio. A word counts once per bio; it describes a group when at least
``min_count`` of the group's bios use it and a larger share of them do than of all bios.
Bios are tokenised once for all the groups asked about.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["BioWords"]


class BioWords:
    """Everyone's bios, tokenised and counted once; ``of(members)`` describes a group."""

    def __init__(self, bios: Sequence[object]) -> None:
        from sounding.analyse.topics import tokenize

        self.bags: list[frozenset[str] | None] = [
            frozenset(tokenize(b)) if isinstance(b, str) and b.strip() else None for b in bios]
        self.with_bio = sum(bag is not None for bag in self.bags)
        self.overall = Counter(w for bag in self.bags if bag for w in bag)

    def of(self, members: Sequence[int] | np.ndarray, *, top: int = 5, min_count: int = 3
           ) -> list[str]:
        """The ``top`` words the members' bios use most above the share all bios use them;
        members are positions in the bios given. Missing and blank bios are skipped."""
        mine = [bag for bag in (self.bags[int(i)] for i in members) if bag is not None]
        if not mine:
            return []
        inside = Counter(w for bag in mine for w in bag)
        lift = {w: n / len(mine) - self.overall[w] / self.with_bio
                for w, n in inside.items() if n >= min_count}
        ranked = sorted((w for w, v in lift.items() if v > 0), key=lambda w: (-lift[w], w))
        return ranked[:top]
