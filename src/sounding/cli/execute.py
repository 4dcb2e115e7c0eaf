"""Run an operation where the workspace is: through its server if one holds it, else here."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from sounding import errors
from sounding.connectors.credentials import SECRET_NAME
from sounding.errors import (
    ImportRejected,
    NotFound,
    Problem,
    ServerError,
    ServerUnavailable,
)
from sounding.store import Store, held_elsewhere
from sounding.workflows.ops import CREATING, run_operation, server_file
from sounding.workflows.served import announced

__all__ = ["LISTEN_WAIT", "execute", "find_server", "missing_workspace", "reads_secrets",
           "secrets_left_here"]

LISTEN_WAIT = 30.0  # seconds a starting server (announced, not yet listening) is waited for


# The operations that read secrets from the environment of the process that runs them
# (``account_add`` names its variable in ``credential_env``).
_SECRET_READERS = frozenset({"account_add", "collect", "publish_due", "alerts_check"})

DEMO_WORKSPACE = Path("sounding-demo") / "sounding.duckdb"  # where `sounding demo` writes


def missing_workspace(db: Path) -> NotFound:
    """The error for a workspace that does not exist; its hint names the demo's workspace
    (``sounding demo`` writes it in its own folder, not at the default ./sounding.duckdb)."""
    if DEMO_WORKSPACE.exists():
        hint = (f"the demo's workspace is {DEMO_WORKSPACE}: sounding --db {DEMO_WORKSPACE} "
                "COMMAND (or SOUNDING_DB); make yours with `sounding import items FILE`")
    else:
        hint = (f"make one with `sounding demo` (it writes {DEMO_WORKSPACE}) or "
                "`sounding import items FILE`, or name yours: sounding --db PATH COMMAND "
                "(or SOUNDING_DB)")
    return NotFound(f"no workspace at {db}", hint=hint)


def secrets_left_here(name: str, args: dict[str, Any], workspace_names: Sequence[str] = ()
                      ) -> list[str]:
    """The secrets set in this process's environment that operation ``name`` would not see
    if a server ran it: the server reads its own (variables named in the arguments, those
    the workspace names, ``workspace_names``, and those shaped like an account's default
    variable)."""
    if name not in _SECRET_READERS:
        return []
    named = {str(args["credential_env"])} if args.get("credential_env") else set()
    named.update(workspace_names)
    named.update(n for n in os.environ if SECRET_NAME.fullmatch(n))
    return sorted(n for n in named if os.environ.get(n))


def reads_secrets(name: str) -> bool:
    """Whether operation ``name`` reads secrets from the environment of where it runs."""
    return name in _SECRET_READERS


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holds(db: Path, pid: int) -> bool:
    """Whether process ``pid`` may still hold the workspace open.

    A server opens the file before it announces itself and DuckDB keeps a write lock on it
    while it is open: a free lock means the announced server is gone and its pid (alive)
    was reused, as after a reboot or in a container. This process's locks cannot be seen
    from here (a test's server runs in it)."""
    return pid == os.getpid() or held_elsewhere(db)


def find_server(db: Path) -> dict[str, Any] | None:
    """The server holding this workspace, if one is running (a file left by one that was
    killed is not)."""
    info = announced(db)
    if info is None:
        return None
    pid = int(info.get("pid", 0))
    return info if _alive(pid) and _holds(db, pid) else None


def _raise_remote(payload: dict[str, Any]) -> None:
    kind = getattr(errors, str(payload.get("type")), ServerError)
    message = str(payload.get("error", payload.get("message")))
    if kind is ImportRejected:
        rejected = ImportRejected([Problem(**p) for p in payload.get("problems", [])])
        rejected.hint = payload.get("hint") or rejected.hint  # e.g. the --keep hint
        raise rejected
    if not (isinstance(kind, type) and issubclass(kind, errors.SoundingError)):
        kind = ServerError
    raise kind(message, hint=payload.get("hint") or None)


# a server that does not say it is up within this many seconds is stopped or stuck: an
# operation sent to it would wait for its answer as long as the longest import may take
_ANSWER_WITHIN = 10.0


def _answering(info: dict[str, Any]) -> None:
    """Refuse a server that holds the workspace but does not answer (stopped with SIGSTOP,
    or hung), rather than wait an hour for it."""
    try:
        httpx.get(f"{info['url']}/api/health", timeout=_ANSWER_WITHIN,
                  trust_env=False).raise_for_status()
    except httpx.HTTPError as exc:
        raise ServerUnavailable(
            f"the server at {info['url']} (pid {info.get('pid')}) does not answer "
            f"({type(exc).__name__})",
            hint=f"it may be stopped or stuck: resume it, or stop it (kill {info.get('pid')}) "
                 "to work on the workspace directly") from exc


def _remote(info: dict[str, Any], name: str, args: dict[str, Any]) -> Any:
    _answering(info)
    try:
        # never through a proxy: the token and any password in args stay on this machine
        response = httpx.post(f"{info['url']}/api/ops/{name}", json=args, timeout=3600,
                              headers={"X-Sounding-Token": info["token"]}, trust_env=False)
    except httpx.HTTPError as exc:
        raise ServerUnavailable(f"the server at {info['url']} did not answer ({exc})") from exc
    try:
        payload = response.json()
    except ValueError:
        raise ServerError(f"the server at {info['url']} answered {response.status_code} "
                          f"without JSON to '{name}'",
                          hint="the server's log says why; restart 'sounding serve' if it "
                               "persists") from None
    if response.status_code != 200:
        _raise_remote(payload if isinstance(payload, dict) else {})
    return payload["result"]


def _listening(url: str) -> bool:
    parsed = httpx.URL(url)
    try:
        with socket.create_connection((parsed.host, parsed.port or 80), timeout=1):
            return True
    except OSError:
        return False


def _wait_listening(db: Path, info: dict[str, Any], timeout: float,
                    on_wait: Callable[[str], None] | None) -> dict[str, Any] | None:
    """A server announces itself before it listens: wait for it rather than fail.

    Returns the server once it listens, or None if it stopped meanwhile (then the file is
    free to open here).
    """
    deadline = time.monotonic() + timeout
    told = False
    while not _listening(info["url"]):
        if time.monotonic() >= deadline:
            raise ServerUnavailable(
                f"the server at {info['url']} (pid {info.get('pid')}) did not start listening "
                f"within {timeout:g} s",
                hint=f"check that 'sounding serve' started, or stop it (its file is "
                     f"{server_file(db)}) to work on the workspace directly")
        if on_wait and not told:
            on_wait(f"waiting for the server at {info['url']} to start")
            told = True
        time.sleep(0.1)
        current = find_server(db)
        if current is None:
            return None
        info = current
    return info


def execute(db: Path, name: str, args: dict[str, Any], *, wait: float,
            on_wait: Callable[[str], None] | None = None,
            on_remote: Callable[[str], None] | None = None,
            listen_wait: float = LISTEN_WAIT) -> Any:
    """Run operation ``name`` on workspace ``db`` and return its JSON result.

    A server that is starting is waited for up to ``listen_wait`` seconds.
    """
    info = find_server(db)
    if info is not None:
        info = _wait_listening(db, info, listen_wait, on_wait)
    if info is not None:
        if on_remote:
            on_remote(info["url"])
        return _remote(info, name, args)
    if name not in CREATING and not db.exists():
        raise missing_workspace(db)
    if not db.exists():
        return _create(db, name, args, wait=wait, on_wait=on_wait)
    with Store.open(db, wait=wait, on_wait=on_wait) as store:
        return run_operation(store, name, args)


def _new_name(db: Path, pid: int) -> Path:
    return db.with_name(f".{db.name}.{pid}.new")


def _create(db: Path, name: str, args: dict[str, Any], *, wait: float,
            on_wait: Callable[[str], None] | None) -> Any:
    """Run a command that starts the workspace in a file of its own, which becomes the
    workspace only once the command succeeded: a refused first import leaves no empty
    workspace behind, and no other process ever sees a half-made one. If another command
    made the workspace meanwhile, this one runs again there (what it did in its own file
    is dropped, so nothing is stored twice)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(db)
    new = _new_name(db, os.getpid())
    try:
        with Store.open(new, wait=wait, on_wait=on_wait) as store:
            result = run_operation(store, name, args)
        if _claim(new, db):
            return result
    finally:
        for path in (new, new.with_name(new.name + ".wal")):
            path.unlink(missing_ok=True)
    with Store.open(db, wait=wait, on_wait=on_wait) as store:
        return run_operation(store, name, args)


def _claim(new: Path, db: Path) -> bool:
    """Give the new file the workspace's name unless a workspace is there already."""
    try:
        os.link(new, db)  # atomic, and refused when the name is taken
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if db.exists():
            return False
        os.replace(new, db)
    return True


def _remove_abandoned(db: Path) -> None:
    """New workspace files left by commands that were killed before they finished."""
    for path in db.parent.glob(f".{db.name}.*.new"):
        pid = path.name.removeprefix(f".{db.name}.").removesuffix(".new")
        if pid.isdigit() and not _alive(int(pid)):
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)
