"""Post text rules: grapheme counts, per-network limits, Bluesky facets, record keys (pure)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
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
_TRAILING = ".,;:!?)\"'"
# Mastodon's own pattern: a mention follows anything but a word character or a slash.
_MASTODON_MENTION = re.compile(r"(?<![/\w])(@\w+(?:[\w.-]*\w)?)@[\w.-]+\w")

# Bluesky's facet patterns (@atproto/api rich-text/util.js), with JavaScript's \s.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_BSKY_LINK = re.compile(rf"(?:^|(?<=[{_JS_SPACE}(]))(https?://[^{_JS_SPACE}]+)")
# A mention ends where JavaScript's \b (ASCII word characters only) finds a boundary.
_BSKY_MENTION = re.compile(rf"(?:^|(?<=[{_JS_SPACE}(]))@([a-zA-Z0-9.-]+)(?a:\b)")
_BSKY_TAG = re.compile(
    rf"(?:^|(?<=[{_JS_SPACE}]))[#\uff03]([^{_JS_SPACE}\u00ad\u2060\u200b-\u200d\u20e2]*)"
)
_HANDLE = re.compile(
    r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
)
_MAX_TAG_GRAPHEMES = 64

# Extended_Pictographic (Unicode 17, as Node's ICU 78 has it): where an emoji ZWJ
# sequence may start and continue (UAX #29 rule GB11).
_EXT_PICT = """
A9 AE 203C 2049 2122 2139 2194-2199 21A9-21AA 231A-231B 2328 23CF 23E9-23F3 23F8-23FA
24C2 25AA-25AB 25B6 25C0 25FB-25FE 2600-2604 260E 2611 2614-2615 2618 261D 2620 2622-2623
2626 262A 262E-262F 2638-263A 2640 2642 2648-2653 265F-2660 2663 2665-2666 2668 267B
267E-267F 2692-2697 2699 269B-269C 26A0-26A1 26A7 26AA-26AB 26B0-26B1 26BD-26BE 26C4-26C5
26C8 26CE-26CF 26D1 26D3-26D4 26E9-26EA 26F0-26F5 26F7-26FA 26FD 2702 2705 2708-270D 270F
2712 2714 2716 271D 2721 2728 2733-2734 2744 2747 274C 274E 2753-2755 2757 2763-2764
2795-2797 27A1 27B0 27BF 2934-2935 2B05-2B07 2B1B-2B1C 2B50 2B55 3030 303D 3297 3299 1F004
1F02C-1F02F 1F094-1F09F 1F0AF-1F0B0 1F0C0 1F0CF-1F0D0 1F0F6-1F0FF 1F170-1F171 1F17E-1F17F
1F18E 1F191-1F19A 1F1AE-1F1E5 1F201-1F20F 1F21A 1F22F 1F232-1F23A 1F23C-1F23F 1F249-1F25F
1F266-1F321 1F324-1F393 1F396-1F397 1F399-1F39B 1F39E-1F3F0 1F3F3-1F3F5 1F3F7-1F3FA
1F400-1F4FD 1F4FF-1F53D 1F549-1F54E 1F550-1F567 1F56F-1F570 1F573-1F57A 1F587 1F58A-1F58D
1F590 1F595-1F596 1F5A4-1F5A5 1F5A8 1F5B1-1F5B2 1F5BC 1F5C2-1F5C4 1F5D1-1F5D3 1F5DC-1F5DE
1F5E1 1F5E3 1F5E8 1F5EF 1F5F3 1F5FA-1F64F 1F680-1F6C5 1F6CB-1F6D2 1F6D5-1F6E5 1F6E9
1F6EB-1F6F0 1F6F3-1F6FF 1F7DA-1F7FF 1F80C-1F80F 1F848-1F84F 1F85A-1F85F 1F888-1F88F
1F8AE-1F8AF 1F8BC-1F8BF 1F8C2-1F8CF 1F8D9-1F8FF 1F90C-1F93A 1F93C-1F945 1F947-1F9FF
1FA58-1FA5F 1FA6E-1FAFF 1FC00-1FFFD
"""
# Extend beyond the combining marks: ZWNJ, emoji modifiers, tag characters, halfwidth
# katakana voiced marks.
_EXTEND = "200C FF9E-FF9F 1F3FB-1F3FF E0020-E007F"
# Prepend: marks written before the character they attach to (rule GB9b).
_PREPEND = ("600-605 6DD 70F 890-891 8E2 D4E 110BD 110CD 111C2-111C3 1193F 11941 11A3A"
            " 11A84-11A89 11D46 11F02")
_SPACING_LETTERS = "E33 EB3"  # Thai and Lao SARA AM: letters that act as spacing marks
# Spacing marks that UAX #29 leaves as "Other" (Myanmar, Tai Tham, Tai Viet, Ahom vowels).
_SPACING_OTHER = ("102B-102C 1038 1062-1064 1067-106D 1083 1087-108C 108F 109A-109C 1A61 1A63-1A64"
                  " AA7B AA7D 11720-11721")
_NAMED = {"\r": "CR", "\n": "LF", _ZWJ: "ZWJ"}
_BREAKERS = frozenset({"CR", "LF", "Control"})
_HANGUL_JOINS = frozenset({  # rules GB6 to GB8
    ("L", "L"), ("L", "V"), ("L", "LV"), ("L", "LVT"), ("LV", "V"), ("LV", "T"),
    ("V", "V"), ("V", "T"), ("LVT", "T"), ("T", "T"),
})


def _ranges(spec: str) -> tuple[list[int], list[int]]:
    """Hex ranges ``"A9 2194-2199"``, given in order, as lists of first and last code
    points to search with bisect."""
    firsts, lasts = [], []
    for item in spec.split():
        first, _, last = item.partition("-")
        firsts.append(int(first, 16))
        lasts.append(int(last or first, 16))
    return firsts, lasts


def _within(code: int, table: tuple[list[int], list[int]]) -> bool:
    index = bisect_right(table[0], code) - 1
    return index >= 0 and code <= table[1][index]


_EXT_PICT_TABLE = _ranges(_EXT_PICT)
_EXTEND_TABLE = _ranges(_EXTEND)
_PREPEND_TABLE = _ranges(_PREPEND)
_SPACING_TABLE = _ranges(_SPACING_LETTERS)
_SPACING_OTHER_TABLE = _ranges(_SPACING_OTHER)


def _hangul_class(code: int) -> str:
    """Hangul jamo and syllables' Grapheme_Cluster_Break, "" for any other character."""
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _break_class(ch: str) -> str:
    """A character's Grapheme_Cluster_Break (UAX #29), with "ExtPict" for the
    Extended_Pictographic characters among "Other"."""
    code, category = ord(ch), unicodedata.category(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0x1F1E6 <= code <= 0x1F1FF:
        return "RI"
    if category in ("Mn", "Me") or _within(code, _EXTEND_TABLE):
        return "Extend"
    if _within(code, _SPACING_TABLE) or (
        category == "Mc" and not _within(code, _SPACING_OTHER_TABLE)
    ):
        return "SpacingMark"
    if _within(code, _PREPEND_TABLE):
        return "Prepend"
    if category in ("Cc", "Cf", "Zl", "Zp", "Cs"):
        return "Control"
    if _within(code, _EXT_PICT_TABLE):
        return "ExtPict"
    return _hangul_class(code) or "Other"


def _joins(before: str, after: str, emoji_zwj: bool, odd_regional: bool) -> bool:
    """Whether two characters of these classes share a cluster (rules GB3 to GB13);
    ``emoji_zwj``: ``before`` ends ExtPict Extend* ZWJ; ``odd_regional``: an odd
    number of regional indicators ends at ``before``."""
    if before == "CR" and after == "LF":
        return True
    if before in _BREAKERS or after in _BREAKERS:
        return False
    if (before, after) in _HANGUL_JOINS or before == "Prepend":
        return True
    if after in ("Extend", "ZWJ", "SpacingMark"):
        return True
    if emoji_zwj and after == "ExtPict":
        return True
    return odd_regional and after == "RI"


def graphemes(text: str) -> int:
    """Number of user-perceived characters: extended grapheme clusters (UAX #29), as
    Bluesky counts them, so that a text the queue accepts is one its server takes. Two
    known differences only ever count more (a text may be refused here that Bluesky would
    take, never the reverse): Indic conjuncts (rule GB9c) and characters newer than the
    Unicode of Python's ``unicodedata``."""
    count, before, pictographic, emoji_zwj, regional = 0, "", False, False, 0
    for ch in text:
        after = _break_class(ch)
        if not before or not _joins(before, after, emoji_zwj, regional % 2 == 1):
            count += 1
        emoji_zwj = after == "ZWJ" and pictographic
        pictographic = after == "ExtPict" or (pictographic and after == "Extend")
        regional = regional + 1 if after == "RI" else 0
        before = after
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


def _link(url: str) -> str:
    """The URL without the sentence's punctuation after it, trimmed as Bluesky trims it:
    one of ``.,;:!?``, then a ``)`` that closes no ``(`` of the URL."""
    if url[-1] in ".,;:!?":
        url = url[:-1]
    if url.endswith(")") and "(" not in url:
        url = url[:-1]
    return url


def _tag(run: str) -> str | None:
    """The tag Bluesky makes of the characters after a ``#``: none when they start with
    VS16 or hold only digits and punctuation, else the run less its trailing punctuation."""
    if run.startswith("\ufe0f") or all(_digit_or_punctuation(ch) for ch in run):
        return None
    end = len(run)
    while unicodedata.category(run[end - 1]).startswith("P"):
        end -= 1
    tag = run[:end]
    return tag if graphemes(tag) <= _MAX_TAG_GRAPHEMES else None


def _digit_or_punctuation(ch: str) -> bool:
    return ch in "0123456789" or unicodedata.category(ch).startswith("P")


def _spans(text: str) -> Iterator[Span]:
    """The links, mentions and tags that Bluesky's detectFacets finds, in its order."""
    for match in _BSKY_MENTION.finditer(text):
        # Bluesky also wants a known TLD: a handle without one fails to resolve instead.
        if _HANDLE.fullmatch(match.group(1)):
            yield Span("mention", match.group(1), *_byte_span(text, match.start(), match.end()))
    for match in _BSKY_LINK.finditer(text):
        url = _link(match.group(1))
        yield Span("link", url, *_byte_span(text, match.start(1), match.start(1) + len(url)))
    for match in _BSKY_TAG.finditer(text):
        tag = _tag(match.group(1))
        if tag is not None:
            yield Span("tag", tag, *_byte_span(text, match.start(), match.start(1) + len(tag)))


def find_spans(text: str) -> list[Span]:
    """Every link, @handle and #tag of a text, in order, with byte offsets for facets,
    found as Bluesky's app finds them so that a post reads the same from either."""
    return sorted(_spans(text), key=lambda s: s.byte_start)


def tid(micros: int, clock_id: int = 0) -> str:
    """An AT Protocol TID record key for a time in microseconds since the epoch."""
    number = (micros << 10) | (clock_id & 0x3FF)
    return "".join(_B32[(number >> (5 * (12 - i))) & 31] for i in range(13))
