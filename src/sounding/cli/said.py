"""What is said: 'topics' prints the period's topics; 'alerts' checks and sends spike alerts."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from sounding.cli import app, err, out, render, run
from sounding.workflows.kpis import last_day

__all__ = ["alerts_app", "topics_cmd"]

alerts_app = typer.Typer(help="Spike alerts on mention volume and animosity, by e-mail or "
                         "webhook.", no_args_is_help=True)
channel_app = typer.Typer(help="Add a channel that alerts are sent to.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
alerts_app.add_typer(channel_app, name="add-channel")

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _topics_table(result: dict[str, Any]) -> Table:
    table = Table(title=render.literal(
        f"What is said {result['period_start'][:10]} .. {last_day(result['period_end'])}: "
        f"{result['texts']:,} texts ({result['texts_before']:,} the period before)"))
    for name, justify in (("topic", "left"), ("texts", "right"), ("share", "right"),
                          ("trend", "left"), ("example", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for t in result["topics"]:
        trend = t["trend"]
        move = (trend["direction"] if trend["ratio"] is None else
                f"{trend['direction']} ×{trend['ratio']:.2f} (P↑ {trend['p_rising']:.2f})")
        example = t["examples"][0]["text"] if t["examples"] else ""
        table.add_row(render.literal(t["label"]), f"{t['size']:,}",
                      f"{100 * t['share']:.1f}%", render.literal(move),
                      render.literal(render.one_line(example)[:90]))
    return table


@app.command("topics")
def topics_cmd(
    period: Annotated[str | None, typer.Option(help="A..B, dates included (default: the "
                                               "last 7 days with data).")] = None,
    network: Annotated[str | None, typer.Option(help="Only this network.")] = None,
    segment: Annotated[str | None, typer.Option(help="Only this segment: lang=CODE.")] = None,
    topics: Annotated[int, typer.Option("--topics", help="Number of topics.")] = 8,
    as_json: Json = False,
) -> None:
    """Key phrases and topics of replies and mentions, rising and falling vs the period before."""
    result = run("topics", period=period, network=network, segment=segment, topics=topics)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(_topics_table(result))
    if result["texts_without_topic"]:
        out.print("texts in no topic (no topic word: a bare mention, an emoji): "
                  f"{result['texts_without_topic']:,}")
    phrases = ", ".join(f"{p['phrase']} ({p['texts']})" for p in result["key_phrases"][:12])
    out.print(render.literal(f"key phrases: {phrases}"))
    for word in ("rising", "falling"):
        if result[word]:
            out.print(render.literal(f"{word}: {'; '.join(result[word])}"))


@alerts_app.command("check")
def alerts_check_cmd(as_json: Json = False) -> None:
    """Evaluate the alert rules now and send new spikes once (run it from cron).

    Exits 1 when a channel failed: the next check sends it the alert again."""
    result = run("alerts_check")
    if as_json:
        out.print_json(json.dumps(result))
        if result["failed_deliveries"]:
            raise typer.Exit(1)
        return
    for r in result["rules"]:
        where = f" on {r['network']}" if r["network"] else ""
        line = f"rule {r['rule_id']} {r['metric']}/{r['span']}{where}: {r['status']}"
        failed: list[str | tuple[str, str]] = []
        if r.get("deliveries"):  # a new alert, or an ongoing one sent again where it failed
            sent = sum(1 for d in r["deliveries"] if d["ok"])
            again = "" if r["status"] == "new" else " sent again to"
            line += f" ({sent}/{len(r['deliveries'])} channels{again}) {r['message']}"
            failed = [(f"\n  channel {d['channel_id']}: {d['error']}", "red")
                      for d in r["deliveries"] if not d["ok"]]
        out.print(render.literal(line, *failed))
    out.print(f"{result['new_alerts']} new alert(s)")
    if result["failed_deliveries"]:  # for cron: the next check sends them again
        err.print(render.literal((f"{result['failed_deliveries']} delivery(ies) failed: the "
                                  "next check tries those channels again", "yellow")))
        raise typer.Exit(1)


@alerts_app.command("list")
def alerts_list_cmd(as_json: Json = False) -> None:
    """Channels (secrets shown only as variable names), rules and the latest alerts."""
    result = run("alerts_list")
    if as_json:
        out.print_json(json.dumps(result))
        return
    for c in result["channels"]:
        secret = f" secret ${c['secret_env']}" if c["secret_env"] else ""
        removed = "" if c["enabled"] else " (removed; kept for the alerts sent to it)"
        out.print(render.literal(f"channel {c['channel_id']} {c['kind']} {c['target']}"
                                 f"{secret}{removed}"))
    for r in result["rules"]:
        out.print(render.literal(_rule_line(r)))
    for a in result["alerts"]:
        gone = f" (rule {a['rule_id']}, removed)" if a["metric"] is None else ""
        out.print(render.literal(f"alert {a['alert_id']} {a['window_end'][:16]} {a['message']}"
                                 f"{gone}"))


def _rule_line(r: dict[str, Any]) -> str:
    return (f"rule {r['rule_id']} {r['metric']}/{r['span']} {r['network'] or 'all networks'} "
            f"alpha {r['alpha']:g} min {r['min_count']}{'' if r['enabled'] else ' (disabled)'}")


@alerts_app.command("edit-rule")
def alerts_edit_rule_cmd(
    rule_id: Annotated[int, typer.Argument(help="The rule's number (alerts list).")],
    alpha: Annotated[float | None, typer.Option(
        help="Alert when a window's p-value is below this (smaller: fewer alerts).")] = None,
    min_count: Annotated[int | None, typer.Option(
        help="The fewest mentions (or animosity items) that may alert.")] = None,
    enabled: Annotated[bool | None, typer.Option(
        "--enable/--disable", help="Check the rule, or stop checking it.")] = None,
    as_json: Json = False,
) -> None:
    """Change a spike rule's thresholds, or turn it off or on."""
    result = run("alerts_edit_rule", rule_id=rule_id, alpha=alpha, min_count=min_count,
                 enabled=enabled)
    if as_json:
        out.print_json(json.dumps(result))
        return
    changed = ", ".join(result["changed"]) or "nothing: it already had these values"
    out.print(render.literal(f"{_rule_line(result['rule'])} (changed: {changed})"))


