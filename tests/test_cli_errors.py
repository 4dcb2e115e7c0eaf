"""Bad input and missing workspaces: one clear error naming what is wrong, nothing lost."""

from __future__ import annotations

import json
import os
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
    ["alerts", "edit-rule", "1", "--alpha", "0.01"],
    ["alerts", "add-rule", "--metric", "volume", "--span", "hour", "--network", "bluesky"],
    ["alerts", "remove-rule", "1"],
    ["report", "--output", "r.html"],
]


@pytest.mark.parametrize("command", NEEDS_DATA, ids=lambda c: " ".join(c[:2]))
def test_a_command_on_data_refuses_a_missing_workspace(
        cli, tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no demo folder here: the hint names `sounding demo`
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


def test_a_refused_first_import_leaves_no_empty_workspace(cli, tmp_path: Path) -> None:
    """The store untouched: a mistyped file into a new --db left a 1 MB workspace holding
    nothing, which the next command then took for the real one."""
    bad = tmp_path / "bad.csv"
    bad.write_text("id,network,author,text,created_at\n1,bluesky,a,hi,notadate\n")
    crm = tmp_path / "crm.csv"
    crm.write_text("email,plan\nana@example.com,weekly\n")
    new = tmp_path / "new.duckdb"
    result = cli("--db", str(new), "import", "items", str(bad))
    assert result.code == 1 and "line 2, column 'created_at'" in result.err
    # customers import stores the workspace's salt before it reads the file
    refused = cli("--db", str(new), "customers", "import", str(crm), "--id", "nocol")
    assert refused.code == 1 and "nocol" in refused.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "crm.csv"]
    assert cli("--db", str(new), "account", "add", "bluesky", "--handle", "brand").code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "crm.csv", "new.duckdb"]
    again = cli("--db", str(new), "import", "items", str(bad))  # the workspace holds an account
    assert again.code == 1 and new.exists()
    listed = cli("--db", str(new), "account", "list")
    assert listed.code == 0 and "brand" in listed.out


