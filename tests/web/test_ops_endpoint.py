"""The operations endpoint: its token, its refusals as JSON, /api/health, and a CLI command
issued while the server is still starting."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from sounding.cli.execute import execute
from sounding.errors import ServerUnavailable
from sounding.store import Store
from sounding.web.app import create_app
from sounding.workflows.ops import OPERATIONS, server_file

TOKEN = "test-token"


@pytest.fixture
def api(store: Store) -> TestClient:
    return TestClient(create_app(store, TOKEN), base_url="http://127.0.0.1")


def _op(api: TestClient, name: str, body: Any = None, token: str | bytes = TOKEN,
        raw: bytes | None = None) -> Any:
    return api.post(f"/api/ops/{name}", headers={"X-Sounding-Token": token},
                    content=raw if raw is not None else json.dumps(body or {}))


def _broken(store: Store) -> Any:
    raise RuntimeError("boom")


def test_a_non_ascii_or_wrong_token_is_refused_before_the_arguments(api: TestClient) -> None:
    for token in ("tökén".encode(), "\xff".encode("latin-1"), b"", b"test-tokeN"):
        refused = _op(api, "status", token=token, raw=b"not json")
        assert refused.status_code == 403, token
        assert refused.json()["error"] == "bad token" and TOKEN not in refused.text


@pytest.mark.parametrize(("body", "said"), [
    ({"query_id": 1, "bogus": 1}, "unexpected keyword argument 'bogus'"),
    ({"query_id": "7"}, "wrong type for 'query_id'"),
    ({}, "missing a required argument: 'query_id'"),
    ([7], "must be a JSON object"),
])
def test_wrong_arguments_are_a_400_naming_what_the_operation_takes(
        api: TestClient, body: Any, said: str) -> None:
    refused = _op(api, "listen_remove", body)
    assert refused.status_code == 400
    payload = refused.json()
    assert payload["type"] == "InputError" and said in payload["error"]
    assert payload["hint"] == "'listen_remove' takes query_id (? marks optional ones)"


def test_arguments_that_are_not_json_or_not_json_types_are_a_400(api: TestClient) -> None:
    assert _op(api, "status", raw=b"{nope").status_code == 400
    code = _op(api, "collect", {"connect_fn": "os.system"})  # a callable cannot be sent
    assert code.status_code == 400 and "wrong type for 'connect_fn'" in code.json()["error"]
    secret = _op(api, "user_add", {"username": "ann", "password": 12345678901})
    assert secret.status_code == 400 and "12345678901" not in secret.text


def test_an_operations_input_error_keeps_its_message_and_hint(api: TestClient,
                                                              tmp_path: Path) -> None:
    short = _op(api, "user_add", {"username": "ann", "password": "short"})
    assert short.status_code == 400
    assert short.json() == {"type": "InputError", "error": "the password is too short",
                            "hint": "use at least 8 characters"}
    bad = tmp_path / "bad.csv"
    bad.write_text("id,network,author,text,created_at\n1,bluesky,u,t,later\n", "utf-8")
    rejected = _op(api, "import_items", {"path": str(bad)})
    assert rejected.status_code == 422
    assert rejected.json()["type"] == "ImportRejected" and rejected.json()["problems"]
    assert _op(api, "nothing").status_code == 404


def test_an_unexpected_failure_is_a_json_500(api: TestClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(OPERATIONS, "status", _broken)
    failed = _op(api, "status")
    assert failed.status_code == 500
    payload = failed.json()
    assert payload["type"] == "ServerError"
    assert payload["error"] == "'status' failed on the server: RuntimeError: boom"
    assert "server's log" in payload["hint"]


def test_health_does_not_name_the_workspace(api: TestClient, db: Path) -> None:
    health = api.get("/api/health")
    assert health.status_code == 200
    assert health.json()["ok"] is True and "warm" in health.json()
    assert db.name not in health.text and str(db.parent) not in health.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _announce(db: Path, port: int) -> None:
    """What ``sounding serve`` writes before it listens."""
    server_file(db).write_text(json.dumps({"pid": os.getpid(), "token": TOKEN,
                                           "url": f"http://127.0.0.1:{port}"}), "utf-8")


@pytest.fixture
def late_server(store: Store, db: Path) -> Iterator[uvicorn.Server]:
    """A server announced now that starts listening half a second later."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, TOKEN), host="127.0.0.1",
                                           port=port, log_level="warning"))

    def run() -> None:
        time.sleep(0.5)
        server.run()

    _announce(db, port)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield server
    server.should_exit = True
    thread.join(timeout=10)


def test_a_command_waits_for_a_server_that_is_starting(db: Path,
                                                       late_server: uvicorn.Server) -> None:
    said: list[str] = []
    remote: list[str] = []
    result = execute(db, "status", {}, wait=1, on_wait=said.append, on_remote=remote.append)
    assert late_server.started and remote and "items" in result["tables"]
    assert said == [f"waiting for the server at {remote[0]} to start"]


def test_a_server_that_never_listens_is_a_clear_error(db: Path) -> None:
    port = _free_port()
    _announce(db, port)
    began = time.monotonic()
    with pytest.raises(ServerUnavailable) as refused:
        execute(db, "status", {}, wait=1, listen_wait=0.3)
    assert 0.3 <= time.monotonic() - began < 5
    assert f"127.0.0.1:{port}" in str(refused.value)
    assert "did not start listening within 0.3 s" in str(refused.value)
    assert "sounding serve" in refused.value.hint and TOKEN not in str(refused.value)


def test_a_server_that_gives_up_starting_leaves_the_file_to_the_command(db: Path) -> None:
    Store.open(db).close()
    _announce(db, _free_port())
    threading.Timer(0.3, server_file(db).unlink).start()
    assert "items" in execute(db, "status", {}, wait=1)["tables"]


def test_the_cli_shows_a_server_failure_as_one_line_and_its_hint(
        cli: Any, late_server: uvicorn.Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(OPERATIONS, "status", _broken)
    deadline = time.monotonic() + 10
    while not late_server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    result = cli("status")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert "error: 'status' failed on the server: RuntimeError: boom" in lines
    assert lines[-1].startswith("hint: this is unexpected; the server's log")
    assert "Traceback" not in result.err and "--debug" not in result.err
