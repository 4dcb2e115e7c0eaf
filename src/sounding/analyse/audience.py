"""Customers against actors: identifier normalisation, keyed hashing, CRM rows, matching.

A customer is known only by keyed hashes (HMAC-SHA256 with the workspace salt) of its
normalised identifiers. Handles are normalised the way people write them: lowercase,
without a leading ``@`` or a profile URL (with or without ``https://``), and a Bluesky
handle without its ``.bsky.social`` suffix, so ``@Camille.M``, ``camille.m.bsky.social``
and ``bsky.app/profile/camille.m.bsky.social`` are one handle. A Mastodon handle keeps
its instance (``user@instance``): the same name on two instances is two people, and
``https://instance/@user@home`` (a remote account seen from another instance) is
``user@home``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sounding.analyse.kept import KeptCheck
from sounding.errors import InputError, Problem
from sounding.models import bare_handle

__all__ = [
    "ID_KINDS",
    "CustomerRows",
    "IdColumn",
    "Match",
    "hash_id",
    "id_column",
    "match_customers",
    "normalise_email",
    "normalise_handle",
    "parse_customer_rows",
]

ID_KINDS = ("email", "handle", "id")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_BSKY_SUFFIX = ".bsky.social"
# A profile address, with or without its scheme (people paste what the address bar shows).
_BSKY_URL = re.compile(r"^(?:https?://)?(?:www\.)?bsky\.app/profile/([^/?#]+)")
# ``instance/@user``, or ``instance/@user@home`` (how an instance shows a remote account:
# the person is ``user@home``).
_MASTODON_URL = re.compile(
    r"^(?:https?://)?([^/@\s]+\.[^/@\s]+)/@([^/?#@]+)(?:@([^/?#@]+))?/?$")


@dataclass(frozen=True, slots=True)
class IdColumn:
    """A CRM column holding an identifier, and which kind of identifier it is."""

    column: str
    kind: str


def id_column(spec: str) -> IdColumn:
    """``column`` or ``column:kind``; without a kind, guessed from the column's name."""
    column, _, kind = spec.partition(":")
    if not kind:
        lowered = column.lower()
        kind = "email" if "mail" in lowered else "handle" if "handle" in lowered else "id"
    if kind not in ID_KINDS:
        raise InputError(f"--id {spec}: kind must be one of {', '.join(ID_KINDS)}")
    return IdColumn(column.strip(), kind)


def normalise_email(value: str) -> str | None:
    """The lowercase address, or None when it is not an e-mail address."""
    text = value.strip().lower()
    return text if _EMAIL.match(text) else None


def normalise_handle(value: str) -> str | None:
    """One canonical spelling of a social handle (see the module docstring); lowercase
    whatever the network, since a CRM's handle does not say which network it is on."""
    text = value.strip().lower()
    if not text:
        return None
    if found := _BSKY_URL.match(text):
        text = found[1]
    elif found := _MASTODON_URL.match(text):
        text = f"{found[2]}@{found[3] or found[1]}"
    text = bare_handle(text)
    if text.endswith(_BSKY_SUFFIX):
        text = text[: -len(_BSKY_SUFFIX)]
    return text or None


def _normalise(kind: str, value: str) -> str | None:
    if kind == "email":
        return normalise_email(value)
    if kind == "handle":
        return normalise_handle(value)
    return value.strip() or None


def hash_id(salt: str, kind: str, value: str) -> str:
    """The keyed hash of one normalised identifier of a given kind."""
    message = f"{kind}:{value}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CustomerRows:
    """Parsed CRM rows: one key and attributes per customer, hashed ids, bad rows."""

    keys: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)  # JSON objects
    ids: list[tuple[str, str, str]] = field(default_factory=list)  # (key, kind, hash)
    problems: list[Problem] = field(default_factory=list)
    identifying: list[Problem] = field(default_factory=list)  # kept columns refused


def _row_ids(salt: str, file: str, line: int, row: Mapping[str, str | None],
             ids: Sequence[IdColumn]) -> tuple[list[tuple[str, str, str]], list[Problem]]:
    """The row's (kind, column, hash) identifiers, and its invalid ones."""
    found: list[tuple[str, str, str]] = []
    problems: list[Problem] = []
    for col in ids:
        raw = (row.get(col.column) or "").strip()
        if not raw:
            continue
        value = _normalise(col.kind, raw)
        if value is None:
            problems.append(Problem(file, line, col.column, f"not a valid {col.kind}"))
            continue
        found.append((col.kind, col.column, hash_id(salt, col.kind, value)))
    return found, problems


