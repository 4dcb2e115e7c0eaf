"""The commands: each parses its options, calls one operation and prints the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sounding.cli import (
    app,
    db_named,
    err,
    import_app,
    out,
    render,
    require_workspace,
    run,
    workspace,
)
from sounding.errors import InputError
from sounding.imports import parse_mapping
from sounding.workflows.kpis import parse_period


@import_app.command("items")
def import_items_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL file of items.")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl "
                                            "(default: from the extension).")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="OURS=THEIRS column mapping, repeatable (e.g. text=message).")] = None,
    encoding: Annotated[str, typer.Option(
        help="Text encoding of the file (default: UTF-8, or UTF-16/32 when the file starts "
             "with its byte-order mark; cp1252 for a CSV Excel saved on Windows).",
        show_default=False)] = "utf-8",
    keep_good: Annotated[bool, typer.Option(
        "--keep-good", help="Store the good rows and write the bad ones to a rejects file.")
    ] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="Where to write rejected rows (default: FILE.rejects.jsonl).")] = None,
    max_line_bytes: Annotated[int | None, typer.Option(
        help="Longest line accepted, in bytes (default: 8 MiB; at most 1 GiB).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import items (posts, replies, comments, mentions) from a CSV or JSONL file."""
    mapping = parse_mapping(map_ or [])
    with err.status(render.literal(f"importing {file}")):
        report = run("import_items", path=str(file.resolve()), fmt=fmt, mapping=mapping,
                     encoding=encoding, keep_good=keep_good,
                     rejects_path=str(rejects.resolve()) if rejects else None,
                     max_line_bytes=max_line_bytes)
    if as_json:
        out.print_json(json.dumps(report))
    else:
        out.print(render.literal(render.import_report(report)))


@app.command("kpis")
def kpis_cmd(
    period: Annotated[str | None, typer.Option(help="A..B, dates included, "
                                               "e.g. 2026-09-01..2026-09-30 (default: all "
                                               "data).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Headline KPIs: posts, reach, engagement rates, reply rate, reactions, followers."""
    parse_period(period)  # a bad period is said before the workspace is looked for
    result = run("kpis", period=period)
    if as_json:
        out.print_json(json.dumps(result))
    else:
        out.print(render.kpi_table(result))
        if result["hint"]:
            err.print(render.literal((f"hint: no brand post in this period; {result['hint']}",
                                      "dim")))


@app.command("status")
def status_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
               ) -> None:
    """What the workspace holds, table by table."""
    result = run("status")
    if as_json:
        out.print_json(json.dumps(result))
    else:
        out.print(render.status_table(result))


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.")] = 8000,
) -> None:
    """Hold the workspace and serve it; other commands on it go through this server."""
    from sounding.config import resolve_seconds
    from sounding.web.server import already_served, serve
    from sounding.workflows.schedule import JOBS

    db = require_workspace(workspace())  # a mistyped --db would serve an empty workspace
    for job in JOBS:  # refused now, not once the server says it serves
        resolve_seconds(job.setting)
    served = already_served(db)
    if served is not None:
        raise served
    serve(db, host=host, port=port, wait=resolve_seconds("lock_wait"), on_listening=lambda url:
          err.print(render.literal(f"serving {db} on {url} (Ctrl-C to stop)")),
          on_wait=lambda msg: err.print(render.literal((msg, "yellow"))))


@app.command("demo")
def demo_cmd(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo workspace, its "
                                          "ground truth and CRM file.")] = Path("sounding-demo"),
    seed: Annotated[int, typer.Option(help="Seed of the simulated launch (0 or more).")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    serve: Annotated[bool, typer.Option("--serve", help="Then open the dashboard on it.")
                     ] = False,
    port: Annotated[int, typer.Option(help="Port of the dashboard with --serve "
                                      "(0 to 65535; 0: any free one).")] = 8000,
) -> None:
    """Simulate a brand's first 12 weeks on Bluesky and Mastodon and run every stage on it."""
    from sounding.report.documents import write_demo_reports
    from sounding.store import Store
    from sounding.workflows.demo import run_demo

    if db_named():  # a workspace named and silently not used would mislead
        raise InputError(f"the demo does not use --db: it makes its own workspace, "
                         f"{out_dir / 'sounding.duckdb'}",
                         hint="run `sounding demo --out FOLDER`, then `sounding --db "
                              "FOLDER/sounding.duckdb …`")
    if serve:  # a port that cannot be served is said now, not after the whole demo
        from sounding.web.server import check_address

        check_address("127.0.0.1", port)
    with render.stage_progress(err) as progress:
        result = run_demo(out_dir, seed=seed, progress=progress)
    with err.status("writing the report and the strategy draft"), \
            Store.open(result.workspace) as store:
        written = write_demo_reports(store, result.directory)
    if as_json:
        out.print_json(json.dumps({**result.as_dict(),
                                   "documents": {k: str(v) for k, v in written.items()}}))
    else:
        out.print(render.kpi_table(result.kpis))
        out.print(render.literal(render.demo_summary(result.as_dict())))
        for name, path in written.items():
            out.print(render.literal(f"{name.replace('_', ' ')}: {path}"))
    if serve:
        from sounding.web.server import demo_login
        from sounding.web.server import serve as serve_dashboard

        name, password = demo_login(result.workspace)
        serve_dashboard(result.workspace, port=port, open_browser=True,
                        on_listening=lambda url: err.print(render.literal(
                            f"dashboard on {url}: sign in as {name} / {password}")))
