"""Open the connector of a stored account, with its secret read from where it is named;
read what a Mastodon instance says in public (its text limit) without any secret."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sounding.connectors.base import Connector
from sounding.connectors.credentials import default_env, read_secret
from sounding.connectors.records import Brand
from sounding.connectors.retry import RetryPolicy
from sounding.errors import ConfigError

__all__ = ["connect", "instance_text_limit"]


def connect(account: Mapping[str, Any], *, policy: RetryPolicy | None = None,
            on_wait: Callable[[str], None] | None = None, session: Any = None) -> Connector:
    """A connector for an ``accounts`` row (network, handle, service_url, credential_env).

    ``session`` is a ``requests.Session`` for Mastodon (tests mount recorded answers on it).
    """
    network, handle = account["network"], account["handle"]
    env = account.get("credential_env") or default_env(network, handle)
    brand = Brand(network, handle, account["account_id"], account["actor_id"])
    secret = read_secret(env, account["account_id"])
    if network == "bluesky":
        from sounding.connectors.bluesky import BlueskyConnector

        return BlueskyConnector(brand, secret, credential_env=env,
                                service_url=account.get("service_url"), policy=policy,
                                on_wait=on_wait)
    if network == "mastodon":
        from sounding.connectors.mastodon import MastodonConnector

        if not account.get("service_url"):
            raise ConfigError(f"{account['account_id']} has no instance URL",
                              hint="sounding account add mastodon --instance URL --handle H")
        return MastodonConnector(brand, secret, credential_env=env,
                                 instance_url=account["service_url"], policy=policy,
                                 on_wait=on_wait, session=session)
    raise ConfigError(f"sounding cannot connect to {network} accounts",
                      hint="collect from bluesky or mastodon, or import files")


def instance_text_limit(instance_url: str) -> int | None:
    """A Mastodon instance's text limit from its public pages, sent no token; None when it
    does not say it. Raises NetworkFailure when the instance does not answer."""
    from sounding.connectors.mastodon import read_text_limit

    return read_text_limit(instance_url)
