"""Turn operation results into what a person reads in a terminal."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from sounding.workflows.kpis import last_day

__all__ = ["demo_summary", "import_report", "kpi_table", "literal", "one_line",
           "stage_progress", "status_table"]


def literal(*parts: str | tuple[str, str]) -> Text:
    """What the CLI prints, built so that nothing in it is ever read as console markup.

    Text from a network, a file or an error message is hostile: '[link=...]' would plant a
    hyperlink, 'evil[/x]' would crash. Rich never parses a ``Text``, so data goes in as
    plain strings and only sounding's own labels are styled, as ``(label, style)`` pairs.
    (``rich.markup.escape`` is not enough: it changes text with backslashes.) Control
    characters are shown, not sent: an escape sequence in a post would repaint the screen
    or plant a hyperlink, and a bidi override would turn the line around.
    """
    return Text.assemble(*(_visible(p) if isinstance(p, str) else (_visible(p[0]), p[1])
                           for p in parts))


# C0 controls but tab and line feed, DEL, C1 controls, bidi embeddings and isolates
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(text: str) -> str:
    """``text`` with its control characters written out (``\\x1b``, ``\\u202e``)."""
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], text)


def one_line(text: str) -> str:
    """Text from a network on one line: its line breaks would forge lines of output."""
    return " ".join(text.split())


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def import_report(report: dict[str, Any]) -> str:
    """The import's counts, plain text: print it through ``literal``."""
    text = (f"{report['file']}: {report['rows']:,} rows: {report['new']:,} new, "
            f"{report['updated']:,} updated, {report['unchanged']:,} unchanged, "
            f"{report['rejected']:,} rejected; {report['snapshots_added']:,} counter snapshots "
            "added")
    if report.get("duplicates"):
        text += (f"\n{report['duplicates']:,} row(s) repeated an earlier row's id: the later "
                 "row was kept")
    if report.get("snapshots_kept_stored"):
        text += (f"\n{report['snapshots_kept_stored']:,} counter reading(s) differ from those "
                 "already stored for the same moment: the stored ones were kept (history is "
                 "never overwritten); give the corrected file a later date to add them "
                 + ("(--as-of)" if "formats" in report else "(an observed_at column)"))
    if report.get("rejects_file"):
        text += f"\nrejected rows written to {report['rejects_file']}"
    return text


def _count(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def _engagement_note(k: dict[str, Any]) -> str:
    """What the engagements rest on: counters, or what the workspace stores of them."""
    if k["engagements"] is None:
        return "no counter and no stored like, repost, reply or quote"
    if k["posts_from_stored"]:  # a counter missing, or below what is stored
        return f"counters; stored for {k['posts_from_stored']} of {k['posts']} posts"
    return "likes + reposts + replies + quotes"


def _reply_note(k: dict[str, Any]) -> str:
    if k["reply_rate"] is None and k["posts"]:
        return "no reply counter and no stored reply"
    if k["replies_from_stored"]:
        return f"per post; stored for {k['replies_from_stored']} of {k['posts']} posts"
    return "replies per post"


def _ignored_note(k: dict[str, Any]) -> str:
    note = f"{k['ignored_posts']} with no reply/quote in 72 h"
    if k["posts_too_recent"]:  # their 72 hours are not over: out of the share
        note += f"; {k['posts_too_recent']} too recent to tell"
    return note


def kpi_table(k: dict[str, Any]) -> Table:
    start = k["period_start"][:10]  # 1970-01-01: all data, and none is dated
    span = f"up to {last_day(k['period_end'])}" if start == "1970-01-01" else (
        f"{start} .. {last_day(k['period_end'])}")
    table = Table(title=literal(f"KPIs {span}"), show_header=True)
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
        ("engagements", _count(k["engagements"]), _engagement_note(k)),
        ("engagement rate / follower", _pct(k["engagement_rate_per_follower"], 2),
         "per post, followers at posting time"),
        ("engagement rate / impression", _pct(k["engagement_rate_per_impression"], 2),
         "posts with impressions only"),
        ("reply rate", _num(k["reply_rate"]), _reply_note(k)),
        ("ignored posts", _pct(k["ignored_share"]), _ignored_note(k)),
    ]
    labelled = k["reactions_labelled"]
    for label, share in k["reaction_shares"].items():
        rows.append((f"{label} share", _pct(share), f"of {labelled:,} labelled reactions"))
    for account, f in k["followers"].items():
        rows.append((f"followers {account}", f"{f['end']:,}", _growth_note(f)))
    for row in rows:
        table.add_row(*(literal(str(cell)) for cell in row))
    return table


