"""Parameters of the simulated launch: factors, segments, propensities and their defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "AGE_BANDS",
    "DEFAULT_ACCOUNTS",
    "DEFAULT_EFFECTS",
    "DEFAULT_SEGMENTS",
    "FACTORS",
    "FORMATS",
    "PLANS",
    "SLOTS",
    "TONES",
    "TOPICS",
    "BrandAccount",
    "Effect",
    "LaunchConfig",
    "Segment",
    "config_to_dict",
    "slot_of",
]

FORMATS = ("text", "photo", "video", "link")
TOPICS = ("product", "behind-the-scenes", "recipe", "sustainability")
TONES = ("informative", "humour", "promotional")
SLOTS = ("morning", "midday", "evening", "night")
FACTORS: dict[str, tuple[str, ...]] = {
    "format": FORMATS,
    "topic": TOPICS,
    "tone": TONES,
    "slot": SLOTS,
}
AGE_BANDS = ("18-24", "25-34", "35-49", "50-64", "65+")
PLANS = ("occasional", "loyalty-card", "weekly-subscription")


def _mix(bluesky: float) -> tuple[tuple[str, float], ...]:
    return (("bluesky", bluesky), ("mastodon", round(1.0 - bluesky, 6)))


def slot_of(hour: int) -> str:
    """The time slot of a UTC posting hour: morning 5-10, midday 11-14, evening 15-20, night."""
    if 5 <= hour < 11:
        return "morning"
    if 11 <= hour < 15:
        return "midday"
    if 15 <= hour < 21:
        return "evening"
    return "night"


@dataclass(frozen=True)
class Effect:
    """Additive log-odds shifts that one factor level adds to a segment's propensities."""

    factor: str
    level: str
    engage: float = 0.0
    interest: float = 0.0
    animosity: float = 0.0


@dataclass(frozen=True)
class Segment:
    """A group of audience members sharing a language, habits and tastes."""

    name: str
    label: str
    lang: str
    countries: tuple[str, ...]
    size: int
    activity: float  # probability of being online to see a given post
    talk: float  # multiplier on writing a reply, quote or mention once engaged
    network_mix: tuple[tuple[str, float], ...]  # (network, share of members there)
    follow: float  # probability of following the brand organically within the run
    customer_share: float  # share of the brand's customers (CRM) in this segment
    engage_base: float
    interest_base: float
    animosity_base: float
    effects: tuple[Effect, ...] = ()
    age_weights: tuple[float, ...] = (0.2, 0.3, 0.25, 0.15, 0.1)
    plan_weights: tuple[float, ...] = (0.6, 0.3, 0.1)
    own_followers: float = 150.0  # median follower count of a member's own account


@dataclass(frozen=True)
class BrandAccount:
    """One of the brand's accounts and its publishing rhythm."""

    network: str
    handle: str
    url_base: str  # a post's URL is url_base + native id
    # (weekday 0=Monday, UTC hour) of each weekly publication
    rhythm: tuple[tuple[int, int], ...]
    langs: tuple[str, ...] = ("fr", "en")  # languages the brand alternates in


DEFAULT_ACCOUNTS = (
    BrandAccount(
        network="bluesky",
        handle="briochebramble.bsky.social",
        url_base="https://bsky.app/profile/briochebramble.bsky.social/post/",
        rhythm=((0, 7), (0, 18), (1, 12), (2, 22), (3, 9), (4, 13), (5, 19), (6, 23)),
        langs=("en", "fr"),
    ),
    BrandAccount(
        network="mastodon",
        handle="briochebramble@pouet.example",
        url_base="https://pouet.example/@briochebramble/",
        rhythm=((0, 12), (1, 8), (2, 17), (3, 21), (4, 11), (5, 9), (6, 20)),
        langs=("fr", "en"),
    ),
)

# Effects every segment shares; segment effects add to these.
DEFAULT_EFFECTS = (
    Effect("format", "photo", engage=0.30, interest=0.10),
    Effect("format", "video", engage=0.55, interest=0.20),
    Effect("format", "link", engage=-0.45, interest=-0.10),
    Effect("topic", "behind-the-scenes", engage=0.20, interest=0.25),
    Effect("topic", "recipe", engage=0.30, interest=0.40),
    Effect("topic", "sustainability", engage=-0.10, animosity=0.30),
    Effect("tone", "humour", engage=0.30, interest=0.20, animosity=-0.10),
    Effect("tone", "promotional", engage=-0.30, interest=-0.35, animosity=0.50),
    Effect("slot", "midday", engage=0.10),
    Effect("slot", "evening", engage=0.30),
    Effect("slot", "night", engage=-0.50, animosity=0.15),
)

