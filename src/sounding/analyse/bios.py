"""What a group of actors says about itself: the words its profile bios use more than others'.

A segment or a community is easier to recognise by "chef, bakery, restaurant" than by its
activity ratio. A word counts once per bio; it describes a group when at least
``min_count`` of the group's bios use it and a larger share of them do than of all bios.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

__all__ = ["bio_words"]


def _bags(bios: Sequence[object]) -> list[set[str]]:
    from sounding.analyse.topics import tokenize

    return [set(tokenize(b)) for b in bios if isinstance(b, str) and b.strip()]


def bio_words(group: Sequence[object], everyone: Sequence[object], *, top: int = 5,
              min_count: int = 3) -> list[str]:
    """The ``top`` words the group's bios use most above the share all bios use them.

    Missing bios (None, NaN, blank) are skipped on both sides.
    """
    mine, all_bags = _bags(group), _bags(everyone)
    if not mine or not all_bags:
        return []
    inside = Counter(w for bag in mine for w in bag)
    overall = Counter(w for bag in all_bags for w in bag)
    lift = {w: n / len(mine) - overall[w] / len(all_bags)
            for w, n in inside.items() if n >= min_count}
    ranked = sorted((w for w, v in lift.items() if v > 0), key=lambda w: (-lift[w], w))
    return ranked[:top]
