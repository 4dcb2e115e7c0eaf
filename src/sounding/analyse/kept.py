"""What ``customers import --keep`` may store in clear: attributes, never identifiers.

A kept column is stored as it is, so three checks refuse one that would identify a person:

- its **name**: read as words (``customerId``, ``customer_id`` and ``Customer ID`` are
  ``customer id``), a name that says contact details (e-mail, phone, address, handle, a
  social network), an identifier (``id``, ``…_id``, ``…id``, a customer number) or a
  person's name is refused, unless a qualifier says the column is *about* that
  (``email_opt_in``, ``phone_verified``, ``has_email``);
- its **values**: an e-mail address, a social handle or profile address, a phone number;
- its **spread**: text whose non-blank values are nearly all different (90% of at least
  20) singles people out; numbers and dates may all differ.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sounding.errors import InputError, Problem

__all__ = ["KEEP_HINT", "KeptCheck", "identifying_name", "identifying_value",
           "is_number_or_date", "matchable_kind", "refuse_identifying_names"]

KEEP_HINT = ("a --keep column is stored in clear: pass it as --id COLUMN so it is stored as "
             "a salted hash, or leave it out")

# Word pairs read as one word, so "e-mail" is "email" and "opt_in" is "optin".
_PAIRS = {("e", "mail"): "email", ("opt", "in"): "optin", ("opt", "out"): "optout",
          ("opted", "in"): "optin", ("opted", "out"): "optout"}
# A first or last word that makes the column an attribute of the identifier, not the identifier.
_ABOUT_FIRST = frozenset({"has", "is", "nb", "with", "without"})
_ABOUT_LAST = frozenset({"optin", "optout", "consent", "consented", "verified", "validated",
                         "confirmed", "bounced", "valid", "invalid", "count", "status", "type",
                         "kind", "flag", "known", "provided", "followers", "following",
                         "posts", "score", "since"})
_CONTACT = frozenset({
    "email", "mail", "courriel", "phone", "telephone", "tel", "mobile", "cell", "cellphone",
    "fax", "gsm", "whatsapp", "address", "addr", "adresse",
    "street", "handle", "username",
    "login", "pseudo", "bluesky", "bsky", "mastodon", "twitter", "instagram", "facebook",
    "linkedin", "tiktok", "youtube", "snapchat", "telegram"})
# French words for a mobile phone that are also adjectives ("ordinateur portable"): a
# phone only when the name starts with them ("portable", "portable_2", "cellulaire_pro").
_CONTACT_FIRST = frozenset({"portable", "cellulaire"})
# The contact words that name a social handle, which can find a customer among actors.
_SOCIAL = frozenset({"handle", "username", "pseudo", "bluesky", "bsky", "mastodon", "twitter",
                     "instagram", "facebook", "linkedin", "tiktok", "youtube", "snapchat",
                     "telegram"})
_IDENTIFIER = frozenset({"id", "ids", "uid", "uuid", "guid", "identifier", "identifiant",
                         "ssn", "iban", "passport"})
# Who a number, code or key identifies: "customer_number", "numero_client", "member_code".
_ENTITY = frozenset({"customer", "client", "user", "member", "account", "contact",
                     "subscriber", "person", "cust", "loyalty", "crm"})
_ENTITY_KEY = frozenset({"no", "num", "number", "numero", "ref", "reference", "code", "key"})
# Words ending in "id" that are not identifiers.
_NOT_ID = frozenset({"paid", "unpaid", "prepaid", "valid", "invalid", "void", "avoid",
                     "android", "hybrid", "liquid", "fluid", "solid", "rapid", "covid", "grid",
                     "acid", "humid", "vivid", "said", "squid", "pyramid"})
_PERSON_NAME = frozenset({"firstname", "lastname", "fullname", "surname", "forename",
                          "nickname", "displayname", "givenname", "familyname", "prenom"})
_NAME = frozenset({"name", "nom"})
_PERSON = frozenset({"first", "last", "full", "given", "family", "middle", "maiden", "nick",
                     "display", "user", "customer", "client", "contact", "person", "real",
                     "legal", "famille", "complet"})


def _words(column: str) -> list[str]:
    """The column's name as lowercase ASCII words, camelCase split, digits apart (``phone2``
    is ``phone 2``), pairs joined."""
    text = unicodedata.normalize("NFKD", column)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text).lower()
    words: list[str] = []
    for word in re.findall(r"[a-z]+|[0-9]+", text):
        joined = _PAIRS.get((words[-1], word)) if words else None
        if joined:
            words[-1] = joined
        else:
            words.append(word)
    return words


def _is_identifier(word: str) -> bool:
    return word in _IDENTIFIER or (len(word) > 3 and word.endswith("id") and word not in _NOT_ID)


def identifying_name(column: str) -> str | None:
    """What the column's name says it holds when that identifies a person, else None."""
    words = _words(column)
    if not words or words[0] in _ABOUT_FIRST or words[-1] in _ABOUT_LAST:
        return None
    if any(w in _CONTACT for w in words) or (words[0] in _CONTACT_FIRST):
        return "contact details"
    if any(_is_identifier(w) for w in words) or (
            _ENTITY.intersection(words) and _ENTITY_KEY.intersection(words)):
        return "an identifier"
    if _PERSON_NAME.intersection(words) or (
            _NAME.intersection(words) and (len(words) == 1 or _PERSON.intersection(words))):
        return "a person's name"
    return None


