"""Correction commands: 'label' an item, 'review' what is worth a look, 'retrain' the model."""

from __future__ import annotations

import getpass
import json
import os
from typing import Annotated, Any

import typer
from rich.text import Text

from sounding.cli import app, err, out, render, run

__all__ = ["label_cmd", "retrain_cmd", "review_cmd"]

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _who(by: str | None) -> str:
    """--by, else the login name ($USER), so every label says who gave it."""
    return by or os.environ.get("USER") or getpass.getuser()


@app.command("label")
def label_cmd(
    item_id: Annotated[str, typer.Argument(
        help="The item's id, as 'sounding review' lists it, e.g. "
             "bluesky:at://did:plc:…/app.bsky.feed.post/3kf…")],
    label: Annotated[str, typer.Argument(help="interest, animosity or neutral.")],
    by: Annotated[str | None, typer.Option("--by", help="Who labels (default: $USER).")] = None,
    as_json: Json = False,
) -> None:
    """Give a reaction (another's reply, quote, comment or mention) a person's label.

    The label overrides the model everywhere."""
    result = run("label", item_id=item_id, label=label, username=_who(by))
    if as_json:
        out.print_json(json.dumps(result))
        return
    model = result["model_label"] or "no model label"
    out.print(render.literal(f"{result['item_id']}: {result['label']} "
                             f"(by {result['username']}; the model said {model})"))


def _review_lines(items: list[dict[str, Any]]) -> list[Text]:
    lines = []
    for row in items:
        p = " ".join(f"{r} {row[f'p_{r}']:.2f}" for r in ("interest", "animosity", "neutral"))
        lines.append(render.literal((row["item_id"], "bold"),
                                    f"  model: {row['model_label']} ({p})  seen: "
                                    f"{row['engagements']:,} engagements, "
                                    f"{row['followers']:,} followers"))
        lines.append(render.literal(f"    {render.one_line(row['text'])}"))
    return lines


@app.command("review")
def review_cmd(
    n: Annotated[int, typer.Option("--n", help="How many items to list.")] = 50,
    as_json: Json = False,
) -> None:
    """The unlabelled items most worth a human look: doubtful model labels, much seen."""
    result = run("review", n=n)
    if as_json:
        out.print_json(json.dumps(result, default=str))
        return
    if not result["items"]:
        out.print("nothing to review: no unlabelled item has model probabilities")
        return
    for line in _review_lines(result["items"]):
        out.print(line)
    out.print(f"{result['labelled']:,} items labelled so far; label one with "
              "'sounding label ITEM_ID interest|animosity|neutral'")


def _scores(name: str, scores: dict[str, Any]) -> str:
    return (f"  {name}: accuracy {100 * scores['accuracy']:.1f}%, "
            f"macro-F1 {100 * scores['macro_f1']:.1f}%")


@app.command("retrain")
def retrain_cmd(
    holdout: Annotated[float, typer.Option(help="Share of the labels held out to measure "
                                           "the gain.")] = 0.25,
    seed: Annotated[int, typer.Option(help="Seed of the held-out draw.")] = 0,
    as_json: Json = False,
) -> None:
    """Adapt the reaction model to this workspace's labels; keep it if it does no worse."""
    with err.status("adapting the reaction model to the workspace's labels"):
        result = run("retrain", holdout=holdout, seed=seed)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(f"{result['corrections']} labelled items: {result['trained_on']} to learn from, "
              f"{result['heldout']} held out")
    out.print(_scores("shipped", result["shipped_heldout"]))
    out.print(_scores("adapted", result["adapted_heldout"]))
    if result["saved"]:
        out.print(render.literal(f"saved to {result['model_dir']}; reaction labels made "
                                 "from now on use it"))
    else:
        out.print(render.literal(("not saved:", "yellow"),
                                 " the adapted model did worse on the held-out labels"))
    for warning in result.get("warnings", []):
        err.print(render.literal((f"warning: {warning}", "yellow")))
