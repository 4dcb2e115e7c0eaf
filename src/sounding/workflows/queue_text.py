"""What a queued text must be before it may go out: within what its network takes, and
written by a person (not the planner's placeholder)."""

from __future__ import annotations

from sounding.connectors.text import network_length
from sounding.errors import PostUnwritten, TextTooLong

__all__ = ["PLACEHOLDER", "check_ready", "check_text", "check_written", "is_placeholder",
           "placeholder"]

# How 'plan' opens the text of each draft it queues: the post is still to be written.
PLACEHOLDER = "[to write]"


def placeholder(what: str) -> str:
    """The text 'plan' queues for a post still to write, saying what it should try."""
    return f"{PLACEHOLDER} a post trying {what}"


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is still the planner's placeholder."""
    return text.lstrip().startswith(PLACEHOLDER)


def check_written(text: str) -> None:
    """Refuse the planner's placeholder where a post is about to be approved, queued or sent."""
    if is_placeholder(text):
        raise PostUnwritten(f"the text is still the planner's placeholder ('{PLACEHOLDER} "
                            "…'): write the post first")


# What a refusal adds where the network's counting or limit is not plain: sounding does
# not record a Mastodon instance's own limit (its connector reads it only when sending).
_NOTES = {"mastodon": "a link counts as 23, a mention @user@domain as @user; 500 is "
                      "Mastodon's default, as sounding does not know the instance's own limit"}


def check_text(account_id: str, text: str) -> None:
    """Refuse a text longer than the account's network takes, as that network counts it
    (queue add, approving and the dashboard's text edit all check here)."""
    network = account_id.partition(":")[0]
    measured = network_length(network, text)
    if measured is not None and measured[0] > measured[1]:
        raise TextTooLong(account_id, network, *measured, note=_NOTES.get(network, ""))


def check_ready(account_id: str, text: str) -> None:
    """Refuse what may not be approved: a placeholder, or a text over its network's limit."""
    check_written(text)
    check_text(account_id, text)
