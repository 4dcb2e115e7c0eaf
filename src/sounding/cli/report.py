"""Report commands: 'report' writes the executive report, 'strategy' the strategy draft.

The figures are gathered by the ``report_data`` operation (through the server when one
holds the workspace), then rendered here: the workspace is only read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sounding.cli import app, err, out, render, run
from sounding.report.documents import (
    REPORT_FORMATS,
    STRATEGY_FORMATS,
    output_format,
    write_report,
    write_strategy,
)
from sounding.report.i18n_report import check_lang

__all__ = ["report_cmd", "strategy_cmd"]

_LANG = typer.Option("--lang", help="Language of the document: en or fr.")
_PERIOD = typer.Option(help="A..B, dates included (default: all data).")
_PSEUDONYMISE = typer.Option("--pseudonymise/--no-pseudonymise",
                             help="Show people as @user-… (salted hash) or by their handles.")


@app.command("report")
def report_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (.html, .pdf "
                                         "or .json: the evidence behind the page).")],
    lang: Annotated[str, _LANG] = "en",
    period: Annotated[str | None, _PERIOD] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="html, pdf or json "
                                            "(default: from the file name).")] = None,
    pseudonymise: Annotated[bool, _PSEUDONYMISE] = True,
) -> None:
    """The executive report: a summary page, then charts and tables, every figure sourced."""
    check_lang(lang)  # both refused before the evidence is gathered
    output_format(output, fmt, REPORT_FORMATS)
    with err.status("gathering the evidence"):
        data = run("report_data", period=period, pseudonymise=pseudonymise)
    with err.status(render.literal(f"writing {output}")):
        path = write_report(data, output, lang=lang, fmt=fmt)
    out.print(render.literal(f"report written: {path}"))


@app.command("strategy")
def strategy_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (.md, .html "
                                         "or .pdf).")],
    lang: Annotated[str, _LANG] = "en",
    period: Annotated[str | None, _PERIOD] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="md, html or pdf "
                                            "(default: from the file name).")] = None,
    pseudonymise: Annotated[bool, _PSEUDONYMISE] = True,
) -> None:
    """A presence strategy draft built only from the evidence, with its evidence appendix."""
    check_lang(lang)  # both refused before the evidence is gathered
    output_format(output, fmt, STRATEGY_FORMATS)
    with err.status("gathering the evidence"):
        data = run("report_data", period=period, pseudonymise=pseudonymise)
    with err.status(render.literal(f"writing {output}")):
        path = write_strategy(data, output, lang=lang, fmt=fmt)
    out.print(render.literal(f"strategy draft written: {path}"))
