"""The ``user`` commands: who may sign in to the dashboard, and with which role."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from sounding.cli import app, out, render, run
from sounding.errors import ConfigError

__all__ = ["user_app"]

user_app = typer.Typer(help="People who may sign in to the dashboard.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _password(env: str | None) -> str:
    if env:
        value = os.environ.get(env)
        if not value:
            raise ConfigError(f"--password-env {env}: the variable is not set or empty")
        return value
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def user_add_cmd(
    name: Annotated[str, typer.Argument(help="The user name to sign in with.")],
    role: Annotated[str, typer.Option(help="viewer (read only), editor (queue and labels) "
                                      "or admin.")] = "viewer",
    password_env: Annotated[str | None, typer.Option(
        help="Read the password from this environment variable instead of a prompt.")
    ] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Change the password and role of an existing user.")] = False,
) -> None:
    """Add a dashboard user; the password is asked for (never echoed) and stored hashed."""
    result = run("user_add", username=name, password=_password(password_env), role=role,
                 replace=replace)
    done = "replaced, now" if result.get("replaced") else "added as"
    out.print(render.literal(f"user {result['username']} {done} {result['role']}"))
