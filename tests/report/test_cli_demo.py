"""The report and strategy commands, and the demo's entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sounding.report.documents import write_demo_reports
from sounding.store import Store
from sounding.workflows.ops import OPERATIONS
from sounding.workflows.reporting import report_data_op


@pytest.fixture
def workspace(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from tests.report.conftest import fill

    import sounding.cli.report  # noqa: F401  (registers the commands)

    monkeypatch.setitem(OPERATIONS, "report_data", report_data_op)
    store, _ = fill(db, scale=0.2, with_labels=True)
    store.close()
    return db


def test_report_and_strategy_commands(workspace: Path, cli: Any, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    result = cli("report", "--lang", "fr", "-o", str(html),
                 "--period", "2026-09-01..2026-12-31")
    assert result.code == 0, result.err
    assert "Présence sociale" in html.read_text("utf-8")
    md = tmp_path / "s.md"
    result = cli("strategy", "--lang", "en", "-o", str(md), "--no-pseudonymise")
    assert result.code == 0, result.err
    assert "# Presence strategy" in md.read_text("utf-8")
    bad = cli("report", "-o", str(tmp_path / "r.txt"))
    assert bad.code != 0 and "format" in bad.err


def test_write_demo_reports(labelled: tuple[Store, str], tmp_path: Path) -> None:
    paths = write_demo_reports(labelled[0], tmp_path / "out", lang="en")
    assert sorted(p.name for p in paths.values()) == ["report.html", "report.pdf",
                                                       "strategy.md"]
    assert all(p.stat().st_size > 1000 for p in paths.values())


def test_strategy_takes_a_format_and_refuses_a_mismatch(workspace: Path, cli: Any,
                                                         tmp_path: Path) -> None:
    page = tmp_path / "draft.out"  # a name that says nothing: --format decides
    result = cli("strategy", "--format", "html", "-o", str(page))
    assert result.code == 0, result.err
    assert page.read_text("utf-8").lstrip().lower().startswith("<!doctype html")
    for command, fmt, name in (("strategy", "pdf", "s.md"), ("strategy", "md", "s.html"),
                               ("report", "pdf", "r.html"), ("report", "html", "r.json")):
        bad = cli(command, "--format", fmt, "-o", str(tmp_path / name))
        assert bad.code != 0 and f"--format {fmt}" in bad.err and name in bad.err
        assert not (tmp_path / name).exists()
    wrong = cli("strategy", "--format", "docx", "-o", str(tmp_path / "s.docx"))
    assert wrong.code != 0 and "md, html, pdf" in wrong.err
