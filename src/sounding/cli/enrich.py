"""Commands that read the reaction in texts: classify, enrich a workspace, evaluate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sounding.cli import app, err, out, render, run
from sounding.config import resolve
from sounding.errors import missing_file

eval_app = typer.Typer(help="Evaluate sounding's models on labelled corpora.",
                       no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def _lines(source: str) -> list[bytes]:
    """Input texts, one per line (a line ends at LF or CR LF only: a line separator or a
    form feed inside a text keeps it one text, so results pair with input lines), as bytes:
    the model decodes them and flags one that is not UTF-8, never fatal."""
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise missing_file(path)
        data = path.read_bytes()
    lines = data.split(b"\n")
    if lines and not lines[-1]:  # the file's last line end ends no text
        lines.pop()
    return [line.removesuffix(b"\r") for line in lines]


LANGUAGES_HELP = ("Languages to detect, ISO 639-1 codes such as fr,en (default: setting "
                  "'languages', else the eight the model knows).")


def _languages(flag: str | None) -> list[str] | None:
    from sounding.enrich import parse_languages

    codes = parse_languages(resolve("languages", flag))
    return list(codes) if codes else None


@app.command("classify")
def classify_cmd(
    source: Annotated[str, typer.Argument(help="A file of texts, one per line, or - for "
                                          "standard input.")] = "-",
    model: Annotated[Path | None, typer.Option(help="A model folder (sounding or Hugging "
                                               "Face); default: the shipped model.")] = None,
    languages: Annotated[str | None, typer.Option(help=LANGUAGES_HELP)] = None,
    context: Annotated[str, typer.Option(help="How the texts are read: 'brand' for replies "
                                         "and mentions addressed to a brand (a question "
                                         "is interest), 'general' for texts about "
                                         "anything (sounding models only).")] = "brand",
) -> None:
    """Label texts outside any workspace: one JSON object per input line."""
    from sounding.workflows.enrich import classify_texts, load_model

    lines = _lines(source)  # a wrong path is said before the model is loaded
    classifier, _ = load_model(model, languages=_languages(languages), context=context)
    for result in classify_texts(classifier, lines):
        out.out(json.dumps(result, ensure_ascii=False), highlight=False)


@app.command("enrich")
def enrich_cmd(
    model: Annotated[Path | None, typer.Option(help="A model folder (sounding or Hugging "
                                               "Face); default: the workspace's adapted "
                                               "model, else the shipped one.")] = None,
    redo: Annotated[bool, typer.Option("--redo", help="Label again items already labelled "
                                       "by this model.")] = False,
    languages: Annotated[str | None, typer.Option(help=LANGUAGES_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Detect the language of every item and the reaction of every answer in the workspace."""
    result = run("enrich", model=str(model.resolve()) if model else None, redo=redo,
                 languages=_languages(languages))
    if as_json:
        out.print_json(json.dumps(result))
        return
    labels = ", ".join(f"{n:,} {label}" for label, n in result["labels"].items())
    out.print(render.literal(f"{result['items']:,} items labelled with {result['model']}; "
                             f"reactions now: {labels}"))


def _eval_table(scores: dict[str, dict[str, object]]) -> Table:
    table = Table(title="reaction model on the official test splits and the brand replies "
                  "(percent)")
    for column in ("dataset", "read as", "metric", "sounding", "VADER", "published"):
        table.add_column(column, justify="right" if column in ("sounding", "VADER")
                         else "left")  # fmt: skip
    for name, row in scores.items():
        published = row.get("published") or {}
        assert isinstance(published, dict)
        cells = (name, row.get("context"), row.get("metric"), row.get("sounding"),
                 row.get("vader_fr") or row.get("vader"),
                 ", ".join(f"{k} {v}" for k, v in published.items()))
        table.add_row(*(render.literal(str(cell)) for cell in cells))
    return table


def data_folder(flag: Path | None) -> Path:
    """The labelled corpora: --data, else the setting 'data' (environment, then config
    file), else ../shared/data."""
    from sounding.config import resolve_optional
    from sounding.enrich.datasets import find_data_dir

    return find_data_dir(resolve_optional("data", str(flag) if flag else None))


@eval_app.command("reaction")
def eval_reaction_cmd(
    data: Annotated[Path | None, typer.Option(help="Folder with tweeteval/ and umsab/ "
                                              "(default: setting 'data', from "
                                              "$SOUNDING_DATA or the config file, else "
                                              "../shared/data).")] = None,
    model: Annotated[Path | None, typer.Option(help="A sounding model folder.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object keyed by "
                                          "dataset.")] = False,
) -> None:
    """Score the reaction model and VADER on the official test splits and brand replies.

    The research corpora (tweets about anything) are read in the general context, the
    replies to brands in the brand context, as each was labelled."""
    from sounding.enrich import ReactionModel
    from sounding.enrich.evaluate import evaluate

    corpora = data_folder(data)  # said before the models take seconds to load
    folder = str(model) if model else None
    with err.status("scoring on the test splits"):
        scores = evaluate(ReactionModel.load(folder, context="general"), corpora,
                          brand_model=ReactionModel.load(folder, context="brand"))
    if as_json:
        out.print_json(json.dumps(scores))
    else:
        out.print(_eval_table(scores))
