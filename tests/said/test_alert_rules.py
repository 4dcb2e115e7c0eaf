"""Alert rules added and removed: a rule on one network alerts on it only, and a removed
rule's alerts stay listed by the CLI and on the dashboard."""

from __future__ import annotations

import json
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.said.test_alerts import NOW, inject
from tests.web.conftest import PASSWORD, sign_in

from sounding.errors import InputError, NotFound
from sounding.simulate import Launch
from sounding.store import Store
from sounding.web.app import create_app
from sounding.workflows.alerts import add_rule_op, check_alerts, remove_rule_op
from sounding.workflows.users import add_user


def test_a_rule_on_one_network_alerts_on_that_network_only(said_store: Store) -> None:
    bluesky = add_rule_op(said_store, "volume", "hour", "bluesky")["rule"]
    mastodon = add_rule_op(said_store, "volume", "hour", "mastodon")["rule"]
    inject(said_store, 60, NOW - timedelta(minutes=40))  # on bluesky
    by_rule = {r["rule_id"]: r for r in check_alerts(said_store, NOW)["rules"]}
    assert by_rule[bluesky["rule_id"]]["status"] == "new"
    assert by_rule[bluesky["rule_id"]]["message"].startswith("mention volume spike on "
                                                             "bluesky: ")
    assert by_rule[mastodon["rule_id"]]["status"] in ("quiet", "no baseline")
    assert by_rule[mastodon["rule_id"]]["network"] == "mastodon"


def test_rule_options_are_checked_before_anything_is_stored(store: Store) -> None:
    with pytest.raises(InputError, match="unknown metric 'Volume'"):
        add_rule_op(store, "Volume", "hour")
    with pytest.raises(InputError, match="unknown network 'Bluesky'") as bad:
        add_rule_op(store, "volume", "hour", "Bluesky")
    assert "bluesky" in bad.value.hint
    with pytest.raises(InputError, match="--alpha nan"):
        add_rule_op(store, "volume", "hour", "bluesky", alpha=float("nan"))
    with pytest.raises(NotFound, match="no alert rule 99"):
        remove_rule_op(store, 99)
    assert store.scalar("SELECT count(*) FROM alert_rules") == 4


def test_the_same_rule_added_twice_at_once_is_stored_once(said_store: Store) -> None:
    """Eight threads (a server's requests) add one rule at the same moment: one adds it,
    the others are told it exists already, naming it."""
    import threading

    start = threading.Barrier(8)
    added: list[int] = []
    refused: list[str] = []

    def add() -> None:
        start.wait()
        try:
            rule = add_rule_op(said_store, "animosity", "day", "mastodon")["rule"]
            added.append(rule["rule_id"])
        except InputError as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=add) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(added) == 1 and len(refused) == 7
    assert all(r == f"an animosity/day rule on mastodon exists already (rule {added[0]})"
               for r in refused)
    assert said_store.scalar("SELECT count(*) FROM alert_rules WHERE metric = 'animosity' AND "
                             "span = 'day' AND network = 'mastodon'") == 1


def test_a_removed_rules_alerts_stay_listed(cli, db: Path, launch: Launch) -> None:  # type: ignore[no-untyped-def]
    with Store.open(db) as store:
        store.write(launch.batch, kind="simulate", source="test")
        rule = add_rule_op(store, "volume", "hour", "bluesky")["rule"]
        inject(store, 60, NOW - timedelta(minutes=40))
        fired = [r for r in check_alerts(store, NOW)["rules"] if r["status"] == "new"]
    mine = next(r for r in fired if r["rule_id"] == rule["rule_id"])
    removed = cli("alerts", "remove-rule", str(rule["rule_id"]))
    assert removed.code == 0, removed.err
    assert removed.out.strip() == (f"removed rule {rule['rule_id']} volume/hour bluesky "
                                   "alpha 0.001 min 5 (1 alert(s) it sent stay listed)")
    listed = cli("alerts", "list")
    assert listed.code == 0, listed.err
    assert (f"alert {mine['alert_id']} 2026-10-21T12:00 {mine['message']} "
            f"(rule {rule['rule_id']}, removed)") in listed.out
    alerts = json.loads(cli("alerts", "list", "--json").out)["alerts"]
    assert len(alerts) == len(fired)  # every alert still listed, the removed rule's too
    gone = next(a for a in alerts if a["alert_id"] == mine["alert_id"])
    assert (gone["rule_id"], gone["metric"], gone["message"]) == (
        rule["rule_id"], None, mine["message"])
    with Store.open(db) as store:
        add_user(store, "vi", PASSWORD, "viewer")
        client = TestClient(create_app(store, "t0ken"), base_url="http://127.0.0.1")
        sign_in(client, "vi")
        page = client.get("/said")
        data = client.get("/said.json").json()
    assert page.status_code == 200
    assert mine["message"] in unescape(page.text)
    assert mine["alert_id"] in [a["alert_id"] for a in data["alerts"]]
