"""Words and number formats of the report and the strategy, in English and French.

Every figure a document shows is formatted here, once, so the same value reads the same
everywhere in a document (and a test can check that no number was made up on the way).
"""

from __future__ import annotations

from typing import Any

from sounding.errors import InputError
from sounding.models import count_text, number_text, percent_text
from sounding.report.i18n_text import TEXT

__all__ = ["LANGS", "Fmt", "check_lang"]

LANGS = ("en", "fr")


def check_lang(lang: str) -> str:
    """The language, or an error naming the choices."""
    if lang not in LANGS:
        raise InputError(f"--lang '{lang}': expected one of {', '.join(LANGS)}")
    return lang


class Fmt:
    """Translations and number formats of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)

    def t(self, key: str, **values: Any) -> str:
        """The message ``key`` in this language, with ``{name}`` fields filled in."""
        entry = TEXT[key]
        text = entry[self.lang] if self.lang in entry else entry["en"]
        return text.format(**values) if values else text

    def count(self, value: float | None) -> str:
        """A whole number with thousands separators."""
        return self.t("na") if value is None else count_text(round(value), self.lang)

    def num(self, value: float | None, digits: int = 1, *, signed: bool = False) -> str:
        """A decimal number (``signed``: with its sign, "+0.1", as a difference reads)."""
        return (self.t("na") if value is None
                else number_text(value, digits, self.lang, signed=signed))

    def pct(self, value: float | None, digits: int = 1) -> str:
        """A fraction shown as a percentage."""
        return self.t("na") if value is None else percent_text(value, digits, self.lang)

    def interval(self, low: str, high: str) -> str:
        """An interval of two already formatted bounds."""
        return f"[{low} – {high}]"

    def prob(self, value: float) -> str:
        """A posterior probability, two decimals."""
        return self.num(value, 2)
