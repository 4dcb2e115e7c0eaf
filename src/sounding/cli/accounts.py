"""Commands for the brand's own accounts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from sounding.cli import account_app, out, render, run
from sounding.connectors.text import MASTODON_DEFAULT_MAX_CHARS


def _limit_line(result: dict[str, Any]) -> str:
    """What a Mastodon text will be held to, and whether the instance said it."""
    limit, unread = result.get("max_characters"), result.get("text_limit_unread")
    if limit and not unread:
        return f"texts up to {limit:,} characters on this instance"
    if limit:
        return (f"texts up to {limit:,} characters on this instance, as it last said "
                f"(not read now: {unread})")
    return (f"the instance's text limit is not known yet: drafts are checked against "
            f"{MASTODON_DEFAULT_MAX_CHARS} characters until the first collect reads it "
            f"({unread})")


@account_app.command("add")
def account_add_cmd(
    network: Annotated[str, typer.Argument(help="bluesky, mastodon, x, facebook, ...")],
    handle: Annotated[str, typer.Option(help="The brand's handle on that network.")],
    instance: Annotated[str | None, typer.Option(
        help="Mastodon: the instance URL, e.g. https://mastodon.social.")] = None,
    service: Annotated[str | None, typer.Option(
        help="Bluesky: the PDS URL (default: https://bsky.social).")] = None,
    password_env: Annotated[str | None, typer.Option(
        help="Bluesky: environment variable holding the app password "
             "(default: SOUNDING_BLUESKY_<HANDLE>_PASSWORD).")] = None,
    token_env: Annotated[str | None, typer.Option(
        help="Mastodon: environment variable holding the access token "
             "(default: SOUNDING_MASTODON_<HANDLE>_TOKEN).")] = None,
) -> None:
    """Register one of the brand's accounts (secrets stay in the environment)."""
    result = run("account_add", network=network, handle=handle,
                 service_url=instance or service, credential_env=password_env or token_env)
    if result.get("updated"):  # added again: its settings changed, nothing was added
        out.print(render.literal(f"account {result['account_id']} updated; it holds "
                                 f"{result['items']:,} items ({result['items_marked']} "
                                 f"newly marked as the brand's)"))
    else:
        out.print(render.literal(f"account {result['account_id']} added; "
                                 f"{result['items_marked']} stored items marked as the "
                                 f"brand's"))
    if result.get("credential_env"):
        state = "is set" if result["credential_set"] else "is not set yet"
        out.print(render.literal(f"its secret is read from ${result['credential_env']} "
                                 f"({state})"))
    if result["network"] == "mastodon":
        out.print(render.literal(_limit_line(result)))


@account_app.command("list")
def account_list_cmd() -> None:
    """The brand's accounts."""
    for row in run("accounts"):
        where = f"  {row['service_url']}" if row.get("service_url") else ""
        limit = (f"  texts up to {row['max_characters']:,} characters"
                 if row.get("max_characters") else "")
        out.print(render.literal(f"{row['account_id']}  {row['items']:,} items{where}{limit}"))
