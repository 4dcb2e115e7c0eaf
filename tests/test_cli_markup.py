"""Text from the data is printed literally by the CLI: never read as Rich console markup.

Handles, network names, post texts, variants, file names and error messages are hostile
input: '[link=...]' must not plant a terminal hyperlink, 'evil[/x]' must not crash a
command, '[format=video]' must not vanish.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import write_csv
from sounding.store import Store

NETWORK = "evil[/x]"
BOLD = "[bold]x[/bold]"
LINK = "[link=https://evil.example]click[/link]"
SLASHED = "back\\[2026]slash"  # rich.markup.escape would lose the backslash
FILE = "[bold]x\\[1].csv"  # a file name cannot hold '/'


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"id": "1", "network": "bluesky", "author": "brand", "text": f"launch {LINK}",
         "created_at": "2026-09-07T10:00:00Z", "likes": "2", "reply_to": ""}]
    authors = {2: BOLD, 3: LINK, 4: SLASHED}  # and ten more: enough to rank the network
    for i in range(2, 14):
        rows.append({"id": str(i), "network": "bluesky", "author": authors.get(i, f"fan{i}"),
                     "text": f"{LINK} {BOLD} {SLASHED} lovely launch colours {i}",
                     "created_at": f"2026-09-07T{i:02d}:00:00Z", "likes": "1",
                     "reply_to": "1"})
    return rows


@pytest.fixture
def hostile(cli, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A workspace full of text that looks like markup, printed on a wide console."""
    from sounding.cli import err, out

    for console in (out, err):  # no table cell is cut across lines
        monkeypatch.setattr(console, "_width", 400)
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0  # replies to it
    result = cli("import", "items", str(write_csv(tmp_path / "items.csv", _rows())))
    assert result.code == 0, result.err
    # an import refuses an unknown network; a workspace imported before it did holds one
    with Store.open(db) as store, store.transaction() as con:
        for table in ("items", "actors"):
            con.execute(f"UPDATE {table} SET network = ?", [NETWORK])
    return cli


def test_the_import_report_shows_the_file_name_literally(hostile, tmp_path: Path) -> None:
    result = hostile("import", "items", str(write_csv(tmp_path / FILE, _rows())))
    assert result.code == 0, result.err
    assert f"{tmp_path / FILE}: 13 rows" in result.out


def test_segments_show_a_network_name_that_looks_like_a_closing_tag(hostile) -> None:
    result = hostile("segments")
    assert result.code == 0, result.err
    assert f"most active: network_{NETWORK}" in result.out


def test_actors_show_handles_literally(hostile) -> None:
    result = hostile("actors")
    assert result.code == 0, result.err
    assert BOLD in result.out and LINK in result.out and SLASHED in result.out


def test_topics_show_examples_literally(hostile) -> None:
    result = hostile("topics", "--period", "2026-09-01..2026-09-30")
    assert result.code == 0, result.err
    assert LINK in result.out and SLASHED in result.out


def test_queue_list_keeps_the_variant_and_the_text(hostile) -> None:
    assert hostile("account", "add", "bluesky", "--handle", "brand").code == 0
    result = hostile("queue", "add", "--account", "bluesky:brand", "--text",
                     f"{LINK} {SLASHED}", "--variant", "format=video")
    assert result.code == 0, result.err
    result = hostile("queue", "list")
    assert result.code == 0, result.err
    assert "[format=video]" in result.out and f"{LINK} {SLASHED}" in result.out


