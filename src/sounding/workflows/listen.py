"""Listening queries: what to search for on each network, and what each query found."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sounding.errors import InputError, NotFound
from sounding.store import Store
from sounding.store.connector_store import (
    account_settings,
    listening_add,
    listening_list,
    listening_remove,
)

__all__ = ["add_query", "list_queries", "remove_query"]


def _one_account(store: Store, account: str | None) -> str:
    accounts = account_settings(store, account)
    if not accounts:
        raise NotFound(f"no Bluesky or Mastodon account {account or ''}".strip(),
                       hint="add one with 'sounding account add bluesky --handle H'")
    if len(accounts) > 1:
        names = ", ".join(a["account_id"] for a in accounts)
        raise InputError("several accounts could listen", hint=f"add --account, one of {names}")
    return str(accounts[0]["account_id"])


MAX_QUERY = 300  # characters: a search, not a document
_HASHTAG = re.compile(r"#\w+")


def _check_query(query: str) -> None:
    """Refuse what no network searches for: nothing, a line break, a text longer than a
    search, a ``#`` without its word (``#``, ``##``, ``# brioche``)."""
    if not query:
        raise InputError("the query is empty",
                         hint='words to search for, or a #hashtag, e.g. "brioche" or "#brioche"')
    if any(unicodedata.category(c) == "Cc" for c in query):
        raise InputError("the query holds a line break or a control character",
                         hint="one line of words, or a #hashtag")
    if len(query) > MAX_QUERY:
        raise InputError(f"the query has {len(query):,} characters; at most {MAX_QUERY}",
                         hint="a few words or hashtags: the networks search for all of them")
    bad = [w for w in query.split() if w.startswith("#") and not _HASHTAG.fullmatch(w)]
    if bad:
        raise InputError(f"'{bad[0][:40]}' is no hashtag",
                         hint="a hashtag is # and a word of letters, digits or _, such as "
                              "#brioche")


def add_query(store: Store, query: str, account: str | None = None) -> dict[str, Any]:
    """Listen for a query (a Bluesky search; a Mastodon #hashtag timeline or search)."""
    query = query.strip()
    _check_query(query)
    account_id = _one_account(store, account)
    return {"query_id": listening_add(store, account_id, query), "account_id": account_id,
            "query": query}


def list_queries(store: Store, account: str | None = None) -> list[dict[str, Any]]:
    """The active listening queries and how many items each found."""
    return listening_list(store, account)


def remove_query(store: Store, query_id: int) -> dict[str, Any]:
    """Stop listening for a query; what it found stays."""
    if not listening_remove(store, query_id):
        raise NotFound(f"no listening query {query_id}", hint="see 'sounding listen list'")
    return {"query_id": query_id, "removed": True}
