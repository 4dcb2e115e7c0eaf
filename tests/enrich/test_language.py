"""Language detection: restricted set, ``und`` when unsure."""

from __future__ import annotations

import pytest

from sounding.enrich import LanguageDetector


def test_detects_and_abstains() -> None:
    detector = LanguageDetector(["en", "fr"])
    found = detector.detect([
        "Thank you so much for the quick answer, the order arrived today",
        "Merci beaucoup pour la réponse rapide, la commande est arrivée",
        "",
        "🙂🙂",
    ])  # fmt: skip
    assert found == ["en", "fr", "und", "und"]


def test_single_language_set() -> None:
    assert LanguageDetector(["fr"]).detect(["bonjour à tous", "!!"]) == ["fr", "und"]


def test_too_few_letters_is_und_without_lingua() -> None:
    # Letters are counted in the first 200 characters; digits, emoji and "_" are not letters.
    texts = ["ok", "a1b2c", "123 456 789", "😀 é è ê", "_" * 10 + "ab", " " * 300 + "bonjour"]
    found = LanguageDetector(["fr"]).detect(texts)
    assert found == ["und", "fr", "und", "fr", "und", "und"]
    assert LanguageDetector(["fr"], min_letters=1).detect(["x", "1"]) == ["fr", "und"]


def test_guesses_are_taken_within_the_set_and_after_the_letter_rule() -> None:
    detector = LanguageDetector(["en", "fr"])
    texts = ["Thank you so much for the quick answer", "Merci beaucoup pour la réponse", "ok"]
    # A guess is trusted as given (even a wrong one); one outside the set goes to lingua.
    assert detector.detect(texts, ["fr", "de", "en"]) == ["fr", "fr", "und"]
    with pytest.raises(ValueError, match="guesses"):
        detector.detect(texts, ["en"])
