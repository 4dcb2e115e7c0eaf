"""Collect from Bluesky and Mastodon: own posts, threads, reactions, notifications, listening.

Every source walks pages from its stored cursor and writes each page before asking for
the next, so a run cut short resumes where it stopped; writes are idempotent by key, so
reading a page twice changes nothing. Each account is collected on its own: one that
cannot be opened or reached is reported with its hint, and the others are still collected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sounding.connectors.base import Connector, Page
from sounding.connectors.connect import connect
from sounding.connectors.credentials import redact
from sounding.connectors.records import Records
from sounding.errors import InputError, NetworkRefused, NotFound, SoundingError
from sounding.store import Store, WriteStats
from sounding.store.connector_store import (
    account_settings,
    get_cursor,
    listening_hits_add,
    listening_list,
    recent_brand_items,
    record_text_limit,
    set_cursor,
)

__all__ = ["MAX_WINDOW_DAYS", "Progress", "collect"]

ConnectFn = Callable[..., Connector]
_MAX_PAGES = 10_000
MAX_WINDOW_DAYS = 3650  # ten years: far more than any network keeps reactions fresh for


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a collection stands, for a progress bar."""

    account: str
    stage: str
    done: int
    total: int | None = None


ProgressFn = Callable[[Progress], None]


@dataclass
class _Summary:
    new: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    hits: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # item → why it was not read

    def add(self, stats: WriteStats) -> None:
        for table, counts in stats.tables.items():
            # the edges the new items imply are new interactions as much as stored rows
            name = "interactions" if table == "implied_edges" else table
            self.new[name] = self.new.get(name, 0) + counts.new

    def as_dict(self) -> dict[str, Any]:
        out = {"new": {k: v for k, v in self.new.items() if v}, "pages": self.pages,
               "listening_hits": self.hits}
        return out | ({"skipped": dict(self.skipped)} if self.skipped else {})


@dataclass
class _Run:
    store: Store
    connector: Connector
    account: str
    progress: ProgressFn
    summary: _Summary = field(default_factory=_Summary)

    def write(self, records: Records, stage: str) -> None:
        if len(records):
            _, stats = self.store.write(records.batch(), kind="collect",
                                        source=f"{self.account}:{stage}", count_implied=True)
            self.summary.add(stats)

    def walk(self, stage: str, fetch: Callable[[str | None], Page],
             on_page: Callable[[Records], None] | None = None) -> None:
        """Follow one source's pages from its cursor, saving the cursor after each page."""
        source = f"{self.account}:{stage}"
        state, seen = get_cursor(self.store, source), 0
        for _ in range(_MAX_PAGES):
            page = fetch(state)
            self.write(page.records, stage)
            if on_page:
                on_page(page.records)
            if page.state is not None:
                set_cursor(self.store, source, page.state)
            state, seen = page.state, seen + page.fetched
            self.summary.pages += 1
            # the total is known once the last page is in (none at all when nothing is new)
            self.progress(Progress(self.account, stage, seen, seen if page.done else None))
            if page.done:
                return


def _engagement(run: _Run, since: datetime, now: datetime) -> None:
    """Refresh each recent brand item; brand replies found on the way are refreshed too."""
    done: set[str] = set()
    while todo := [i for i in recent_brand_items(run.store, run.account, since) if i not in done]:
        for item_id in todo:
            native = item_id.split(":", 1)[1]
            try:
                run.write(run.connector.engagement(native, now), "engagement")
            except NetworkRefused as exc:  # a post deleted since: the others still count
                run.summary.skipped[item_id] = str(exc)
            done.add(item_id)
            run.progress(Progress(run.account, "engagement", len(done), len(done) + len(todo)
                                  - todo.index(item_id) - 1))


def _listening(run: _Run) -> None:
    for query in listening_list(run.store, run.account):
        query_id, text = int(query["query_id"]), str(query["query"])

        def hits(records: Records, query_id: int = query_id) -> None:
            run.summary.hits += listening_hits_add(run.store, query_id, list(records.items))

        def search(state: str | None, text: str = text) -> Page:
            return run.connector.search(text, state)

        run.walk(f"listen:{query_id}", search, hits)


def _collect_one(run: _Run, window: timedelta, now: datetime) -> None:
    run.write(run.connector.profile(now), "profile")
    run.progress(Progress(run.account, "profile", 1, 1))
    # the instance's own limit, so a text is held to it when queued, not only when sent
    record_text_limit(run.store, run.account, run.connector.text_limit())
    run.walk("posts", run.connector.posts)
    run.walk("notifications", run.connector.notifications)
    _engagement(run, now - window, now)
    _listening(run)


def _failure(exc: Exception) -> dict[str, str]:
    """What went wrong with one account, and what to do about it."""
    if isinstance(exc, SoundingError):
        return {"error": redact(str(exc)), "hint": exc.hint}
    return {"error": redact(f"{type(exc).__name__}: {exc}"), "hint": ""}


def collect(store: Store, account: str | None = None, *, window_days: int = 30,
            on_progress: ProgressFn | None = None, on_wait: Callable[[str], None] | None = None,
            connect_fn: ConnectFn = connect, now: datetime | None = None) -> dict[str, Any]:
    """Collect every Bluesky and Mastodon account (or one); returns what was new for each
    account (``accounts``) and why each account that failed did (``failed``).

    Reactions are refreshed for the brand's posts of the last ``window_days`` days
    (1 to :data:`MAX_WINDOW_DAYS`), checked before any network is asked.
    """
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise InputError(f"--window-days {window_days}: expected a number of days from 1 "
                         f"to {MAX_WINDOW_DAYS}",
                         hint="the default, 30, refreshes the reactions to a month of posts")
    accounts = account_settings(store, account)
    if not accounts:
        raise NotFound(f"no Bluesky or Mastodon account {account or ''}".strip(),
                       hint="add one with 'sounding account add bluesky --handle H'")
    now = now or datetime.now(UTC)
    report: dict[str, Any] = {}
    failed: dict[str, dict[str, str]] = {}
    for settings in accounts:
        account_id = settings["account_id"]
        run = None
        try:
            connector = connect_fn(settings, on_wait=on_wait)
            run = _Run(store, connector, account_id, on_progress or (lambda p: None))
            _collect_one(run, timedelta(days=window_days), now)
        except Exception as exc:  # one account's trouble must not stop the others
            failed[account_id] = _failure(exc)
        if run is not None:  # what was written before a failure is kept, and counted
            report[account_id] = run.summary.as_dict()
    return {"accounts": report, "failed": failed}
