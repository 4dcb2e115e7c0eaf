"""Bad input is flagged, never fatal."""

from __future__ import annotations

import pytest

from sounding.enrich.text import clean_one, clean_texts


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        (None, "empty"),
        ("https://example.com/a http://t.co/x", "only_urls"),
        ("@brand @other", "only_mentions"),
        ("@noah.kelly17.bsky.social @brioche.bsky.social", "only_mentions"),
        ("@alice@mastodon.social", "only_mentions"),
        ("😡😡😡", "only_emoji"),
        (b"caf\xe9 \xff bad bytes", "invalid_utf8"),
        ("x" * 100_000, "truncated"),
        ("\ud800 lone surrogate", "invalid_utf8"),
    ],
)
def test_flags(raw: object, flag: str) -> None:
    _, flags = clean_one(raw)
    assert flag in flags


def test_normal_text_has_no_flag() -> None:
    assert clean_one("I love this brand")[1] == ()


def test_truncation_length() -> None:
    text, _ = clean_one("é" * 100_000, max_chars=500)
    assert len(text) == 500


def test_valid_bytes_are_decoded() -> None:
    cleaned = clean_texts([b"caf\xc3\xa9 great"])
    assert cleaned.texts == ["café great"]
    assert cleaned.flags == [()]


@pytest.mark.parametrize("raw", ["\x00\x00\x00", "\x01\x02\x1b", b"\xff\xfe", "\x85\u200b"])
def test_control_characters_alone_are_empty_not_emoji(raw: object) -> None:
    """Text holding only control characters, or only bytes that were not UTF-8, was
    flagged only_emoji: there is nothing to read, so it is empty."""
    flags = clean_one(raw)[1]
    assert "empty" in flags and "only_emoji" not in flags
    assert clean_one("ok 😍\x00")[1] == ()


def test_a_dotted_handle_is_one_mention_for_the_model() -> None:
    """Cut at "@noah", ".kelly17.bsky.social" was read as words: a handle appended to a
    text changed its language."""
    from sounding.enrich.features import normalise_batch, unmarked

    assert normalise_batch(["merci @noah.kelly17.bsky.social"], 100) == \
        normalise_batch(["merci @bob"], 100)
    assert unmarked("merci @ann@mastodon.social !").split() == ["merci", "!"]