def status_table(status: dict[str, Any]) -> Table:
    table = Table(title=literal(status["workspace"]))
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in status["tables"].items():
        table.add_row(literal(name), f"{count:,}")
    return table


@contextmanager
def stage_progress(console: Console
                   ) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar per stage, fed by a ``(stage, done, total)`` callback (total None while
    unknown); a stage's name is shown literally (markup=False), whatever it holds."""
    columns = (TextColumn("{task.description:<10}", markup=False), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def _demo_reaction(enrich: dict[str, Any]) -> list[str]:
    truth = enrich.get("truth") or {}
    if not truth.get("items"):
        return []
    recall = ", ".join(f"{k} {100 * v:.0f}%" for k, v in truth["recall"].items())
    return [f"reaction model: {truth['accuracy']:.1%} of {truth['items']:,} replies, quotes "
            f"and mentions match the true reaction (recall: {recall})"]


def _demo_audience(audience: dict[str, Any]) -> list[str]:
    lines = ["segments (representation index vs customers, 95% interval):"]
    for seg in audience.get("top_segments", []):
        rep = seg["representation"]
        lines.append(f"  {seg['label']:<28} index {rep['index']:6.0f} "
                     f"[{rep['low']:.0f}, {rep['high']:.0f}]  {seg['size']:,} engaged actors")
    lines.append("communities of actors (largest):")
    for com in audience.get("communities", []):
        langs = ", ".join(f"{k} {100 * v:.0f}%" for k, v in list(com["languages"].items())[:2])
        lines.append(f"  #{com['community']}: {com['size']} actors ({langs}), e.g. "
                     f"{', '.join(com['top_actors'][:3])}")
    lines.append(f"actor map for Gephi: {audience.get('gexf')}")
    return lines


def _variant_text(variant: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(variant.items()))


def _demo_learn(stages: dict[str, Any]) -> list[str]:
    lines = ["what works (test and learn):"]
    lines += [f"  {v}" for v in stages["learn"]["verdicts"]]
    plan = stages["plan"]
    mix = Counter(_variant_text(d["variant"]) for d in plan["drafts"])
    lines.append(f"plan for the next two weeks: {len(plan['drafts'])} drafts queued, drawn by "
                 f"Thompson sampling on the {plan['objective']} rate (animosity cap "
                 f"{100 * plan['cap']:.1f}%):")
    lines += [f"  {n} x {variant}" for variant, n in mix.most_common(3)]
    if len(mix) > 3:
        lines.append(f"  and {len(mix) - 3} other variants")
    if plan.get("true_best"):
        lines.append(f"  the simulated world's best levels on {plan['objective']}: "
                     f"{_variant_text(plan['true_best'])}")
    return lines


def _growth_note(f: dict[str, Any]) -> str:
    """Growth over the period; a percentage only from a base where it means something
    (kpis.PCT_BASE), else the note says why there is none."""
    note = f"{f['growth']:+,} over the period, from {f['start']:,}"
    if f["growth_pct"] is None:
        return f"{note}, too few for a %"
    return f"{note} ({_num(f['growth_pct'], 1)}%)"


def demo_summary(demo: dict[str, Any]) -> str:
    """The demo's summary, plain text: print it through ``literal``."""
    c, stages = demo["counts"], demo["stages"]
    lines = [
        f"demo workspace: {demo['workspace']}",
        f"  {c['accounts']} brand accounts, {c['actors']:,} actors, {c['items']:,} items, "
        f"{c['interactions']:,} interactions, {c['metric_snapshots']:,} counter snapshots",
        f"ground truth:   {demo['truth_file']}",
        f"CRM customers:  {demo['customers_file']}",
        *_demo_reaction(stages.get("enrich", {})),
    ]
    if "audience" in stages:
        lines += _demo_audience(stages["audience"])
    if "learn" in stages:
        lines += _demo_learn(stages)
    return "\n".join(lines)
