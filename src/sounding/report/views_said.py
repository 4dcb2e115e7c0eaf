"""The 'What is said' view: topics and key phrases, rising and falling, volume, alerts."""

from __future__ import annotations

from typing import Any

from sounding.report.views import Params, view
from sounding.report.views_refusals import choice, page_period
from sounding.store import Store
from sounding.workflows import labels
from sounding.workflows.kpis import last_day
from sounding.workflows.said import said_view

__all__ = ["said_page"]


@view("said", reads=("period", "network"))
def said_page(store: Store, params: Params) -> dict[str, Any]:
    """Topics of the period against the previous one, daily mentions (animosity apart),
    recent alerts."""
    period = page_period(params.get("period")) or None
    present = labels.item_facets(store)["network"]
    network = choice(params, "network", labels.known_networks(present)) or None
    data = said_view(store, period, network)
    series = [{**day, "other": day["n"] - day["animosity"]} for day in data["series"]]
    return {**data, "series": series, "period": (params.get("period") or "").strip()[:40],
            "network": network or "",
            "period_last_day": last_day(data["period_end"]),
            "data_dates": None if data["texts"] else _data_dates(store)}


def _data_dates(store: Store) -> dict[str, str] | None:
    """The first and last days of the workspace's data, which a period without any reply,
    quote or mention names so that the reader can choose one within (None: no data)."""
    first, last = labels.data_bounds(store)
    if first is None or last is None:
        return None
    return {"first": first.date().isoformat(), "last": last.date().isoformat()}
