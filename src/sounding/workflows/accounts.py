"""Brand accounts: which actors are the brand, so its posts are told from the audience's.

Bluesky and Mastodon accounts also keep where they live (service or instance URL) and
the name of the environment variable holding their secret; the secret is never stored.
A Mastodon account also keeps its instance's text limit, read when it is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from sounding.connectors.connect import instance_text_limit
from sounding.connectors.credentials import default_env, read_secret
from sounding.errors import ConfigError, InputError, NetworkFailure
from sounding.models import NETWORKS, Account, Actor, Batch, actor_handle, key, network_name
from sounding.store import Store
from sounding.store.connector_store import record_text_limit, set_account_settings, text_limit
from sounding.store.said_store import channels

__all__ = ["NETWORKS", "PUBLISHABLE", "add_account", "list_accounts", "named_secrets"]

PUBLISHABLE = ("bluesky", "mastodon")  # the networks sounding connects to and posts on
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LimitFn = Callable[[str], int | None]  # an instance URL -> the text limit it says


# a host name (letters, digits, hyphens, dots) or an IPv6 address, as urlparse gives it
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|[0-9a-f:.]*:[0-9a-f:.]*", re.ASCII)


def _instance(url: str | None) -> str:
    if not url:
        raise InputError("a Mastodon account needs its instance",
                         hint="add --instance https://mastodon.social")
    return _server_url(url, "--instance", "https://mastodon.social")


def _server_url(url: str, flag: str, example: str) -> str:
    """An instance's or a PDS's address: http(s), a host name, no user name or password;
    ``https://`` is assumed when no scheme is given (``mastodon.social``)."""
    given = url.strip()
    url = given.rstrip("/")
    if "://" not in url:
        url = "https://" + url
    parts = urlparse(url)
    try:
        parts.port  # noqa: B018  (raises on a port that is no number)
        host = parts.hostname or ""
    except ValueError:
        host = ""
    try:  # an internationalised name (toot.café) is checked in its ASCII form
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        ascii_host = ""
    if parts.scheme.lower() not in ("http", "https") or not _HOST.fullmatch(ascii_host):
        raise InputError(f"{flag} '{given[:80]}' is not a web address",
                         hint=f"give an http or https address with a host name, such as "
                              f"{example}")
    if parts.username is not None or parts.password is not None:  # never store or print it
        raise InputError(f"the {flag} URL holds a user name or password",
                         hint=f"give the address alone ({example}); the secret goes in the "
                              "environment variable sounding names")
    return url


# what a handle may be made of where sounding signs in: a Bluesky handle is a domain
# name (letters, digits, hyphens, dots), a Mastodon one a user name (letters, digits,
# underscores) with its instance's domain
_HANDLE_SHAPES = {
    "bluesky": (re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?", re.ASCII),
                "letters, digits, hyphens and dots, such as brand.bsky.social"),
    "mastodon": (re.compile(r"[A-Za-z0-9_]+(?:@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)?",
                            re.ASCII),
                 "a user name of letters, digits and underscores, such as brand or "
                 "brand@mastodon.social"),
}


def _handle(network: str, handle: str, service_url: str | None) -> str:
    """The handle as imports and connectors key it (see models.actor_handle), refused
    when it cannot be one on a network sounding signs in to."""
    handle = actor_handle(network, handle)
    if not handle:
        raise InputError("the handle is empty",
                         hint="give the account's handle, such as --handle brand.bsky.social")
    shape = _HANDLE_SHAPES.get(network)
    if shape is not None and not shape[0].fullmatch(handle):
        raise InputError(f"'{handle[:60]}' is no {network} handle", hint=f"expected {shape[1]}")
    if network == "mastodon" and "@" not in handle and service_url:
        handle = actor_handle(network, f"{handle}@{urlparse(service_url).netloc}")
    return handle


def _connection(network: str, handle: str, service_url: str | None,
                credential_env: str | None) -> tuple[str | None, str | None]:
    if network not in PUBLISHABLE:
        return None, None
    env = credential_env or default_env(network, handle)
    if not _ENV_NAME.match(env):
        raise InputError("the credential must be named by an environment variable",
                         hint="e.g. --password-env SOUNDING_BLUESKY_PASSWORD (never the secret)")
    return service_url, env