@alerts_app.command("add-rule")
def alerts_add_rule_cmd(
    metric: Annotated[str, typer.Option(help="volume (mentions) or animosity (their share).")],
    span: Annotated[str, typer.Option(
        help="hour (against the previous 12) or day (against the previous 14).")],
    network: Annotated[str | None, typer.Option(
        help="Only this network (default: every network).")] = None,
    alpha: Annotated[float | None, typer.Option(
        help="Alert when a window's p-value is below this (smaller: fewer alerts; default: "
        "0.001).")] = None,
    min_count: Annotated[int | None, typer.Option(
        help="The fewest mentions (or animosity items) that may alert (default: 5 for "
        "volume, 3 for animosity, as in the rules a workspace starts with).")] = None,
    enabled: Annotated[bool, typer.Option(
        "--enable/--disable", help="Check the rule from now on, or add it turned off "
                                   "(edit-rule --enable turns it on).")] = True,
    as_json: Json = False,
) -> None:
    """Add a spike rule, e.g. on animosity for one network only."""
    result = run("alerts_add_rule", metric=metric, span=span, network=network, alpha=alpha,
                 min_count=min_count, enabled=enabled)
    if as_json:
        out.print_json(json.dumps(result))
        return
    out.print(render.literal(f"added {_rule_line(result['rule'])}"))


@alerts_app.command("remove-rule")
def alerts_remove_rule_cmd(
    rule_id: Annotated[int, typer.Argument(help="The rule's number (alerts list).")],
    as_json: Json = False,
) -> None:
    """Remove a spike rule; the alerts it sent stay listed."""
    result = run("alerts_remove_rule", rule_id=rule_id)
    if as_json:
        out.print_json(json.dumps(result))
        return
    kept = result["alerts_kept"]
    out.print(render.literal(f"removed {_rule_line(result['rule'])}"
                             + (f" ({kept} alert(s) it sent stay listed)" if kept else "")))


@alerts_app.command("remove-channel")
def alerts_remove_channel_cmd(
    channel_id: Annotated[int, typer.Argument(help="The channel's number (alerts list).")],
    as_json: Json = False,
) -> None:
    """Send no more alerts to a channel; alerts already sent keep their history."""
    result = run("alerts_remove_channel", channel_id=channel_id)
    if as_json:
        out.print_json(json.dumps(result))
        return
    kept = " (kept, marked removed: alerts were sent to it)" if result["kept_for_history"] else ""
    out.print(render.literal(f"removed channel {result['channel_id']} ({result['kind']}) → "
                             f"{result['target']}{kept}"))


@channel_app.command("email")
def add_email_cmd(
    to: Annotated[list[str], typer.Option("--to", help="Recipient, repeatable.")],
    smtp_host: Annotated[str, typer.Option(help="SMTP server.")],
    smtp_port: Annotated[int, typer.Option(help="SMTP port.")] = 25,
    user: Annotated[str | None, typer.Option(help="SMTP login.")] = None,
    password_env: Annotated[str | None, typer.Option(
        help="NAME of the environment variable holding the SMTP password.")] = None,
    sender: Annotated[str | None, typer.Option("--from", help="Sender address.")] = None,
    tls: Annotated[str, typer.Option(help="none, starttls or ssl.")] = "none",
    as_json: Json = False,
) -> None:
    """Send alerts by e-mail (the password is read from --password-env when sending)."""
    result = run("alerts_add_channel", kind="email", to=to, smtp_host=smtp_host,
                 smtp_port=smtp_port, user=user, password_env=password_env, sender=sender,
                 tls=tls)
    _added(result, as_json)


@channel_app.command("webhook")
def add_webhook_cmd(
    url: Annotated[str, typer.Option(help="Where to POST the alert as JSON.")],
    secret_env: Annotated[str | None, typer.Option(
        help="NAME of the environment variable holding the HMAC signing secret.")] = None,
    as_json: Json = False,
) -> None:
    """Send alerts to a webhook, HMAC-signed when --secret-env names the secret."""
    result = run("alerts_add_channel", kind="webhook", url=url, secret_env=secret_env)
    _added(result, as_json)


def _added(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(result))
    else:
        out.print(render.literal(f"channel {result['channel_id']} ({result['kind']}) → "
                                 f"{result['target']}"))
    if result.get("warning"):
        err.print(render.literal((f"warning: {result['warning']}", "yellow")))
