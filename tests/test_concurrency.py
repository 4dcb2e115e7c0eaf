"""Several processes on one workspace: waiting for the lock, the server, and SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SOUNDING, run_process, write_csv
from sounding.store import Store
from sounding.workflows.ops import server_file


def _items(prefix: str, n: int) -> list[dict[str, object]]:
    return [{"id": f"{prefix}{i}", "network": "bluesky", "author": f"u{i % 50}",
             "text": f"text {i}", "created_at": "2026-09-07T10:00:00Z", "likes": i % 7}
            for i in range(n)]


def test_two_processes_importing_at_once_both_succeed(db: Path, tmp_path: Path) -> None:
    files = [write_csv(tmp_path / f"{p}.csv", _items(p, 20_000)) for p in ("a", "b")]
    procs = [subprocess.Popen([*SOUNDING, "--db", str(db), "import", "items", str(f)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in files]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    with Store.open(db, read_only=True) as store:
        assert store.counts()["items"] == 40_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _announced(db: Path) -> bool:
    """Whether the server file names a server (it appears whole: written, then renamed)."""
    try:
        return "url" in json.loads(server_file(db).read_text())
    except (FileNotFoundError, ValueError):
        return False


@pytest.fixture
def server(db: Path, tmp_path: Path):
    """`sounding serve` in a folder of its own, once it has announced itself."""
    Store.open(db).close()
    port = _free_port()
    folder = tmp_path / "served"
    folder.mkdir()
    proc = subprocess.Popen([*SOUNDING, "--db", str(db), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=folder)
    deadline = time.monotonic() + 60
    while not _announced(db):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.1)
    yield proc
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)


def test_commands_go_through_a_running_server(db: Path, tmp_path: Path, server) -> None:
    files = [write_csv(tmp_path / f"{p}.csv", _items(p, 5_000)) for p in ("a", "b")]
    procs = [subprocess.Popen([*SOUNDING, "--db", str(db), "import", "items", str(f), "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in files]
    kpi = run_process("--db", str(db), "kpis", "--json")
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all("via the server" in err for _, err in results)
    assert kpi.returncode == 0, kpi.stderr
    assert "posts" in json.loads(kpi.stdout)
    status = run_process("--db", str(db), "status", "--json")
    assert json.loads(status.stdout)["tables"]["items"] == 10_000
    bad = write_csv(tmp_path / "bad.csv", [dict(_items("c", 1)[0], created_at="later")])
    refused = run_process("--db", str(db), "import", "items", str(bad))
    assert refused.returncode == 1
    assert "line 2, column 'created_at'" in refused.stderr


def test_commands_reach_the_server_without_any_proxy(db: Path, server) -> None:
    """HTTP_PROXY carried the server's token, and a password `user add` sent, to a proxy."""
    proxy = socket.socket()
    proxy.bind(("127.0.0.1", 0))
    proxy.listen(5)
    proxy.settimeout(0.5)
    address = f"http://127.0.0.1:{proxy.getsockname()[1]}"
    env = {**os.environ, "HTTP_PROXY": address, "http_proxy": address, "ALL_PROXY": address,
           "NO_PROXY": ""}
    try:
        status = run_process("--db", str(db), "status", "--json", env=env, timeout=60)
        assert status.returncode == 0, status.stderr
        assert "via the server" in status.stderr
        with pytest.raises(TimeoutError):
            proxy.accept()  # nothing came through it
    finally:
        proxy.close()


def test_a_served_workspace_is_said_so_at_once(db: Path, server) -> None:
    """A notebook waited 60 s, then was told to start 'sounding serve'; a second serve
    waited its whole lock_wait for a file the first holds until it stops."""
    import sounding
    from sounding.errors import WorkspaceBusy

    start = time.monotonic()
    with pytest.raises(WorkspaceBusy, match="is served by 'sounding serve' at http://"):
        sounding.open(db, read_only=True)
    assert time.monotonic() - start < 5
    link = db.with_name("link.duckdb")  # the same file by another name: said so at once too
    link.symlink_to(db)
    with pytest.raises(WorkspaceBusy, match="is served by 'sounding serve' at http://"):
        sounding.open(link)
    assert time.monotonic() - start < 10
    again = run_process("--db", str(db), "serve", "--port", str(_free_port()), timeout=60)
    assert again.returncode == 1 and "is already served at http://" in again.stderr


