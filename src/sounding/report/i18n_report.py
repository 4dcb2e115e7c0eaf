"""Words and number formats of the report and the strategy, in English and French.

Every figure a document shows is formatted here, once, so the same value reads the same
everywhere in a document (and a test can check that no number was made up on the way).
"""

from __future__ import annotations

import re
from typing import Any

from sounding.errors import InputError
from sounding.models import count_text, number_text, percent_text
from sounding.report.i18n_text import TEXT

__all__ = ["LANGS", "Fmt", "check_lang"]

LANGS = ("en", "fr")


def check_lang(lang: str) -> str:
    """The language, or an error naming the choices."""
    if lang not in LANGS:
        raise InputError(f"--lang '{lang}': expected one of {', '.join(LANGS)}",
                         hint="the documents are written in English (en) or French (fr)")
    return lang


def _tidy(text: str) -> str:
    """A message whose empty field left two spaces, or a space before a comma, a period or
    a closing bracket, without them."""
    return re.sub(r" +(?=[,.)])", "", re.sub(r"  +", " ", text))


_BY_EXPOSURE = frozenset({"metric_engagement", "on_engagement"})


class Fmt:
    """Translations and number formats of one language."""

    def __init__(self, lang: str, exposure: str = "followers") -> None:
        self.lang = check_lang(lang)
        self.exposure = exposure

    def t(self, key: str, *, one: bool = False, **values: Any) -> str:
        """The message ``key`` in this language, with ``{name}`` fields filled in; its
        singular form where ``one`` (a count that :meth:`one` calls singular) and it has
        one. A field left empty (an interval there is none of) leaves no stray space. The
        engagement rate is named per the exposure the analysis used (followers or
        impressions)."""
        if key in _BY_EXPOSURE and self.exposure != "followers":
            key = f"{key}_{self.exposure}"
        entry = TEXT[key]
        lang = f"{self.lang}_one" if one and f"{self.lang}_one" in entry else self.lang
        text = entry[lang] if lang in entry else entry["en"]
        if not values:
            return text
        found = text.format(**values)
        return _tidy(found) if "" in values.values() else found

    def one(self, value: float | None) -> bool:
        """Whether a count takes the singular: 1 in English, 0 or 1 in French."""
        return value is not None and (value in (0, 1) if self.lang == "fr" else value == 1)

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