def test_alerts_list_shows_targets_rules_and_messages_literally(hostile, db: Path) -> None:
    result = hostile("alerts", "add-channel", "email", "--to", LINK, "--smtp-host", "h")
    assert result.code == 1 and LINK in result.err  # no address: refused, and said literally
    from sounding.store.said_store import add_channel, insert_alert

    now = datetime(2026, 9, 7, 12, tzinfo=UTC)
    with Store.open(db) as store:  # one stored before addresses were checked
        add_channel(store, "email", LINK, {"to": [LINK], "host": "h", "port": 25})
        with store.transaction() as con:
            con.execute("INSERT INTO alert_rules (metric, span, network) "
                        "VALUES ('volume', 'day', ?)", [NETWORK])
        insert_alert(store, {"rule_id": 1, "dedup_key": "k", "window_start": now,
                             "window_end": now, "last_seen": now, "observed": 9.0,
                             "expected": 1.0, "p_value": 0.0001,
                             "message": f"mentions of {BOLD} on {NETWORK}: {LINK}"})
    result = hostile("alerts", "list")
    assert result.code == 0, result.err
    assert f"channel 1 email {LINK}" in result.out
    assert f"volume/day {NETWORK} alpha" in result.out
    assert f"mentions of {BOLD} on {NETWORK}: {LINK}" in result.out


def test_an_error_message_quoting_markup_is_printed_literally(hostile, tmp_path: Path
                                                              ) -> None:
    missing = tmp_path / f"{BOLD}{SLASHED}.csv"
    result = hostile("import", "items", str(missing))
    assert result.code == 1
    assert result.err.startswith(f"error: {missing}: no such file")
    bad = write_csv(tmp_path / FILE, [dict(_rows()[0], likes="[red]lots[/red]")])
    result = hostile("import", "items", str(bad))
    assert result.code == 1
    assert "found '[red]lots[/red]'" in result.err
    assert f"error: {bad}: 1 problem(s), nothing imported" in result.err


def test_an_unexpected_error_is_one_literal_line_and_a_hint(
        hostile, monkeypatch: pytest.MonkeyPatch) -> None:
    import sounding.cli

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"{NETWORK} {LINK} {SLASHED}")

    monkeypatch.setattr(sounding.cli, "execute", broken)
    result = hostile("status")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines[0] == f"error: RuntimeError: {NETWORK} {LINK} {SLASHED}"
    assert lines[1].startswith("hint: ") and "--debug" in lines[1]
    assert "Traceback" not in result.err
    with pytest.raises(RuntimeError):
        hostile("--debug", "status")


def test_a_progress_stage_is_shown_literally() -> None:
    from io import StringIO

    from rich.console import Console

    from sounding.cli.render import stage_progress

    shown = StringIO()
    with stage_progress(Console(file=shown, width=200)) as update:
        update(f"{NETWORK} {LINK}", 1, 2)
    assert f"{NETWORK} {LINK}" in shown.getvalue()


ESCAPES = "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b[2J\x1b[31m \u202edesrever"


def test_escape_sequences_in_the_data_are_shown_not_sent(hostile, db: Path,
                                                         tmp_path: Path) -> None:
    """Rich keeps ESC, NUL and bidi overrides: a post could clear the operator's screen,
    plant a hyperlink or turn a line around; a line break in it forged lines of output."""
    rows = [dict(row, id=f"e{row['id']}", author=f"esc{row['id']}",
                 text=f"{ESCAPES} line one\nmodel: forged {row['id']}")
            for row in _rows()[1:]]
    result = hostile("import", "items", str(write_csv(tmp_path / "esc.csv", rows)))
    assert result.code == 0, result.err
    # an import refuses a handle holding ESC; a workspace imported before it did holds one
    with Store.open(db) as store, store.transaction() as con:
        con.execute("UPDATE actors SET handle = handle || '\x1b[2J' WHERE handle LIKE 'esc%'")
    assert hostile("enrich").code == 0  # model probabilities, for review
    for command in (("review", "--n", "50"), ("actors",),
                    ("topics", "--period", "2026-09-01..2026-09-30")):
        shown = hostile(*command)
        assert shown.code == 0, shown.err
        for raw in ("\x1b", "\u202e", "\x00"):
            assert raw not in shown.out, (command, raw)
        assert "\\x1b" in shown.out, command
    review = hostile("review", "--n", "50").out
    assert "\\x1b]8;;http://evil.example" in review and "\\u202edesrever" in review
    assert not [line for line in review.splitlines() if line.startswith("model: forged")]
