"""Counts and facets as Bluesky makes them, so that the queue's checks agree with the PDS.

Every expected value here was computed once with Node 20 (ICU 78.2, Unicode 17):
counts with ``[...new Intl.Segmenter().segment(text)].length``, which is what
@atproto/lex-data's ``graphemeLen`` calls; facets with @atproto/api's
``RichText.detectFacetsWithoutResolution`` from ``tools/atproto/node_modules``.
"""

from __future__ import annotations

import unicodedata

import pytest

from sounding.connectors.text import (
    BLUESKY_MAX_GRAPHEMES,
    Span,
    find_spans,
    graphemes,
    network_length,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\u200db", 2),  # a ZWJ joins only after a pictograph (rule GB11)
        ("\U0001f468\u200db", 2),
        ("\u1100\u1100\u1161", 1),  # conjoining jamo L L V (rules GB6 to GB8)
        ("\uac00\u11a8", 1),  # LV syllable then T
        ("\u11a8\u1100", 2),  # T then L: two syllables
        ("\u0e01\u0e33", 1),  # Thai SARA AM is a spacing mark
        ("\uff76\uff9e", 1),  # halfwidth katakana with its voiced mark
        ("\u0600a", 1),  # Arabic number sign is written before its digits (GB9b)
        ("\n\u0301", 2),  # nothing joins a line break (GB4)
        ("\u1000\u102b", 2),  # a Myanmar vowel sign that UAX #29 leaves apart
    ],
)
def test_graphemes_follow_unicode_clusters(text: str, expected: int) -> None:
    assert graphemes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", 1),  # family ZWJ sequence
        ("\u2764\ufe0f\u200d\U0001f525", 1),  # heart on fire: VS16 before the ZWJ
        ("\U0001f44d\U0001f3fd", 1),  # skin tone
        ("\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea\U0001f1eb", 3),  # two flags and a half
        ("\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 1),
        ("e\u0301\u0302", 1),
        ("a\r\nb", 3),
    ],
)
def test_graphemes_keep_emoji_and_marks_whole(text: str, expected: int) -> None:
    assert graphemes(text) == expected


def test_letters_joined_by_zwj_are_over_the_limit() -> None:
    """The PDS refuses this text ("grapheme too big (maximum 300, got 400)")."""
    text = "\u200d".join("b" * 400)
    assert graphemes(text) == 400
    assert network_length("bluesky", text) == (400, BLUESKY_MAX_GRAPHEMES)


def test_decomposed_hangul_is_within_the_limit() -> None:
    """The PDS takes 200 syllables written as conjoining jamo (NFD): 600 code points."""
    text = unicodedata.normalize("NFD", "한" * 200)
    assert len(text) == 600
    assert network_length("bluesky", text) == (200, BLUESKY_MAX_GRAPHEMES)


def _found(text: str) -> list[tuple[str, str, int, int]]:
    return [(s.kind, s.value, s.byte_start, s.byte_end) for s in find_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#café… #brioche» #pain。",
         [("tag", "café", 0, 6), ("tag", "brioche", 10, 18), ("tag", "pain", 21, 26)]),
        ("#a#b ＃full #123 #1a #!!",
         [("tag", "a#b", 0, 4), ("tag", "full", 5, 12), ("tag", "1a", 18, 21)]),
        ("#" + "é" * 64 + " #" + "é" * 65, [("tag", "é" * 64, 0, 129)]),
        ("#" + "\U0001f44d\U0001f3fd" * 40 + " x",  # 80 code points, 40 graphemes
         [("tag", "\U0001f44d\U0001f3fd" * 40, 0, 321)]),
    ],
)
def test_tags_lose_all_trailing_punctuation(
    text: str, expected: list[tuple[str, str, int, int]]
) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Recipe: https://en.wikipedia.org/wiki/Brioche_(bread).",
         [("link", "https://en.wikipedia.org/wiki/Brioche_(bread)", 8, 53)]),
        ("(see https://example.com/a) and https://example.com/b)!",
         [("link", "https://example.com/a", 5, 26), ("link", "https://example.com/b", 32, 53)]),
        ("https://example.com/a.. and https://example.com/q?",
         [("link", "https://example.com/a.", 0, 22), ("link", "https://example.com/q", 28, 49)]),
    ],
)
def test_links_keep_a_bracket_they_open(
    text: str, expected: list[tuple[str, str, int, int]]
) -> None:
    assert _found(text) == expected


def test_mentions_end_where_bluesky_ends_them() -> None:
    assert find_spans("@alice.bsky.social, (@bob.test) x@carol.test") == [
        Span("mention", "alice.bsky.social", 0, 18),
        Span("mention", "bob.test", 21, 30),
    ]
