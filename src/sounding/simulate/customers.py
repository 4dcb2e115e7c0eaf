"""The brand's simulated CRM file: customers, their attributes and, for some, a handle."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pyarrow as pa

from sounding.simulate.audience import FIRST_NAMES, LAST_NAMES, Audience, ascii_name
from sounding.simulate.config import AGE_BANDS, PLANS, LaunchConfig

__all__ = ["build_customers"]


def _draw(weights: tuple[float, ...], u: float) -> int:
    cumulative = np.cumsum(weights) / sum(weights)
    return min(int((u > cumulative).sum()), len(weights) - 1)


def _segments(config: LaunchConfig, rng: np.random.Generator) -> np.ndarray:
    n = max(1, round(config.customers * config.scale))
    shares = np.array([s.customer_share for s in config.segments], dtype=np.float64)
    return np.sort(rng.choice(len(shares), size=n, p=shares / shares.sum()))


def _linked(
    config: LaunchConfig, audience: Audience, segment: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each customer, the audience member they are on social media, or -1."""
    linked = np.full(len(segment), -1, dtype=np.int64)
    wants = rng.random(len(segment)) < config.customer_handle_rate
    for s in range(len(config.segments)):
        who = np.flatnonzero(wants & (segment == s))
        pool = rng.permutation(np.flatnonzero(audience.segment == s))
        take = min(len(who), len(pool))
        linked[who[:take]] = pool[:take]
    return linked


def build_customers(
    config: LaunchConfig, audience: Audience, rng: np.random.Generator
) -> tuple[pa.Table, np.ndarray]:
    """The CRM table and each customer's true segment index.

    The table carries no segment: an analysis must infer it from language, country and
    the CRM fields (age band, plan), or from the linked social handles.
    """
    segment = _segments(config, rng)
    linked = _linked(config, audience, segment, rng)
    u = rng.random((len(segment), 6))
    columns: dict[str, list[object]] = {name: [] for name in (
        "customer_id", "email", "country", "lang", "age_band", "plan", "first_order")}
    handles: dict[str, list[str | None]] = {f"{a.network}_handle": [] for a in config.accounts}
    for c, (s, member) in enumerate(zip(segment.tolist(), linked.tolist(), strict=True)):
        seg = config.segments[s]
        if member >= 0:
            first, last = audience.first[member], audience.last[member]
        else:
            first = FIRST_NAMES[seg.lang][int(u[c, 0] * len(FIRST_NAMES[seg.lang]))]
            last = LAST_NAMES[seg.lang][int(u[c, 1] * len(LAST_NAMES[seg.lang]))]
        columns["customer_id"].append(f"C{c + 1:05d}")
        columns["email"].append(ascii_name(f"{first}.{last}{c + 1}@example.com"))
        columns["country"].append(seg.countries[int(u[c, 2] * len(seg.countries))])
        columns["lang"].append(seg.lang)
        columns["age_band"].append(AGE_BANDS[_draw(seg.age_weights, u[c, 3])])
        columns["plan"].append(PLANS[_draw(seg.plan_weights, u[c, 4])])
        columns["first_order"].append((config.start - timedelta(days=int(u[c, 5] * 1500))).date())
        for a, account in enumerate(config.accounts):
            on = member >= 0 and int(audience.network[member]) == a
            handles[f"{account.network}_handle"].append(audience.handle[member] if on else None)
    order = rng.permutation(len(segment))  # a CRM export is not sorted by segment
    table = pa.table({**columns, **handles})
    table = table.take(pa.array(order)).set_column(
        0, "customer_id", pa.array([f"C{c + 1:05d}" for c in range(len(segment))]))
    return table, segment[order]