def test_a_workspace_made_meanwhile_takes_the_command_once(cli, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """Two first commands at once: the one that finishes second runs again in the
    workspace the other made, so neither is lost nor stored twice."""
    import importlib

    from sounding.store import Store
    from sounding.workflows.accounts import add_account

    execute = importlib.import_module("sounding.cli.execute")
    new = tmp_path / "w.duckdb"
    real = execute.run_operation
    calls: list[str] = []

    def other_command_first(store: Store, name: str, args: dict[str, object]) -> object:
        if not calls:  # meanwhile, another process makes the workspace
            with Store.open(new) as other:
                add_account(other, "bluesky", "other.bsky.social")
        calls.append(str(store.path))
        return real(store, name, args)

    monkeypatch.setattr(execute, "run_operation", other_command_first)
    good = write_csv(tmp_path / "a.csv", [ROW])
    result = cli("--db", str(new), "import", "items", str(good))
    assert result.code == 0, result.err
    assert [Path(c).name for c in calls] == [f".w.duckdb.{os.getpid()}.new", "w.duckdb"]
    with Store.open(new, read_only=True) as store:
        assert store.counts()["items"] == 1 and store.counts()["accounts"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "w.duckdb"]


def test_a_killed_first_commands_file_is_cleared_by_the_next(cli, tmp_path: Path) -> None:
    new = tmp_path / "w.duckdb"
    left = tmp_path / ".w.duckdb.999999999.new"  # above any pid: its command has ended
    left.write_bytes(b"half a workspace")
    assert cli("--db", str(new), "import", "items",
               str(write_csv(tmp_path / "a.csv", [ROW]))).code == 0
    assert not left.exists() and new.exists()


@pytest.mark.parametrize(("network", "handle", "said"), [
    ("bluesky", "bad handle!!", "'bad handle!!' is no bluesky handle"),
    ("bluesky", "brand.", "'brand.' is no bluesky handle"),
    ("mastodon", "shop!@social.example", "'shop!@social.example' is no mastodon handle"),
])
def test_a_handle_that_cannot_be_one_is_refused(cli, network: str, handle: str,
                                                said: str) -> None:
    """"bad handle!!" was accepted, with a secret variable named after it."""
    extra = ["--instance", "https://social.example"] if network == "mastodon" else []
    result = cli("account", "add", network, "--handle", handle, *extra)
    assert result.code == 1 and said in result.err
    good = "Brand.bsky.social" if network == "bluesky" else "@shop_1@social.example"
    assert cli("account", "add", network, "--handle", good, *extra).code == 0


@pytest.fixture
def brand(cli):
    """A workspace with one Bluesky account to queue posts for."""
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0
    return cli


@pytest.mark.parametrize(("at", "said"), [
    ("2026-02-30 10:00", "day is out of range for month"),
    ("99999-01-01 10:00", "expected YYYY-MM-DD HH:MM, by 2999-12-31"),
    ("0001-01-01T00:00+01:00", "outside the calendar (sounding's ends on 2999-12-31)"),
    ("9999-12-31T23:59-05:00", "outside the calendar"),
    ("3000-01-01T00:00", "is after 2999-12-31, where sounding's calendar ends"),
    ("2020-01-01 10:00", "is in the past"),
])
def test_queue_add_refuses_a_time_off_the_calendar_or_past(brand, at: str, said: str) -> None:
    result = brand("queue", "add", "--account", "bluesky:brand", "--text", "hi", "--at", at)
    assert result.code == 1 and f"error: '{at}'" in result.err and said in result.err
    assert "hint: " in result.err and "unexpected" not in result.err
    assert brand("queue", "list", "--json").out.strip() == "[]"


@pytest.mark.parametrize("text", ["   ", "\u200b", "\x00\u200d ", "\ufeff\n", "\u3000",
                                  "\u2003\u2028"])
def test_queue_add_refuses_a_text_that_shows_nothing(brand, text: str) -> None:
    """A zero-width space alone was queued, to be published as an empty-looking post."""
    result = brand("queue", "add", "--account", "bluesky:brand", "--text", text)
    assert result.code == 1
    assert "the text is empty (or holds only invisible characters)" in result.err
    assert "hint: write the post with --text" in result.err


def test_queue_add_takes_a_time_to_come(brand) -> None:
    result = brand("queue", "add", "--account", "bluesky:brand", "--text", "hi",
                   "--at", "2999-01-01T10:00+01:00")
    assert result.code == 0 and "2999-01-01T09:00:00+00:00" in result.out


def test_queue_add_spells_variant_levels_as_imports_do(brand) -> None:
    from sounding.imports.convert import parse_variant

    typed = " Format=Photo ; Topic = Product Launch"
    assert brand("queue", "add", "--account", "bluesky:brand", "--text", "hi",
                 "--variant", typed).code == 0
    rows = json.loads(brand("queue", "list", "--json").out)
    assert rows[0]["variant"] == parse_variant(typed) == {"format": "photo",
                                                          "topic": "product launch"}
    bad = brand("queue", "add", "--account", "bluesky:brand", "--text", "hi", "--variant", "x")
    assert bad.code == 1 and "'x' is not factor=level" in bad.err
    twice = brand("queue", "add", "--account", "bluesky:brand", "--text", "hi",
                  "--variant", "format=a,Format=b")  # the last one was kept
    assert twice.code == 1 and "'format' is given twice (a and b)" in twice.err
    assert parse_variant("format=a;format=A") == {"format": "a"}  # the same level is no clash


BAD_URLS = ["ftp://hooks.example.com/h", "hooks.example.com/h", "http://", "https://:80/h",
            "http://hooks example.com/h", "http://hooks.example.com/a b",
            "https://hooks.example.com:99999/h", "http://[::1/h", "http://xn--.com/h",
            "http://ex%ample.com/h"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_bad_webhook_url_is_refused_and_not_stored(cli, db: Path, url: str) -> None:
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0
    result = cli("alerts", "add-channel", "webhook", "--url", url)
    assert result.code == 1 and "error: webhook URL " in result.err, result.err
    assert "hint: e.g. --url https://" in result.err and "unexpected" not in result.err
    listed = cli("alerts", "list", "--json")
    assert listed.code == 0 and json.loads(listed.out)["channels"] == []


def test_alerts_list_shows_a_bad_stored_webhook_instead_of_failing(cli, db: Path) -> None:
    from sounding.store import Store
    from sounding.store.said_store import add_channel

    with Store.open(db) as store:  # stored by an older sounding, before URLs were checked
        add_channel(store, "webhook", "http://[::1/hook?token=abc", {"url": "http://[::1/h"})
        add_channel(store, "webhook", "https://ok.example.com/h?token=abc",
                    {"url": "https://ok.example.com/h?token=abc"})
    result = cli("alerts", "list")
    assert result.code == 0, result.err
    assert "http://[::1/… (invalid, no alert can be sent to it: Invalid IPv6 URL)" in result.out
    assert "https://ok.example.com/…" in result.out and "token=abc" not in result.out


def test_an_alert_to_a_bad_stored_webhook_is_a_failed_delivery(db: Path) -> None:
    from sounding.store import Store
    from sounding.workflows import alerts

    channel = {"channel_id": 1, "kind": "webhook", "config": {"url": "http://[::1/h"}}
    with Store.open(db):
        done = alerts._deliver(channel, {"message": "spike"}, env={})
    assert done["ok"] is False and "Invalid IPv6 URL" in done["error"]


def test_a_missing_workspace_names_the_demo_s_when_it_is_here(cli, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    # after `sounding demo`, `sounding kpis` looks for ./sounding.duckdb, not the demo's
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sounding-demo").mkdir()
    (tmp_path / "sounding-demo" / "sounding.duckdb").touch()
    result = cli("--db", str(tmp_path / "sounding.duckdb"), "kpis")
    assert result.code == 1
    assert "sounding --db sounding-demo/sounding.duckdb COMMAND" in result.err


def test_kpis_without_brand_posts_say_how_posts_become_the_brand_s(cli, tmp_path: Path
                                                                   ) -> None:
    cli("import", "items", str(write_csv(tmp_path / "a.csv", [ROW])))
    result = cli("kpis")
    # the period measured is the data's (one item's day), with or without brand posts
    assert result.code == 0 and "1970" not in result.out
    assert "KPIs 2026-09-07 .. 2026-09-07" in result.out
    assert "sounding account add NETWORK --handle HANDLE" in result.err


def test_utf16_without_its_mark_is_named(cli, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes("id,network,author,text,created_at\n1,bluesky,a,hé,2026-09-07\n"
                     .encode("utf-16-le"))
    result = cli("import", "items", str(path))
    assert result.code == 1 and "UTF-16 without a byte-order mark" in result.err
    assert "--encoding utf-16-le" in result.err and "required column" not in result.err
    assert cli("import", "items", str(path), "--encoding", "utf-16-le").code == 0


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_customers_from_excel_semicolons_and_encodings(cli, tmp_path: Path,
                                                       encoding: str) -> None:
    path = tmp_path / "crm.csv"
    path.write_bytes("email;country\r\nzoé@example.com;FR\r\n".encode(encoding))
    result = cli("customers", "import", str(path), "--id", "email", "--keep", "country")
    if encoding == "cp1252":  # said, with the way out, not an unexpected error
        assert result.code == 1 and "--encoding cp1252" in result.err
        assert f"error: {path}, line 2: invalid continuation byte (byte 0xe9)" in result.err
        assert "unexpected" not in result.err
        result = cli("customers", "import", str(path), "--id", "email", "--keep", "country",
                     "--encoding", "cp1252")
    assert result.code == 0 and "1 new" in result.out, result.err


def test_an_empty_queue_says_so_and_ids_line_up(cli) -> None:
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0
    result = cli("queue", "list")
    assert result.code == 0 and "no queued post" in result.err
    for _ in range(10):
        assert cli("queue", "add", "--account", "bluesky:brand", "--text", "hi",
                   "--draft").code == 0
    lines = cli("queue", "list").out.splitlines()
    assert len({line.index("draft") for line in lines}) == 1


def test_serve_on_a_port_in_use_says_so_before_announcing(cli, db: Path) -> None:
    import socket

    from sounding.store import Store
    from sounding.workflows.ops import server_file

    Store.open(db).close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.code == 1
    assert f"error: cannot listen on 127.0.0.1:{port}" in result.err
    assert "hint: stop what uses that port, or choose another with --port" in result.err
    assert "serving" not in result.err and not server_file(db).exists()


def test_an_empty_workspace_and_empty_files_are_said_plainly(cli, tmp_path: Path) -> None:
    """An empty items file gave six problems (five "required column is missing"), an empty
    CRM file "the header has: " and nothing, the actor map "the 0 largest:" and the
    report "no brand post from 1970-01-01"."""
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    items = cli("import", "items", str(empty))
    assert items.code == 1 and items.err.count(f"{empty}: the file is empty") == 1
    assert "required column" not in items.err and "1 problem(s)" in items.err
    crm = cli("customers", "import", str(empty), "--id", "email")
    assert crm.code == 1 and f"{empty}: the file is empty" in crm.err
    assert cli("account", "add", "bluesky", "--handle", "brand.bsky.social").code == 0
    actors = cli("actors")
    assert actors.code == 0 and "largest" not in actors.out
    assert "most influential: none" in actors.out
    report = cli("report", "--output", str(tmp_path / "r.html"))
    assert report.code != 0 and "no brand post in this workspace" in report.err
    assert "1970" not in report.err


@pytest.mark.parametrize(("query", "said"), [
    ("#", "'#' is no hashtag"), ("##", "'##' is no hashtag"),
    ("# brioche", "'#' is no hashtag"), ("x" * 301, "the query has 301 characters; at most 300"),
    ("brioche\ncroissant", "a line break or a control character"),
])
def test_a_listening_query_no_network_can_search_is_refused(brand, query: str,  # type: ignore[no-untyped-def]
                                                            said: str) -> None:
    result = brand("listen", "add", query)
    assert result.code == 1 and said in result.err
    assert json.loads(brand("listen", "list", "--json").out) == []


def test_a_hashtag_in_capitals_is_the_same_query_and_removing_twice_says_so(brand) -> None:  # type: ignore[no-untyped-def]
    first = json.loads(brand("listen", "add", "#brioche", "--json").out)
    again = json.loads(brand("listen", "add", "#Brioche", "--json").out)
    assert again["query_id"] == first["query_id"]
    assert brand("listen", "add", "#brioche croissant").code == 0  # a tag and a word: a search
    assert brand("listen", "remove", str(first["query_id"])).code == 0
    twice = brand("listen", "remove", str(first["query_id"]))
    assert twice.code == 1 and f"no listening query {first['query_id']}" in twice.err


def test_a_path_that_cannot_be_used_is_named_not_a_crash(cli, tmp_path: Path) -> None:
    """A folder given as the CRM file or as the rejects file, and a rejects folder that
    does not exist, ended as 'unexpected' IsADirectoryError / FileNotFoundError."""
    db = tmp_path / "ws.duckdb"
    folder = tmp_path / "crm.csv"
    folder.mkdir()
    crm = cli("--db", str(db), "customers", "import", str(folder), "--id", "email")
    assert crm.code == 1 and f"error: {folder}: a folder, where a file was expected" in crm.err
    assert "unexpected" not in crm.err and not db.exists()
    bad = write_csv(tmp_path / "bad.csv", [ROW, {**ROW, "id": "2", "created_at": "yesterday"}])
    for rejects, said in ((tmp_path, "a folder, where a file was expected"),
                          (tmp_path / "none" / "r.jsonl", "no such file or folder")):
        result = cli("--db", str(db), "import", "items", str(bad), "--keep-good",
                     "--rejects", str(rejects))
        assert result.code == 1 and f"error: {rejects}: {said}" in result.err
        assert "unexpected" not in result.err and not db.exists()  # nothing was stored


def test_a_file_the_system_refuses_is_named_with_its_reason(
        store, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """As root no file is unreadable, so the refusal is raised as the system would."""
    from sounding.errors import InputError
    from sounding.workflows import ops

    def refused(_store, **_kw):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied", "/exports/noperm.csv")

    monkeypatch.setitem(ops.OPERATIONS, "refused_for_test", refused)
    with pytest.raises(InputError, match=r"^/exports/noperm\.csv: permission denied$"):
        ops.run_operation(store, "refused_for_test", {})


def test_customers_refuse_an_identifier_column_named_twice(cli, tmp_path: Path) -> None:
    """The last of two 'email' columns was read, and the first one silently left out."""
    path = tmp_path / "crm.csv"
    path.write_text("email,email,country\na@x.com,b@y.com,FR\n", encoding="utf-8")
    result = cli("customers", "import", str(path), "--id", "email", "--keep", "country")
    assert result.code == 1
    assert (f"error: {path}: the header names 'email' more than once: sounding cannot tell "
            "which column to read") in result.err
    path.write_text("email,country,country\na@x.com,FR,\n", encoding="utf-8")
    result = cli("customers", "import", str(path), "--id", "email", "--keep", "country")
    assert result.code == 1 and "names 'country' more than once" in result.err
    path.write_text("email,note,note\na@x.com,,\n", encoding="utf-8")  # a column not read
    assert cli("customers", "import", str(path), "--id", "email").code == 0


def test_collect_says_an_account_failed_and_what_it_kept(
        cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A failed account printed 'new 0 items, …' as if it had been collected."""
    from sounding.errors import NetworkFailure
    from sounding.workflows import collect

    assert cli("account", "add", "bluesky", "--handle", "brand.bsky.social").code == 0
    assert cli("account", "add", "bluesky", "--handle", "kept.bsky.social").code == 0

    def fails(run, window, now):  # type: ignore[no-untyped-def]
        if run.account.startswith("bluesky:kept"):
            run.summary.new["items"] = 2  # written before the failure
        raise NetworkFailure("bluesky: https://bsky.social did not answer")

    monkeypatch.setitem(collect.collect.__kwdefaults__, "connect_fn",
                        lambda settings, **kw: object())  # no network: _collect_one fails
    monkeypatch.setattr(collect, "_collect_one", fails)
    result = cli("collect")
    assert result.code == 1
    assert "bluesky:brand.bsky.social:" not in result.out
    assert "bluesky:kept.bsky.social: failed, after storing: new 2 items" in result.out
    assert "bluesky:brand.bsky.social not collected: bluesky: https://bsky.social did not " \
           "answer" in result.err
