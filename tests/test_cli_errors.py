"""Bad input and missing workspaces: one clear error naming what is wrong, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_csv

ROW = {"id": "1", "network": "bluesky", "author": "brand", "text": "hi",
       "created_at": "2026-09-07T10:00:00Z", "likes": "2"}

NEEDS_DATA = [
    ["enrich"], ["plan"], ["collect"], ["publish", "--due"], ["label", "bluesky:1", "interest"],
    ["retrain"], ["review"], ["learn"], ["queue", "add", "--account", "bluesky:brand",
                                         "--text", "hello"],
    ["listen", "add", "brioche"], ["listen", "remove", "1"], ["alerts", "check"],
    ["report", "--output", "r.html"],
]


@pytest.mark.parametrize("command", NEEDS_DATA, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_data_refuses_a_missing_workspace(cli, tmp_path: Path,
                                                       command: list[str]) -> None:
    missing = tmp_path / "typo.duckdb"
    result = cli("--db", str(missing), *command)
    assert result.code == 1, result.out
    assert f"error: no workspace at {missing}" in result.err
    assert "hint: make one with `sounding demo`" in result.err
    assert not missing.exists()  # no empty workspace was left behind


def test_serve_refuses_a_missing_workspace(cli, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.web import server

    served: list[Path] = []
    monkeypatch.setattr(server, "serve", lambda db, **kw: served.append(db))
    missing = tmp_path / "typo.duckdb"
    result = cli("--db", str(missing), "serve")
    assert result.code == 1 and f"no workspace at {missing}" in result.err
    assert served == [] and not missing.exists()


def test_the_first_import_or_account_still_makes_the_workspace(cli, tmp_path: Path) -> None:
    first = tmp_path / "new.duckdb"
    assert cli("--db", str(first), "account", "add", "bluesky", "--handle", "brand").code == 0
    assert first.exists()
    second = tmp_path / "other.duckdb"
    result = cli("--db", str(second), "import", "items",
                 str(write_csv(tmp_path / "a.csv", [ROW])))
    assert result.code == 0 and second.exists()
