"""Secrets of the brand's accounts: named by an environment variable, never stored.

A secret is read from the variable itself, else from the ``[credentials]`` table of the
config file (outside the repository), where it may be a value or ``{"$env": NAME}``.
"""

from __future__ import annotations

import os
import re
import tomllib

from sounding.config import config_path, resolve_secret
from sounding.errors import ConfigError

__all__ = ["SECRET_NAME", "default_env", "read_secret", "redact"]

_KIND = {"bluesky": "PASSWORD", "mastodon": "TOKEN"}
# What default_env names look like: the variables of accounts' secrets.
SECRET_NAME = re.compile(rf"SOUNDING_\w+_(?:{'|'.join(sorted({*_KIND.values(), 'SECRET'}))})")


# the secrets this process has read: a service that quotes a request back in its error
# (a proxy, a misconfigured server) must not get one printed or stored
_READ: set[str] = set()
_SHORTEST = 6  # a shorter "secret" would blank out ordinary words


def redact(text: str) -> str:
    """``text`` with every secret this process has read replaced by ``***``."""
    for secret in sorted(_READ, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def default_env(network: str, handle: str) -> str:
    """The variable that holds an account's secret unless told otherwise.

    ``bluesky``, ``brand.bsky.social`` gives ``SOUNDING_BLUESKY_BRAND_BSKY_SOCIAL_PASSWORD``.
    """
    slug = re.sub(r"[^A-Z0-9]+", "_", handle.upper()).strip("_")
    return f"SOUNDING_{network.upper()}_{slug}_{_KIND.get(network, 'SECRET')}"


def _from_file(name: str) -> object | None:
    path = config_path()
    if not path.is_file():
        return None
    try:
        table = tomllib.loads(path.read_text("utf-8")).get("credentials") or {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return table.get(name) if isinstance(table, dict) else None


def read_secret(name: str, account: str) -> str:
    """The secret in ``$name`` (or the config file's ``[credentials] name``)."""
    value = os.environ.get(name)
    if not value:
        found = _from_file(name)
        value = str(resolve_secret(found, name)) if found is not None else None
    if not value:
        raise ConfigError(
            f"no credential for {account}: ${name} is not set",
            hint=f"looked at ${name} and [credentials] {name} in {config_path()}; "
                 f"export {name}=... (an app password or access token; sounding never stores it)")
    if len(value) >= _SHORTEST:
        _READ.add(value)
    return value
