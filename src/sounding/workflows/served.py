"""Where a running ``sounding serve`` announces itself, and whether it still serves.

Apart from the operations registry, which imports every workflow: the notebook door asks
here without loading them all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sounding.store import held_elsewhere

__all__ = ["announced", "server_file", "serving"]


def server_file(db: Path) -> Path:
    """Where a running server announces itself for a workspace file."""
    return db.with_name(db.name + ".server.json")


def announced(db: Path) -> dict[str, Any] | None:
    """What the server file says of the server (pid, url, token), if there is one: a
    server killed without a word leaves its file behind, so this alone proves nothing."""
    try:
        info = json.loads(server_file(db).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def serving(db: Path) -> dict[str, Any] | None:
    """The server a live ``sounding serve`` announced for this workspace: its file names
    it and another process holds the workspace (a killed server's file holds nothing)."""
    info = announced(db)
    return info if info is not None and held_elsewhere(db) else None