def matchable_kind(column: str) -> str | None:
    """The --id kind a column's name says it holds, when that kind can find a customer
    among actors: a network's id ('id': ``twitter_id``, ``bluesky_did``) or handle
    ('handle': ``bluesky``, ``mastodon_handle``); None otherwise. An e-mail, a phone or the
    CRM's own number (``customer_id``) names no actor, so importing it again finds none."""
    words = _words(column)
    if not _SOCIAL.intersection(words) or identifying_name(column) is None:
        return None
    return "id" if any(_is_identifier(w) or w == "did" for w in words) else "handle"


def refuse_identifying_names(file: str, keep: Sequence[str]) -> None:
    """Refuse, before reading a row, the --keep columns whose name says they identify."""
    found = [(c, what) for c in keep if (what := identifying_name(c))]
    if found:
        said = "; ".join(f"'{c}' ({what})" for c, what in found)
        raise InputError(f"{file}: --keep cannot store {said} in clear", hint=KEEP_HINT)


# Each pattern finds its identifier anywhere in a value ("call me at +33 6 12 34 56 78"),
# as an e-mail address is found in "Ann Lee <ann@example.com>"; the lookarounds keep a
# match from starting or ending inside a word, an address or a number.
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"']+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
# a handle holds a letter: "@10:30", "12 units @3.50" and "@50%" are no handles
_HANDLE = re.compile(r"(?<![\w@./-])@(?=[\w.-]*[a-z])[a-z0-9_][\w.-]*"
                     r"(?:@[\w-]+(?:\.[\w-]+)+)?", re.I)
_BSKY_HANDLE = re.compile(r"(?<![\w@./-])[\w-]+(?:\.[\w-]+)*\.bsky\.social\b", re.I)
_PROFILE = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:www\.|m\.|mobile\.)?(?:bsky\.app/profile/|x\.com/"
    r"|twitter\.com/|linkedin\.com/in/|instagram\.com/|facebook\.com/|tiktok\.com/@"
    r"|threads\.net/@|youtube\.com/@)[^\s/?#]+", re.I)
_FEDIVERSE_PROFILE = re.compile(r"(?<![\w.@/-])(?:https?://)?[\w-]+(?:\.[\w-]+)+/@[\w.-]+",
                                re.I)
_PHONE = re.compile(r"^\+?[\d\s().-]+$")
# In text, a number is a phone only in a phone's shape: an international number (+33 6…),
# a national one from 0 (06 12 34 56 78), or a North American one ((555) 123-4567,
# 555-123-4567); a year, a price, a postcode, an order number or a date is none of these.
# A number in a sentence ends at a comma, a full stop or a slash ("au 06 12 34 56 78,
# merci", "06…/07…"), but not at one followed by a digit (1,5 or 2024.06).
_PHONE_IN_TEXT = re.compile(
    r"(?<![\w+-])(?<!\d[.,/])(?:\+\d[\d\s().-]{5,}\d"
    r"|0\d{1,4}(?:[\s.-]?\d{2,4}){2,5}"
    r"|\(\d{3}\)[\s.-]?\d{3}[\s.-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![\w-]|[.,:]\d)")
