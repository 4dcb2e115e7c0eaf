"""Commands for the brand's own accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from sounding.cli import account_app, out, render, run


@account_app.command("add")
def account_add_cmd(
    network: Annotated[str, typer.Argument(help="bluesky, mastodon, x, facebook, ...")],
    handle: Annotated[str, typer.Option(help="The brand's handle on that network.")],
) -> None:
    """Register one of the brand's accounts."""
    result = run("account_add", network=network, handle=handle)
    out.print(f"account {render.escape(result['account_id'])} added; "
              f"{result['items_marked']} stored items marked as the brand's")


@account_app.command("list")
def account_list_cmd() -> None:
    """The brand's accounts."""
    for row in run("accounts"):
        out.print(f"{render.escape(row['account_id'])}  {row['items']:,} items")
