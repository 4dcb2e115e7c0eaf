"""Hashed n-grams: deterministic, position-independent, separated per text."""

from __future__ import annotations

import numpy as np

from sounding.enrich.features import encode_batch, hash_batch, normalise_batch


def _buckets(text: str) -> set[int]:
    return {int(b) for occ in hash_batch([text], bits=18) for b in occ.bucket}


def test_same_text_same_buckets_anywhere_in_batch() -> None:
    alone = _buckets("great service")
    batch = hash_batch(["something else", "great service"], bits=18)
    second = {int(b) for occ in batch for b in occ.bucket[occ.doc == 1]}
    assert alone == second


def test_different_texts_differ() -> None:
    assert _buckets("I love it") != _buckets("I hate it")


def test_doc_indices_in_range() -> None:
    texts = ["a", "", "bonjour à tous 😀", "x" * 50]
    for occ in hash_batch(texts, bits=16):
        assert occ.doc.min() >= 0
        assert occ.doc.max() < len(texts)
        assert occ.bucket.max() < 2**16


def test_normalise_replaces_urls_and_mentions() -> None:
    joined = normalise_batch(["@Brand see https://x.co/abc NOW!!!!!"], 2000)
    assert "@user" in joined
    assert "http" in joined and "x.co" not in joined
    assert "now" in joined


def test_long_repeats_read_as_three() -> None:
    assert _buckets("sooooooo good") == _buckets("sooo good")
    assert _buckets("sooo good") != _buckets("so good")


def test_emoji_and_punctuation_are_split_off() -> None:
    assert _buckets("great😍") == _buckets("great 😍")


def test_empty_batch() -> None:
    assert hash_batch([]) == []


def test_deterministic_values() -> None:
    a = np.concatenate([o.bucket for o in hash_batch(["stable hash"], bits=20)])
    b = np.concatenate([o.bucket for o in hash_batch(["stable hash"], bits=20)])
    assert np.array_equal(a, b)


def _words(text: str) -> list[str]:
    codes, _ = encode_batch([text])
    return "".join(chr(int(c)) for c in codes).split()


def test_french_elisions_are_split_and_english_contractions_kept() -> None:
    """"j'adore" must reach the word table as "adore"; "don't" stays one word."""
    assert _words("J'adore l'appli, c’est qu'il n'aime pas jusqu'à 9h") == [
        "j'", "adore", "l'", "appli", ",", "c’", "est", "qu'", "il", "n'", "aime", "pas",
        "jusqu'", "à", "9h"]
    assert _words("Don't worry, I'm sure it's fine at 5 o'clock") == [
        "don't", "worry", ",", "i'm", "sure", "it's", "fine", "at", "5", "o'clock"]
    assert _words("l' ok") == ["l'", "ok"] and _words("'a j'") == ["'a", "j'"]


def test_an_elision_changes_nothing_in_the_next_text() -> None:
    batch = hash_batch(["j'adore", "great service"], bits=18)
    second = {int(b) for occ in batch for b in occ.bucket[occ.doc == 1]}
    assert second == _buckets("great service")