# What a number after these words is: a reference, not a phone ("Commande n° 0123456789")
_REFERENCE_BEFORE = re.compile(
    r"(?:#|n°|nº|no\.?|num(?:éro|ero)?\.?|ref\.?|réf\.?|order|commande|ticket|invoice|"
    r"facture|zip|code|postal|contrat|contract|dossier|case)\s*[:#]?\s*$", re.I)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?"
                     r"|\d{1,3}(?:[\s.,'\u2019]\d{3})+(?:[.,]\d{1,2})?)$")
_DATE = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                   r"(?:Z|[+-]\d{2}:?\d{2})?)?"
                   r"|\d{4}[/.]\d{1,2}[/.]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$")
_CURRENCY = "€$£¥% \u00a0\u202f"


def is_number_or_date(value: str) -> bool:
    """An amount (``12.50``, ``1 234,5``, ``€3``) or a date: such values may all differ."""
    text = value.strip(_CURRENCY)
    return bool(_NUMBER.match(text) or _DATE.match(text))


def _is_phone(text: str) -> bool:
    """A whole value of 7 to 15 digits with +, spaces, dots, dashes or brackets, not an
    amount nor a date; or a phone-shaped number inside text."""
    digits = sum(c.isdigit() for c in text)
    if 7 <= digits <= 15 and _PHONE.match(text) and not _DATE.match(text):
        return text[0] in "+0(" or not _NUMBER.match(text)
    return any(_phone_digits(m[0]) and not _REFERENCE_BEFORE.search(text[:m.start()])
               for m in _PHONE_IN_TEXT.finditer(text))


def _phone_digits(found: str) -> bool:
    """Whether a phone-shaped number found in text has a phone's count of digits (a
    national number from 0: 9 or more, so that 01.02.2024 is a date)."""
    digits = sum(c.isdigit() for c in found)
    return 7 <= digits <= 15 and (digits >= 9 or found[0] != "0")


def identifying_value(value: str) -> str | None:
    """What the value looks like when it holds an identifier of a person anywhere (an
    e-mail address, a handle, a profile address, a phone number), else None."""
    text = value.strip()
    if not text:
        return None
    if _HANDLE.search(text) or _BSKY_HANDLE.search(text):
        return "a social handle"
    if _EMAIL.search(text):
        return "an e-mail address"
    if _PROFILE.search(text) or _FEDIVERSE_PROFILE.search(text):
        return "a profile address"
    if _IBAN.search(text):
        return "a bank account number"
    if _is_phone(text):
        return "a phone number"
    return None


_SPREAD_MIN_ROWS = 20
_SPREAD_MAX_SHARE = 0.9


@dataclass
class _Column:
    """What one kept column has shown so far."""

    first: tuple[int, str] | None = None  # (line, what) of the first identifying value
    identifying: int = 0
    filled: int = 0
    distinct: set[str] = field(default_factory=set)
    text: bool = False  # some value is neither a number nor a date


@dataclass
class KeptCheck:
    """Watches the --keep columns row by row, then says which would identify someone."""

    file: str
    columns: Sequence[str]
    seen: dict[str, _Column] = field(default_factory=dict)

    def see(self, line: int, values: Mapping[str, str | None]) -> None:
        """Note one row's kept values (stripped, None when blank)."""
        for column in self.columns:
            value = values.get(column)
            if not value:
                continue
            state = self.seen.setdefault(column, _Column())
            state.filled += 1
            state.distinct.add(value.casefold())
            state.text = state.text or not is_number_or_date(value)
            if what := identifying_value(value):
                state.identifying += 1
                state.first = state.first or (line, what)

    def problems(self) -> list[Problem]:
        """One problem per column that would identify: its first such line, or its spread."""
        out: list[Problem] = []
        for column, state in self.seen.items():
            if state.first:
                line, what = state.first
                more = state.identifying - 1
                tail = f" (and {more:,} more identifying line{'s' * (more > 1)})" if more else ""
                out.append(Problem(self.file, line, column,
                                   f"looks like {what}, which --keep stores in clear{tail}"))
            elif (state.text and state.filled >= _SPREAD_MIN_ROWS
                  and len(state.distinct) >= _SPREAD_MAX_SHARE * state.filled):
                out.append(Problem(self.file, None, column,
                                   f"{len(state.distinct):,} different values in "
                                   f"{state.filled:,} rows: a value this rare singles a "
                                   "person out, so --keep would store an identifier"))
        return out
