"""Docs that can't drift: every command and setting appears in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from sounding.cli import app
from sounding.config import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: object, prefix: str = "sounding") -> list[str]:
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            names += _commands(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_command_is_in_the_readme() -> None:
    commands = _commands(typer.main.get_command(app))
    assert len(commands) >= 6
    missing = [c for c in commands if f"`{c}" not in README]
    assert missing == []


def test_every_setting_is_in_the_readme() -> None:
    missing = [s.env for s in SETTINGS.values() if f"`{s.env}`" not in README]
    assert missing == []
