"""Test-and-learn commands: 'learn' prints one verdict per factor, 'plan' queues drafts."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.text import Text

from sounding.analyse.verdict_texts import OBSERVATIONAL
from sounding.cli import app, out, render, run

__all__ = ["learn_cmd", "plan_cmd"]


def _learn_text(result: dict[str, Any]) -> list[Text]:
    """The verdicts; they quote the variants' levels, which are data."""
    lines = [render.literal(f"{result['posts']} posts, {result['labelled']:,} of their "
                            f"{result['reactions']:,} replies, quotes and comments labelled "
                            "(estimates are observational)")]
    lines += [render.literal(f"  {v}") for v in result["verdicts"]]
    lines += [render.literal("  ", ("design:", "yellow"), f" {w}")
              for w in result["design"]["warnings"]]
    lines += [render.literal("  ", ("note:", "yellow"), f" {n}")  # observational: said above
              for n in result["analysis"]["notes"] if n != OBSERVATIONAL]
    return lines


@app.command("learn")
def learn_cmd(
    period: Annotated[str | None, typer.Option(
        help="A..B, dates included (default: all data).")] = None,
    metric: Annotated[str, typer.Option(help="Metric of the verdicts: interest, "
                                        "engagement, animosity or ignored.")] = "interest",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What each factor's levels did: posteriors, P(best), expected loss, one verdict each."""
    result = run("learn", period=period, metric=metric)
    if as_json:
        out.print_json(json.dumps(result))
        return
    for line in _learn_text(result):
        out.print(line)


@app.command("plan")
def plan_cmd(
    posts: Annotated[int, typer.Option("--posts", help="Posts to propose per account.")] = 5,
    account: Annotated[str | None, typer.Option(help="Only this account "
                                                "(default: a plan for each).")] = None,
    objective: Annotated[str, typer.Option(help="engagement or interest.")] = "engagement",
    cap: Annotated[float | None, typer.Option(help="Animosity share cap, above 0 and at most 1 "
                                              "(0.2 = 20%; default: 1.5 x the share "
                                              "expected when the levels are rotated).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Propose the next posts' variants and slots, queued as drafts for Bluesky and Mastodon."""
    result = run("plan", posts=posts, account=account, objective=objective, cap=cap)
    if as_json:
        out.print_json(json.dumps(result))
        return
    queued = sum("queue_id" in d for d in result["drafts"])
    shown = len(result["drafts"]) - queued
    only = f", {shown} proposed but not queued" if shown else ""
    drafts = "draft" if queued == 1 else "drafts"
    out.print(f"{queued} {drafts} queued{only} (animosity cap {100 * result['cap']:.1f}% of "
              f"reactions, objective {result['objective']})")
    for note in result["notes"]:
        out.print(render.literal("  ", ("note:", "yellow"), f" {note}"))
    for d in result["drafts"]:
        flag = "" if d["safe"] else "  guardrail: " + "; ".join(d["notes"])
        out.print(render.literal(f"  #{d.get('queue_id', '-')} {d['account_id']} "
                                 f"{d['scheduled_at'][:16]}  {d['text']}", (flag, "red")))
