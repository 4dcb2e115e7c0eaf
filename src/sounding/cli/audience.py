"""Commands to know the audience: import customers, list segments, map the actors."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sounding.analyse.representation import MIN_COUNT
from sounding.analyse.segments import uncompared
from sounding.cli import app, err, out, render, run

__all__ = ["customers_app"]

customers_app = typer.Typer(help="The brand's customers (stored only as salted hashes).",
                            no_args_is_help=True)
app.add_typer(customers_app, name="customers")


@customers_app.command("import")
def customers_import_cmd(
    file: Annotated[Path, typer.Argument(help="CRM export as CSV with a header row.")],
    ids: Annotated[list[str], typer.Option(
        "--id", help="Identifier column, repeatable; COLUMN or COLUMN:KIND (email, handle, "
        "id). Stored only as salted hashes.")],
    keep: Annotated[list[str] | None, typer.Option(
        help="Attribute columns to keep, comma-separated or repeated (country,lang,plan).")
    ] = None,
    encoding: Annotated[str, typer.Option(
        help="Text encoding of the file (a UTF-8, UTF-16 or UTF-32 byte-order mark is read)."
    )] = "utf-8",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Import customers; identifiers are hashed, then matched to the actors by handle."""
    with err.status(render.literal(f"importing {file}")):
        result = run("customers_import", path=str(file.resolve()), ids=ids, keep=keep or [],
                     encoding=encoding)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(render.literal(
        f"{result['file']}: {result['rows']:,} customers: {result['new']:,} new, "
        f"{result['updated']:,} updated, {result['unchanged']:,} unchanged; "
        f"{result['matched']:,} of {result['customers']:,} found among actors "
        f"({100 * result['match_rate']:.1f}%)"))
    if result["unused_ids"]:
        columns = ", ".join(spec.rpartition(":")[0] or spec for spec in result["unused_ids"])
        options = " ".join(f"--id {shlex.quote(spec)}" for spec in result["unused_ids"])
        out.print(render.literal(
            f"not used, though they look like identifiers: {columns}; to find more customers "
            f"among actors, import again adding {options}"))


def _interval(rep: dict[str, Any]) -> str:
    if rep["index"] is None:
        return "n/a"
    return f"{rep['index']:.0f} [{rep['low']:.0f}–{rep['high']:.0f}]"


def _unranked(size: int, rep: dict[str, Any]) -> str:
    """Why a segment is not ranked: too few engaged actors for any ranking, or too few
    customers for its index (it can still be ranked by activity)."""
    if size < MIN_COUNT:
        return "too small to rank"
    return f"index not ranked: fewer than {MIN_COUNT} customers in it"


_UNCOMPARED = {
    "customer_base": "index not ranked: every customer is in it, so its index is the share "
                     "of engaged actors who are known customers (× 100)",
    "reads_customer": "index not ranked: the rule picks customers or not, so the customer "
                      "base is no yardstick for it"}
_NONE_RANKED = {
    "best_represented": f"none can be ranked yet (each has fewer than {MIN_COUNT} engaged "
                        f"actors or {MIN_COUNT} customers)",
    "most_active": f"none can be ranked yet (each has fewer than {MIN_COUNT} engaged actors)",
}


def ranking_lines(ranks: dict[str, list[str]]) -> list[str]:
    """The rankings: segments by where their index's 95% interval lies against 100 (the
    on-par and under-represented lines only when they hold a segment), then by activity."""
    over = ", ".join(ranks["best_represented"]) or (
        "none: no interval lies above 100" if ranks["on_par"] or ranks["under_represented"]
        else _NONE_RANKED["best_represented"])
    lines = [f"best represented: {over}"]
    lines += [f"{title}: {', '.join(ranks[key])}" for key, title in (
        ("on_par", "on par (interval holds 100)"),
        ("under_represented", "under-represented (interval below 100)")) if ranks[key]]
    active = ", ".join(ranks["most_active"]) or _NONE_RANKED["most_active"]
    return [*lines, f"most active: {active}"]


