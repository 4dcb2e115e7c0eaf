"""Language detection: restricted set, ``und`` when unsure."""

from __future__ import annotations

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
