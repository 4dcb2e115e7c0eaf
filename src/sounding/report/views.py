"""One data dict per dashboard view, built from the workflows; pages, JSON and reports render it.

A view is registered with :func:`view`: its slug names the page (``/slug``), its JSON twin
(``/slug.json``) and its template (``pages/slug.html``). A view receives the store and the
request's query parameters and returns JSON-ready data: strings, numbers, lists, dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sounding.errors import NotFound
from sounding.models import ITEM_KINDS, REACTIONS
from sounding.report.views_refusals import (
    FIRST_DAY,
    RefusedMissing,
    choice,
    page_number,
    page_period,
    period_days,
)
from sounding.store import Store
from sounding.workflows import labels, queue_view
from sounding.workflows.kpis import kpis, parse_period
from sounding.workflows.queue import STATUSES

__all__ = ["VIEWS", "View", "ViewFn", "safe_url", "view"]

Params = Mapping[str, str]
ViewFn = Callable[[Store, Params], dict[str, Any]]


@dataclass(frozen=True)
class View:
    """A registered view: where it lives, whether the menu shows it, who may change it."""

    slug: str
    build: ViewFn
    nav: bool = True
    warm: tuple[dict[str, str], ...] = ({},)  # parameters a server builds ahead of requests
    reads: tuple[str, ...] = ()  # the only parameters the view is given

    def params(self, query: Params) -> dict[str, str]:
        """What the view reads of an address's parameters: its own names only, the last
        value of a repeated one (as ``get`` reads it). The server caches a view by these,
        so ``?junk=1`` or a repeated ``period`` cannot make one page two cache entries."""
        return {name: str(query.get(name)) for name in self.reads if query.get(name) is not None}


VIEWS: dict[str, View] = {}


def view(slug: str, *, nav: bool = True, warm: tuple[dict[str, str], ...] = ({},),
         reads: tuple[str, ...] = ()) -> Callable[[ViewFn], ViewFn]:
    """Register a view function under ``slug`` (menu order is registration order), given
    only the parameters named in ``reads``; a server may build ``warm``'s parameter sets
    ahead of requests."""
    def register(fn: ViewFn) -> ViewFn:
        VIEWS[slug] = View(slug, fn, nav, warm, reads)
        return fn
    return register


def safe_url(url: str | None) -> str | None:
    """A link only when it is http(s): ``javascript:`` and friends never reach an href."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _iso(value: Any) -> Any:
    """A date as ISO text; a time in UTC, which is what the pages say they show."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat() if isinstance(value, datetime | date) else value


# --- Overview -------------------------------------------------------------------------

_HEADLINES = ("posts", "engagements", "engagement_rate_per_follower",
              "engagement_rate_per_impression", "reply_rate", "reactions", "ignored_share")


Bounds = tuple[datetime | None, datetime | None]  # the data's first and last item dates


def _default_period(bounds: Bounds, days: int) -> str:
    end = (bounds[1] or datetime.now(UTC)).date()
    return f"{end - timedelta(days=days - 1)}..{end}"


def _overview_days(bounds: Bounds, period: str) -> tuple[date, date]:
    """The period's first and last days, an open side closed by the data's first or last
    day (the overview compares with the days just before, so it needs both)."""
    start, end = period_days(period)
    if start is not None and end is not None:
        return start, end
    first, last = bounds
    newest = (last or datetime.now(UTC)).date()
    if start is None:
        start = min(first.date() if first else newest, end or newest)
    if end is None:
        end = max(newest, start)
    return start, end


def _flat(figures: dict[str, Any]) -> dict[str, float | None]:
    flat: dict[str, float | None] = {k: figures[k] for k in _HEADLINES}
    for label in REACTIONS:
        flat[f"share_{label}"] = figures["reaction_shares"][label]
    followers = figures["followers"].values()
    flat["follower_growth"] = sum(f["growth"] for f in followers) if followers else None
    return flat


def _change(now: float | None, before: float | None) -> dict[str, float | None]:
    if now is None or before is None:
        return {"delta": None, "pct": None}
    return {"delta": now - before,
            "pct": round(100 * (now - before) / before, 1) if before else None}


@view("overview", reads=("period",))
def overview(store: Store, params: Params) -> dict[str, Any]:
    """Headline KPIs of a period and their change against the period just before."""
    bounds = labels.data_bounds(store)  # read once: the default, open sides, the baseline
    period = (params.get("period") or "").strip() or _default_period(bounds, 28)
    start, end = _overview_days(bounds, period)
    first = bounds[0]
    # a period before the first data is no baseline: "+60 posts" against it says nothing
    before_data = first is None or start <= first.date()
    previous_start = start - (end - start + timedelta(days=1))
    previous = f"{previous_start}..{start - timedelta(days=1)}"
    now = kpis(store, f"{start}..{end}").as_dict()
    before = (None if before_data or previous_start < FIRST_DAY
              else kpis(store, previous).as_dict())
    flat_now = _flat(now)
    flat_before = dict.fromkeys(flat_now) if before is None else _flat(before)
    metrics = [{"key": k, "value": flat_now[k], "previous": flat_before[k],
                **_change(flat_now[k], flat_before[k])} for k in flat_now]
    return {"period": period, "dates": f"{start}..{end}", "previous_period": previous,
            "previous_before_data": first.date().isoformat() if before_data and first
            else None, "metrics": metrics,
            "posts_by_network": now["posts_by_network"], "followers": now["followers"],
            "reaction_shares": {"current": now["reaction_shares"],
                                "previous": dict.fromkeys(now["reaction_shares"])
                                if before is None else before["reaction_shares"]},
            "definitions": now["definitions"]}


# --- Reactions ------------------------------------------------------------------------

def _period_bounds(store: Store, period: str | None) -> tuple[datetime, datetime]:
    start, end = parse_period(page_period(period))
    first, last = labels.data_bounds(store)
    if start.year < 1971:
        start = first or start
    if end.year > 9000:
        end = (last or datetime.now(UTC)) + timedelta(seconds=1)
    return start, end


@view("reactions", reads=("period",))
def reactions(store: Store, params: Params) -> dict[str, Any]:
    """Interest, animosity, neutral and ignored posts per week, network by network (posts
    whose reaction window is not over are counted as too recent, not as ignored)."""
    period = params.get("period") or ""
    start, end = _period_bounds(store, period)
    found = labels.reactions_over_time(store, start, end)
    cells: dict[tuple[str, str], dict[str, Any]] = {}

    def cell(week: datetime, network: str) -> dict[str, Any]:
        key = (network, week.date().isoformat())
        return cells.setdefault(key, {"week": key[1], "posts": 0, "ignored": 0,
                                      "too_recent": 0, **{label: 0 for label in REACTIONS}})
    for row in found["posts"]:
        cell(row["week"], row["network"]).update(posts=row["posts"], ignored=row["ignored"],
                                                 too_recent=row["too_recent"])
    for row in found["labelled"]:
        if row["label"] in REACTIONS:
            cell(row["week"], row["network"])[row["label"]] += row["n"]
    networks: dict[str, list[dict[str, Any]]] = {}
    for (network, _), weekly in sorted(cells.items()):
        networks.setdefault(network, []).append(weekly)
    totals = {k: sum(w[k] for rows in networks.values() for w in rows)
              for k in ("posts", "ignored", "too_recent", *REACTIONS)}
    return {"period": period, "start": start.isoformat(), "end": end.isoformat(),
            "window_hours": found["window_hours"], "labels": list(REACTIONS),
            "networks": networks, "totals": totals}


# --- Items and threads -------------------------------------------------------------------

PAGE_SIZE = 50


def _item(row: dict[str, Any]) -> dict[str, Any]:
    return {"item_id": row["item_id"], "network": row["network"], "kind": row["kind"],
            "text": row["text"], "created_at": _iso(row["created_at"]),
            "url": safe_url(row["url"]), "author": row["handle"] or row["author_id"],
            "is_brand": row["account_id"] is not None, "root_id": row["root_id"],
            "parent_id": row["parent_id"], "reaction": row["reaction"],
            "labellable": row["kind"] in labels.REACTION_KINDS
            and row["account_id"] is None, **({"depth": row["depth"]} if "depth" in row else {})}


@view("items", reads=("q", "kind", "network", "label", "page"))
def items(store: Store, params: Params) -> dict[str, Any]:
    """Search and filter items, newest first, fifty at a time."""
    facets = labels.item_facets(store)
    allowed = {"kind": ITEM_KINDS, "network": labels.known_networks(facets["network"]),
               "label": (*REACTIONS, "none")}
    filters = {"q": (params.get("q") or "").strip()[:200],
               **{k: choice(params, k, known) for k, known in allowed.items()}}
    page = page_number(params)
    rows = labels.find_items(store, text=filters["q"] or None, kind=filters["kind"] or None,
                             network=filters["network"] or None,
                             label=filters["label"] or None, limit=PAGE_SIZE + 1,
                             offset=(page - 1) * PAGE_SIZE)
    return {"filters": filters, "facets": facets,
            "labels": list(REACTIONS), "page": page, "has_next": len(rows) > PAGE_SIZE,
            "items": [_item(r) for r in rows[:PAGE_SIZE]]}


@view("thread", nav=False, reads=("id",))
def thread(store: Store, params: Params) -> dict[str, Any]:
    """One conversation: the root post and every reply under it."""
    item_id = params.get("id") or ""
    try:
        rows = labels.thread(store, item_id)
    except NotFound as exc:  # worded by the page, in its reader's language
        raise RefusedMissing("no_item", id=item_id) from exc
    return {"item_id": item_id, "labels": list(REACTIONS), "items": [_item(r) for r in rows]}


# --- Plan and queue -------------------------------------------------------------------------

def _entry(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _iso(v) for k, v in row.items()}


@view("queue")
def queue(store: Store, params: Params) -> dict[str, Any]:
    """The publication queue: drafts to edit and approve, what is scheduled, what went out."""
    entries = [_entry(r) for r in queue_view.list_queue(store)]
    found = queue_view.counts(store)
    counts = {s: found.get(s, 0) for s in STATUSES}
    return {"statuses": list(STATUSES), "counts": counts, "entries": entries}


# --- Audience, actors, test and learn (their own modules; imported last to register after
# the pages above, since menu order is registration order) -------------------------------

from sounding.report import views_audience, views_learn, views_said  # noqa: E402, F401
