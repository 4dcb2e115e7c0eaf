"""Commands that talk to the networks: collect, listen, queue and publish."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from sounding.cli import app, err, out, render, run, say_error, workspace
from sounding.cli.execute import find_server
from sounding.workflows.queue import parse_images

listen_app = typer.Typer(help="Listening queries: what to search for on the networks.",
                         no_args_is_help=True)
queue_app = typer.Typer(help="The publishing queue.", no_args_is_help=True)
app.add_typer(listen_app, name="listen")
app.add_typer(queue_app, name="queue")


def _local() -> bool:
    """Callbacks (progress, waits) only work when the workspace is opened here."""
    return find_server(workspace()) is None


def _new_counts(summary: dict[str, Any]) -> str:
    new = summary["new"]
    parts = [f"{new.get(t, 0):,} {t.replace('_', ' ')}" for t in
             ("items", "interactions", "actors", "metric_snapshots", "account_snapshots")]
    return ", ".join(parts) + f"; {summary['listening_hits']:,} listening hits"


@app.command("collect")
def collect_cmd(
    account: Annotated[str | None, typer.Argument(help="One account (default: all).")] = None,
    window_days: Annotated[int, typer.Option(
        help="Refresh reactions to the brand's posts of the last N days (1 to 3650).")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Collect posts, threads, reactions, mentions, followers, listening; exit 1 if one fails."""
    args: dict[str, Any] = {"account": account, "window_days": window_days}
    if _local():
        with render.stage_progress(err) as update:
            args["on_progress"] = lambda p: update(p.stage, p.done, p.total)
            args["on_wait"] = lambda msg: err.print(render.literal((msg, "yellow")))
            result = run("collect", **args)
    else:
        result = run("collect", **args)
    failed = result.get("failed") or {}
    if as_json:
        out.print_json(json.dumps(result))
    else:
        for account_id, summary in result["accounts"].items():
            if account_id in failed:  # said as failed below; only what it kept is said here
                if summary["new"] or summary["listening_hits"]:
                    out.print(render.literal(f"{account_id}: failed, after storing: new "
                                             f"{_new_counts(summary)}"))
                continue
            out.print(render.literal(f"{account_id}: new {_new_counts(summary)}"))
            for item_id, why in (summary.get("skipped") or {}).items():  # deleted since
                out.print(render.literal((f"  skipped {item_id}: {why}", "yellow")))
        for account_id, failure in failed.items():
            say_error(f"{account_id} not collected: {failure['error']}", failure["hint"])
    if failed:
        raise typer.Exit(1)


@app.command("publish")
def publish_cmd(
    due: Annotated[bool, typer.Option("--due", help="Publish every entry whose time has come "
                                      "(run it from cron).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Publish the queue's due posts (with --due); exits 1 if one failed or is left pending."""
    if not due:
        err.print("nothing to do: add --due to publish what is due")
        raise typer.Exit(2)
    result = run("publish_due")
    if as_json:
        out.print_json(json.dumps(result))
    else:
        for entry in result["entries"]:
            out.print(render.literal(f"#{entry['queue_id']} {entry['outcome']}: "
                                     f"{entry['detail']}"))
        out.print(f"{result['published']} published, {result['failed']} failed, "
                  f"{result['pending']} pending, of {result['due']} due")
    if result["failed"] or result["pending"]:
        raise typer.Exit(1)


@queue_app.command("add")
def queue_add_cmd(
    account: Annotated[str, typer.Option(help="The account to post from.")],
    text: Annotated[str, typer.Option(help="The post's text.")],
    variant: Annotated[str | None, typer.Option(
        help="What the post tries: factor=level pairs, e.g. format=photo,topic=product "
        "(trimmed and lower-cased, as an import's variant column).")] = None,
    at: Annotated[str | None, typer.Option(
        help="When to publish, ISO time to come (UTC unless an offset is given) "
        "(default: now).")] = None,
    image: Annotated[list[str] | None, typer.Option(
        help="An image and its alt text, 'PATH|ALT TEXT' (repeatable).")] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Keep it as a draft.")] = False,
) -> None:
    """Put a post in the publishing queue."""
    # Read here: a server would find a relative PATH in its own folder.
    images = [f"{i['path']}|{i['alt']}" for i in parse_images(image)]
    result = run("queue_add", account=account, text=text, variant=variant, at=at,
                 images=images, status="draft" if draft else "scheduled")
    when = result["scheduled_at"] or "no time yet"
    out.print(render.literal(f"queued #{result['queue_id']} for {result['account_id']} "
                             f"({result['status']}, {when})"))


@queue_app.command("list")
def queue_list_cmd(
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The publishing queue."""
    rows = run("queue_list", status=status)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        err.print(render.literal((f"no queued post{f' with status {status}' if status else ''}"
                                  "; add one with `sounding queue add` or `sounding plan`",
                                  "dim")))
    width = max((len(str(row["queue_id"])) for row in rows), default=1) + 1
    for row in rows:
        variant = ",".join(f"{k}={v}" for k, v in (row["variant"] or {}).items())
        out.print(render.literal(f"{'#' + str(row['queue_id']):<{width}} {row['status']:<9} "
                                 f"{row['scheduled_at'] or '-'} {row['account_id']} "
                                 f"[{variant}] {row['text'][:60]}"))
        if row.get("error"):
            out.print(render.literal(f"    error: {row['error']}"))


@queue_app.command("cancel")
def queue_cancel_cmd(
    queue_ids: Annotated[list[int], typer.Argument(
        metavar="ID", help="The entries' numbers, as 'queue list' shows them.")],
) -> None:
    """Cancel queued posts not sent yet: kept as 'cancelled', never published (all or none)."""
    result = run("queue_cancel", queue_ids=queue_ids)
    if result["cancelled"]:
        out.print(f"cancelled {', '.join(f'#{i}' for i in result['cancelled'])}")
    if result["already_cancelled"]:
        err.print(render.literal((f"already cancelled, left as it was: "
                                  f"{', '.join(f'#{i}' for i in result['already_cancelled'])}",
                                  "dim")))


@listen_app.command("add")
def listen_add_cmd(
    query: Annotated[str, typer.Argument(help="Words to search, or a #hashtag.")],
    account: Annotated[str | None, typer.Option(
        help="The account that listens (default: the only one).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Listen for a query: a Bluesky search, a Mastodon hashtag timeline or search."""
    result = run("listen_add", query=query, account=account)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(render.literal(f"listening #{result['query_id']} on {result['account_id']}: "
                             f"{result['query']}"))


@listen_app.command("list")
def listen_list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The listening queries and how many items each found."""
    rows = run("listen_list")
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        out.print("no listening queries (sounding listen add WORDS)")
    for row in rows:
        out.print(render.literal(f"#{row['query_id']} {row['account_id']} {row['query']}: "
                                 f"{row['hits']:,} items"))


@listen_app.command("remove")
def listen_remove_cmd(query_id: Annotated[int, typer.Argument(help="The query's number.")]
                      ) -> None:
    """Stop listening for a query."""
    run("listen_remove", query_id=query_id)
    out.print(f"stopped listening #{query_id}")
