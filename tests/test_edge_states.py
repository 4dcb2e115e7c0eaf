"""Analysis commands on workspaces in unusual states: a clear answer, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_csv

ROWS = [{"id": str(n), "network": "bluesky", "author": "brand", "text": f"post {n}",
         "created_at": f"2026-09-{n:02d}T10:00:00Z", "likes": "3",
         "impressions": "0" if n <= 3 else "100"} for n in range(1, 11)]


def test_open_and_far_periods_and_posts_seen_by_nobody(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0
    assert cli("import", "items", str(write_csv(tmp_path / "p.csv", ROWS))).code == 0
    far = cli("kpis", "--json", "--period", "2026-09-05..9999-12-31")  # had no morrow
    assert far.code == 0, far.err
    assert json.loads(far.out)["posts"] == 6
    epoch = json.loads(cli("kpis", "--json", "--period", "1970-01-01..1970-01-02").out)
    assert epoch["period_start"] < epoch["period_end"]  # a 1970 start is a start
    seen = json.loads(cli("kpis", "--json").out)
    assert seen["posts_with_impressions"] == 7  # 0 impressions: not seen, no rate
    assert seen["engagement_rate_per_impression"] == 21 / 700


def test_outputs_that_cannot_be_written_say_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0
    assert cli("import", "items", str(write_csv(tmp_path / "p.csv", ROWS))).code == 0
    folder = tmp_path / "taken.html"
    folder.mkdir()
    blocked = tmp_path / "file.txt"
    blocked.write_text("x")
    for args, path in ((("report", "-o"), folder), (("strategy", "-o"), blocked / "s.md"),
                       (("actors", "--export"), blocked / "a.gexf")):
        result = cli(*args, str(path))
        assert result.code == 1, (args, result.out)
        assert f"error: cannot write {path}" in result.err and "unexpected" not in result.err
    nested = tmp_path / "new" / "folder" / "r.html"
    assert cli("report", "-o", str(nested)).code == 0 and nested.is_file()


def test_a_map_without_communities_is_valid_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", "items", str(write_csv(tmp_path / "p.csv", ROWS[:2]))).code == 0
    shown = cli("actors", "--json")
    assert shown.code == 0, shown.err
    assert "NaN" not in shown.out and json.loads(shown.out)["modularity"] is None
    assert "modularity n/a" in cli("actors").out
