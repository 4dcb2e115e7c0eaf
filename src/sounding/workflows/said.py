"""What is said: the period's key phrases and topics, how they moved, and the volume series."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from sounding.analyse.topics import TopicResult, Trend, find_topics, topic_trends
from sounding.enrich.language import UNDETERMINED, parse_languages
from sounding.errors import ConfigError, InputError
from sounding.store import Store
from sounding.store.said_store import (
    alert_history,
    daily_series,
    mention_span,
    said_texts,
)
from sounding.workflows.kpis import open_sides, parse_period
from sounding.workflows.labels import item_facets, known_networks

__all__ = ["DEFAULT_DAYS", "check_network", "parse_segment", "said_periods", "said_report",
           "said_view", "topics_op"]

DEFAULT_DAYS = 7
_EXAMPLES = 3
MAX_TOPICS = 50  # topic clusters asked for at most


def parse_segment(segment: str | None) -> str | None:
    """``lang=fr`` → ``"fr"``: the segments 'what is said' knows are the author's language."""
    if not segment:
        return None
    name, sep, value = segment.partition("=")
    if not sep or name.strip() != "lang" or not value.strip():
        raise InputError(f"--segment '{segment}': expected lang=CODE, such as lang=fr",
                         hint="the segments are the authors' languages, ISO 639-1 codes")
    lang = value.strip().lower()
    if not lang.isalpha():  # "fr,en" would pass the list's check and match no text
        raise InputError(f"--segment '{segment}': one language, such as lang=fr",
                         hint="the segment is one language of the authors: run the command "
                              "once per language")
    if lang != UNDETERMINED:  # a typo would read as "nothing was said"
        try:
            parse_languages(lang)
        except ConfigError as exc:
            raise InputError(f"--segment '{segment}': {exc}",
                             hint=f"use an ISO 639-1 code such as fr or en, or "
                                  f"{UNDETERMINED} for the texts whose language is unsure"
                             ) from None
    return lang


def check_network(store: Store, network: str | None) -> str | None:
    """The network asked for, refused unless sounding knows it or the workspace holds it
    (a typo would otherwise read as "nothing was said")."""
    if not network:
        return None
    known = known_networks(item_facets(store)["network"])
    if network not in known:
        raise InputError(f"unknown network '{network}'", hint=f"use one of {', '.join(known)}")
    return network


def said_periods(store: Store, period: str | None) -> tuple[datetime, datetime, datetime]:
    """(previous start, start, end): the period and the one of equal length before it.

    Periods are whole days (UTC), as they are printed, so a period printed and given back
    counts the same texts. Without ``period``: the last :data:`DEFAULT_DAYS` days up to
    the newest mention's, included; an open end is the newest mention's day (or the
    start's, when that comes after it); an open start (``..B``) is no limit: the oldest
    mention's day."""
    start, end = parse_period(period)
    open_start, open_end = open_sides(period)
    oldest, newest = mention_span(store) if open_start or open_end else (None, None)
    if open_end:
        end = max(_next_midnight(newest or datetime.now(UTC)), start + timedelta(days=1))
    if open_start:  # no period at all: the last days; a side left empty: no limit
        start = (_next_midnight(oldest) - timedelta(days=1)
                 if period and oldest is not None and oldest < end
                 else end - timedelta(days=DEFAULT_DAYS))
    return start - (end - start), start, end


def _next_midnight(moment: datetime) -> datetime:
    """The start (UTC) of the day after ``moment``'s: the exclusive end of its day."""
    day = moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
    return datetime.combine(day, time(), UTC) + timedelta(days=1)


def _breakdown(values: list[Any], mask: np.ndarray) -> dict[str, int]:
    counts = Counter(str(v) if v is not None else "unknown" for v, m in
                     zip(values, mask, strict=True) if m)
    return dict(counts.most_common())