def test_serve_on_a_busy_workspace_says_it_waits_and_why_it_gave_up(db: Path) -> None:
    """serve waited silently for the lock, then said to start 'sounding serve'."""
    Store.open(db).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; "
                               f"c = duckdb.connect({str(db)!r}); print('held', flush=True); "
                               "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        env = {**os.environ, "SOUNDING_LOCK_WAIT": "2"}
        busy = run_process("--db", str(db), "serve", "--port", str(_free_port()), env=env,
                           timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert busy.returncode == 1
    assert "is busy; waiting up to 2 s" in busy.stderr
    assert "another process still holds it" in busy.stderr
    assert "start 'sounding serve'" not in busy.stderr


def test_a_stopped_server_is_said_so_not_waited_for(db: Path, server) -> None:
    """A server stopped with SIGSTOP made every command wait, silently, up to an hour."""
    assert run_process("--db", str(db), "status", timeout=120).returncode == 0  # listening
    server.send_signal(signal.SIGSTOP)
    try:
        start = time.monotonic()
        status = run_process("--db", str(db), "status", timeout=120)
        assert status.returncode == 1
        assert f"(pid {server.pid}) does not answer (ReadTimeout)" in status.stderr
        assert time.monotonic() - start < 60
    finally:
        server.send_signal(signal.SIGCONT)
    assert run_process("--db", str(db), "status", timeout=120).returncode == 0


def test_an_alert_rule_is_edited_through_a_running_server(db: Path, server) -> None:
    edited = run_process("--db", str(db), "alerts", "edit-rule", "1", "--min-count", "9",
                         "--disable")
    assert edited.returncode == 0, edited.stderr
    assert "via the server" in edited.stderr and "min 9 (disabled)" in edited.stdout
    unknown = run_process("--db", str(db), "alerts", "edit-rule", "42", "--enable")
    assert unknown.returncode == 1 and "no alert rule 42" in unknown.stderr
    listed = run_process("--db", str(db), "alerts", "list", "--json")
    rule = json.loads(listed.stdout)["rules"][0]
    assert (rule["rule_id"], rule["min_count"], rule["enabled"]) == (1, 9, False)


def test_alert_rules_are_added_and_removed_through_a_running_server(db: Path, server) -> None:
    added = run_process("--db", str(db), "alerts", "add-rule", "--metric", "animosity",
                        "--span", "hour", "--network", "mastodon", "--json")
    assert added.returncode == 0, added.stderr
    assert "via the server" in added.stderr
    rule_id = json.loads(added.stdout)["rule"]["rule_id"]
    twin = run_process("--db", str(db), "alerts", "add-rule", "--metric", "animosity",
                       "--span", "hour", "--network", "mastodon")
    assert twin.returncode == 1 and f"exists already (rule {rule_id})" in twin.stderr
    removed = run_process("--db", str(db), "alerts", "remove-rule", str(rule_id))
    assert removed.returncode == 0, removed.stderr
    assert f"removed rule {rule_id} animosity/hour mastodon" in removed.stdout
    listed = run_process("--db", str(db), "alerts", "list", "--json")
    assert [r["rule_id"] for r in json.loads(listed.stdout)["rules"]] == [1, 2, 3, 4]


def test_server_file_is_private_and_removed_on_stop(db: Path, server) -> None:
    path = server_file(db)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    server.send_signal(signal.SIGINT)
    server.wait(timeout=60)
    assert not path.exists()


def test_a_command_through_a_server_reads_its_files_here_and_says_its_secrets_are_unseen(
        db: Path, tmp_path: Path, server) -> None:
    here = tmp_path / "here"
    here.mkdir()
    (here / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    secret = "SOUNDING_BLUESKY_BRAND_BSKY_SOCIAL_PASSWORD"
    assert secret not in os.environ  # nor in the server's, which inherited this one
    env = {**os.environ, secret: "app-password-here"}
    added = run_process("--db", str(db), "account", "add", "bluesky", "--handle",
                        "brand.bsky.social", cwd=here, env=env)
    assert added.returncode == 0, added.stderr
    assert "via the server" in added.stderr
    assert (f"the server reads secrets from its own environment: ${secret} set here is not "
            "used") in added.stderr
    assert "app-password-here" not in added.stderr + added.stdout
    queued = run_process("--db", str(db), "queue", "add", "--account", "brand.bsky.social",
                         "--text", "hello", "--image", "pic.png|a picture", "--draft",
                         cwd=here, env=env)
    assert queued.returncode == 0, queued.stderr
    assert "via the server" in queued.stderr and "secrets" not in queued.stderr
    rows = json.loads(run_process("--db", str(db), "queue", "list", "--json").stdout)
    assert [i["path"] for i in rows[0]["images"]] == [str(here / "pic.png")]
    missing = run_process("--db", str(db), "queue", "add", "--account", "brand.bsky.social",
                          "--text", "hello", "--image", "gone.png|a picture", cwd=here)
    assert missing.returncode == 1
    assert f"{here / 'gone.png'}: no such image" in missing.stderr


def test_sigterm_stops_the_server_as_ctrl_c_does(db: Path, server) -> None:
    server.send_signal(signal.SIGTERM)  # as systemd or `kill` stops it
    _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err
    assert not server_file(db).exists()
    status = run_process("--db", str(db), "status", "--json")
    assert status.returncode == 0, status.stderr
    assert "via the server" not in status.stderr


def test_a_file_left_by_a_killed_server_is_passed_by(db: Path, server) -> None:
    path = server_file(db)
    server.kill()
    server.wait(timeout=60)
    assert path.exists()
    gone = run_process("--db", str(db), "status", "--json", timeout=120)
    # its pid may be another program's by now (after a reboot, in a container): this one's
    path.write_text(json.dumps(dict(json.loads(path.read_text("utf-8")), pid=os.getpid())),
                    "utf-8")
    reused = run_process("--db", str(db), "status", "--json", timeout=120)
    for result in (gone, reused):
        assert result.returncode == 0, result.stderr
        assert "server" not in result.stderr
        assert json.loads(result.stdout)["tables"]["items"] == 0

def _items_file(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,network,author,text,created_at,likes\n")
        for i in range(rows):
            fh.write(f"{i},bluesky,u{i % 5000},post number {i},2026-09-07T10:00:00Z,{i % 9}\n")
    return path


@pytest.mark.slow
def test_sigkill_halfway_through_a_million_row_import_leaves_none_or_all(
        db: Path, tmp_path: Path) -> None:
    path = _items_file(tmp_path / "big.csv", 1_000_000)
    Store.open(db).close()
    empty = db.stat().st_size
    proc = subprocess.Popen([*SOUNDING, "--db", str(db), "import", "items", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # DuckDB writes a large transaction's blocks into the file before it commits: kill
    # the process once that has begun, in the middle of writing the rows.
    while db.stat().st_size < empty + (4 << 20) and proc.poll() is None:
        time.sleep(0.002)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store.open(db) as store:
        counts = store.counts()
    assert counts["items"] in (0, 1_000_000)
    assert counts["metric_snapshots"] == counts["items"]
    assert counts["actors"] in (0, 5000)
    result = run_process("--db", str(db), "import", "items", str(path))
    assert result.returncode == 0, result.stderr
    with Store.open(db, read_only=True) as store:
        assert store.counts()["items"] == 1_000_000


def test_python_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "sounding", "--help"], capture_output=True,
                            text=True)
    assert result.returncode == 0 and "import" in result.stdout


def test_a_command_through_a_server_names_the_workspaces_own_secret_variables(
        db: Path, server) -> None:
    """An account whose secret lives in a variable of its own choosing (--password-env)
    and an alert channel's: set where the command runs, the server never sees them, and
    the command says so by name, never by value (before, only the default-shaped names
    were checked)."""
    added = run_process("--db", str(db), "account", "add", "bluesky", "--handle",
                        "brand.bsky.social", "--password-env", "BRAND_APP_PW")
    assert added.returncode == 0, added.stderr
    hooked = run_process("--db", str(db), "alerts", "add-channel", "webhook", "--url",
                         "https://hooks.example.com/x", "--secret-env", "HOOK_SIGNING_KEY")
    assert hooked.returncode == 0, hooked.stderr
    env = {**os.environ, "BRAND_APP_PW": "pw-value-1", "HOOK_SIGNING_KEY": "key-value-2"}
    for command in (["collect"], ["alerts", "check"]):
        ran = run_process("--db", str(db), *command, env=env, timeout=120)
        assert "via the server" in ran.stderr, ran.stderr
        assert ("$BRAND_APP_PW, $HOOK_SIGNING_KEY set here are not used" in ran.stderr
                ), ran.stderr
        assert "pw-value-1" not in ran.stderr + ran.stdout
        assert "key-value-2" not in ran.stderr + ran.stdout
    quiet = run_process("--db", str(db), "kpis", env=env, timeout=120)
    assert "not used" not in quiet.stderr
