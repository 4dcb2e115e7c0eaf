"""Profile bios of the simulated audience: what members write about themselves.

Real profiles carry a short description, and people who share tastes describe themselves
alike (a pastry chef says so; a climate campaigner too). A member has a bio with
probability ``bio_share``; a bio holds one or two phrases, each from the member's segment
pool with probability ``bio_signal``, else from the phrases anyone of that language
writes. A segment without a pool of its own only gets the common phrases.
"""

from __future__ import annotations

import numpy as np

from sounding.simulate.audience import Audience
from sounding.simulate.config import LaunchConfig
from sounding.simulate.templates import LANGS

__all__ = ["member_bios"]

_JOINS = (" · ", ". ", " | ", ", ")


def _pick(options: tuple[str, ...], u: float) -> str:
    return options[min(int(u * len(options)), len(options) - 1)]


def member_bios(config: LaunchConfig, audience: Audience, rng: np.random.Generator
                ) -> list[str | None]:
    """One bio per member, None where the member left it empty."""
    u = rng.random((len(audience), 7))
    out: list[str | None] = []
    for i, s in enumerate(audience.segment):
        if u[i, 0] >= config.bio_share:
            out.append(None)
            continue
        segment = config.segments[s]
        texts = LANGS[segment.lang]
        own = texts.BIOS.get(segment.name, ())
        phrases = []
        for j in range(1 if u[i, 1] < 0.5 else 2):
            pool = own if own and u[i, 2 + 2 * j] < config.bio_signal else texts.BIO_COMMON
            phrase = _pick(pool, u[i, 3 + 2 * j])
            if phrase not in phrases:
                phrases.append(phrase)
        out.append(_pick(_JOINS, u[i, 6]).join(phrases))
    return out
