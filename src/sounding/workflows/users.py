"""People who may use the dashboard: adding them, checking passwords, their sessions."""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sounding.errors import InputError
from sounding.store import Store
from sounding.store import web_store as ws

__all__ = [
    "ROLES",
    "SESSION_DAYS",
    "Session",
    "add_user",
    "authenticate",
    "end_session",
    "open_session",
    "session_for",
    "set_language",
    "user_add_op",
]

ROLES = ("viewer", "editor", "admin")
SESSION_DAYS = 14
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the user is unknown keeps both answers equally slow;
    made on first use, not at import (an argon2 hash is deliberately slow)."""
    return str(_hasher.hash(secrets.token_urlsafe(16)))


@dataclass(frozen=True)
class Session:
    """Who is signed in, what they may do, and the token their forms must carry."""

    username: str
    role: str
    csrf_token: str
    lang: str | None

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")


def _hash_session(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def add_user(store: Store, username: str, password: str, role: str = "viewer", *,
             replace: bool = False) -> dict[str, Any]:
    """Add a user with an argon2-hashed password; the password itself is never stored."""
    if not _NAME.match(username):
        raise InputError(f"user name '{username}' is not allowed",
                         hint="use letters, digits, '.', '_', '-' or '@' (64 at most)")
    if role not in ROLES:
        raise InputError(f"role '{role}' is unknown", hint=f"roles: {', '.join(ROLES)}")
    if len(password) < 8:
        raise InputError("the password is too short", hint="use at least 8 characters")
    existed = ws.find_user(store, username) is not None
    if existed and not replace:
        raise InputError(f"user '{username}' already exists",
                         hint="pass --replace to change their password and role")
    ws.insert_user(store, username, _hasher.hash(password), role, replace=replace)
    return {"username": username, "role": role, "replaced": existed}


def user_add_op(store: Store, username: str, password: str, role: str = "viewer",
                replace: bool = False) -> dict[str, Any]:
    """The ``user_add`` operation (JSON arguments in, JSON out)."""
    return add_user(store, username, password, role, replace=replace)


def authenticate(store: Store, username: str, password: str) -> bool:
    """Whether this user exists and this is their password."""
    row = ws.find_user(store, username)
    try:
        _hasher.verify(row["password_hash"] if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return row is not None


def open_session(store: Store, username: str) -> str:
    """Start a session; returns the secret cookie value (only its hash is stored)."""
    session_id = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=SESSION_DAYS)
    ws.insert_session(store, _hash_session(session_id), username,
                      secrets.token_urlsafe(32), expires)
    return session_id


def session_for(store: Store, session_id: str) -> Session | None:
    """The live session a cookie value opens, or None."""
    if not session_id:
        return None
    row: dict[str, Any] | None = ws.find_session(store, _hash_session(session_id))
    if row is None:
        return None
    return Session(row["username"], row["role"], row["csrf_token"], row["lang"])


def end_session(store: Store, session_id: str) -> None:
    """Sign out."""
    ws.delete_session(store, _hash_session(session_id))


def set_language(store: Store, username: str, lang: str) -> None:
    """Remember a user's language."""
    ws.set_user_lang(store, username, lang)