DEFAULT_SEGMENTS = (
    Segment(
        "fr_gourmets", "Gourmets francophones", "fr", ("FR", "BE", "CH"), 1300,
        activity=0.60, talk=1.0, network_mix=_mix(0.40), follow=0.70, customer_share=0.25,
        engage_base=-0.4, interest_base=0.9, animosity_base=-2.6,
        effects=(Effect("topic", "recipe", engage=0.5, interest=0.3),
                 Effect("format", "photo", engage=0.3),
                 Effect("topic", "product", interest=0.4)),
        age_weights=(0.1, 0.3, 0.3, 0.2, 0.1), plan_weights=(0.5, 0.35, 0.15),
    ),
    Segment(
        "fr_locals", "Familles du quartier", "fr", ("FR",), 600,
        activity=0.35, talk=0.6, network_mix=_mix(0.25), follow=0.60, customer_share=0.50,
        engage_base=-0.9, interest_base=0.8, animosity_base=-2.4,
        effects=(Effect("tone", "promotional", engage=0.7, interest=0.6, animosity=-0.5),
                 Effect("slot", "morning", engage=0.3),
                 Effect("slot", "night", engage=-0.6)),
        age_weights=(0.03, 0.17, 0.4, 0.25, 0.15), plan_weights=(0.3, 0.45, 0.25),
        own_followers=60.0,
    ),
    Segment(
        "en_foodies", "English-speaking foodies", "en", ("GB", "US", "IE"), 1200,
        activity=0.55, talk=0.9, network_mix=_mix(0.70), follow=0.60, customer_share=0.12,
        engage_base=-0.5, interest_base=0.7, animosity_base=-2.2,
        effects=(Effect("format", "video", engage=0.4),
                 Effect("tone", "humour", interest=0.4),
                 Effect("topic", "recipe", engage=0.3)),
        age_weights=(0.25, 0.35, 0.25, 0.1, 0.05),
    ),
    Segment(
        "en_eco", "Eco-minded sceptics", "en", ("GB", "US", "AU"), 650,
        activity=0.65, talk=1.8, network_mix=_mix(0.60), follow=0.35, customer_share=0.03,
        engage_base=-0.8, interest_base=-0.4, animosity_base=-0.5,
        effects=(Effect("topic", "sustainability", engage=0.8, animosity=1.6),
                 Effect("tone", "promotional", animosity=1.0),
                 Effect("topic", "behind-the-scenes", interest=0.6)),
        age_weights=(0.3, 0.35, 0.2, 0.1, 0.05), plan_weights=(0.8, 0.15, 0.05),
        own_followers=300.0,
    ),
    Segment(
        "fr_grumblers", "Râleurs francophones", "fr", ("FR", "BE"), 450,
        activity=0.70, talk=2.2, network_mix=_mix(0.25), follow=0.20, customer_share=0.03,
        engage_base=-0.9, interest_base=-0.8, animosity_base=0.0,
        effects=(Effect("tone", "promotional", animosity=1.2),
                 Effect("tone", "humour", animosity=0.6),
                 Effect("tone", "informative", animosity=-0.4)),
        age_weights=(0.15, 0.25, 0.3, 0.2, 0.1), plan_weights=(0.85, 0.1, 0.05),
    ),
    Segment(
        "food_pros", "Food professionals", "en", ("CA", "US", "GB"), 550,
        activity=0.45, talk=0.8, network_mix=_mix(0.50), follow=0.50, customer_share=0.07,
        engage_base=-0.9, interest_base=0.9, animosity_base=-2.0,
        effects=(Effect("topic", "behind-the-scenes", engage=0.8, interest=0.5),
                 Effect("format", "link", engage=0.6),
                 Effect("tone", "informative", interest=0.3)),
        age_weights=(0.05, 0.35, 0.4, 0.15, 0.05), plan_weights=(0.5, 0.2, 0.3),
        own_followers=800.0,
    ),
)


@dataclass(frozen=True)
class LaunchConfig:
    """Everything about the simulated launch that does not depend on the seed."""

    brand: str = "Brioche & Bramble"
    start: datetime = datetime(2026, 9, 7, tzinfo=UTC)
    weeks: int = 12
    snapshot_days: int = 7  # daily counter snapshots of each post after publication
    ignore_window_hours: float = 72.0
    accounts: tuple[BrandAccount, ...] = DEFAULT_ACCOUNTS
    segments: tuple[Segment, ...] = DEFAULT_SEGMENTS
    effects: tuple[Effect, ...] = DEFAULT_EFFECTS
    scale: float = 1.0  # multiplies every segment's size and the customer count
    customers: int = 1500
    customer_handle_rate: float = 0.35  # customers whose CRM row carries a social handle
    launch_follow_share: float = 0.005  # eventual followers who follow on launch day
    follow_curve: float = 3.0  # organic follows grow like (t / run) ** curve: slow start
    visibility_spread: float = 1.5  # sigma of each post's log reach multiplier (median 1)
    discovery: float = 0.002  # chance a non-follower sees a post organically
    virality: float = 0.004  # extra chance per repost already made
    conversion: float = 0.20  # chance a non-follower who engaged (kindly) follows
    # given engagement, by felt reaction (interest, animosity, neutral); the rest x talk
    like_by_reaction: tuple[float, float, float] = (0.95, 0.15, 0.80)
    repost_by_reaction: tuple[float, float, float] = (0.22, 0.0, 0.06)
    reply: float = 0.075
    quote: float = 0.015
    mention: float = 0.015
    reply_to_reply: float = 0.30  # a reply answers an earlier reply, not the post
    homophily: float = 0.85  # ...and then one written by its own segment, when there is one
    member_tag: float = 0.30  # a text also names an acquaintance (a member of its circle)
    circle_size: int = 8  # members per circle of acquaintances
    bio_share: float = 0.75  # members whose profile has a bio
    bio_signal: float = 0.7  # chance a bio phrase comes from the member's segment pool
    like_delay_hours: float = 2.0  # median delays (log-normal)
    reply_delay_hours: float = 3.0
    spread: float = 1.3  # log-normal sigma of every delay

    @property
    def days(self) -> int:
        """Days from launch to the end of observation (the run plus the snapshot tail)."""
        return self.weeks * 7 + self.snapshot_days


def config_to_dict(config: LaunchConfig) -> dict[str, Any]:
    """The configuration as plain JSON-serialisable values."""
    out: dict[str, Any] = _plain(asdict(config))
    out["start"] = config.start.isoformat()
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
