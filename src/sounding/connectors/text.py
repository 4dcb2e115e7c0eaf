"""Post text rules: grapheme counts, per-network limits, Bluesky facets, record keys (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "BLUESKY_MAX_BYTES",
    "BLUESKY_MAX_GRAPHEMES",
    "MASTODON_DEFAULT_MAX_CHARS",
    "Span",
    "find_spans",
    "graphemes",
    "local_mentions",
    "mastodon_length",
    "network_length",
    "tid",
]

BLUESKY_MAX_GRAPHEMES = 300
BLUESKY_MAX_BYTES = 3000  # the post record's text, in UTF-8 (app.bsky.feed.post lexicon)
MASTODON_DEFAULT_MAX_CHARS = 500
_MASTODON_URL_LENGTH = 23  # Mastodon counts every link as 23 characters
_ZWJ = "\u200d"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"

_URL = re.compile(r"(?:^|(?<=[\s(]))(https?://[^\s]+)")
_MENTION = re.compile(
    r"(?:^|(?<=[\s(]))@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
    r"[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
)
_TAG = re.compile(r"(?:^|(?<=\s))#([^\d\s#][^\s#]*)")
_TRAILING = ".,;:!?)\"'"
# Mastodon's own pattern: a mention follows anything but a word character or a slash.
_MASTODON_MENTION = re.compile(r"(?<![/\w])(@\w+(?:[\w.-]*\w)?)@[\w.-]+\w")


def _extends_cluster(ch: str, previous: str) -> bool:
    code = ord(ch)
    if previous == _ZWJ or ch == _ZWJ:
        return True
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    return (0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF
            or 0xE0020 <= code <= 0xE007F or 0xE0100 <= code <= 0xE01EF)


def graphemes(text: str) -> int:
    """Number of user-perceived characters (extended grapheme clusters, approximated)."""
    count, previous, pending_flag = 0, "", False
    for ch in text:
        regional = 0x1F1E6 <= ord(ch) <= 0x1F1FF
        if (previous and _extends_cluster(ch, previous)) or (previous == "\r" and ch == "\n"):
            pass
        elif regional and pending_flag:
            pending_flag = False
            previous = ch
            continue
        else:
            count += 1
        pending_flag = regional and not pending_flag
        previous = ch
    return count


def _mastodon_link(match: re.Match[str]) -> str:
    url = match.group(1)
    link = url.rstrip(_TRAILING)  # the punctuation after a link is the sentence's
    return "x" * _MASTODON_URL_LENGTH + url[len(link):]


def local_mentions(text: str) -> str:
    """Every mention ``@user@domain`` as Mastodon shows and counts it: ``@user``."""
    return _MASTODON_MENTION.sub(lambda m: m.group(1), text)


def mastodon_length(text: str) -> int:
    """Characters as a Mastodon server counts them (its StatusLengthValidator): graphemes,
    every link as 23, a mention ``@user@domain`` as ``@user``."""
    return graphemes(local_mentions(_URL.sub(_mastodon_link, text)))


def network_length(network: str, text: str) -> tuple[int, int] | None:
    """``text``'s length as ``network`` counts it and the most that network takes, known
    without asking it; None for a network that takes any length. A Mastodon instance may
    set its own limit (collect and publish record it): Mastodon's default is given here."""
    if network == "bluesky":
        return graphemes(text), BLUESKY_MAX_GRAPHEMES
    if network == "mastodon":
        return mastodon_length(text), MASTODON_DEFAULT_MAX_CHARS
    return None


@dataclass(frozen=True, slots=True)
class Span:
    """A link, mention or hashtag found in a text, with UTF-8 byte offsets (end excluded)."""

    kind: str  # "link" | "mention" | "tag"
    value: str  # the URL, the handle without "@", the tag without "#"
    byte_start: int
    byte_end: int


def _byte_span(text: str, start: int, end: int) -> tuple[int, int]:
    before = len(text[:start].encode("utf-8"))
    return before, before + len(text[start:end].encode("utf-8"))


def find_spans(text: str) -> list[Span]:
    """Every link, @handle and #tag of a text, in order, with byte offsets for facets."""
    spans: list[Span] = []
    for kind, pattern in (("link", _URL), ("mention", _MENTION), ("tag", _TAG)):
        for match in pattern.finditer(text):
            value = match.group(1)
            start = match.start(1) if kind == "link" else match.start(1) - 1
            if kind != "mention":
                value = value.rstrip(_TRAILING)
            end = match.start(1) + len(value)
            if kind == "tag" and not 0 < len(value) <= 64:
                continue
            spans.append(Span(kind, value, *_byte_span(text, start, end)))
    return sorted(spans, key=lambda s: s.byte_start)


def tid(micros: int, clock_id: int = 0) -> str:
    """An AT Protocol TID record key for a time in microseconds since the epoch."""
    number = (micros << 10) | (clock_id & 0x3FF)
    return "".join(_B32[(number >> (5 * (12 - i))) & 31] for i in range(13))
