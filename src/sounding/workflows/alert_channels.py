"""Alert channels: where alerts go (e-mail, webhooks), checked when added so that a bad
address or URL is refused at once rather than failing every alert sent to it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sounding.connectors.notify import check_env_name, redact_url
from sounding.errors import InputError, NotFound
from sounding.store import Store
from sounding.store.said_store import add_channel, channels, remove_channel

__all__ = ["UNSIGNED_WARNING", "add_channel_op", "check_webhook_url", "remove_channel_op",
           "shown_target"]

# a receiver cannot tell an unsigned alert from one anybody could post to its address
UNSIGNED_WARNING = ("alerts to this webhook are not signed, so its receiver cannot tell "
                    "them from forged ones; add --secret-env NAME to sign them")


def add_channel_op(store: Store, kind: str, to: list[str] | None = None,
                   smtp_host: str | None = None, smtp_port: int = 25, user: str | None = None,
                   password_env: str | None = None, sender: str | None = None,
                   tls: str = "none", url: str | None = None,
                   secret_env: str | None = None) -> dict[str, Any]:
    """Operation ``alerts_add_channel``: an e-mail or webhook channel (secrets by env name)."""
    if kind == "email":
        if not to or not smtp_host:
            raise InputError("an e-mail channel needs --to and --smtp-host")
        if tls not in ("none", "starttls", "ssl"):
            raise InputError(f"--tls '{tls}': one of none, starttls, ssl")
        to = _addresses(to)
        config: dict[str, Any] = {
            "to": to, "host": _smtp_host(smtp_host), "port": _port(smtp_port), "user": user,
            "password_env": check_env_name(password_env, "--password-env")
            if password_env else None, "sender": _sender(sender), "tls": tls}
        target = ", ".join(to)
    elif kind == "webhook":
        url = check_webhook_url(url)
        config = {"url": url, "secret_env": check_env_name(secret_env, "--secret-env")
                  if secret_env else None}
        target = url
    else:
        raise InputError(f"no channel kind '{kind}'", hint="email or webhook")
    same = [c["channel_id"] for c in channels(store, enabled_only=True)
            if c["kind"] == kind and _one_place(kind, c["target"]) == _one_place(kind, target)]
    if same:  # a second one would send every alert twice
        raise InputError(f"a {kind} channel to {shown_target(kind, target)} exists already "
                         f"(#{same[0]})", hint="sounding alerts list shows the channels")
    channel_id = add_channel(store, kind, target, config)
    added = {"channel_id": channel_id, "kind": kind, "target": shown_target(kind, target)}
    if kind == "webhook" and not secret_env:
        added["warning"] = UNSIGNED_WARNING
    return added


def _one_place(kind: str, target: str) -> str:
    """A webhook address as the network reads it: the scheme and host in any case, and
    the scheme's own port said or not, are one receiver (``HTTP://Host:443/x``)."""
    if kind != "webhook":
        return target
    parts = urlsplit(target)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = "" if parts.port in (None, default) else f":{parts.port}"
    host = f"[{host}]" if ":" in host else host
    return urlunsplit((parts.scheme.lower(), host + port, parts.path or "/", parts.query, ""))


# an address an alert can go to: a local part and a domain with a dot, nothing that would
# make a header of it (spaces, line breaks, commas, angle brackets)
_ADDRESS = re.compile(r"[^@\s<>,;:\"()\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.:-]*[A-Za-z0-9])?")


def _address(text: str, option: str) -> str:
    """One e-mail address in lower case (``TEAM@Example.com`` and ``team@example.com``
    are one channel, not two: mail services read them alike)."""
    if not _ADDRESS.fullmatch(text.strip()):
        raise InputError(f"{option} {text.strip()[:80]!r}: not an e-mail address",
                         hint="e.g. team@example.com")
    return text.strip().lower()


def _addresses(to: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(_address(a, "--to") for a in to))


def _sender(sender: str | None) -> str | None:
    return _address(sender, "--from") if sender else None


def _smtp_host(host: str) -> str:
    if not _HOST.fullmatch(host.strip()):
        raise InputError(f"--smtp-host {host.strip()[:80]!r}: not a host name",
                         hint="e.g. smtp.example.com or 127.0.0.1")
    return host.strip()


def _port(port: int) -> int:
    if not 1 <= int(port) <= 65535:
        raise InputError(f"--smtp-port {port}: a port from 1 to 65535",
                         hint="25, 465 (--tls ssl) or 587 (--tls starttls)")
    return int(port)


def remove_channel_op(store: Store, channel_id: int) -> dict[str, Any]:
    """Operation ``alerts_remove_channel``: no alert goes to the channel any more. One that
    alerts went through is kept, marked removed, so their history still says where."""
    found = [c for c in channels(store, enabled_only=True) if c["channel_id"] == channel_id]
    outcome = remove_channel(store, channel_id) if found else None
    if outcome is None:
        raise NotFound(f"no alert channel {channel_id}",
                       hint="sounding alerts list shows the channels and their numbers")
    return {"channel_id": channel_id, "kind": found[0]["kind"],
            "target": shown_target(found[0]["kind"], found[0]["target"]),
            "kept_for_history": outcome == "disabled"}


def _url_problem(url: str) -> str | None:
    """Why a webhook URL cannot be posted to, or None when it can."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return "spaces and control characters are not allowed (write a space as %20)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number from 0 to 65535)
    except ValueError as exc:
        return str(exc)
    if parts.scheme.lower() not in ("http", "https"):
        return "expected http:// or https://"
    if not parts.hostname:
        return "no host name"
    if not re.fullmatch(r"[\w.:-]+", parts.hostname):
        return f"'{parts.hostname}' is not a host name"
    try:
        redact_url(url)  # the HTTP client that will post to it must read it too
    except Exception as exc:  # httpx and idna raise several kinds
        return f"not a URL the HTTP client can read ({exc})"
    return None


def _url_head(url: str) -> str:
    """Scheme and host of a URL, even a broken one: no path (it may hold a token), no
    password."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.split("/", 1)[0].rpartition("@")[2][:40]
    return f"{scheme}://{rest.split('/', 1)[0].rpartition('@')[2]}/…"


def check_webhook_url(url: str | None) -> str:
    """The URL of a webhook, refused unless an http(s) URL with a host: a bad one stored
    would fail every alert sent to it."""
    url = (url or "").strip()
    problem = _url_problem(url) if url else "a webhook channel needs --url http(s)://..."
    if problem:
        where = f"webhook URL {_url_head(url)}: " if url else ""
        raise InputError(where + problem,
                         hint="e.g. --url https://hooks.example.com/sounding")
    return url


def shown_target(kind: str, target: str) -> str:
    """A channel's target as listed; a webhook URL stored before it was checked is shown
    by its scheme and host, with why alerts cannot go to it, never raised."""
    if kind != "webhook":
        return target
    problem = _url_problem(target)
    if problem:
        return f"{_url_head(target)} (invalid, no alert can be sent to it: {problem})"
    return redact_url(target)
