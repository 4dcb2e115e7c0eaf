"""Errors a network can cause, on top of the tree of ``sounding.errors``.

::

    SoundingError
    ├── ConfigError
    │   └── CredentialRejected   the network refused the app password or token (final)
    ├── InputError
    │   └── PostRejected         the network (or its limits) refused a post (final)
    └── NetworkFailure           the network did not answer or answered 5xx (transient)
        └── RateLimited          429: wait ``retry_after`` seconds (transient)
"""

from __future__ import annotations

from sounding.errors import ConfigError, InputError, SoundingError

__all__ = ["CredentialRejected", "NetworkFailure", "PostRejected", "RateLimited"]


class CredentialRejected(ConfigError):
    """The network refused the credential; the hint names the setting to fix."""


class PostRejected(InputError):
    """A post was refused, by the network or by its limits checked before sending."""


class NetworkFailure(SoundingError):
    """The network could not be reached or failed on its side; worth a retry."""

    transient = True
    hint = "the network may be down or slow; run the same command again to resume"


class RateLimited(NetworkFailure):
    """The network asked us to slow down."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
