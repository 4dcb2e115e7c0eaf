"""Raw input (str, bytes, None, huge or empty) to clean text plus flags saying what was odd."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sounding.models import INVISIBLE, shows_nothing

__all__ = ["FORCED_NEUTRAL", "MAX_CHARS", "Cleaned", "clean_texts"]

MAX_CHARS = 2000
# Flags after which there is nothing to read: the label is forced to neutral.
FORCED_NEUTRAL = frozenset({"empty", "only_urls", "only_mentions"})

_URL = re.compile(r"(?:https?://|www\.)\S+")
# a handle with its dots (@ann.bsky.social) and instance (@ann@mastodon.social): cut at
# "@ann" the rest was read as words, and changed the label and the language
_MENTION = re.compile(r"@\w+(?:[.\-]\w+)*(?:@\w+(?:[.\-]\w+)*)?")
_WORD = re.compile(r"[^\W_]")  # any letter or digit, in any script
_SYMBOL = re.compile(rf"[^\w\s{INVISIBLE}]")  # an emoji or a sign


@dataclass(frozen=True)
class Cleaned:
    """Texts ready for the model, with one tuple of flags per text."""

    texts: list[str]
    flags: list[tuple[str, ...]]


def _decode(raw: object) -> tuple[str, list[str]]:
    if raw is None:
        return "", []
    if isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError:
            return data.decode("utf-8", errors="replace"), ["invalid_utf8"]
    if isinstance(raw, str):
        # Lone surrogates (from a bad upstream decode) would break encoding later.
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            fixed = raw.encode("utf-8", errors="replace").decode("utf-8")
            return fixed, ["invalid_utf8"]
        return raw, []
    return str(raw), ["not_text"]


def _content_flag(text: str) -> str | None:
    """Why a text has nothing the model can read, or None when it has words."""
    if shows_nothing(text):
        return "empty"
    if "@" not in text and "http" not in text and "www." not in text:
        # Fast path (most texts): no URL or mention to strip before looking for words.
        if _WORD.search(text) is not None:
            return None
        return "only_emoji" if _SYMBOL.search(text) else "empty"
    no_urls = _URL.sub(" ", text)
    if not no_urls.strip():
        return "only_urls"
    bare = _MENTION.sub(" ", no_urls)
    if not bare.strip():
        return "only_mentions" if no_urls.strip() != "" else "only_urls"
    if _WORD.search(bare) is None:
        return "only_emoji" if _SYMBOL.search(bare) else "empty"
    return None


def clean_one(raw: object, max_chars: int = MAX_CHARS) -> tuple[str, tuple[str, ...]]:
    """One text, decoded and truncated, and its flags."""
    text, flags = _decode(raw)
    if len(text) > max_chars:
        text = text[:max_chars]
        flags.append("truncated")
    reason = _content_flag(text)
    if reason is not None:
        flags.append(reason)
    return text, tuple(flags)


def clean_texts(raw: Iterable[object], max_chars: int = MAX_CHARS) -> Cleaned:
    """Decode, truncate and flag a batch of texts."""
    texts: list[str] = []
    flags: list[tuple[str, ...]] = []
    for item in raw:
        text, item_flags = clean_one(item, max_chars)
        texts.append(text)
        flags.append(item_flags)
    return Cleaned(texts, flags)