def _row_attributes(row: Mapping[str, str | None], keep: Sequence[str]
                    ) -> dict[str, str | None]:
    return {column: (row.get(column) or "").strip() or None for column in keep}


def _same_customer(file: str, line: int, hashed: Sequence[tuple[str, str, str]],
                   seen: Mapping[tuple[str, str], tuple[int, str]]) -> list[Problem]:
    """A row sharing any identifier with an earlier row is that customer again (as a later
    import would take it): a bad row, named by the first identifier shared."""
    for kind, column, h in hashed:
        if (kind, h) in seen:
            first, where = seen[(kind, h)]
            same = "" if where == column else f" ('{where}')"
            return [Problem(file, line, column, f"same customer as line {first}{same}")]
    return []


def parse_customer_rows(rows: Iterable[tuple[int, Mapping[str, str | None]]], *, file: str,
                        ids: Sequence[IdColumn], keep: Sequence[str], salt: str
                        ) -> CustomerRows:
    """Hash each row's identifiers; the first non-empty one keys the customer. A row that
    shares an identifier (of the same kind) with an earlier row is refused as the same
    customer twice.

    Kept columns that would identify a person are reported in ``identifying``."""
    out = CustomerRows()
    seen: dict[tuple[str, str], tuple[int, str]] = {}  # (kind, hash) -> (line, column)
    kept = KeptCheck(file, keep)
    for line, row in rows:
        hashed, problems = _row_ids(salt, file, line, row, ids)
        attributes = _row_attributes(row, keep)
        kept.see(line, attributes)
        if not hashed and not problems:
            problems.append(Problem(file, line, None, "no identifier: every --id column is empty"))
        if not problems:
            problems = _same_customer(file, line, hashed, seen)
        if problems:
            out.problems.extend(problems)
            continue
        customer_key = hash_id(salt, "key", hashed[0][2])
        for kind, column, h in hashed:
            seen.setdefault((kind, h), (line, column))
        out.keys.append(customer_key)
        out.attributes.append(json.dumps(attributes, sort_keys=True))
        out.ids.extend((customer_key, kind, h) for kind, h in
                       dict.fromkeys((kind, h) for kind, _, h in hashed))
    out.identifying.extend(kept.problems())
    return out


@dataclass(frozen=True)
class Match:
    """Which actor is which customer, and how many customers were found among actors."""

    actor_customer: dict[str, str]  # actor_id -> customer_key
    customers: int
    matched_customers: int

    @property
    def rate(self) -> float:
        """Share of customers matched to at least one actor."""
        return self.matched_customers / self.customers if self.customers else 0.0


def _actor_hashes(salt: str, actor_id: str, handle: str | None, native: str | None
                  ) -> list[str]:
    """The hashes an actor can be found by: its handle, its network's own id (a Bluesky
    DID, ``actors.native_id``) and the id its key holds (``network:id``), as ``id``."""
    out = []
    if handle and (value := normalise_handle(handle)):
        out.append(hash_id(salt, "handle", value))
    for value in dict.fromkeys(v for v in (native, actor_id.partition(":")[2]) if v):
        out.append(hash_id(salt, "id", value))
    return out


def match_customers(salt: str, customer_ids: Iterable[tuple[str, str]],
                    actors: Iterable[tuple[str, str | None, str | None]], customers: int
                    ) -> Match:
    """Match actors ``(actor_id, handle, native_id)`` to customers ``(customer_key,
    id_hash)``. Every customer holding a hash an actor has counts as matched, though
    each actor names one customer (by its handle first)."""
    by_hash: dict[str, list[str]] = {}
    for customer_key, id_hash in customer_ids:
        by_hash.setdefault(id_hash, []).append(customer_key)
    actor_customer: dict[str, str] = {}
    matched: set[str] = set()
    for actor_id, handle, native in actors:
        found = list(dict.fromkeys(k for h in _actor_hashes(salt, actor_id, handle, native)
                                   for k in by_hash.get(h, ())))
        if found:
            actor_customer[actor_id] = found[0]
            matched.update(found)
    return Match(actor_customer, customers, len(matched))
