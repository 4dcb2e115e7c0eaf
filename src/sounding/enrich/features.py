"""Vectorised hashing of word and character n-grams: numpy passes per batch, no loop per text.

A batch of texts is normalised with a few regular expressions applied once to the whole
joined batch, encoded as one array of code points, and hashed with 64-bit polynomial
hashes (numpy's wrapping ``uint64`` arithmetic). Each n-gram becomes a bucket index in
``[0, 2**bits)``. Training and inference share this code, so the learned weights always
see the same features.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "Occurrences",
    "Words",
    "encode_batch",
    "hash_batch",
    "normalise_batch",
    "unmarked",
    "word_hashes",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_SEP = "\x1e"  # record separator: joins texts, never survives cleaning
_SEP_CODE = ord(_SEP)
_SPACE = ord(" ")
# Patterns start with a literal where possible: Python's re then skips ahead quickly.
_URL = re.compile(r"h(?:ttps?://\S+|ttps?\b)|www\.\S+")
# a handle with its dots (@ann.bsky.social) and instance (@ann@mastodon.social): cut at
# "@ann" the rest was read as words, and changed the label and the language
_MENTION = re.compile(r"@\w+(?:[.\-]\w+)*(?:@\w+(?:[.\-]\w+)*)?")
_SYMBOL = re.compile(r"[^\w\s@#'’\x1e]")
_BLANK = re.compile(r"[\x00-\x1d\x1f\x7f\x85\xa0\u2000-\u200f\u2028\u2029\ufe0f]")

# Odd 64-bit constants (from splitmix64) used as polynomial bases and salts.
_BASE = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SALT_WORD = np.uint64(0xD6E8FEB86659FD93)
_SALT_BIGRAM = np.uint64(0xA0761D6478BD642F)
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@dataclass(frozen=True)
class Occurrences:
    """One hashed feature occurrence per entry: which text it came from and its bucket."""

    doc: I64
    bucket: I64
    block: int = 0  # 0 character n-grams, 1 words and word bigrams: normalised apart
    kind: str = ""  # "char3", "word", "bigram"…: lets a head read only some of them


def normalise_batch(texts: Sequence[str], max_chars: int) -> str:
    """Clean a batch and join it with separators: lowercased, URLs and mentions replaced."""
    clipped = (t[:max_chars].replace(_SEP, " ") for t in texts)
    joined = _SEP.join(clipped)
    joined = _BLANK.sub(" ", joined)
    joined = _URL.sub(" http ", joined)
    joined = _MENTION.sub(" @user ", joined).lower()
    # Pad every text with one space on each side so n-grams see word edges; symbols
    # are split off and spaces squeezed later, in numpy (see _codes).
    return " " + joined.replace(_SEP, " " + _SEP + " ") + " "


def unmarked(text: str) -> str:
    """The text without the URLs and mentions that :func:`normalise_batch` would replace.

    The same patterns, in the same order, so the rest of the text hashes exactly as it did.
    """
    return _MENTION.sub(" ", _URL.sub(" ", _BLANK.sub(" ", text)))


def _finalise(h: U64, bits: int) -> I64:
    """Mix a raw polynomial hash (splitmix64 finaliser) and keep its top ``bits`` bits."""
    h = h ^ (h >> np.uint64(30))
    h = h * _MIX1
    h = h ^ (h >> np.uint64(27))
    h = h * _MIX2
    h = h ^ (h >> np.uint64(31))
    return (h >> np.uint64(64 - bits)).astype(np.int64)


@functools.cache
def _symbol_table() -> npt.NDArray[np.bool_]:
    """For each BMP code point: is it a symbol (punctuation, emoji part) to split off?"""
    return np.array([_SYMBOL.match(chr(i)) is not None for i in range(0x10000)], dtype=bool)


def _split_symbols(codes: U64) -> U64:
    """Surround every symbol with spaces; code points past the BMP (emoji) are symbols."""
    small = codes < 0x10000
    is_symbol = ~small
    is_symbol[small] = _symbol_table()[codes[small].astype(np.int64)]
    width = 1 + 2 * is_symbol.astype(np.int64)
    start = np.cumsum(width) - width
    out = np.full(int(width.sum()), _SPACE, dtype=np.uint64)
    out[start + is_symbol] = codes
    return out


_APOSTROPHES = (ord("'"), ord("’"))
_CLITICS = np.array([ord(c) for c in "cdjlmnst"], dtype=np.uint64)


def _split_elisions(codes: U64) -> U64:
    """A space after a French elided word, so that "j'adore" reads as "j'" and "adore"
    (the word the lexicons and word vectors know): one letter of ``cdjlmnst`` at a word's
    start, or a word ending in "qu" (qu', jusqu', lorsqu'), then an apostrophe and a
    letter. English contractions (don't, i'm, it's) do not match."""
    at = np.flatnonzero((codes == _APOSTROPHES[0]) | (codes == _APOSTROPHES[1]))
    at = at[(at >= 2) & (at < len(codes) - 1)]
    if len(at) == 0:
        return codes
    before, before2 = codes[at - 1], codes[at - 2]
    single = np.isin(before, _CLITICS) & ((before2 == _SPACE) | (before2 == _SEP_CODE))
    que = (before == ord("u")) & (before2 == ord("q"))
    after = codes[at + 1]
    split = at[(single | que) & (after != _SPACE) & (after != _SEP_CODE)]
    return np.insert(codes, split + 1, np.uint64(_SPACE)) if len(split) else codes


def _codes(joined: str) -> tuple[U64, I64]:
    """Code points of the joined batch (squeezed) and the text index of every position.

    Symbols are split off, then squeezing drops a space after a space and the 4th and
    later copies of a repeated character ("soooooo" reads as "sooo"); as regexes these
    were the costliest steps.
    """
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    codes = _split_elisions(_split_symbols(codes))
    same1 = np.concatenate(([False], codes[1:] == codes[:-1]))
    drop = same1 & (codes == _SPACE)
    same3 = same1.copy()
    same3[3:] &= same1[2:-1] & same1[1:-2]
    same3[:3] = False
    codes = codes[~(drop | same3)]
    doc = np.cumsum(codes == _SEP_CODE, dtype=np.int64)
    return codes, doc


def _char_ngrams(codes: U64, doc: I64, sizes: Sequence[int], bits: int) -> Iterator[Occurrences]:
    """Hash every character n-gram that stays inside one text."""
    weights = codes + np.uint64(1)
    is_sep = codes == _SEP_CODE
    h = np.full(len(codes), _FNV_OFFSET, dtype=np.uint64)
    bad = np.zeros(len(codes), dtype=bool)
    for n in range(1, max(sizes) + 1):
        m = len(codes) - n + 1
        if m <= 0:
            return
        # FNV-1a step, one character position at a time, across all texts at once.
        h = (h[:m] ^ weights[n - 1 : n - 1 + m]) * _FNV_PRIME
        bad = bad[:m] | is_sep[n - 1 : n - 1 + m]
        if n in sizes:
            keep = ~bad
            salted = h[keep] + np.uint64((n * int(_SALT_WORD)) % 2**64)
            yield Occurrences(doc[:m][keep], _finalise(salted, bits), 0, f"char{n}")


@dataclass(frozen=True)
class Words:
    """Every space-delimited word of a batch: its raw 64-bit hash and the text it is in."""

    hash: U64
    doc: I64


def encode_batch(texts: Sequence[str], max_chars: int = 2000) -> tuple[U64, I64]:
    """Normalised code points of a batch and the index of the text each one belongs to."""
    return _codes(normalise_batch(texts, max_chars))


def word_hashes(codes: U64, doc: I64) -> Words:
    """Polynomial hash of every space-delimited word, with the text it belongs to."""
    is_gap = (codes == _SPACE) | (codes == _SEP_CODE)
    edges = np.diff(np.concatenate(([0], (~is_gap).astype(np.int8), [0])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    n = len(codes)
    powers = np.cumprod(np.full(n + 1, _BASE, dtype=np.uint64), dtype=np.uint64)
    powers = np.concatenate(([np.uint64(1)], powers[:-1]))
    inverse = np.uint64(pow(int(_BASE), -1, 2**64))
    inv_powers = np.cumprod(np.full(n + 1, inverse, dtype=np.uint64), dtype=np.uint64)
    inv_powers = np.concatenate(([np.uint64(1)], inv_powers[:-1]))
    prefix = np.concatenate(([np.uint64(0)], np.cumsum((codes + np.uint64(1)) * powers[:n])))
    raw = (prefix[ends] - prefix[starts]) * inv_powers[starts]
    return Words(raw.astype(np.uint64), doc[starts])


def hash_codes(
    codes: U64, doc: I64, words: Words, *, bits: int = 20, char_sizes: Sequence[int] = (2, 3, 4, 5)
) -> list[Occurrences]:
    """All hashed occurrences of an encoded batch: char n-grams, words and word bigrams."""
    out = list(_char_ngrams(codes, doc, tuple(char_sizes), bits))
    out.append(Occurrences(words.doc, _finalise(words.hash + _SALT_WORD, bits), 1, "word"))
    same = words.doc[1:] == words.doc[:-1]
    pair = words.hash[:-1][same] * _MIX1 + words.hash[1:][same] * _MIX2 + _SALT_BIGRAM
    out.append(Occurrences(words.doc[1:][same], _finalise(pair, bits), 1, "bigram"))
    return out


def hash_batch(
    texts: Sequence[str],
    *,
    bits: int = 20,
    char_sizes: Sequence[int] = (2, 3, 4, 5),
    max_chars: int = 2000,
) -> list[Occurrences]:
    """All hashed occurrences of a batch: char n-grams, words and word bigrams."""
    if not texts:
        return []
    codes, doc = encode_batch(texts, max_chars)
    return hash_codes(codes, doc, word_hashes(codes, doc), bits=bits, char_sizes=char_sizes)
