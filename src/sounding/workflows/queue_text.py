"""What a queued text must be before it may go out: within what its network takes, and
written by a person (not the planner's placeholder)."""

from __future__ import annotations

from sounding.connectors.text import MASTODON_DEFAULT_MAX_CHARS, network_length
from sounding.errors import PostUnwritten, TextTooLong
from sounding.store import Store
from sounding.store.connector_store import text_limit

__all__ = ["PLACEHOLDER", "check_ready", "check_text", "check_written", "is_placeholder",
           "placeholder", "placeholder_in"]

# How 'plan' opens the text of each draft it queues: the post is still to be written.
PLACEHOLDER = "[to write]"
# The placeholder as each dashboard language shows it (marker, then what it says); a
# draft saved unchanged from a French page keeps the French one, still a placeholder.
_WORDING = {"en": (PLACEHOLDER, "a post trying"),
            "fr": ("[à écrire]", "une publication qui essaie")}


def placeholder(what: str, lang: str = "en") -> str:
    """The text 'plan' queues for a post still to write, saying what it should try."""
    marker, lead = _WORDING[lang]
    return f"{marker} {lead} {what}"


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is still the planner's placeholder, in any language."""
    return text.lstrip().startswith(tuple(marker for marker, _ in _WORDING.values()))


def placeholder_in(text: str, lang: str) -> str:
    """``text`` with the planner's placeholder worded in ``lang``; any other text as it is."""
    for marker, lead in _WORDING.values():
        if text.startswith(f"{marker} {lead} "):
            return placeholder(text[len(marker) + len(lead) + 2:], lang)
    return text


def check_written(text: str) -> None:
    """Refuse the planner's placeholder where a post is about to be approved, queued or sent."""
    if is_placeholder(text):
        raise PostUnwritten(f"the text is still the planner's placeholder ('{PLACEHOLDER} "
                            "…'): write the post first")


_MASTODON_COUNT = "a link counts as 23, a mention @user@domain as @user"


def _mastodon_note(recorded: int | None) -> str:
    """How Mastodon counts, and where the limit comes from (a refusal says both)."""
    if recorded is None:
        return (f"{_MASTODON_COUNT}; {MASTODON_DEFAULT_MAX_CHARS} is Mastodon's default, as "
                "sounding has not read the instance's own limit yet ('sounding collect' "
                "reads it)")
    return f"{_MASTODON_COUNT}; {recorded} is the instance's own limit, as it last said"


def check_text(store: Store, account_id: str, text: str) -> None:
    """Refuse a text longer than the account's network takes, as that network counts it
    (queue add, approving and the dashboard's text edit all check here): a Mastodon text
    is held to the limit its instance last said, else to Mastodon's default."""
    network = account_id.partition(":")[0]
    measured = network_length(network, text)
    if measured is None:
        return
    length, limit = measured
    note, assumed = "", False
    if network == "mastodon":
        recorded = text_limit(store, account_id)
        limit, note, assumed = recorded or limit, _mastodon_note(recorded), recorded is None
    if length > limit:
        raise TextTooLong(account_id, network, length, limit, note, assumed=assumed)


def check_ready(store: Store, account_id: str, text: str) -> None:
    """Refuse what may not be approved: a placeholder, or a text over its network's limit."""
    check_written(text)
    check_text(store, account_id, text)
