"""Report workflow: gather every analysis a report or strategy rests on, as one JSON dict.

The executive report and the strategy draft are rendered (layer L4) from this dict only,
so the numbers they show are the analyses' own. Each part says what it covers (its
period) and, when an analysis cannot run on the data, why, instead of failing the whole
report. Handles of people are pseudonymised by default (a salted hash per workspace).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sounding.analyse.actors import NEEDS_IGRAPH
from sounding.errors import NotFound, SoundingError
from sounding.models import REACTIONS
from sounding.store import Store
from sounding.store.audience_store import workspace_salt
from sounding.store.enrich_store import reaction_confidence
from sounding.store.reads import reaction_labels
from sounding.workflows import labels
from sounding.workflows.audience import actors, segments
from sounding.workflows.kpis import kpis, measured_bounds
from sounding.workflows.learn import (
    NO_POSTS,
    NO_VARIANTS,
    NO_VARIANTS_HERE,
    guardrail_cap,
    learn,
    plan,
)

__all__ = ["RECENT_WEEKS", "Pseudonyms", "report_data", "report_data_op"]

RECENT_WEEKS = 4  # "today's level" of a KPI: its value over the period's last weeks

# Every way a text names a person, in one pattern so that nothing is replaced twice: a
# profile address (Bluesky, by handle or DID; X, Instagram, Facebook, LinkedIn, not their
# own pages such as /hashtag/, /p/ or a company's; Mastodon, local or remote), a DID
# alone, an address or user@instance without its @, an @mention, a bare Bluesky handle.
_END = r"(?:/(?![\w%]))?"  # a closing slash, not the one before a post's path
# a name of dot-separated parts: a sentence's closing period is never part of it
_DOTTED = r"[\w\-]+(?:\.[\w\-]+)*"
_DOTTED_ID = r"[\w\-:%]+(?:\.[\w\-:%]+)*"  # the same, with a DID's or an address's : and %
# an address with or without its scheme ("bsky.app/profile/…", "www.instagram.com/…"),
# not in the middle of a word or of another address
_WEB = r"(?:https?://|(?<![\w.@/\-]))"
_NAMED = re.compile(
    _WEB + r"(?:www\.)?bsky\.app/profile/(?P<bsky>" + _DOTTED_ID + ")" + _END
    + r"|" + _WEB + r"(?:www\.|mobile\.|m\.)?(?:x|twitter)\.com/"
    r"(?!(?:i|intent|search|hashtag|home|explore|share|settings|messages|notifications)\b)"
    r"(?P<x>\w{1,15})\b" + _END
    + r"|" + _WEB + r"(?:www\.)?instagram\.com/(?:stories/)?"
    r"(?!(?:p|reel|reels|explore|tv|accounts|stories)\b)(?P<instagram>\w+(?:\.\w+)*)" + _END
    + r"|" + _WEB + r"(?:www\.|m\.|web\.)?facebook\.com/(?:people/(?P<fb_name>[\w.\-%]+)/\d+"
    r"|profile\.php\?id=(?P<fb_id>\d+)|(?!(?:pages|groups|events|watch|photo|story|sharer|"
    r"share|hashtag|marketplace|people|profile|permalink|login)\b)(?P<fb>" + _DOTTED + "))"
    + _END
    + r"|" + _WEB + r"(?:[a-z]{2,3}\.|www\.)?linkedin\.com/(?:in/(?P<linkedin>"
    + _DOTTED_ID + ")" + _END + r"|posts/(?P<li_post>[\w\-%]+?)(?=_))"
    + r"|" + _WEB + r"(?P<host>[\w\-]+(?:\.[\w\-]+)+)/(?:@|users/)(?P<user>" + _DOTTED
    + ")(?:@(?P<remote>" + _DOTTED + "))?" + _END
    + r"|(?<![\w:])(?P<did>did:(?:plc|web):" + _DOTTED_ID + ")"
    r"|(?<![\w@.+\-])(?P<address>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)"
    r"|(?P<mention>@" + _DOTTED + "(?:@" + _DOTTED + ")?)"
    r"|(?<![\w@./-])(?P<bare>[\w\-]+(?:\.[\w\-]+)*\.bsky\.social)\b",
    re.IGNORECASE)


def _named(match: re.Match[str]) -> str:
    """The handle a match of :data:`_NAMED` names, as an @mention would write it."""
    if match["user"]:
        return f"{match['user']}@{match['remote'] or match['host']}"
    return next(g for g in (match["bsky"], match["x"], match["instagram"], match["fb_name"],
                            match["fb_id"], match["fb"], match["linkedin"], match["li_post"],
                            match["did"], match["address"], match["mention"], match["bare"])
                if g)


class Pseudonyms:
    """Handles to stable pseudonyms such as ``@user-3f2a9c`` (HMAC-SHA256, workspace salt)."""

    def __init__(self, salt: str, keep: set[str], enabled: bool = True) -> None:
        self._key = salt.encode()
        self._keep = {k.lower().lstrip("@") for k in keep}
        self.enabled = enabled

    def handle(self, handle: str | None) -> str:
        """The pseudonym of one handle (the brand's own handles are kept)."""
        bare = (handle or "").lstrip("@")
        if not self.enabled or not bare or bare.lower() in self._keep:
            return f"@{bare}" if bare else "@?"
        digest = hmac.new(self._key, b"pseudonym:" + bare.lower().encode(), hashlib.sha256)
        return f"@user-{digest.hexdigest()[:6]}"

    def text(self, text: str) -> str:
        """Every person a text names replaced by a pseudonym: @mentions, profile
        addresses, DIDs, bare Bluesky handles, e-mail and user@instance addresses."""
        if not self.enabled:
            return text
        return _NAMED.sub(lambda m: self.handle(_named(m)), text)


# the reasons an analysis gives for not running on the data, by a code a document
# translates (any other reason is shown as it came, after a translated sentence)
_REASONS = {NO_VARIANTS: "no_variants", NO_VARIANTS_HERE: "no_variants_here",
            NO_POSTS: "no_posts", NEEDS_IGRAPH: "needs_igraph"}


def _attempt(fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one analysis; when the data cannot support it, say why instead of failing
    (``code`` names a known reason, '' for another)."""
    try:
        return {"ok": True, **fn()}
    except SoundingError as exc:
        reason = str(exc)
        return {"ok": False, "reason": reason, "code": _REASONS.get(reason, ""),
                "hint": exc.hint or ""}


def _weekly(found: dict[str, Any]) -> list[dict[str, Any]]:
    weeks: dict[str, dict[str, Any]] = {}

    def week(value: datetime) -> dict[str, Any]:
        key = value.date().isoformat()
        return weeks.setdefault(key, {"week": key, "posts": 0, "ignored": 0,
                                      **{r: 0 for r in REACTIONS}})
    for row in found["posts"]:
        cell = week(row["week"])
        cell["posts"] += row["posts"]
        cell["ignored"] += row["ignored"]
    for row in found["labelled"]:
        if row["label"] in REACTIONS:
            week(row["week"])[row["label"]] += row["n"]
    return [weeks[k] for k in sorted(weeks)]


def _by_network(found: dict[str, Any]) -> dict[str, dict[str, int]]:
    """The period's labelled reactions to the brand per network and label: a channel's
    reaction shares on the same period and count as the brand's."""
    out: dict[str, dict[str, int]] = {}
    for row in found["labelled"]:
        if row["label"] in REACTIONS:
            cell = out.setdefault(row["network"], dict.fromkeys(REACTIONS, 0))
            cell[row["label"]] += int(row["n"])
    return out


def _quotes(store: Store, start: datetime, end: datetime, names: Pseudonyms,
            per_label: int = 3) -> list[dict[str, Any]]:
    """A few reactions of each label within the period, pseudonymised: among the 400 most
    recent, those a person labelled, then those the model is surest of (an example read
    as the wrong reaction would mislead more than an older one); each text once. Only
    reactions to the brand, those the KPIs' shares count, are quoted."""
    counted = set(reaction_labels(store, start, end)["item_id"].to_pylist())
    chosen: list[dict[str, Any]] = []
    for label in REACTIONS:
        rows = labels.find_items(store, label=label, limit=400)
        kept = [r for r in rows if r["item_id"] in counted and r["text"]]
        sure = reaction_confidence(store, [r["item_id"] for r in kept])
        kept.sort(key=lambda r: (r["reaction"] is None or r["reaction"]["source"] != "human",
                                 -sure.get(r["item_id"], 0.0)))
        seen: set[str] = set()
        for r in kept:
            if len(seen) == per_label:
                break
            same = " ".join(str(r["text"]).lower().split())
            if same in seen:
                continue
            seen.add(same)
            chosen.append({"label": label, "network": r["network"], "kind": r["kind"],
                           "created_at": r["created_at"].isoformat(),
                           "author": names.handle(r["handle"] or r["author_id"]),
                           "text": names.text(str(r["text"]))[:400]})
    return chosen


def _actor_map(store: Store, names: Pseudonyms) -> dict[str, Any]:
    """The actor map's summary, every community kept (a report shows the largest, but
    checks them all for hostility)."""
    amap, _ = actors(store, top=5)
    data = amap.as_dict(top=10)
    for community in data["communities"]:
        community["top_actors"] = [names.handle(a) for a in community["top_actors"]]
    for row in data["influential"]:
        row["actor"] = names.handle(row["actor"])
    data["bridges"] = [names.handle(b) for b in data["bridges"][:10]]
    return data


def _plan(store: Store, period: str | None, posts: int, seed: int) -> dict[str, Any]:
    """The planner's proposal on engagement, or on interest when the engagement rate has
    no denominator (its ``objective`` then says so); nothing is queued."""
    try:
        return {"guardrail": True, **plan(store, posts, period=period, seed=seed,
                                          write=False, fallback=True).as_dict()}
    except SoundingError as exc:
        if "guardrail has no baseline" not in str(exc):
            raise
        # no labelled reaction: the programme can still be drafted, without the cap
        return {"guardrail": False, **plan(store, posts, cap=1.0, period=period, seed=seed,
                                           write=False, fallback=True).as_dict()}


def _whole_cap(store: Store) -> Callable[[], dict[str, Any]]:
    """The animosity cap over all data, and whether there is one (none without a
    labelled reaction)."""
    def found() -> dict[str, Any]:
        cap = guardrail_cap(store)
        return {"cap": cap, "guardrail": cap is not None}
    return found


def _last_weeks(store: Store, start: datetime, end: datetime, weeks: int = RECENT_WEEKS
                ) -> dict[str, Any]:
    """The period's last ``weeks`` weeks (whole days), ending on its last data rather than
    its nominal end (a period running past the data would read a near-empty window);
    ``whole_period`` when they cover the whole period, which is then no other level."""
    _, last_item = labels.data_bounds(store, start, end)
    last = (last_item or end - timedelta(microseconds=1)).date()
    first = last - timedelta(days=7 * weeks - 1)
    return {"start": max(first, start.date()).isoformat(), "end": last.isoformat(),
            "whole_period": first <= start.date()}


def report_data(store: Store, period: str | None = None, *, pseudonymise: bool = True,
                plan_posts: int = 5, seed: int = 0) -> dict[str, Any]:
    """Every figure the executive report and the strategy draft show, JSON-ready.

    A period without any brand post is refused, naming the dates the brand's posts cover:
    a document of empty figures would read as a measured silence."""
    start, end = measured_bounds(store, period)
    measured = kpis(store, period).as_dict()
    if not measured["posts"]:
        last = (end - timedelta(microseconds=1)).date().isoformat()
        when = (f"from {start.date().isoformat()} to {last}" if period is not None
                else "in this workspace")
        raise NotFound(f"no brand post {when}: nothing to report", hint=measured["hint"])
    accounts = store.table("accounts").to_pylist()
    keep = {str(a["actor_id"]).partition(":")[2] for a in accounts}
    names = Pseudonyms(workspace_salt(store), keep, pseudonymise)
    whole = (start, end) if period is None else measured_bounds(store, None)
    recent = _last_weeks(store, start, end)
    over_time = labels.reactions_over_time(store, start, end)
    learn_part = _attempt(lambda: learn(store, period, seed=seed).as_dict())
    plan_part = _attempt(lambda: _plan(store, period, plan_posts, seed))
    actor_part = _attempt(lambda: _actor_map(store, names))
    if actor_part["ok"]:  # mapped over all data: judged against the cap over the same data
        whole_cap = plan_part if period is None else _attempt(_whole_cap(store))
        # a plan drafted without the guardrail (no labelled reaction) has no cap to reuse
        actor_part["cap"] = (whole_cap["cap"] if whole_cap["ok"] and whole_cap["guardrail"]
                             else None)
    return {
        "period": {"start": start.date().isoformat(),
                   "end": (end - timedelta(microseconds=1)).date().isoformat(),
                   "asked": period or ""},
        "all_data": {"start": whole[0].date().isoformat(),
                     "end": (whole[1] - timedelta(microseconds=1)).date().isoformat()},
        "accounts": [{"account_id": a["account_id"], "network": a["network"]}
                     for a in accounts],
        "kpis": measured,
        "recent": recent,
        "kpis_recent": (measured if recent["whole_period"]
                        else kpis(store, f"{recent['start']}..{recent['end']}").as_dict()),
        "weekly": _weekly(over_time),
        "reactions_by_network": _by_network(over_time),
        "learn": learn_part,
        "plan": plan_part,
        "segments": _attempt(lambda: segments(store, seed=seed).as_dict()),
        "actors": actor_part,
        "quotes": _quotes(store, start, end, names),
        "pseudonymised": pseudonymise,
    }


def report_data_op(store: Store, period: str | None = None, pseudonymise: bool = True
                   ) -> dict[str, Any]:
    """Operation ``report_data``: :func:`report_data` (reads only; renders nothing)."""
    return report_data(store, period, pseudonymise=pseudonymise)