def _topic_dict(result: TopicResult, t: int, trend: Trend, rows: pa.Table,
                current: np.ndarray) -> dict[str, Any]:
    topic = result.topics[t]
    members = (result.assignments == t) & current
    pick = rows.take(pa.array(topic.examples, pa.int64())).select(
        ["item_id", "network", "created_at", "text"])
    return {
        "topic_id": t, "label": topic.label, "size": int(members.sum()),
        "previous": trend.previous, "share": round(trend.share_now, 4),
        "terms": [{"term": term, "weight": w} for term, w in topic.terms],
        "trend": {"direction": trend.direction, "ratio": trend.ratio,
                  "ratio_low": trend.ratio_low, "ratio_high": trend.ratio_high,
                  "p_rising": trend.p_rising, "share_before": round(trend.share_before, 4)},
        "networks": _breakdown(rows["network"].to_pylist(), members),
        "langs": _breakdown(rows["lang"].to_pylist(), members),
        "reactions": _breakdown(rows["reaction"].to_pylist(), members),
        "examples": [{**e, "created_at": e["created_at"].isoformat()} for e in pick.to_pylist()],
    }


def said_report(store: Store, period: str | None = None, network: str | None = None,
                segment: str | None = None, n_topics: int = 8, seed: int = 0
                ) -> dict[str, Any]:
    """Key phrases and topics of the period, each with its trend against the period before.

    Phrases, sizes and examples count the period's texts only; the period before is read
    for the trends alone. A topic with no text in the period is not listed (it may still
    be named among the falling ones)."""
    if not 1 <= n_topics <= MAX_TOPICS:
        raise InputError(f"--topics must be from 1 to {MAX_TOPICS}, not {n_topics}",
                         hint="the number of topics to find, such as 8 (the default)")
    lang = parse_segment(segment)
    before, start, end = said_periods(store, period)
    rows = said_texts(store, before, end, network, lang)
    times = rows["created_at"].to_pylist()
    current = np.array([t >= start for t in times], dtype=bool)
    result = find_topics(rows["text"].to_pylist(), n_topics, seed=seed, examples=_EXAMPLES,
                         focus=current)
    n_now, n_before = int(current.sum()), int((~current).sum())
    trends = topic_trends(result.sizes(current).tolist(), result.sizes(~current).tolist(),
                          n_now, n_before)
    topics = [_topic_dict(result, t, trends[t], rows, current) for t in range(len(trends))
              if trends[t].current]
    topics.sort(key=lambda d: -d["size"])
    return {
        "period_start": start.isoformat(), "period_end": end.isoformat(),
        "previous_start": before.isoformat(), "network": network, "segment": segment,
        "texts": n_now, "texts_before": n_before,
        # texts with no topic word (a bare mention, an emoji) belong to no topic
        "texts_without_topic": n_now - sum(d["size"] for d in topics),
        "key_phrases": [{"phrase": p, "texts": n} for p, n in result.key_phrases],
        "topics": topics,
        "rising": [d["label"] for d in topics if d["trend"]["direction"] == "rising"],
        "falling": [result.topics[t.topic_id].label for t in
                    sorted(trends, key=lambda t: (-t.current, -t.previous))
                    if t.direction == "falling"],
        "method": "TF-IDF words and pairs, LSA, mini-batch k-means; labels by c-TF-IDF; "
                  "trends: Beta posteriors of each period's share (rising when "
                  "P(share now > share before) ≥ 0.95, falling when it is ≤ 0.05)",
    }


def topics_op(store: Store, period: str | None = None, network: str | None = None,
              segment: str | None = None, topics: int = 8) -> dict[str, Any]:
    """Operation ``topics``: the report of :func:`said_report` as JSON (the network checked
    here; the page has checked it against the same facets)."""
    return said_report(store, period, check_network(store, network), segment, topics)


def said_view(store: Store, period: str | None = None, network: str | None = None,
              segment: str | None = None, topics: int = 8) -> dict[str, Any]:
    """The data dict of a 'What is said' page: topics, daily volume and animosity, alerts."""
    report = said_report(store, period, network, segment, topics)
    before, _, end = said_periods(store, period)
    series = daily_series(store, before, end, network, parse_segment(segment)).to_pylist()
    for day in series:
        day["day"] = day["day"].isoformat()
        day["animosity_share"] = (round(day["animosity"] / day["labelled"], 4)
                                  if day["labelled"] else None)
    alerts = [{**a, **{k: a[k].isoformat() for k in ("window_start", "window_end", "last_seen")}}
              for a in alert_history(store, 10)]
    return {**report, "series": series, "alerts": alerts}
