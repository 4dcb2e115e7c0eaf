"""Values out of range are refused up front, in one line and a hint, before any network call
or any write: never a raw Python error after the work, never silently taken."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from conftest import write_csv
from sounding.errors import ConfigError, InputError
from sounding.store import Store

ROW = {"id": "1", "network": "bluesky", "author": "brand.bsky.social", "text": "hi",
       "created_at": "2026-09-07T10:00:00Z", "likes": "2"}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def _error(result: Any) -> tuple[str, str]:
    """The error line and the hint line of a refused command."""
    assert result.code == 1, (result.out, result.err)
    lines = [line for line in result.err.splitlines() if line.strip()]
    error = next(line for line in lines if line.startswith("error: "))
    hint = next((line for line in lines if line.startswith("hint: ")), "")
    assert "unexpected" not in hint, result.err
    assert hint, f"no hint: {result.err}"
    return error, hint


@pytest.fixture
def brand(cli: Any) -> Any:
    """A workspace with a Bluesky account (no secret: nothing can be collected)."""
    assert cli("account", "add", "bluesky", "--handle", "brand.bsky.social").code == 0
    return cli


def _never(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("called though the input was refused")


# 1. collect --window-days

@pytest.mark.parametrize("days", ["0", "-5", "3651", "99999999999"])
def test_collect_refuses_a_window_outside_1_to_3650_days(
        brand: Any, days: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import collect

    monkeypatch.setattr(collect, "connect", _never)
    error, hint = _error(brand("collect", "--window-days", days))
    assert error == f"error: --window-days {days}: expected a number of days from 1 to 3650"
    assert "30" in hint


def test_collect_takes_the_largest_window(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    from sounding.workflows.accounts import add_account
    from sounding.workflows.collect import MAX_WINDOW_DAYS, collect

    tried: list[object] = []

    def connect(settings: Any, **kw: Any) -> Any:
        tried.append(settings["account_id"])
        raise ConfigError("no secret in the tests")

    with Store.open(db) as store:
        add_account(store, "bluesky", "brand.bsky.social")
        result = collect(store, window_days=MAX_WINDOW_DAYS, connect_fn=connect)
    assert tried == ["bluesky:brand.bsky.social"]
    assert result["failed"]["bluesky:brand.bsky.social"]["error"] == "no secret in the tests"


# 2. and 3. serve and demo --serve: the port and host, and when the address is said

@pytest.mark.parametrize("port", ["70000", "-1", "65536"])
def test_serve_refuses_a_port_out_of_range(brand: Any, port: str) -> None:
    error, hint = _error(brand("serve", "--port", port))
    assert error == f"error: --port {port}: a TCP port is a number from 0 to 65535"
    assert "0 for any free one" in hint


def test_serve_on_no_address_says_so(brand: Any) -> None:
    error, hint = _error(brand("serve", "--host", "999.1.1.1"))
    assert error.startswith("error: cannot listen on 999.1.1.1:8000")
    assert "not an address or a known host name" in hint
    assert "stop what uses that port" not in hint


def test_serve_on_an_address_of_another_machine_says_so(brand: Any) -> None:
    error, hint = _error(brand("serve", "--host", "192.0.2.1", "--port", "0"))  # TEST-NET-1
    assert error.startswith("error: cannot listen on 192.0.2.1:0")
    assert "not one of this machine's addresses" in hint


def test_serve_announces_the_port_it_took(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--port 0 was announced as port 0 (the server file too): the system picks the port."""
    import uvicorn

    from sounding.web import server

    Store.open(db).close()
    bound: list[int] = []
    monkeypatch.setattr(uvicorn.Server, "run",
                        lambda self, sockets: bound.append(sockets[0].getsockname()[1]))
    said: list[str] = []
    server.serve(db, port=0, on_listening=said.append)
    assert bound and bound[0] != 0
    assert said == [f"http://127.0.0.1:{bound[0]}"]


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_demo_refuses_a_port_out_of_range_before_the_demo(
        bare_cli: Any, tmp_path: Path, port: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import demo

    monkeypatch.setattr(demo, "run_demo", _never)
    out = tmp_path / "demo"
    error, _ = _error(bare_cli("demo", "--out", str(out), "--serve",
                                                  "--port", port))
    assert error == f"error: --port {port}: a TCP port is a number from 0 to 65535"
    assert not out.exists()


def test_demo_refuses_a_port_in_use_before_the_demo(
        bare_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import demo

    monkeypatch.setattr(demo, "run_demo", _never)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        error, hint = _error(bare_cli(
            "demo", "--out", str(tmp_path / "demo"), "--serve", "--port", str(port)))
    finally:
        taken.close()
    assert error.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert "stop what uses that port" in hint


class _FakeDemo:
    def __init__(self, workspace: Path) -> None:
        self.workspace, self.directory, self.kpis = workspace, workspace.parent, {}

    def as_dict(self) -> dict[str, Any]:
        return {}


@pytest.mark.parametrize("bound", [True, False])
def test_demo_serve_announces_the_dashboard_only_once_listening(
        bare_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bound: bool) -> None:
    """The dashboard's address and password were printed before the port was taken: with
    the port in use, then refused; with --port 0, port 0."""
    from sounding.report import documents
    from sounding.web import server
    from sounding.workflows import demo

    workspace = tmp_path / "demo" / "sounding.duckdb"
    workspace.parent.mkdir()
    Store.open(workspace).close()
    monkeypatch.setattr(demo, "run_demo", lambda *a, **kw: _FakeDemo(workspace))
    monkeypatch.setattr(documents, "write_demo_reports", lambda store, folder: {})

    def serve(db: Path, **kw: Any) -> None:
        if not bound:
            raise ConfigError("cannot listen on 127.0.0.1:43210: Address already in use")
        kw["on_listening"]("http://127.0.0.1:43210")

    monkeypatch.setattr(server, "serve", serve)
    result = bare_cli("demo", "--out", str(workspace.parent), "--json",
                                         "--serve", "--port", "0")
    if bound:
        assert result.code == 0, result.err
        assert "dashboard on http://127.0.0.1:43210: sign in as demo / " in result.err
    else:
        assert result.code == 1 and "Address already in use" in result.err
        assert "dashboard on" not in result.err and "sign in" not in result.err


# 4. and 5. demo --seed, retrain --seed, demo --out FILE

def test_demo_refuses_a_negative_seed_and_leaves_no_folder(
        bare_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "demo"
    error, _ = _error(bare_cli("demo", "--out", str(out), "--seed", "-1"))
    assert error == "error: --seed -1: a seed is a whole number, 0 or more"
    assert not out.exists()


def test_retrain_refuses_a_negative_seed(brand: Any) -> None:
    error, _ = _error(brand("retrain", "--seed", "-1"))
    assert error == "error: --seed -1: a seed is a whole number, 0 or more"


@pytest.mark.parametrize("inside", [False, True])
def test_demo_out_a_file_is_refused(bare_cli: Any, tmp_path: Path, inside: bool,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("mine\n")
    out = file / "demo" if inside else file
    error, hint = _error(bare_cli("demo", "--out", str(out)))
    assert str(file) in error
    assert "--out" in hint or "folder" in hint
    assert file.read_text() == "mine\n"


# 6. import items --max-line-bytes

@pytest.mark.parametrize("limit", ["99999999999999999999", "1073741825", "0"])
def test_import_items_refuses_a_line_limit_out_of_range(cli: Any, tmp_path: Path,
                                                         db: Path, limit: str) -> None:
    path = write_csv(tmp_path / "a.csv", [ROW])
    error, _ = _error(cli("import", "items", str(path), "--max-line-bytes", limit))
    assert error == (f"error: --max-line-bytes must be from 1 to 1,073,741,824 (1 GiB), "
                     f"not {limit}")
    assert not db.exists()


def test_import_items_takes_the_largest_line_limit(cli: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [ROW])
    assert cli("import", "items", str(path), "--max-line-bytes", str(1 << 30)).code == 0


# 7. import wordpress: checked before the site is asked

@pytest.mark.parametrize(("flags", "said"), [
    (["--max-pages", "0"], "--max-pages 0: expected 1 or more pages"),
    (["--max-pages", "-1"], "--max-pages -1: expected 1 or more pages"),
    (["--per-page", "0"], "--per-page 0: WordPress sends 1 to 100 items per request"),
    (["--per-page", "-5"], "--per-page -5: WordPress sends 1 to 100 items per request"),
    (["--per-page", "1000"], "--per-page 1000: WordPress sends 1 to 100 items per request"),
    (["--as-of", "2026-02-30"], "--as-of '2026-02-30': expected a date and time such as "
                                "2026-03-01 18:00 (ISO 8601), from 1970-01-01 to 2999-12-31"),
])
def test_import_wordpress_refuses_bad_flags_before_fetching(
        cli: Any, flags: list[str], said: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import import_auto

    monkeypatch.setattr(import_auto, "fetch_wordpress", _never)
    error, _ = _error(cli("import", "wordpress", "https://blog.example", *flags))
    assert error == f"error: {said}"


# 8. and 9. topics: the default period is the days it prints; an unknown language

def test_the_default_topics_period_is_the_whole_days_it_prints(tmp_path: Path) -> None:
    from sounding.simulate import LaunchConfig, simulate_launch
    from sounding.workflows.kpis import last_day
    from sounding.workflows.said import said_periods

    launch = simulate_launch(LaunchConfig(scale=0.2), seed=3)
    with Store.open(tmp_path / "s.duckdb") as store:
        store.write(launch.batch, kind="simulate", source="test")
        before, start, end = said_periods(store, None)
        printed = f"{start.date()}..{last_day(end.isoformat())}"
        assert said_periods(store, printed) == (before, start, end)
        assert end - start == start - before == timedelta(days=7)
        assert (start.hour, start.minute, end.hour, end.minute) == (0, 0, 0, 0)
        newest = store.scalar("SELECT max(created_at) FROM items WHERE account_id IS NULL "
                              "AND kind IN ('reply', 'quote', 'comment', 'mention')")
        assert start < newest < end and end - newest <= timedelta(days=1)
        # an open end is the newest mention's day, whole, as printed
        _, _, open_end = said_periods(store, f"{start.date()}..")
        assert open_end == end


@pytest.mark.parametrize("segment", ["lang=xx", "lang=english"])
def test_topics_refuses_an_unknown_language(brand: Any, segment: str) -> None:
    error, hint = _error(brand("topics", "--segment", segment))
    assert error == f"error: --segment '{segment}': unknown language code " \
                    f"{segment.partition('=')[2]}"
    assert "ISO 639-1" in hint


@pytest.mark.parametrize("segment", ["lang=fr,en", "lang= fr , en"])
def test_topics_refuses_several_languages(segment: str) -> None:
    """ "fr,en" passed the languages' check, then matched no text: nothing said."""
    from sounding.workflows.said import parse_segment

    with pytest.raises(InputError, match="one language, such as lang=fr"):
        parse_segment(segment)


def test_topics_takes_a_known_language_and_und() -> None:
    from sounding.workflows.said import parse_segment

    assert parse_segment("lang=FR") == "fr"
    assert parse_segment("lang=und") == "und"


# 10. account add: the service address, and saying an account was updated

@pytest.mark.parametrize("service", ["not a url", "ftp://bad", "https://x.org:port"])
def test_account_add_refuses_a_service_that_is_no_web_address(cli: Any, db: Path,
                                                               service: str) -> None:
    error, hint = _error(cli("account", "add", "bluesky", "--handle", "brand.bsky.social",
                             "--service", service))
    assert error == f"error: --service '{service}' is not a web address"
    assert "https://bsky.social" in hint
    assert not db.exists()


def test_an_internationalised_instance_name_is_a_web_address() -> None:
    from sounding.workflows.accounts import _server_url

    assert _server_url("https://toot.café/", "--instance", "x") == "https://toot.café"


def test_account_add_refuses_an_instance_that_is_no_web_address(cli: Any) -> None:
    error, _ = _error(cli("account", "add", "mastodon", "--handle", "brand",
                          "--instance", "ftp://mastodon.social"))
    assert error == "error: --instance 'ftp://mastodon.social' is not a web address"


def test_adding_an_account_again_says_it_was_updated(store: Store, tmp_path: Path) -> None:
    from sounding.workflows.accounts import add_account
    from sounding.workflows.ingest import import_items

    rows = [{**ROW, "id": str(i)} for i in range(3)]
    import_items(store, write_csv(tmp_path / "a.csv", rows))
    first = add_account(store, "bluesky", "brand.bsky.social")
    assert (first["updated"], first["items_marked"], first["items"]) == (False, 3, 3)
    again = add_account(store, "bluesky", "brand.bsky.social", "https://pds.example")
    assert (again["updated"], again["items_marked"], again["items"]) == (True, 0, 3)
    assert again["service_url"] == "https://pds.example"


def test_the_command_says_an_account_added_again_was_updated(cli: Any, tmp_path: Path) -> None:
    rows = [{**ROW, "id": str(i)} for i in range(3)]
    assert cli("import", "items", str(write_csv(tmp_path / "a.csv", rows))).code == 0
    first = cli("account", "add", "bluesky", "--handle", "brand.bsky.social")
    assert "added; 3 stored items marked" in first.out
    again = cli("account", "add", "bluesky", "--handle", "brand.bsky.social")
    assert "updated; it holds 3 items (0 newly marked" in again.out


# 11. import auto --followers

def test_import_auto_refuses_negative_followers(cli: Any, tmp_path: Path, db: Path) -> None:
    path = tmp_path / "page.xlsx"
    path.write_bytes(b"not read")
    error, _ = _error(cli("import", "auto", str(path), "--followers", "-3"))
    assert error == "error: --followers -3: a follower count is 0 or more"
    assert not db.exists()


# 12. retrain: enough labels left to learn from

def _labels(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    from sounding.workflows import corrections

    labels = ["interest", "animosity", "neutral"]
    table = pa.table({"item_id": [f"bluesky:{i}" for i in range(n)],
                      "text": [f"text {i}" for i in range(n)],
                      "label": [labels[i % 3] for i in range(n)]})
    monkeypatch.setattr(corrections.cs, "corrected_items", lambda store: table)


def test_retrain_refuses_a_holdout_that_leaves_too_little_to_learn(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import corrections

    _labels(monkeypatch, 40)
    monkeypatch.setattr(corrections, "adapt_with_holdout", _never)
    with pytest.raises(InputError, match=r"--holdout 0.99 leaves 1 of the 40 labels to learn "
                                         r"from; retrain needs at least 30") as e:
        corrections.retrain_op(store, holdout=0.99)
    assert "--holdout" in e.value.hint
    assert not corrections.model_dir(store.path).exists()


def test_retrain_learns_from_enough_labels(store: Store,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import corrections

    class Adapted(Exception):
        pass

    def adapt(*args: Any, **kwargs: Any) -> Any:
        raise Adapted

    _labels(monkeypatch, 40)
    monkeypatch.setattr(corrections, "adapt_with_holdout", adapt)
    with pytest.raises(Adapted):  # 30 to learn from, of three kinds
        corrections.retrain_op(store, holdout=0.25)


# 13. queue add --image: an image the networks take

@pytest.mark.parametrize(("content", "said", "hinted"), [
    (b"just words\n", "not an image the networks take", "JPEG, PNG, GIF or WebP"),
    (b"%PDF-1.7\n" + bytes(20), "not an image the networks take", "JPEG, PNG, GIF or WebP"),
    (None, "a folder, where an image was expected", "the file itself"),
])
def test_queue_add_refuses_what_is_no_image(brand: Any, tmp_path: Path, content: bytes | None,
                                            said: str, hinted: str) -> None:
    path = tmp_path / "x.txt"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    error, hint = _error(brand("queue", "add", "--account", "brand.bsky.social", "--text",
                               "hello", "--image", f"{path}|a picture", "--draft"))
    assert error == f"error: {path}: {said}"
    assert hinted in hint
    assert "no queued post" in brand("queue", "list").err


@pytest.mark.parametrize("head", [PNG, b"\xff\xd8\xff\xe0" + bytes(16), b"GIF89a" + bytes(8),
                                  b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(8)])
def test_queue_add_takes_each_image_format(brand: Any, tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "pic"
    path.write_bytes(head)
    queued = brand("queue", "add", "--account", "brand.bsky.social", "--text", "hello",
                   "--image", f"{path}|a picture", "--draft")
    assert queued.code == 0, queued.err


def test_queue_add_names_a_missing_image_with_a_hint(brand: Any, tmp_path: Path) -> None:
    error, hint = _error(brand("queue", "add", "--account", "brand.bsky.social", "--text",
                               "hello", "--image", f"{tmp_path / 'gone.png'}|a picture"))
    assert error == f"error: {tmp_path / 'gone.png'}: no such image"
    assert "check the path" in hint


# 14. a folder where a file is expected

def test_import_items_of_a_folder_says_it_is_a_folder(cli: Any, tmp_path: Path) -> None:
    error, _ = _error(cli("import", "items", str(tmp_path)))
    assert error == f"error: {tmp_path}: a folder, where a file was expected"


def test_classify_of_a_folder_says_it_is_a_folder(cli: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import enrich

    monkeypatch.setattr(enrich, "load_model", _never)  # the path is checked first
    error, _ = _error(cli("classify", str(tmp_path)))
    assert error == f"error: {tmp_path}: a folder, where a file was expected"


def test_a_missing_file_is_still_missing(cli: Any, tmp_path: Path) -> None:
    error, _ = _error(cli("import", "items", str(tmp_path / "gone.csv")))
    assert error == f"error: {tmp_path / 'gone.csv'}: no such file"


# 15. periods past the calendar

@pytest.mark.parametrize(("command", "period", "said"), [
    ("kpis", "9999-12-31..9999-12-31", "the start is after 2999-12-31"),
    ("learn", "9999-12-31..", "the start is after 2999-12-31"),
    ("kpis", "3000-01-01..", "the start is after 2999-12-31"),
    ("kpis", "..1969-12-31", "the end is before 1970-01-01"),
])
def test_a_period_past_the_calendar_says_so(brand: Any, command: str, period: str,
                                            said: str) -> None:
    error, hint = _error(brand(command, "--period", period))
    assert said in error and "the end comes before the start" not in error
    assert "no limit" in hint


def test_a_far_end_still_reads_as_no_limit() -> None:
    from sounding.workflows.kpis import parse_period

    start, end = parse_period("2026-01-01..9999-12-31")
    assert start.year == 2026 and end.year == 9999


# 16. --as-of off the calendar says the calendar

def test_import_auto_as_of_off_the_calendar_says_the_range(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<rss/>")
    error, hint = _error(cli("import", "auto", str(path), "--as-of", "1900-01-01"))
    assert error == ("error: --as-of '1900-01-01': expected a date and time such as "
                     "2026-03-01 18:00 (ISO 8601), from 1970-01-01 to 2999-12-31")
    assert "--as-of 2026-03-01" in hint


# 17. every error has a hint

@pytest.mark.parametrize("args", [
    ["import", "items", "a.csv", "--map", "foo"],
    ["account", "add", "bluesky", "--handle", ""],
    ["topics", "--topics", "0"],
    ["review", "--n", "0"],
    ["retrain", "--holdout", "0"],
    ["import", "wordpress", "https://blog.example", "--as-of", "hier"],
    ["queue", "add", "--account", "brand.bsky.social", "--text", "hi", "--image", "gone|alt"],
    ["report", "--lang", "de", "-o", "r.html"],
    ["listen", "add", ""],
], ids=lambda a: " ".join(a[:2]))
def test_errors_come_with_a_hint(brand: Any, tmp_path: Path, args: list[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.workflows import import_auto

    monkeypatch.setattr(import_auto, "fetch_wordpress", _never)
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "a.csv", [ROW])
    _error(brand(*args))


# 18. SOUNDING_CONFIG naming nothing

@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_named_config_file_that_is_not_there_is_refused(
        brand: Any, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    named = tmp_path / "nonexistent.toml"
    if kind == "folder":
        named.mkdir()
    monkeypatch.setenv("SOUNDING_CONFIG", str(named))
    error, hint = _error(brand("kpis"))
    what = "no such file" if kind == "missing" else "a folder, not a file"
    assert error == f"error: $SOUNDING_CONFIG names {named}: {what}"
    assert "SOUNDING_CONFIG" in hint


def test_a_named_config_file_is_read(brand: Any, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    named = tmp_path / "config.toml"
    named.write_text('lock_wait = "nope"\n')
    monkeypatch.setenv("SOUNDING_CONFIG", str(named))
    error, _ = _error(brand("kpis"))
    assert "setting 'lock_wait' is 'nope'" in error


# 19. counters past 10^12

def test_import_items_refuses_a_counter_above_a_trillion(cli: Any, tmp_path: Path,
                                                         db: Path) -> None:
    rows = [{**ROW, "id": "1", "likes": "9223372036854775807"},
            {**ROW, "id": "2", "likes": "1000000000001"},
            {**ROW, "id": "3", "likes": "1000000000000"}]
    path = write_csv(tmp_path / "a.csv", rows)
    result = cli("import", "items", str(path))
    assert result.code == 1
    lines = result.err.splitlines()
    for line, value in ((2, "9223372036854775807"), (3, "1000000000001")):
        assert (f"{path}, line {line}, column 'likes': expected a whole number ≥ 0, found "
                f"'{value}'; a counter is at most 1,000,000,000,000") in lines
    assert not any("line 4" in line for line in lines)
    assert not db.exists()


def test_an_export_counter_above_a_trillion_is_refused() -> None:
    from sounding.imports.formats.values import parse_count

    assert parse_count("1000000000000") == 10**12
    with pytest.raises(ValueError):
        parse_count("1000000000001")
