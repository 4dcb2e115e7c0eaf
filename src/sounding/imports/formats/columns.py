"""Column maps of exports: each field's type, English and French names, and header matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sounding.errors import Problem
from sounding.imports.convert import (
    CONTROL,
    CONTROL_ADVICE,
    EXCEL_ADVICE,
    EXCEL_ROUNDED,
    count_advice,
)
from sounding.imports.formats.values import TIME_EXPECTED, parse_count, parse_time

__all__ = ["Field", "Header", "convert_row", "format_level", "missing_problems", "normalise",
           "resolve"]


@dataclass(frozen=True, slots=True)
class Field:
    """One field an export may hold, under the names its versions and languages use."""

    name: str
    kind: str  # "id", "text", "time", "count"
    required: bool = False
    en: tuple[str, ...] = ()
    fr: tuple[str, ...] = ()
    doc: str = ""

    def names(self) -> tuple[str, ...]:
        return (*self.en, *self.fr)


@dataclass(frozen=True)
class Header:
    """Which of the file's columns holds each field, and the language of the headers."""

    found: Mapping[str, str]
    lang: str
    missing: tuple[Field, ...]


def normalise(name: str) -> str:
    """Header text compared loosely: no accents, case, quotes or repeated spaces."""
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("_", " ").lower()
    return " ".join(text.split())


# what Meta and LinkedIn call a post type, in either language → the level of the "format"
# factor, so that a photo is one level whichever network it was posted on
_FORMATS = {
    "photo": "photo", "photos": "photo", "image": "photo", "ig image": "photo",
    "video": "video", "videos": "video", "ig video": "video", "reel": "reel", "reels": "reel",
    "ig reel": "reel", "carousel": "carousel", "carrousel": "carousel",
    "ig carousel": "carousel", "album": "album", "albums": "album", "link": "link",
    "links": "link", "lien": "link", "liens": "link", "status": "text", "statut": "text",
    "text": "text", "texte": "text", "story": "story", "stories": "story",
}


def format_level(post_type: object) -> str:
    """The "format" level of a network's post type ("Photos", "IG image", "Image"...)."""
    level = normalise(str(post_type))
    return _FORMATS.get(level, level)


def resolve(header: Sequence[object], fields: Sequence[Field]) -> Header:
    """Match a file's header to the fields; the language is the one most names came from."""
    present: dict[str, str] = {}
    for column in header:
        if column is None:
            continue
        present.setdefault(normalise(str(column)), str(column))
    found: dict[str, str] = {}
    votes = {"en": 0, "fr": 0}
    for f in fields:
        en = [normalise(n) for n in f.en]
        fr = [normalise(n) for n in f.fr]
        hit = next((n for n in (*en, *fr) if n in present), None)
        if hit is None:
            continue
        found[f.name] = present[hit]
        if (hit in en) != (hit in fr):  # a name both languages share says nothing
            votes["en" if hit in en else "fr"] += 1
    missing = tuple(f for f in fields if f.required and f.name not in found)
    return Header(found, "fr" if votes["fr"] > votes["en"] else "en", missing)


def missing_problems(header: Header, name: str, line: int | None) -> list[Problem]:
    """One problem per required field the header lacks, listing the names accepted."""
    return [Problem(name, line, f.en[0] if f.en else f.name,
                    f"required column is missing (also accepted: {', '.join(f.names()[1:])})")
            for f in header.missing]


def _count_expected(raw: object, lang: str) -> str:
    """What a count should look like; under French headers ``2,210`` is 2.21, not a count."""
    if lang == "fr" and "," in str(raw):
        return ("a whole number ≥ 0 (with French headers a comma is a decimal comma: "
                "write thousands as 2 210 or 2.210)")
    return "a whole number ≥ 0" + count_advice(str(raw))


def _convert(f: Field, raw: object, lang: str) -> tuple[Any, str | None]:
    if f.kind == "count":
        try:
            return parse_count(raw, lang), None
        except ValueError:
            return None, _count_expected(raw, lang)
    if f.kind == "time":
        moment = parse_time(raw, day_first=lang == "fr")
        blank = raw is None or not str(raw).strip()
        return moment, None if moment or blank else TIME_EXPECTED
    text = "" if raw is None else str(raw).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # JSON's "\ud800" escape alone: half a character
        return None, "text, not a lone \\ud800-\\udfff escape"
    if f.kind == "id" and (re.match(EXCEL_ROUNDED, text) or re.search(CONTROL, text)):
        return None, "an id as the network wrote it"  # two posts would become one, or a
    return text or None, None  # form could not send it back


def convert_row(row: Mapping[str, object], header: Header, fields: Sequence[Field],
                name: str, line: int | None) -> tuple[dict[str, Any], list[Problem]]:
    """The typed values of one row, and a problem for each cell that is wrong or missing."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for f in fields:
        if f.name not in header.found:
            continue
        column = header.found[f.name]
        raw = row.get(column)
        value, expected = _convert(f, raw, header.lang)
        if expected:
            advice = ("" if f.kind != "id" else CONTROL_ADVICE if re.search(CONTROL, str(raw))
                      else EXCEL_ADVICE if re.match(EXCEL_ROUNDED, str(raw)) else "")
            problems.append(Problem(name, line, column,
                                    f"expected {expected}, found {str(raw)[:60]!r}{advice}"))
        elif value is None and f.required:
            problems.append(Problem(name, line, column, "a value is required here"))
        values[f.name] = value
    return values, problems
