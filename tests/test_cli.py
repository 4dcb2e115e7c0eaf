"""The CLI: one clear line and a hint on errors, tracebacks only with --debug."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_csv

ROW = {"id": "1", "network": "bluesky", "author": "brand", "text": "hi",
       "created_at": "2026-09-07T10:00:00Z", "likes": "2"}


def test_import_then_account_then_kpis(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [ROW])
    result = cli("import", "items", str(path))
    assert result.code == 0 and "1 new" in result.out
    result = cli("account", "add", "bluesky", "--handle", "@brand")
    assert result.code == 0 and "1 stored items marked" in result.out
    result = cli("kpis", "--json")
    assert json.loads(result.out)["posts"] == 1


def test_reading_a_workspace_that_does_not_exist_is_refused(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no demo folder here: the hint names `sounding demo`
    missing = tmp_path / "typo" / "shop.duckdb"
    for command in (["kpis"], ["segments"], ["actors"], ["status"]):
        result = cli("--db", str(missing), *command)
        assert result.code == 1 and f"error: no workspace at {missing}" in result.err
        assert "hint: make one with `sounding demo`" in result.err
    assert not missing.parent.exists()  # nothing was created


def test_the_kpi_period_shows_its_last_day_and_bad_ones_get_a_hint(cli, tmp_path: Path
                                                                   ) -> None:
    cli("import", "items", str(write_csv(tmp_path / "a.csv", [ROW])))
    result = cli("kpis", "--period", "2026-09-01..2026-09-30")
    assert result.code == 0 and "KPIs 2026-09-01 .. 2026-09-30" in result.out
    for bad in ("garbage", "2026-09-30..2026-09-01", "2026-13-01.."):
        result = cli("kpis", "--period", bad)
        assert result.code == 1 and "hint: both days are included" in result.err, bad


def test_error_is_one_line_and_a_hint(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [dict(ROW, likes="lots")])
    result = cli("import", "items", str(path))
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines[0] == f"{path}, line 2, column 'likes': expected a whole number ≥ 0, found 'lots'"
    assert lines[1].startswith("error: ") and lines[2].startswith("hint: ")
    assert "Traceback" not in result.err


def test_debug_shows_the_traceback(cli, tmp_path: Path) -> None:
    from sounding.errors import InputError

    with pytest.raises(InputError):
        cli("--debug", "import", "items", str(tmp_path / "missing.csv"))


def test_bad_option_is_a_usage_error(cli) -> None:
    result = cli("kpis", "--period", "yesterday")
    assert result.code == 1 and "expected A..B" in result.err
    assert cli("no-such-command").code == 2


def test_bad_map_option(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [ROW])
    result = cli("import", "items", str(path), "--map", "colour=red")
    assert result.code == 1 and "'colour' is not a column sounding knows" in result.err


def test_python_api_gives_pandas_and_polars(cli, db: Path, tmp_path: Path) -> None:
    import sounding

    cli("import", "items", str(write_csv(tmp_path / "a.csv", [ROW])))
    with sounding.open(db) as ws:
        frame = ws.pandas("items")
        assert list(frame["item_id"]) == ["bluesky:1"]
        assert ws.polars("metric_snapshots")["likes"].to_list() == [2]
        assert ws.sql("SELECT count(*) AS n FROM actors").column("n")[0].as_py() == 1


def test_a_server_that_cannot_list_its_secret_names_does_not_stop_the_command(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The secrets note is a courtesy: a server that cannot answer it (an older one, or
    one stopping) leaves the command to run and to say what went wrong itself."""
    import sounding.cli as cli_module
    from sounding.errors import ServerUnavailable

    asked: list[str] = []

    def refusing(_db: object, name: str, _args: object, **_kw: object) -> object:
        asked.append(name)
        raise ServerUnavailable("the server stopped")

    monkeypatch.setattr(cli_module, "execute", refusing)
    cli_module._via_server("http://127.0.0.1:8765", "collect", {})
    assert asked == ["secret_names"]
    assert "via the server at http://127.0.0.1:8765" in capsys.readouterr().err


def test_import_says_when_corrected_counters_meet_a_stored_moment(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    moment = {**ROW, "likes": "3", "observed_at": "2026-10-31T00:00Z"}
    assert cli("import", "items", str(write_csv(tmp_path / "a.csv", [moment]))).code == 0
    result = cli("import", "items", str(write_csv(tmp_path / "b.csv", [{**moment, "likes": "4"}])))
    assert result.code == 0
    said = " ".join(result.out.split())
    assert ("1 counter reading(s) differ from those already stored for the same moment: the "
            "stored ones were kept") in said
    data = json.loads(cli("import", "items", str(tmp_path / "b.csv"), "--json").out)
    assert data["snapshots_kept_stored"] == 1 and data["snapshots_added"] == 0


def test_status_counts_every_table(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Labels, listening queries, alerts and users were left out: duplicates there could
    not be seen."""
    assert cli("import", "items", str(write_csv(tmp_path / "a.csv", [ROW]))).code == 0
    tables = json.loads(cli("status", "--json").out)["tables"]
    assert list(tables)[:4] == ["accounts", "actors", "items", "interactions"]  # a view
    assert {"labels", "listening_queries", "alert_rules", "alert_channels", "alerts",
            "users", "customer_ids"} <= set(tables)
    assert tables["items"] == 1 and tables["alert_rules"] == 4
    assert "schema_migrations" not in tables and "interaction_rows" not in tables