def segment_table(report: dict[str, Any]) -> Table:
    """The segments as a terminal table."""
    crm = (f"{report['customers']:,} customers ({100 * report['match_rate']:.0f}% matched)"
           if report["customers"] else "no customer file imported (sounding customers import)")
    table = Table(title=f"Segments: {report['engaged_actors']:,} engaged actors, {crm}")
    for name in ("segment", "size", "per week", "interest", "animosity",
                 "index [95% CI]", "note"):
        table.add_column(name, justify="left" if name in ("segment", "note") else "right")
    for s in report["segments"]:
        mix, act, rep = s["reaction_mix"], s["activity"], s["representation"]
        note = s["description"] if s["source"] == "cluster" else s["label"]
        why = uncompared(s)
        if why:  # before its size: never ranked by index
            note = f"{_UNCOMPARED[why]}; {note}"
        elif not rep["rankable"]:
            note = f"{_unranked(s['size'], rep)}; {note}"
        table.add_row(render.literal(s["name"]), f"{s['size']:,}",
                      "n/a" if act["rate"] is None else f"{act['rate']:.2f}",
                      "n/a" if mix["interest"] is None else f"{100 * mix['interest']:.0f}%",
                      "n/a" if mix["animosity"] is None else f"{100 * mix['animosity']:.0f}%",
                      _interval(rep), render.literal(note))
    return table


@app.command("segments")
def segments_cmd(
    rules: Annotated[Path | None, typer.Option(
        help="Segment rules, a TOML file (default: ./segments.toml if present, else by "
             "language and network).")] = None,
    cluster: Annotated[bool, typer.Option(help="Also discover behavioural clusters.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Segments of the engaged audience: size, activity, reactions, representation index."""
    if rules is None and Path("segments.toml").exists():
        rules = Path("segments.toml")
    result = run("segments", rules=str(rules.resolve()) if rules else None, cluster=cluster)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(segment_table(result))
    ranks = result["rankings"]
    for line in ranking_lines(ranks):
        out.print(render.literal(line))
    if result["stability"] is not None:
        out.print(f"{result['clusters']} behavioural clusters, stability (bootstrap ARI) "
                  f"{result['stability']:.2f}")


def _modularity(result: dict[str, Any]) -> str:
    value = result["modularity"]
    return "n/a" if value is None else f"{value:.2f}"  # None: no community formed


def _shares(shares: dict[str, float], top: int = 5) -> str:
    return ", ".join(f"{k} {100 * v:.0f}%" for k, v in list(shares.items())[:top])


@app.command("actors")
def actors_cmd(
    export: Annotated[Path | None, typer.Option(
        help="Write the map: .gexf or .graphml for Gephi, .json for the dashboard.")] = None,
    top: Annotated[int, typer.Option(help="Actors shown per community.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The map of actors: communities, the most influential actors, the bridges."""
    result = run("actors", export=str(export.resolve()) if export else None, top=top)
    if as_json:
        out.print_json(json.dumps(result))
        return
    shown = result["communities"][:10]
    out.print(f"{result['actors']:,} actors, {result['edges']:,} ties, "
              f"{result['community_count']:,} communities of 3 or more "
              f"({result['clustered_actors']:,} actors; modularity {_modularity(result)})"
              + (f"; the {len(shown)} largest:" if shown else ""))
    for c in shown:
        out.print(render.literal(f"  #{c['community']} {c['size']:,} actors "
                                 f"({_shares(c['languages'])}): "
                                 f"{', '.join(map(render.one_line, c['top_actors']))}"))
        mix = {k: v for k, v in c["reaction_mix"].items() if v is not None}
        about = [f"topics {_shares(c['topics'], 3)}" if c["topics"] else "",
                 f"reactions {_shares(mix)}" if mix else "",
                 f"bios: {' '.join(c['bio_words'])}" if c["bio_words"] else ""]
        if any(about):
            out.print(render.literal("      " + "; ".join(a for a in about if a)))
    influential = ", ".join(render.one_line(a["actor"]) for a in result["influential"][:top])
    out.print(render.literal(f"most influential: {influential or 'none'}"))
    bridges = ", ".join(map(render.one_line, result["bridges"]))
    out.print(render.literal(f"bridges: {bridges or 'none'}"))
    if result.get("export"):
        out.print(render.literal(f"map written to {result['export']}"))
