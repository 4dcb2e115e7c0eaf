"""The command line (layer L5): parse options, call one library function, print the result.

This is the only place that prints or exits. Every error crosses ``main``, which prints
one line and a hint and exits non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from sounding.cli import render
from sounding.cli.execute import execute, missing_workspace, reads_secrets, secrets_left_here
from sounding.config import resolve, resolve_seconds
from sounding.connectors.credentials import redact
from sounding.errors import ImportRejected, SoundingError

__all__ = ["app", "main"]

app = typer.Typer(help="sounding: turn a brand's social presence into evidence.",
                  no_args_is_help=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})
import_app = typer.Typer(help="Import files, network exports and blogs into the workspace.",
                         no_args_is_help=True)
account_app = typer.Typer(help="The brand's own accounts.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(account_app, name="account")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_state: dict[str, Any] = {"debug": False, "db": None}


@app.callback()
def _options(
    db: Annotated[str | None, typer.Option(help="Workspace file (default: $SOUNDING_DB, "
                                           "else the config file's db, else "
                                           "./sounding.duckdb).")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    _state["db"], _state["debug"] = db, debug


def db_named() -> bool:
    """Whether ``--db`` was given on this command line."""
    return _state["db"] is not None


def workspace() -> Path:
    """The workspace file chosen by flag, environment, config file or default."""
    return Path(resolve("db", _state["db"])).expanduser().resolve()


def require_workspace(db: Path) -> Path:
    """The workspace file, refused when it does not exist (rather than created empty), for
    a command that is not an operation (``serve``); operations are checked by execute."""
    if not db.exists():
        raise missing_workspace(db)
    return db


def run(name: str, **args: Any) -> Any:
    """Run a workspace operation, telling the person when it waits or goes through a server."""
    return execute(
        workspace(), name, args, wait=resolve_seconds("lock_wait"),
        on_wait=lambda msg: err.print(render.literal((msg, "yellow"))),
        on_remote=lambda url: _via_server(url, name, args),
    )


def _via_server(url: str, name: str, args: dict[str, Any]) -> None:
    """Say that a server runs the command, and which secrets set here it will not see."""
    err.print(render.literal((f"via the server at {url}", "dim")))
    named: list[str] = []
    if reads_secrets(name):
        try:
            named = execute(workspace(), "secret_names", {}, wait=resolve_seconds("lock_wait"))
        except SoundingError:  # a note: the command itself says what went wrong, if anything
            named = []
    unseen = secrets_left_here(name, args, named)
    if unseen:
        names = ", ".join(f"${n}" for n in unseen)
        verb, them = ("is", "it") if len(unseen) == 1 else ("are", "them")
        err.print(render.literal((
            f"the server reads secrets from its own environment: {names} set here {verb} "
            f"not used (set {them} where `sounding serve` runs, or in the config file)",
            "yellow")))


def say_error(message: str, hint: str | None) -> None:
    """One error line and its hint; both may quote a cell value, so both are literal,
    and a service's answer, so neither shows a secret this process read."""
    message, hint = redact(message), redact(hint) if hint else hint
    err.print(render.literal(("error:", "bold red"), " ", message))
    if hint:
        err.print(render.literal((f"hint: {hint}", "dim")))


from sounding.cli import (  # noqa: E402,F401  (registers the commands)
    accounts,
    audience,
    commands,
    corrections,
    enrich,
    imports,
    learn,
    network,
    report,
    said,
    web,
)


def _fail(exc: SoundingError) -> None:
    if isinstance(exc, ImportRejected):
        for problem in exc.problems[:50]:
            err.print(render.literal(str(problem)))
        if len(exc.problems) > 50:
            err.print(f"... and {len(exc.problems) - 50} more problems")
    say_error(str(exc), exc.hint)


def main() -> None:
    """Console entry point: every error ends as one line, a hint and a non-zero exit."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        app()
    except SoundingError as exc:
        if _state["debug"]:
            raise
        _fail(exc)
        sys.exit(1)
    except Exception as exc:  # a bug: said in one line, its traceback only with --debug
        if _state["debug"]:
            raise
        say_error(f"{type(exc).__name__}: {exc}",
                   "this is unexpected; rerun with --debug to see the traceback and report it")
        sys.exit(1)
