"""Turn operation results into what a person reads in a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape as _escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

__all__ = ["demo_summary", "escape", "import_report", "kpi_table", "stage_progress",
           "status_table"]


def escape(text: str) -> str:
    """Text from outside (a file, a network) shown literally, never as markup."""
    return _escape(text)


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def import_report(report: dict[str, Any]) -> str:
    text = (f"{escape(report['file'])}: {report['rows']:,} rows: {report['new']:,} new, "
            f"{report['updated']:,} updated, {report['unchanged']:,} unchanged, "
            f"{report['rejected']:,} rejected; {report['snapshots_added']:,} counter snapshots "
            "added")
    if report.get("rejects_file"):
        text += f"\nrejected rows written to {escape(report['rejects_file'])}"
    return text


def kpi_table(k: dict[str, Any]) -> Table:
    table = Table(title=f"KPIs {k['period_start'][:10]} .. {k['period_end'][:10]}",
                  show_header=True)
    table.add_column("KPI")
    table.add_column("value", justify="right")
    table.add_column("note", style="dim")
    by_net = ", ".join(f"{n} {c}" for n, c in sorted(k["posts_by_network"].items()))
    rows = [
        ("brand posts", f"{k['posts']:,}", by_net),
        ("impressions", "n/a" if k["impressions"] is None else f"{k['impressions']:,}",
         f"known for {k['posts_with_impressions']} posts"),
        ("reach", "n/a" if k["reach"] is None else f"{k['reach']:,}",
         f"known for {k['posts_with_reach']} posts"),
        ("engagements", f"{k['engagements']:,}", "likes + reposts + replies + quotes"),
        ("engagement rate / follower", _pct(k["engagement_rate_per_follower"], 2),
         "per post, followers at posting time"),
        ("engagement rate / impression", _pct(k["engagement_rate_per_impression"], 2),
         "posts with impressions only"),
        ("reply rate", _num(k["reply_rate"]), "replies per post"),
        ("ignored posts", _pct(k["ignored_share"]),
         f"{k['ignored_posts']} with no reply/quote in 72 h"),
    ]
    labelled = k["reactions_labelled"]
    for label, share in k["reaction_shares"].items():
        rows.append((f"{label} share", _pct(share), f"of {labelled:,} labelled reactions"))
    for account, f in k["followers"].items():
        rows.append((f"followers {account}", f"{f['end']:,}",
                     f"{f['growth']:+,} ({_num(f['growth_pct'], 1)}%) over the period"))
    for row in rows:
        table.add_row(*(escape(str(cell)) for cell in row))
    return table


def status_table(status: dict[str, Any]) -> Table:
    table = Table(title=escape(status["workspace"]))
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in status["tables"].items():
        table.add_row(name, f"{count:,}")
    return table


@contextmanager
def stage_progress(console: Console) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per stage, fed by a ``(stage, done, total)`` callback."""
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def demo_summary(demo: dict[str, Any]) -> str:
    c = demo["counts"]
    lines = [
        f"demo workspace: {escape(demo['workspace'])}",
        f"  {c['accounts']} brand accounts, {c['actors']:,} actors, {c['items']:,} items, "
        f"{c['interactions']:,} interactions, {c['metric_snapshots']:,} counter snapshots",
        f"ground truth:   {escape(demo['truth_file'])}",
        f"CRM customers:  {escape(demo['customers_file'])}",
    ]
    return "\n".join(lines)
