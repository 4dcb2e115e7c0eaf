"""What a dashboard view refuses, and how: a :class:`Refused` error names its words by a key
(web/i18n.py translates it), so a French page never shows English nor a command-line flag.

The period of a page is checked here too, before any workflow sees it: the workflows read
periods for the command line, where a date such as 9999-12-31 or 0001-01-01 overflows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sounding.errors import InputError, NotFound
from sounding.models import FIRST_DAY, LAST_DAY

__all__ = ["FIRST_DAY", "LAST_DAY", "REFUSALS", "Refused", "RefusedMissing", "choice", "flag",
           "page_hint", "page_number", "page_period", "period_days"]

# Dates a page reads: a side before FIRST_DAY or after LAST_DAY means "no limit" on that side
# (nothing social is older than 1970, and ..9999-12-31 is how people write "until now").

# The English words of each refusal (the French ones are in web/i18n.py, key "refused.<key>").
REFUSALS: dict[str, str] = {
    "period_format": "'{value}' is not a period: write two dates such as "
    "2026-09-01..2026-09-30, and leave a side empty for no limit (2026-09-01..).",
    "period_date": "'{value}' is not a date such as 2026-09-30.",
    "period_reversed": "In '{value}' the end comes before the start.",
    "period_outside": "'{value}' lies outside the dates the dashboard reads "
    "(1970-01-01 to 2999-12-31).",
    "no_posts": "No brand post in this period: choose another period.",
    "no_variants": "The brand's posts carry no variants (factor=level pairs) to compare.",
    "no_rate": "No follower count or impressions are known for these posts, so the "
    "engagement rate has no denominator: choose interest, or collect the accounts' follower "
    "counts or import the posts' impressions.",
    "no_baseline": "No reaction to these posts is labelled yet, so the animosity guardrail "
    "has no baseline and no post can be proposed: label reactions first (run the enrichment, "
    "or correct labels on the Items page).",
    "unknown_value": "'{value}' is not a known value for '{name}': choose one of {allowed}.",
    "not_a_number": "'{value}' is not a number for '{name}'.",
    "text_length": "The text must have 1 to {limit} characters (it has {length}).",
    "text_network": "The text has {length} characters; {network} takes at most {limit}: "
    "shorten it.",
    "text_mastodon": "The text has {length} characters as Mastodon counts them (a link as "
    "23, a mention @user@domain as @user); not knowing the instance's own limit, sounding "
    "holds {account} to Mastodon's default of {limit} until a collect reads it: shorten "
    "it.",
    "text_instance": "The text has {length} characters as Mastodon counts them (a link as "
    "23, a mention @user@domain as @user); the instance of {account} takes at most {limit}: "
    "shorten it.",
    "time_format": "'{value}' is not a date and time such as 2026-10-01T18:30 (UTC).",
    "time_past": "The publication time {value} (UTC) has passed: choose a time to come.",
    "time_far": "The publication time {value} (UTC) is after 2999-12-31, where the calendar "
    "ends: choose an earlier time.",
    "no_item": "There is no item '{id}'.",
    "stale_form": "This page was opened before your last sign-in, so nothing was changed: "
    "reload it and try again.",
    "no_token": "The form came without its security token, so nothing was changed: reload "
    "the page and send it from there.",
    "not_reaction": "'{id}' is not a reaction (a reply, quote, comment or mention by "
    "someone else than the brand): it takes no reaction label.",
    "queue_missing": "There is no queue entry {id}.",
    "queue_edit": "Queue entry {id} is {status}: its text cannot be edited.",
    "queue_approve": "Queue entry {id} is {status}: only a draft can be approved.",
    "queue_unwritten": "Queue entry {id} still holds the planner's placeholder text: write "
    "the post first, then approve it.",
    "queue_schedule": "Queue entry {id} is {status}: only an approved or scheduled entry "
    "can be scheduled.",
    "queue_draft": "Queue entry {id} is {status}: only an approved, scheduled or failed "
    "entry can go back to draft.",
    "queue_cancel": "Queue entry {id} is {status}: a post published or being sent cannot "
    "be discarded.",
}


# Only ``value``, the text the reader typed, is cut (a refused query string may be kilobytes
# long); ids, names, statuses and the values allowed are shown whole, since they say what to do.
_CLIPPED_AT = 80


def _clipped(text: str) -> str:
    """``text`` as a refusal quotes it: an ellipsis marks where a long one is cut."""
    return text if len(text) <= _CLIPPED_AT else text[:_CLIPPED_AT - 1] + "…"


class Refused(InputError):
    """A refusal a page words in its reader's language: ``key`` names the words (see
    :data:`REFUSALS`), ``values`` fill them; the message is the English text."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = {k: _clipped(str(v)) if k == "value" else str(v) for k, v in values.items()}
        super().__init__(REFUSALS[key].format(**self.values), hint="")


class RefusedMissing(Refused, NotFound):
    """A refusal of something that does not exist: a page answers it with 404."""


def page_hint(hint: str) -> str:
    """A workflow's hint as a page may show it: none when it names a command-line flag
    (a page has no ``--metric``; its own form says what to change)."""
    return "" if "--" in hint else hint


def _day(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused("period_date", value=text) from None


def period_days(text: str | None) -> tuple[date | None, date | None]:
    """A page's period as (first day, last day), None for a side with no limit; a side
    outside the dates pages read counts as no limit. Refuses what is not a period."""
    text = (text or "").strip()
    if not text:
        return None, None
    first, sep, last = text.partition("..")
    if not sep or len(text) > 40:
        raise Refused("period_format", value=text)
    start, end = _day(first.strip()), _day(last.strip())
    if start and end and end < start:
        raise Refused("period_reversed", value=text)
    if (end and end < FIRST_DAY) or (start and start > LAST_DAY):
        raise Refused("period_outside", value=text)
    return (start if start and start >= FIRST_DAY else None,
            end if end and end <= LAST_DAY else None)


def page_period(text: str | None) -> str:
    """A page's period as the workflows read it (``A..B``, a side empty for no limit; ``""``
    for all dates), after :func:`period_days` checked it."""
    start, end = period_days(text)
    if start is None and end is None:
        return ""
    return f"{start or ''}..{end or ''}"


def choice(params: Mapping[str, str], name: str, allowed: Iterable[str]) -> str:
    """A filter's value, ``""`` when absent, refused when it is not one of ``allowed``
    (an unknown value ignored would show a page that is not what was asked for)."""
    value = (params.get(name) or "").strip()
    known = list(allowed)
    if value and value not in known:
        raise Refused("unknown_value", value=value, name=name, allowed=", ".join(known))
    return value


def flag(params: Mapping[str, str], name: str, default: bool) -> bool:
    """A yes/no parameter (1/0, yes/no, true/false, on/off), refused when it is neither."""
    value = (params.get(name) or "").strip().lower()
    if not value:
        return default
    if value in ("1", "yes", "true", "on"):
        return True
    if value in ("0", "no", "false", "off"):
        return False
    raise Refused("unknown_value", value=value, name=name, allowed="1, 0")


def page_number(params: Mapping[str, str], name: str = "page") -> int:
    """A page of results, from 1 (capped: nobody reads page 10,001)."""
    value = (params.get(name) or "").strip()
    if not value:
        return 1
    try:
        number = int(value)
    except ValueError:
        raise Refused("not_a_number", value=value, name=name) from None
    if number < 1:
        raise Refused("not_a_number", value=value, name=name)
    return min(number, 10_000)