def _read_limit(store: Store, account_id: str, instance_url: str, limit_fn: LimitFn
                ) -> dict[str, Any]:
    """Read the instance's text limit now, so drafts are held to it before any collect.
    An instance that does not answer or does not say it leaves the limit unknown (or as
    it was last read); ``text_limit_unread`` says why."""
    try:
        said = limit_fn(instance_url)
        unread = None if said else f"{urlparse(instance_url).netloc} did not say it"
    except NetworkFailure as exc:
        said, unread = None, str(exc)
    record_text_limit(store, account_id, said)
    return {"max_characters": text_limit(store, account_id), "text_limit_unread": unread}


def _secret_set(env: str | None, account_id: str) -> bool:
    """Whether the account's secret can be read as publishing and collecting read it: from
    ``$env``, else the config file's ``[credentials]`` table (the secret is not kept)."""
    if env is None:
        return False
    try:
        read_secret(env, account_id)
    except (ConfigError, OSError):  # an unreadable config file holds no secret we can use
        return False
    return True


def add_account(store: Store, network: str, handle: str, service_url: str | None = None,
                credential_env: str | None = None, *,
                limit_fn: LimitFn = instance_text_limit) -> dict[str, Any]:
    """Register a brand account; items already stored from that handle become brand items.
    A Mastodon account's text limit is read from its instance (``limit_fn``)."""
    known = network_name(network)
    if known is None:
        raise InputError(f"unknown network '{network}'", hint=f"use one of {', '.join(NETWORKS)}")
    network = known
    if network == "mastodon":
        service_url = _instance(service_url)
    elif service_url:
        service_url = _server_url(service_url, "--service", "https://bsky.social")
    handle = _handle(network, handle, service_url)
    actor_id = key(network, handle)
    existed = bool(store.scalar("SELECT count(*) FROM accounts WHERE account_id = ?",
                                [actor_id]))
    account = Account(account_id=actor_id, network=network, handle=handle, actor_id=actor_id)
    store.write(Batch.from_records(accounts=[account],
                                   actors=[Actor(actor_id, network, handle)]),
                kind="account", source=actor_id)
    service_url, env = _connection(network, handle, service_url, credential_env)
    if env is not None:
        set_account_settings(store, actor_id, service_url, env)
    claimed = store.assign_account(actor_id, actor_id)
    limit: dict[str, Any] = {"max_characters": None, "text_limit_unread": None}
    if network == "mastodon" and service_url:
        limit = _read_limit(store, actor_id, service_url, limit_fn)
    items = store.scalar("SELECT count(*) FROM items WHERE account_id = ?", [actor_id])
    return {"account_id": actor_id, "network": network, "handle": handle,
            "updated": existed, "items": int(items or 0),
            "items_marked": claimed, "service_url": service_url, "credential_env": env,
            "credential_set": _secret_set(env, actor_id), **limit}


def list_accounts(store: Store) -> list[dict[str, Any]]:
    """The brand's accounts with their item counts and the text limit an instance last
    reported (Mastodon; read by account add, collect and publish)."""
    rows: list[dict[str, Any]] = store.query(
        "SELECT a.account_id, a.network, a.handle, a.service_url, a.credential_env, "
        "a.max_characters, count(i.item_id) AS items "
        "FROM accounts a LEFT JOIN items i ON i.account_id = a.account_id "
        "GROUP BY ALL ORDER BY a.account_id"
    ).to_pylist()
    return rows


def named_secrets(store: Store) -> list[str]:
    """The environment variables this workspace reads its secrets from (names only): the
    accounts' and the alert channels'. A command sent to a server says which of them are
    set in its own environment, where the server does not look."""
    names = {str(row["credential_env"]) for row in list_accounts(store) if row["credential_env"]}
    for channel in channels(store, enabled_only=True):
        names.update(str(channel["config"][key]) for key in ("password_env", "secret_env")
                     if channel["config"].get(key))
    return sorted(names)
