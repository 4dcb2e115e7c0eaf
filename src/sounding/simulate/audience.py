"""The simulated audience: members, their segment, network, handle and organic follow time."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from sounding.models import key
from sounding.simulate.config import LaunchConfig

__all__ = ["FIRST_NAMES", "LAST_NAMES", "Audience", "ascii_name", "build_audience", "sizes"]

FIRST_NAMES = {
    "fr": ("camille", "léa", "hugo", "manon", "louis", "chloé", "jules", "inès", "théo",
           "zoé", "lucas", "margaux", "nathan", "sarah", "antoine", "julie", "maxime",
           "élodie", "romain", "clémence", "yanis", "amélie", "baptiste", "océane"),
    "en": ("olivia", "jack", "amelia", "harry", "isla", "noah", "emily", "george", "ava",
           "leo", "grace", "oscar", "chloe", "ethan", "mia", "liam", "ruby", "owen", "zara",
           "callum", "niamh", "dylan", "freya", "samir"),
}
LAST_NAMES = {
    "fr": ("martin", "bernard", "petit", "durand", "leroy", "moreau", "garnier", "faure",
           "rousseau", "blanc", "guerin", "muller", "henry", "roussel", "perrin", "morel"),
    "en": ("smith", "jones", "taylor", "brown", "wilson", "evans", "walker", "wright",
           "hughes", "green", "hall", "wood", "clarke", "patel", "murphy", "kelly"),
}
INSTANCES = ("pouet.example", "toots.example", "mamot.example", "fedi.example")
_SEPARATORS = ("", ".", "_", "-")


@dataclass(frozen=True)
class Audience:
    """Every simulated audience member, as parallel arrays indexed by member."""

    segment: np.ndarray  # int: index into config.segments
    network: np.ndarray  # int: index into config.accounts
    first: list[str]
    last: list[str]
    handle: list[str]
    actor_id: list[str]
    own_followers: np.ndarray  # int: the member's own audience
    follow_at: np.ndarray  # float seconds after start of an organic follow; inf if none
    circle: np.ndarray  # int: the member's circle of acquaintances (same segment, network)

    def __len__(self) -> int:
        return len(self.handle)


def ascii_name(name: str) -> str:
    """A name without accents, for handles and e-mail addresses."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sizes(config: LaunchConfig) -> np.ndarray:
    """Members per segment once the configuration's scale is applied."""
    return np.array([max(1, round(s.size * config.scale)) for s in config.segments])


def build_audience(config: LaunchConfig, rng: np.random.Generator) -> Audience:
    """Draw the audience: segment by segment, a network, a name, a handle, a follow time."""
    counts = sizes(config)
    segment = np.repeat(np.arange(len(counts)), counts)
    network = _networks(config, segment, rng)
    first, last = _names(config, segment, rng)
    handle = _handles(config, network, first, last, rng)
    actor_id = [key(config.accounts[n].network, h) for n, h in zip(network, handle, strict=True)]
    medians = np.array([s.own_followers for s in config.segments])[segment]
    own = np.round(medians * rng.lognormal(0.0, 1.0, len(segment))).astype(np.int64)
    return Audience(segment, network, first, last, handle, actor_id, own,
                    _organic_follows(config, segment, rng),
                    _circles(config, segment, network, rng))


def _circles(config: LaunchConfig, segment: np.ndarray, network: np.ndarray,
             rng: np.random.Generator) -> np.ndarray:
    """Small groups of acquaintances, drawn within each segment on each network."""
    circle = np.zeros(len(segment), dtype=np.int64)
    size, next_id = max(2, config.circle_size), 0
    for group in np.unique(segment * len(config.accounts) + network):
        members = rng.permutation(np.flatnonzero(segment * len(config.accounts) + network
                                                 == group))
        count = max(1, round(len(members) / size))
        circle[members] = next_id + np.arange(len(members)) % count
        next_id += count
    return circle


def _networks(config: LaunchConfig, segment: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    names = [a.network for a in config.accounts]
    mix = np.zeros((len(config.segments), len(names)))
    for i, seg in enumerate(config.segments):
        for network, share in seg.network_mix:
            if network in names:
                mix[i, names.index(network)] = share
    mix /= mix.sum(axis=1, keepdims=True)
    cumulative = mix.cumsum(axis=1)[segment]
    draws = rng.random(len(segment))[:, None]
    chosen: np.ndarray = np.minimum((draws > cumulative).sum(axis=1), len(names) - 1)
    return chosen


def _names(
    config: LaunchConfig, segment: np.ndarray, rng: np.random.Generator
) -> tuple[list[str], list[str]]:
    langs = [config.segments[s].lang for s in segment]
    u = rng.random((len(segment), 2))
    first = [_choose(FIRST_NAMES[lang], x) for lang, x in zip(langs, u[:, 0], strict=True)]
    last = [_choose(LAST_NAMES[lang], x) for lang, x in zip(langs, u[:, 1], strict=True)]
    return first, last


def _choose(options: tuple[str, ...], u: float) -> str:
    return options[min(int(u * len(options)), len(options) - 1)]


def _handles(
    config: LaunchConfig,
    network: np.ndarray,
    first: list[str],
    last: list[str],
    rng: np.random.Generator,
) -> list[str]:
    u = rng.random((len(first), 3))
    seen: set[str] = set()
    out: list[str] = []
    for i, (f, l_name) in enumerate(zip(first, last, strict=True)):
        sep = _choose(_SEPARATORS, u[i, 0])
        stem = ascii_name(f"{f}{sep}{l_name[: 1 + int(u[i, 1] * len(l_name))]}")
        base = f"{stem}{int(u[i, 2] * 100)}" if u[i, 2] < 0.6 else stem
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}{n}"
        seen.add(name)
        if config.accounts[network[i]].network == "bluesky":
            out.append(f"{name}.bsky.social")
        else:
            out.append(f"{name}@{_choose(INSTANCES, (u[i, 2] * 7.0) % 1.0)}")
    return out


def _organic_follows(
    config: LaunchConfig, segment: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Organic follows: a few on launch day, the rest slow at first, then faster."""
    n, day, run = len(segment), 86_400.0, config.weeks * 7 * 86_400.0
    follow_p = np.array([s.follow for s in config.segments])[segment]
    u = rng.random((n, 3))
    later = day + u[:, 2] ** (1.0 / config.follow_curve) * (run - day)
    at = np.where(u[:, 1] < config.launch_follow_share, u[:, 2] * day, later)
    follow_at: np.ndarray = np.where(u[:, 0] < follow_p, at, np.inf)
    return follow_at
