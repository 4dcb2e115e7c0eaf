"""Docs that can't drift: every command and setting appears in the README, and its import
examples are what the CLI prints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from sounding.cli import app
from sounding.config import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: object, prefix: str = "sounding") -> dict[str, Any]:
    found = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            found |= _commands(command, f"{prefix} {name}")
        else:
            found[f"{prefix} {name}"] = command
    return found


def test_every_command_is_in_the_readme() -> None:
    commands = _commands(typer.main.get_command(app))
    assert len(commands) >= 6
    missing = [c for c in commands if f"`{c}" not in README]
    assert missing == []


def _table_flags(name: str) -> set[str]:
    """The flags the README's command table shows for ``name`` (its rows' code spans)."""
    table = README[README.index("## Command reference"):README.index("Global options")]
    spans = re.findall(r"`(sounding [^`]*)`", "\n".join(
        line.split(" | ")[0] for line in table.splitlines() if line.startswith("| `")))
    shown = " ".join(s for s in spans if s == name or s.startswith(f"{name} "))
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-o)\b", shown))


def test_the_command_table_shows_each_commands_flags_and_no_other() -> None:
    for name, command in _commands(typer.main.get_command(app)).items():
        flags = {o for p in command.params if p.param_type_name == "option"
                 for o in (*p.opts, *p.secondary_opts)} - {"--help", "-h"}
        shown = _table_flags(name)
        # one of a pair is enough (--no-cluster for --cluster/--no-cluster), -o for --output
        missing = {f for f in flags if f not in shown and not any(
            o in shown for p in command.params if f in (*p.opts, *p.secondary_opts)
            for o in (*p.opts, *p.secondary_opts))}
        assert missing == set(), f"{name}: options not in the README's table"
        assert shown - flags == set(), f"{name}: the README's table shows options it lacks"


def test_every_setting_is_in_the_readme() -> None:
    missing = [s.env for s in SETTINGS.values() if f"`{s.env}`" not in README]
    assert missing == []


def _shape(line: str) -> str:
    """A line with its numbers as N: what a run on other data prints alike."""
    return re.sub(r"\d[\d,]*", "N", line)


def _shown(pattern: str) -> re.Match[str]:
    shown = re.search(rf"^(?:error: )?(/\S+/)posts\.csv{pattern}$", README, re.M)
    assert shown, f"the README shows no line like {pattern!r}"
    return shown


def test_the_readme_import_examples_are_what_the_cli_prints(
        cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    here = f"{tmp_path.resolve()}/"
    header = "id,network,author,text,created_at,likes\n"
    (tmp_path / "posts.csv").write_text(header + "1,bluesky,a,hi,2026-09-07T10:00:00Z,2\n")
    summary = _shown(r": .* counter snapshots added")
    printed = cli("import", "items", "posts.csv").out.splitlines()[0]
    assert printed.startswith(f"{here}posts.csv: ")  # the full path, not the name as typed
    assert _shape(printed.replace(here, summary[1])) == _shape(summary[0])
    (tmp_path / "posts.csv").write_text(header + "2,bluesky,a,hi,yesterday,2\n" * 4)
    failed = cli("import", "items", "posts.csv").err.splitlines()
    for line, pattern in ((failed[0], r", line \d+, column 'created_at': .*"),
                          (failed[-2], r": \d+ problem\(s\), nothing imported")):
        shown = _shown(pattern)
        assert _shape(line.replace(here, shown[1])) == _shape(shown[0])


def _helps(group: object, prefix: str = "sounding") -> dict[str, str]:
    found = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found[f"{prefix} {name}"] = command.help or ""
        if hasattr(command, "commands"):
            found |= _helps(command, f"{prefix} {name}")
    return found


def test_every_commands_summary_is_one_paragraph() -> None:
    """--help lists each command with its summary as written: a line break in it would
    break the summary over two lines of the table."""
    broken = [name for name, text in _helps(typer.main.get_command(app)).items()
              if "\n" in text.strip().split("\n\n")[0]]
    assert broken == []
