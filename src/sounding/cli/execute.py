"""Run an operation where the workspace is: through its server if one holds it, else here."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from sounding import errors
from sounding.errors import (
    ImportRejected,
    NotFound,
    Problem,
    ServerError,
    ServerUnavailable,
)
from sounding.store import Store
from sounding.workflows.ops import READING, run_operation, server_file

__all__ = ["execute", "find_server"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def find_server(db: Path) -> dict[str, Any] | None:
    """The server holding this workspace, if one is running."""
    path = server_file(db)
    try:
        info: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if _alive(int(info.get("pid", 0))) else None


def _raise_remote(payload: dict[str, Any]) -> None:
    kind = getattr(errors, str(payload.get("type")), ServerError)
    if kind is ImportRejected:
        rejected = ImportRejected([Problem(**p) for p in payload.get("problems", [])])
        rejected.hint = payload.get("hint") or rejected.hint  # e.g. the --keep hint
        raise rejected
    if not (isinstance(kind, type) and issubclass(kind, errors.SoundingError)):
        kind = ServerError
    raise kind(str(payload.get("message")), hint=payload.get("hint") or None)


def _remote(info: dict[str, Any], name: str, args: dict[str, Any]) -> Any:
    try:
        response = httpx.post(f"{info['url']}/api/ops/{name}", json=args, timeout=3600,
                              headers={"X-Sounding-Token": info["token"]})
    except httpx.HTTPError as exc:
        raise ServerUnavailable(f"the server at {info['url']} did not answer ({exc})") from exc
    payload = response.json()
    if response.status_code != 200:
        _raise_remote(payload)
    return payload["result"]


def execute(db: Path, name: str, args: dict[str, Any], *, wait: float,
            on_wait: Callable[[str], None] | None = None,
            on_remote: Callable[[str], None] | None = None) -> Any:
    """Run operation ``name`` on workspace ``db`` and return its JSON result."""
    info = find_server(db)
    if info is not None:
        if on_remote:
            on_remote(info["url"])
        return _remote(info, name, args)
    if name in READING and not db.exists():
        raise NotFound(f"no workspace at {db}",
                       hint="make one with `sounding demo` or `sounding import items FILE`, "
                            "or name yours: sounding --db PATH COMMAND (or SOUNDING_DB)")
    with Store.open(db, wait=wait, on_wait=on_wait) as store:
        return run_operation(store, name, args)
