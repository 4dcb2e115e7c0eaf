"""`sounding import auto` and `sounding import wordpress`: exports and blogs into the workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from sounding.cli import err, import_app, out, render, run


def _print(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(report))
        return
    out.print(render.literal(f"{', '.join(report['formats'])}: {render.import_report(report)}"))
    _print_dates(report)
    for skipped in report.get("skipped", []):
        err.print(render.literal((f"skipped (not an export sounding knows): {skipped}", "dim")))
    for problem in report.get("problems", []):
        err.print(render.literal(str(problem)))


def _print_dates(report: dict[str, Any]) -> None:
    """One date for the counters, or each file's own when the files were taken apart."""
    dates: dict[str, str] = report.get("dates") or {}
    if len(set(dates.values())) > 1:
        out.print(render.literal("counters dated by each file's own date "
                                 f"(latest {report['as_of']}):"))
        for file, date in dates.items():
            out.print(render.literal(f"  {date}  {file}"))
    elif report.get("as_of"):
        out.print(render.literal(f"counters dated {report['as_of']}"))


@import_app.command("auto")
def import_auto_cmd(
    path: Annotated[Path, typer.Argument(help="An export file, an X archive folder, or a "
                                               "folder of exports.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="meta-posts, meta-comments, x-archive, linkedin, wxr or feed "
                         "(default: detected from the content).")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="When the counters were read (default: the export's own date, else "
                        "a date in its name, else its modification time).")] = None,
    account: Annotated[str | None, typer.Option(
        help="The brand account's handle, where the export does not name it.")] = None,
    followers: Annotated[int | None, typer.Option(
        help="LinkedIn: the page's follower count on the export's date.")] = None,
    keep_good: Annotated[bool, typer.Option(
        "--keep-good", help="Store the good rows; list the bad ones and write them to "
                            "PATH.rejects.jsonl.")] = False,
    encoding: Annotated[str | None, typer.Option(
        help="Text encoding of CSV and X archive files (default: UTF-8; cp1252 for a CSV "
             "Excel saved on Windows).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import what a network exports (Meta, X, LinkedIn) or a blog (WXR, RSS, Atom)."""
    with err.status(render.literal(f"importing {path}")):
        report = run("import_export", path=str(path.resolve()), fmt=fmt, as_of=as_of,
                     account=account, followers=followers, keep_good=keep_good,
                     encoding=encoding)
    _print(report, as_json)


@import_app.command("wordpress")
def import_wordpress_cmd(
    url: Annotated[str, typer.Argument(help="The blog's address, e.g. https://blog.example.")],
    per_page: Annotated[int, typer.Option(help="Items per request (1 to 100, as WordPress "
                                               "allows).")] = 100,
    max_pages: Annotated[int | None, typer.Option(help="Stop after this many pages per "
                                                       "list (1 or more).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date the counters "
                                              "(default: now).")] = None,
    keep_good: Annotated[bool, typer.Option(
        "--keep-good", help="Store the good posts and comments and list the bad ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a WordPress blog's posts and approved comments through its REST API."""
    with err.status(render.literal(f"reading {url}")):
        report = run("import_wordpress", url=url, per_page=per_page, max_pages=max_pages,
                     as_of=as_of, keep_good=keep_good)
    _print(report, as_json)
