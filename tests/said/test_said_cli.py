"""The commands: topics, alerts add-channel / check / list, and the view's data dict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.said.servers import webhook_server

from conftest import write_csv
from sounding.simulate import Launch
from sounding.store import Store
from sounding.workflows.said import said_view


def test_topics_command(cli, db: Path, launch: Launch) -> None:  # type: ignore[no-untyped-def]
    with Store.open(db) as s:
        s.write(launch.batch, kind="simulate", source="test")
    result = cli("topics", "--network", "mastodon", "--segment", "lang=fr", "--topics", "4",
                 "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["network"] == "mastodon" and 1 <= len(data["topics"]) <= 4
    assert all(e["network"] == "mastodon" for t in data["topics"] for e in t["examples"])
    text = cli("topics", "--period", "2026-10-01..2026-10-14")
    assert text.code == 0 and "What is said 2026-10-01 .. 2026-10-14:" in text.out
    # the title shows the last day included, never the exclusive end
    assert "2026-10-15" not in text.out.splitlines()[0]
    bad = cli("topics", "--segment", "country")
    assert bad.code == 1 and "lang=CODE" in bad.err
    for topics in ("0", "-3", "51"):  # 0 and -3 gave one topic
        bad = cli("topics", "--topics", topics)
        assert bad.code == 1 and f"--topics must be from 1 to 50, not {topics}" in bad.err


def test_alert_commands_never_print_secrets(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAID_PW", "s3cret-value")
    with webhook_server() as (_, url):
        added = cli("alerts", "add-channel", "webhook", "--url", url, "--secret-env", "H_SECRET")
        assert added.code == 0 and "token=abc" not in added.out
        assert "not signed" not in added.err  # a secret named: nothing to warn about
    email = cli("alerts", "add-channel", "email", "--to", "a@example.com", "--smtp-host",
                "127.0.0.1", "--smtp-port", "2525", "--user", "u", "--password-env", "SAID_PW")
    assert email.code == 0
    listed = cli("alerts", "list")
    assert "$SAID_PW" in listed.out and "s3cret-value" not in listed.out + listed.err
    assert "token=abc" not in listed.out
    checked = cli("alerts", "check", "--json")
    assert checked.code == 0 and json.loads(checked.out)["new_alerts"] == 0


def test_an_unsigned_webhook_is_added_with_a_warning(cli) -> None:  # type: ignore[no-untyped-def]
    added = cli("alerts", "add-channel", "webhook", "--url", "https://hooks.example.com/a")
    assert added.code == 0 and "channel 1 (webhook)" in added.out
    assert "warning: alerts to this webhook are not signed" in added.err
    assert "--secret-env NAME" in added.err
    as_json = cli("alerts", "add-channel", "webhook", "--url", "https://hooks.example.com/b",
                  "--json")
    assert "not signed" in json.loads(as_json.out)["warning"]


def test_view_dict_is_json_ready(said_store: Store) -> None:
    view = said_view(said_store, "2026-10-05..2026-10-18", topics=5)
    json.dumps(view)
    assert view["series"] and {"day", "n", "animosity_share"} <= set(view["series"][0])
    assert view["texts"] > 0 and view["topics"][0]["examples"]


def test_alerts_remove_channel_command(cli) -> None:  # type: ignore[no-untyped-def]
    added = cli("alerts", "add-channel", "email", "--to", "tema@example.com", "--smtp-host",
                "h", "--json")
    channel_id = json.loads(added.out)["channel_id"]
    removed = cli("alerts", "remove-channel", str(channel_id))
    assert removed.code == 0, removed.err
    assert f"removed channel {channel_id} (email) → tema@example.com" in removed.out
    assert "tema@example.com" not in cli("alerts", "list").out
    unknown = cli("alerts", "remove-channel", str(channel_id))
    assert unknown.code == 1
    assert f"no alert channel {channel_id}" in unknown.err and "alerts list" in unknown.err


def test_remove_channel_through_the_server(store: Store) -> None:
    """The operation the CLI sends while 'sounding serve' holds the workspace."""
    from fastapi.testclient import TestClient

    from sounding.web.app import create_app
    from sounding.workflows.alert_channels import add_channel_op

    channel = add_channel_op(store, "webhook", url="https://hooks.example/x")
    api = TestClient(create_app(store, "t0ken"), base_url="http://127.0.0.1")

    def remove(channel_id: int) -> Any:
        return api.post("/api/ops/alerts_remove_channel", headers={"X-Sounding-Token": "t0ken"},
                        content=json.dumps({"channel_id": channel_id}))

    done = remove(channel["channel_id"])
    assert done.status_code == 200 and done.json()["result"]["kept_for_history"] is False
    gone = remove(channel["channel_id"])
    assert gone.status_code == 404 and gone.json()["type"] == "NotFound"


def _rule(cli, rule_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    listed = json.loads(cli("alerts", "list", "--json").out)["rules"]
    return next(r for r in listed if r["rule_id"] == rule_id)


def test_alerts_edit_rule_changes_thresholds_and_turns_a_rule_off(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    Store.open(db).close()
    default = _rule(cli, 2)
    assert (default["metric"], default["span"], default["alpha"], default["min_count"]) == (
        "volume", "day", 0.001, 5)
    edited = cli("alerts", "edit-rule", "2", "--alpha", "0.0001", "--min-count", "12")
    assert edited.code == 0, edited.err
    assert edited.out.strip() == ("rule 2 volume/day all networks alpha 0.0001 min 12 "
                                  "(changed: alpha, min_count)")
    assert _rule(cli, 2) | {"alpha": 0.001, "min_count": 5} == default
    off = cli("alerts", "edit-rule", "2", "--disable", "--json")
    assert off.code == 0 and json.loads(off.out)["changed"] == ["enabled"]
    assert "rule 2 volume/day all networks alpha 0.0001 min 12 (disabled)" in cli(
        "alerts", "list").out
    checked = json.loads(cli("alerts", "check", "--json").out)["rules"]
    assert [r["rule_id"] for r in checked] == [1, 3, 4]  # a disabled rule is not checked
    on = cli("alerts", "edit-rule", "2", "--enable")
    assert on.code == 0 and "(changed: enabled)" in on.out
    assert _rule(cli, 2)["enabled"] is True
    same = cli("alerts", "edit-rule", "2", "--min-count", "12")
    assert "(changed: nothing: it already had these values)" in same.out


def test_alerts_edit_rule_refuses_bad_values_and_unknown_rules(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    Store.open(db).close()
    before = _rule(cli, 1)
    for args, words in [
            (["--alpha", "0"], "--alpha 0: expected a probability between 0 and 1"),
            (["--alpha", "1.5"], "--alpha 1.5: expected a probability between 0 and 1"),
            (["--alpha", "nan"], "--alpha nan: expected a probability"),
            (["--min-count", "0"], "--min-count 0: expected a whole number from 1"),
            (["--alpha", "0.01", "--min-count", "-3"], "--min-count -3"),
            ([], "nothing to change in alert rule 1")]:
        refused = cli("alerts", "edit-rule", "1", *args)
        assert refused.code == 1, args
        assert words in " ".join(refused.err.split()), refused.err
    assert _rule(cli, 1) == before  # nothing half-changed
    unknown = cli("alerts", "edit-rule", "99", "--alpha", "0.01")
    assert unknown.code == 1
    assert "no alert rule 99" in unknown.err and "alerts list" in unknown.err


def test_edit_rule_through_the_server(store: Store) -> None:
    """The operation the CLI sends while 'sounding serve' holds the workspace."""
    from fastapi.testclient import TestClient

    from sounding.web.app import create_app

    api = TestClient(create_app(store, "t0ken"), base_url="http://127.0.0.1")

    def edit(**args: Any) -> Any:
        return api.post("/api/ops/alerts_edit_rule", headers={"X-Sounding-Token": "t0ken"},
                        content=json.dumps(args))

    done = edit(rule_id=3, min_count=7)
    assert done.status_code == 200
    assert done.json()["result"]["rule"]["min_count"] == 7
    assert edit(rule_id=99, alpha=0.01).status_code == 404
    assert edit(rule_id=3, alpha="0.01").status_code == 400  # a string is no float


def _reply(i: int, text: str, day: str) -> dict[str, str]:
    return {"id": f"r{i}", "network": "bluesky", "author": f"user{i}", "text": text,
            "created_at": f"{day}T10:00:00Z", "parent_id": "p1", "kind": "reply"}


def test_topics_describe_the_period_in_the_header(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = ["Worst cheese ever, total rip-off."] * 3 + ["Livraison en retard, colis perdu"] * 3
    now = ["Worst cheese ever, total rip-off."] * 2 + ["Horaires le dimanche ?"] * 2
    rows = ([_reply(i, t, "2026-03-10") for i, t in enumerate(before)]
            + [_reply(10 + i, t, "2026-03-18") for i, t in enumerate(now)])
    assert cli("import", "items", str(write_csv(tmp_path / "r.csv", rows))).code == 0
    result = cli("topics", "--period", "2026-03-15..2026-03-21", "--topics", "3", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["texts"], data["texts_before"]) == (4, 6)
    phrases = {p["phrase"]: p["texts"] for p in data["key_phrases"]}
    assert phrases["worst cheese"] == 2 and "livraison retard" not in phrases
    assert sum(t["size"] for t in data["topics"]) == 4
    assert all(t["size"] > 0 and t["examples"] for t in data["topics"])
    assert all(e["created_at"] >= "2026-03-15" for t in data["topics"] for e in t["examples"])
    assert not any("livraison" in t["label"] for t in data["topics"])
    text = cli("topics", "--period", "2026-03-15..2026-03-21", "--topics", "3")
    assert "worst cheese (2)" in text.out and "Worst cheese ever" in text.out


def test_an_unknown_network_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [_reply(1, "Horaires le dimanche ?", "2026-03-18")]
    assert cli("import", "items", str(write_csv(tmp_path / "r.csv", rows))).code == 0
    bad = cli("topics", "--network", "nosuch")
    assert bad.code == 1 and "unknown network 'nosuch'" in bad.err
    assert "bluesky, facebook" in bad.err
    assert cli("topics", "--network", "mastodon", "--json").code == 0  # known, none stored


def test_alerts_add_rule_adds_a_rule_for_one_network(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    Store.open(db).close()
    added = cli("alerts", "add-rule", "--metric", "animosity", "--span", "hour",
                "--network", "mastodon")
    assert added.code == 0, added.err
    assert added.out.strip() == "added rule 5 animosity/hour mastodon alpha 0.001 min 3"
    assert "rule 5 animosity/hour mastodon alpha 0.001 min 3" in cli("alerts", "list").out
    off = cli("alerts", "add-rule", "--metric", "volume", "--span", "day", "--network",
              "bluesky", "--alpha", "0.01", "--min-count", "20", "--disable", "--json")
    assert off.code == 0, off.err
    assert json.loads(off.out)["rule"] == {
        "rule_id": 6, "metric": "volume", "span": "day", "network": "bluesky", "alpha": 0.01,
        "min_count": 20, "enabled": False}
    checked = json.loads(cli("alerts", "check", "--json").out)["rules"]
    assert [(r["rule_id"], r["network"]) for r in checked] == [
        (1, None), (2, None), (3, None), (4, None), (5, "mastodon")]  # 6 is off
    assert cli("alerts", "edit-rule", "6", "--enable").code == 0
    assert _rule(cli, 6)["enabled"] is True


def test_alerts_add_rule_refuses_unknown_names_bad_values_and_twins(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    Store.open(db).close()
    assert cli("alerts", "add-rule", "--metric", "volume", "--span", "hour", "--network",
               "mastodon", "--disable").code == 0
    base = ["alerts", "add-rule", "--metric", "volume", "--span", "hour"]
    for args, words in [
            (["alerts", "add-rule", "--metric", "anger", "--span", "hour"],
             "unknown metric 'anger' hint: use one of volume, animosity"),
            (["alerts", "add-rule", "--metric", "volume", "--span", "week"],
             "unknown span 'week' hint: use one of hour, day"),
            ([*base, "--network", "myspace"], "unknown network 'myspace'"),
            ([*base, "--network", "myspace"], "bluesky, facebook, instagram"),
            ([*base, "--network", "bluesky", "--alpha", "1"],
             "--alpha 1: expected a probability between 0 and 1"),
            ([*base, "--network", "bluesky", "--alpha", "0"], "--alpha 0: expected"),
            ([*base, "--network", "bluesky", "--min-count", "0"],
             "--min-count 0: expected a whole number from 1"),
            (base, "a volume/hour rule on every network exists already (rule 1) "
                   "hint: change it with: sounding alerts edit-rule 1"),
            ([*base, "--network", "mastodon", "--alpha", "0.01"],  # a disabled twin too
             "a volume/hour rule on mastodon exists already (rule 5)")]:
        refused = cli(*args)
        assert refused.code == 1, args
        assert words in " ".join(refused.err.split()), refused.err
    listed = json.loads(cli("alerts", "list", "--json").out)["rules"]
    assert [r["rule_id"] for r in listed] == [1, 2, 3, 4, 5]  # nothing added by a refusal


def test_alerts_remove_rule(cli, db: Path) -> None:  # type: ignore[no-untyped-def]
    Store.open(db).close()
    removed = cli("alerts", "remove-rule", "3")
    assert removed.code == 0, removed.err
    assert removed.out.strip() == "removed rule 3 animosity/hour all networks alpha 0.001 min 3"
    listed = json.loads(cli("alerts", "list", "--json").out)["rules"]
    assert [r["rule_id"] for r in listed] == [1, 2, 4]
    checked = json.loads(cli("alerts", "check", "--json").out)["rules"]
    assert [r["rule_id"] for r in checked] == [1, 2, 4]
    again = cli("alerts", "remove-rule", "3")
    assert again.code == 1
    assert "no alert rule 3" in again.err and "alerts list" in again.err
    assert cli("alerts", "edit-rule", "3", "--enable").code == 1
    # the same rule may be added anew, with a new number
    anew = cli("alerts", "add-rule", "--metric", "animosity", "--span", "hour", "--json")
    assert anew.code == 0 and json.loads(anew.out)["rule"]["rule_id"] == 5


def test_add_and_remove_rule_through_the_server(store: Store) -> None:
    """The operations the CLI sends while 'sounding serve' holds the workspace."""
    from fastapi.testclient import TestClient

    from sounding.web.app import create_app

    api = TestClient(create_app(store, "t0ken"), base_url="http://127.0.0.1")

    def op(name: str, **args: Any) -> Any:
        return api.post(f"/api/ops/{name}", headers={"X-Sounding-Token": "t0ken"},
                        content=json.dumps(args))

    added = op("alerts_add_rule", metric="animosity", span="day", network="mastodon")
    assert added.status_code == 200, added.text
    rule = added.json()["result"]["rule"]
    assert (rule["rule_id"], rule["network"], rule["min_count"]) == (5, "mastodon", 3)
    twin = op("alerts_add_rule", metric="animosity", span="day", network="mastodon")
    assert twin.status_code == 400 and "(rule 5)" in twin.json()["error"]
    assert op("alerts_add_rule", metric="volume", span="hour", alpha="0.1").status_code == 400
    removed = op("alerts_remove_rule", rule_id=5)
    assert removed.status_code == 200
    assert removed.json()["result"] == {"rule": rule, "alerts_kept": 0}
    assert op("alerts_remove_rule", rule_id=5).status_code == 404


def test_topics_of_the_first_week_name_no_trend(cli, db: Path, launch: Launch) -> None:  # type: ignore[no-untyped-def]
    with Store.open(db) as s:
        s.write(launch.batch, kind="simulate", source="test")
    first = "2026-09-07..2026-09-13"  # the launch's first week: nothing before it
    data = json.loads(cli("topics", "--period", first, "--json").out)
    assert data["texts"] > 0 and data["texts_before"] == 0
    assert data["rising"] == [] and data["falling"] == []
    assert {t["trend"]["direction"] for t in data["topics"]} == {"unmeasured"}
    text = cli("topics", "--period", first)
    assert text.code == 0 and "unmeasured" in text.out
    assert "rising" not in text.out and "falling" not in text.out


def test_an_open_start_is_no_limit(cli, db: Path, launch: Launch) -> None:  # type: ignore[no-untyped-def]
    """``..2026-10-10`` read the week before 10 October only, though a side left empty
    means no limit."""
    with Store.open(db) as s:
        s.write(launch.batch, kind="simulate", source="test")
    data = json.loads(cli("topics", "--period", "..2026-10-10", "--json").out)
    assert data["period_start"].startswith("2026-09-07")  # the first mention's day
    assert data["period_end"].startswith("2026-10-11") and data["texts_before"] == 0
    default = json.loads(cli("topics", "--json").out)  # no period: the last 7 days
    from datetime import datetime
    span = (datetime.fromisoformat(default["period_end"])
            - datetime.fromisoformat(default["period_start"]))
    assert span.days == 7


def test_texts_in_no_topic_are_counted(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    texts = ["Worst cheese ever, total rip-off."] * 2 + ["Horaires le dimanche ?", "😍 !!", "@x"]
    rows = [_reply(i, t, "2026-03-18") for i, t in enumerate(texts)]
    assert cli("import", "items", str(write_csv(tmp_path / "r.csv", rows))).code == 0
    data = json.loads(cli("topics", "--period", "2026-03-15..2026-03-21", "--json").out)
    assert data["texts"] == 5 and data["texts_without_topic"] == 2
    assert sum(t["size"] for t in data["topics"]) == 3
    text = cli("topics", "--period", "2026-03-15..2026-03-21")
    assert "texts in no topic (no topic word: a bare mention, an emoji): 2" in text.out
