"""Spike alerts: evaluate the workspace's rules now, record new alerts once, send them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sounding.analyse.spikes import WINDOWS, SpikeTest, share_spike, volume_spike
from sounding.connectors.notify import (
    EmailChannel,
    send_email,
    send_webhook,
)
from sounding.errors import InputError, NotFound, SoundingError
from sounding.store import Store
from sounding.store.said_store import (
    add_rule,
    alert_history,
    bucket_counts,
    channels,
    extend_alert,
    insert_alert,
    last_alert,
    remove_rule,
    rules,
    set_deliveries,
    update_rule,
)
from sounding.workflows.alert_channels import check_webhook_url, shown_target
from sounding.workflows.said import check_network

__all__ = ["add_rule_op", "alerts_check_op", "alerts_list_op", "check_alerts", "edit_rule_op",
           "remove_rule_op", "run_every"]

_METRIC = {"volume": "mention volume", "animosity": "animosity share"}
_FIRING = threading.Lock()  # one check at a time decides whether an alert is new
# A new rule's thresholds when add-rule is given none: those of the seeded rules.
_ALPHA = 0.001
_MIN_COUNT = {"volume": 5, "animosity": 3}


_MAX_COUNT = 2**31 - 1  # min_count is an INTEGER column


def _check_thresholds(alpha: float | None, min_count: int | None) -> None:
    if alpha is not None and not 0 < alpha < 1:  # NaN fails this too
        raise InputError(f"--alpha {alpha:g}: expected a probability between 0 and 1 "
                         "(both excluded)", hint="e.g. --alpha 0.001; smaller: fewer alerts")
    if min_count is not None and not 1 <= min_count <= _MAX_COUNT:
        raise InputError(f"--min-count {min_count}: expected a whole number from 1 to "
                         f"{_MAX_COUNT}", hint="e.g. --min-count 5; larger: fewer alerts")


def edit_rule_op(store: Store, rule_id: int, alpha: float | None = None,
                 min_count: int | None = None, enabled: bool | None = None) -> dict[str, Any]:
    """Operation ``alerts_edit_rule``: a rule's thresholds (``alpha``: a window alerts when
    its p-value is below it; ``min_count``: the fewest items that may alert) or whether it
    is checked. Its metric, span and network stay: its past alerts are listed with them."""
    before = next((r for r in rules(store) if r["rule_id"] == rule_id), None)
    if before is None:
        raise NotFound(f"no alert rule {rule_id}",
                       hint="sounding alerts list shows the rules and their numbers")
    if alpha is None and min_count is None and enabled is None:
        raise InputError(f"nothing to change in alert rule {rule_id}",
                         hint="give --alpha, --min-count, --enable or --disable")
    _check_thresholds(alpha, min_count)
    after = update_rule(store, rule_id, alpha, min_count, enabled)
    if after is None:  # removed (remove-rule) since it was read
        raise NotFound(f"no alert rule {rule_id}")
    return {"rule": after, "changed": sorted(k for k in after if after[k] != before[k])}


def _choice(what: str, value: str, allowed: Mapping[str, Any]) -> str:
    if value not in allowed:
        raise InputError(f"unknown {what} '{value}'", hint=f"use one of {', '.join(allowed)}")
    return value


def add_rule_op(store: Store, metric: str, span: str, network: str | None = None,
                alpha: float | None = None, min_count: int | None = None,
                enabled: bool = True) -> dict[str, Any]:
    """Operation ``alerts_add_rule``: a spike rule on one network (None: every network).
    A threshold left None is the seeded rules' (``_ALPHA``, ``_MIN_COUNT``). A second rule
    on the same metric, span and network is refused: it would send every spike twice."""
    metric = _choice("metric", metric, _METRIC)
    span = _choice("span", span, WINDOWS)
    network = check_network(store, network)
    _check_thresholds(alpha, min_count)
    rule, added = add_rule(store, metric, span, network, _ALPHA if alpha is None else alpha,
                           _MIN_COUNT[metric] if min_count is None else min_count, enabled)
    if not added:
        where = f"on {network}" if network else "on every network"
        same = rule["rule_id"]
        article = "an" if metric[0] in "aeiou" else "a"
        raise InputError(f"{article} {metric}/{span} rule {where} exists already (rule {same})",
                         hint=f"change it with: sounding alerts edit-rule {same}")
    return {"rule": rule}


def remove_rule_op(store: Store, rule_id: int) -> dict[str, Any]:
    """Operation ``alerts_remove_rule``: the rule is no longer checked, and gone; the alerts
    it fired stay listed (their message says what they were)."""
    removed = remove_rule(store, rule_id)
    if removed is None:
        raise NotFound(f"no alert rule {rule_id}",
                       hint="sounding alerts list shows the rules and their numbers")
    fired = removed.pop("alerts")
    return {"rule": removed, "alerts_kept": fired}


def alerts_list_op(store: Store, limit: int = 20) -> dict[str, Any]:
    """Operation ``alerts_list``: channels (no secret, webhook URLs redacted), rules, alerts."""
    shown = [{"channel_id": c["channel_id"], "kind": c["kind"], "enabled": c["enabled"],
              "target": shown_target(c["kind"], c["target"]),
              "secret_env": c["config"].get("password_env") or c["config"].get("secret_env")}
             for c in channels(store)]
    history = [{**a, **{k: a[k].isoformat() for k in ("window_start", "window_end",
                                                      "last_seen")}}
               for a in alert_history(store, limit)]
    return {"channels": shown, "rules": rules(store), "alerts": history}


def _evaluate(store: Store, rule: Mapping[str, Any], now: datetime) -> SpikeTest | None:
    span, window = WINDOWS[rule["span"]]
    rows = bucket_counts(store, now, span, window + 1, rule["network"]).to_pylist()
    by = {r["bucket"]: r for r in rows}
    cur = by.get(0, {"n": 0, "labelled": 0, "animosity": 0})
    base = [by.get(b, {"n": 0, "labelled": 0, "animosity": 0}) for b in range(window, 0, -1)]
    if sum(b["n"] for b in base) == 0:
        return None  # no baseline yet: a first collection is not a spike
    if rule["metric"] == "volume":
        return volume_spike(int(cur["n"]), [int(b["n"]) for b in base], alpha=rule["alpha"],
                            min_count=rule["min_count"])
    return share_spike(int(cur["animosity"]), int(cur["labelled"]),
                       sum(int(b["animosity"]) for b in base),
                       sum(int(b["labelled"]) for b in base), alpha=rule["alpha"],
                       min_count=rule["min_count"])


def _message(rule: Mapping[str, Any], test: SpikeTest) -> str:
    where = f" on {rule['network']}" if rule["network"] else ""
    if test.metric == "volume":
        what = f"{test.count} mentions (expected {test.expected:.1f})"
    else:
        what = (f"{test.observed:.0%} animosity, {test.count} items "
                f"(expected {test.expected:.0%})")
    return (f"{_METRIC[test.metric]} spike{where}: {what} in the last {rule['span']}, "
            f"p = {test.p_value:.1e}")


def _deliver(channel: Mapping[str, Any], alert: dict[str, Any],
             env: Mapping[str, str] | None) -> dict[str, Any]:
    done: dict[str, Any] = {"channel_id": channel["channel_id"], "kind": channel["kind"]}
    try:
        if channel["kind"] == "email":
            send_email(EmailChannel.from_config(channel["config"]),
                       f"[sounding] {alert['message']}", _body(alert), env=env)
        else:
            url = check_webhook_url(channel["config"]["url"])  # one stored before checks
            send_webhook(url, {"event": "sounding.alert", **alert},
                         secret_env=channel["config"].get("secret_env"), env=env)
    except SoundingError as exc:  # a channel that fails is reported, the others still go
        return {**done, "ok": False, "error": str(exc)}
    except Exception as exc:  # a channel stored before its checks (a header, a port)
        return {**done, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {**done, "ok": True}


def _payload(rule: Mapping[str, Any], alert: Mapping[str, Any], alert_id: int
             ) -> dict[str, Any]:
    """What a channel is sent about an alert."""
    keys = ("rule_id", "dedup_key", "observed", "expected", "p_value", "message")
    return {**{k: alert[k] for k in keys if k in alert}, "rule_id": rule["rule_id"],
            "alert_id": alert_id, "metric": rule["metric"], "span": rule["span"],
            "network": rule["network"],
            **{k: alert[k].isoformat() for k in ("window_start", "window_end", "last_seen")}}


def _send(store: Store, alert_id: int, payload: dict[str, Any],
          before: list[dict[str, Any]], env: Mapping[str, str] | None) -> list[dict[str, Any]]:
    """Send to every enabled channel that has not taken the alert yet (all of them the
    first time; after that, those that failed or came since), and record the outcome."""
    taken = {d["channel_id"] for d in before if d.get("ok")}
    tried = [_deliver(c, payload, env) for c in channels(store, enabled_only=True)
             if c["channel_id"] not in taken]
    if tried:
        again = {d["channel_id"] for d in tried}
        set_deliveries(store, alert_id,
                       [d for d in before if d["channel_id"] not in again] + tried)
    return tried


def _body(alert: Mapping[str, Any]) -> str:
    lines = [alert["message"], ""]
    lines += [f"{k}: {alert[k]}" for k in ("metric", "span", "network", "window_start",
                                             "window_end", "observed", "expected", "p_value")]
    return "\n".join(lines) + "\n\nSent by 'sounding alerts check'.\n"


def _fire(store: Store, rule: Mapping[str, Any], test: SpikeTest, now: datetime,
          env: Mapping[str, str] | None) -> dict[str, Any]:
    span = WINDOWS[rule["span"]][0]
    start = now - span
    alert = {"rule_id": rule["rule_id"], "dedup_key": f"{rule['rule_id']}:{start.isoformat()}",
             "window_start": start, "window_end": now, "last_seen": now,
             "observed": test.observed, "expected": test.expected, "p_value": test.p_value,
             "message": _message(rule, test)}
    with _FIRING:  # a scheduled check and one asked for may run at once in a server
        previous = last_alert(store, rule["rule_id"])
        if previous is not None and previous["last_seen"] >= start:
            extend_alert(store, previous["alert_id"], now)
            # a channel that failed (or came since) gets the ongoing spike now
            retried = _send(store, previous["alert_id"],
                            _payload(rule, previous, previous["alert_id"]),
                            previous["deliveries"], env)
            return {"status": "ongoing", "alert_id": previous["alert_id"],
                    "message": previous["message"], "deliveries": retried}
        alert_id = insert_alert(store, alert)
    if alert_id is None:
        return {"status": "duplicate"}
    deliveries = _send(store, alert_id, _payload(rule, alert, alert_id), [], env)
    return {"status": "new", "alert_id": alert_id, "message": alert["message"],
            "deliveries": deliveries}


def check_alerts(store: Store, now: datetime | None = None,
                 env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Evaluate every enabled rule on the window ending ``now``; send each new spike once."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    results = []
    for rule in rules(store, enabled_only=True):
        test = _evaluate(store, rule, now)
        outcome = ({"status": "no baseline"} if test is None else
                   _fire(store, rule, test, now, env) if test.is_spike else {"status": "quiet"})
        results.append({"rule_id": rule["rule_id"], "metric": rule["metric"],
                        "span": rule["span"], "network": rule["network"],
                        "test": test.as_dict() if test else None, **outcome})
    sent = [r for r in results if r["status"] == "new"]
    failed = sum(1 for r in results for d in r.get("deliveries", ()) if not d["ok"])
    return {"checked_at": now.isoformat(), "rules": results, "new_alerts": len(sent),
            "failed_deliveries": failed}


def alerts_check_op(store: Store, now: str | None = None) -> dict[str, Any]:
    """Operation ``alerts_check``: :func:`check_alerts` at ``now`` (ISO time) or now."""
    when = datetime.fromisoformat(now) if now else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return check_alerts(store, when)


def run_every(check: Callable[[], Any], every_s: float, stop: threading.Event,
              on_error: Callable[[BaseException], None] | None = None) -> None:
    """Call ``check`` every ``every_s`` seconds until ``stop`` is set (a server's thread).

    The server passes ``lambda: run_operation(store, "alerts_check", {})``; an error is
    handed to ``on_error`` and the loop goes on, since the next run may succeed."""
    while not stop.wait(every_s):
        try:
            check()
        except Exception as exc:  # one failed run must not stop the schedule
            if on_error is not None:
                on_error(exc)
