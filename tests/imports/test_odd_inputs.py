"""Odd files get a clear error naming the file and the line, never a traceback; and the
counts an export gives are whole numbers the store can hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sounding.errors import ImportRejected, InputError
from sounding.imports.formats.values import MAX_COUNT, parse_count
from sounding.store import Store
from sounding.workflows.import_auto import import_export
from sounding.workflows.ingest import import_items

HEADER = "id,network,author,text,created_at"


def _problems(caught: pytest.ExceptionInfo[ImportRejected]) -> list[str]:
    return [str(p) for p in caught.value.problems]


def _refusals(store: Store, path: Path, text: str) -> list[str]:
    """The problems an items file of ``text`` is refused with."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_items(store, path)
    return _problems(caught)


def test_a_csv_whose_lines_end_with_a_carriage_return_alone(store: Store,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(f"{HEADER}\r1,bluesky,a,hi,2026-03-01\r".encode())
    with pytest.raises(InputError, match="carriage return alone") as caught:
        import_items(store, path)
    assert str(path) in str(caught.value) and "LF or CRLF" in caught.value.hint


def test_a_column_named_twice(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("id,network,author,text,text,created_at\n1,bluesky,a,x,y,2026-03-01\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"twice\.csv, line 1: column 'text' appears twice "
                                         r"\(columns 4 and 5\)"):
        import_items(store, path)


def test_quotes_one_reader_takes_and_the_other_refuses(store: Store, tmp_path: Path) -> None:
    """``"hi"x``: rows and lines stopped pairing up, and a bad date further down was an
    IndexError (or reported a line too late). The careful reader reads such a file from
    the start now: each bad line is named, and --keep-good sets both aside."""
    path = tmp_path / "quotes.csv"
    path.write_text(f'{HEADER}\n1,bluesky,a,"hi"x,2026-03-01\n2,bluesky,a,ok,2026-03-02\n'
                    "3,bluesky,a,ok,nope\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_items(store, path)
    problems = _problems(caught)
    assert problems[0] == f"{path}, line 2: malformed CSV: ',' expected after '\"'"
    assert len(problems) == 2 and problems[1].startswith(f"{path}, line 4, column 'created_at'")
    assert store.counts()["items"] == 0
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (1, 2)


def test_jsonl_bytes_that_are_not_utf8_are_named_by_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    good = json.dumps({"id": "1", "network": "bluesky", "author": "a", "text": "ok",
                       "created_at": "2026-03-01"}).encode()
    bad = good.replace(b'"ok"', b'"caf\xe9"').replace(b'"1"', b'"2"')
    path.write_bytes(good + b"\n" + bad + b"\n")
    with pytest.raises(ImportRejected) as caught:
        import_items(store, path)
    assert _problems(caught)[0].startswith(f"{path}, line 2: byte 0xe9")


def test_jsonl_lines_split_by_carriage_returns_keep_their_numbers(store: Store,
                                                                  tmp_path: Path) -> None:
    rows = [{"id": str(n), "network": "bluesky", "author": "a", "text": "ok",
             "created_at": "nope" if n == 2 else "2026-03-01"} for n in (1, 2)]
    path = tmp_path / "cr.jsonl"
    path.write_text("\r".join(json.dumps(r) for r in rows) + "\r", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_items(store, path)
    assert _problems(caught)[0].startswith(f"{path}, line 2, column 'created_at'")


def test_a_lone_surrogate_escape_is_a_problem_of_its_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "half.jsonl"
    ok = {"id": "1", "network": "bluesky", "author": "a", "text": "ok",
          "created_at": "2026-03-01"}
    path.write_text(json.dumps(ok) + "\n" + json.dumps(ok | {"id": "2"}).replace(
        '"ok"', '"bad \\ud800"') + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_items(store, path)
    assert _problems(caught) == [f"{path}, line 2: a \\ud800-\\udfff escape stands alone: "
                                 "it is half of a character, not text"]
    kept = import_items(store, path, keep_good=True)
    assert (kept.new, kept.rejected) == (1, 1)


@pytest.mark.parametrize("cell", ["99999999999999999999999", "9223372036854775808", "+7",
                                  "1_000", "\u0661\u0662", "1e+23", 1e23, -1])
def test_counts_the_store_cannot_hold_are_refused(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_count(cell)


def test_counts_as_exports_write_them() -> None:
    assert [parse_count(c) for c in ("1,234", "12.0", str(MAX_COUNT), "", "n/a")] == [
        1234, 12, MAX_COUNT, None, None]
    assert parse_count("1.234", "fr") == 1234


def test_a_meta_row_without_a_page_is_a_problem_of_its_line(store: Store,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "Mar-01-2026_Mar-31-2026_1.csv"
    path.write_text("Post ID,Page name,Description,Publish time,Reactions,Shares\n"
                    "111,Kettle,hello,03/05/2026 18:00,5,1\n"
                    "112,,again,03/06/2026 18:00,5,1\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_export(store, path)
    assert _problems(caught) == [f"{path}, line 3, column 'Page name': no page or account "
                                 "named on this row: fill it in, or pass --account"]


def test_an_x_archive_with_half_a_character(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text(
        'window.YTD.account.part0 = [{"account": {"username": "Brand"}}]', encoding="utf-8")
    tweet = {"id_str": "1", "id": "1", "created_at": "Thu Mar 05 18:00:00 +0000 2026",
             "full_text": "bad \\ud800", "favorite_count": "3", "retweet_count": "1"}
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = [\n" + json.dumps(
        {"tweet": tweet}, indent=1).replace("\\\\ud800", "\\ud800") + "\n]",
        encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_export(store, tmp_path / "archive")
    assert "column 'full_text': expected text, not a lone \\ud800-\\udfff escape" in \
        _problems(caught)[0]


def test_large_counts_are_stored_exactly_when_a_file_is_read_as_text(
        store: Store, tmp_path: Path) -> None:
    """One bad cell makes the whole file text; its counts went through a float, and
    9007199254740993 was stored as ...992. Counters above 10^12 are refused since (their
    sums overflowed the analyses): the largest taken is stored exactly."""
    path = tmp_path / "big.csv"
    path.write_text(f"{HEADER},likes\n1,bluesky,a,x,2026-03-01,1000000000000\n"
                    f"2,bluesky,a,y,2026-03-01,9223372036854775807\n"
                    f"3,bluesky,a,z,2026-03-01,12.0\n4,bluesky,a,w,nope,1\n"
                    f"5,bluesky,a,v,2026-03-01,9007199254740993\n", encoding="utf-8")
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (2, 3)
    likes = store.query("SELECT item_id, likes FROM metric_snapshots ORDER BY item_id"
                        ).to_pylist()
    assert likes == [{"item_id": "bluesky:1", "likes": 10**12},
                     {"item_id": "bluesky:3", "likes": 12}]


def test_columns_that_differ_only_in_case_are_refused(store: Store, tmp_path: Path) -> None:
    """``text`` and ``TEXT``: the names are read ignoring case, and the last one won."""
    path = tmp_path / "case.csv"
    path.write_text("id,network,author,text,TEXT,created_at\n1,bluesky,a,x,y,2026-03-01\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"case\.csv: columns 'text' and 'TEXT' differ only "
                                         "in case"):
        import_items(store, path)
    jsonl = tmp_path / "case.jsonl"
    jsonl.write_text(json.dumps({"id": "1", "ID": "2", "network": "bluesky", "author": "a",
                                 "text": "x", "created_at": "2026-03-01"}) + "\n",
                     encoding="utf-8")
    with pytest.raises(InputError, match="columns 'id' and 'ID' differ only in case"):
        import_items(store, jsonl)


def test_a_kind_in_capitals_is_that_kind(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "kinds.csv"
    path.write_text(f"{HEADER},kind\n1,bluesky,a,x,2026-03-01,Quote\n", encoding="utf-8")
    import_items(store, path)
    assert store.scalar("SELECT kind FROM items") == "quote"


def test_an_x_tweet_whose_id_str_is_null_is_read_by_its_id(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text(
        'window.YTD.account.part0 = [{"account": {"username": "Brand"}}]', encoding="utf-8")
    tweet = {"id_str": None, "id": "42", "created_at": "Thu Mar 05 18:00:00 +0000 2026",
             "full_text": "hello", "favorite_count": "3"}
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(
        [{"tweet": tweet}]), encoding="utf-8")
    assert import_export(store, tmp_path / "archive").new == 1
    assert store.scalar("SELECT item_id FROM items") == "x:42"


def _archive(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_text(
        'window.YTD.account.part0 = [{"account": {"username": "Brand"}}]', encoding="utf-8")
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(
        entries, indent=2), encoding="utf-8")
    return tmp_path / "archive"


def test_an_x_tweet_without_an_id_is_named_by_its_line(store: Store, tmp_path: Path) -> None:
    """A tweet with no id was reported at "line 1", whichever it was."""
    good = {"id_str": "7", "created_at": "Thu Mar 05 18:00:00 +0000 2026", "full_text": "hi"}
    nameless = {"created_at": "Thu Mar 05 19:00:00 +0000 2026", "full_text": "who am I"}
    archive = _archive(tmp_path, [{"tweet": good}, {"tweet": nameless}])
    text = (archive / "data" / "tweets.js").read_text("utf-8")
    line = text.splitlines().index('  {', 6) + 1  # the second entry opens there
    with pytest.raises(ImportRejected) as caught:
        import_export(store, archive)
    problems = _problems(caught)
    assert len(problems) == 1 and problems[0].startswith(
        f"{archive / 'data' / 'tweets.js'}, line {line}, column 'id_str': ")
    assert store.counts()["items"] == 0


def test_an_unwrapped_x_tweet_without_an_id_is_named_by_its_entry(
        store: Store, tmp_path: Path) -> None:
    nameless = {"created_at": "Thu Mar 05 19:00:00 +0000 2026", "full_text": "who am I"}
    good = {"id_str": "7", "created_at": "Thu Mar 05 18:00:00 +0000 2026", "full_text": "hi"}
    archive = _archive(tmp_path, [good, nameless])
    with pytest.raises(ImportRejected) as caught:
        import_export(store, archive)
    assert _problems(caught) == [f"{archive / 'data' / 'tweets.js'}, column 'id_str': entry 2: "
                                 "required field is missing"]


def test_blank_and_repeated_columns_sounding_ignores_are_ignored(
        store: Store, tmp_path: Path) -> None:
    """Excel's empty trailing columns (two blank names) ended in an internal ArrowInvalid,
    and a repeated column sounding does not read refused the whole file."""
    blank = tmp_path / "blank.csv"
    blank.write_text(f"{HEADER},,\n1,bluesky,a,x,2026-03-01,,\n", encoding="utf-8")
    assert import_items(store, blank).new == 1
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(f"{HEADER},notes,notes,NOTES\n2,bluesky,a,y,2026-03-01,p,q,r\n",
                        encoding="utf-8")
    assert import_items(store, repeated).new == 1
    slow = tmp_path / "slow.csv"  # a bad cell sends the file to the careful reader
    assert _refusals(store, slow, f"{HEADER},,\n3,bluesky,a,z,2026-03-01,,\n"
                                  "4,bluesky,a,w,nope,,\n") == [
        f"{slow}, line 3, column 'created_at': expected an ISO 8601 date and time such as "
        "2026-03-01 18:00, found 'nope'"]
    read_twice = tmp_path / "twice.csv"
    read_twice.write_text(f"{HEADER},Text\n5,bluesky,a,x,2026-03-01,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="columns 'text' and 'Text' differ only in case"):
        import_items(store, read_twice)
    assert store.counts()["items"] == 2


def test_a_column_mapped_twice_is_refused() -> None:
    from sounding.imports.spec import parse_mapping

    with pytest.raises(InputError, match="--map 'id=plat': id is already mapped to 'post'"):
        parse_mapping(["id=post", "id=plat"])
    assert parse_mapping(["id=post", "id=post"]) == {"id": "post"}


def test_a_mapped_column_is_not_read_again_through_an_alias(store: Store,
                                                            tmp_path: Path) -> None:
    """'description' is also an alias of author_bio: every author's bio became the text."""
    path = tmp_path / "map.csv"
    path.write_text("id,network,author,description,date,name\n"
                    "1,bluesky,a,I love this product,2026-03-01,Ann\n", encoding="utf-8")
    import_items(store, path, mapping={"text": "description", "created_at": "date"})
    rows = store.query("SELECT a.bio, a.display_name, i.text FROM items i "
                       "JOIN actors a ON a.actor_id = i.author_id").to_pylist()
    assert rows == [{"bio": None, "display_name": "Ann", "text": "I love this product"}]
    ids = tmp_path / "ids.csv"
    ids.write_text("name,network,author,text,created_at\n"
                   "p1,mastodon,b@x.social,hi,2026-03-01\n", encoding="utf-8")
    import_items(store, ids, mapping={"id": "name"})
    assert store.query("SELECT display_name FROM actors WHERE network = 'mastodon'"
                       ).to_pylist() == [{"display_name": None}]  # not the item's id, p1


def test_dates_to_come_and_counters_before_their_item_are_refused(
        store: Store, tmp_path: Path) -> None:
    """A post of 2099, and likes read before the post existed, were stored."""
    path = tmp_path / "dates.csv"
    path.write_text(f"{HEADER},likes,observed_at\n"
                    "1,bluesky,a,x,2099-01-01,,\n"
                    "2,bluesky,a,y,2026-05-01,3,2026-01-01\n"
                    "3,bluesky,a,z,2026-05-01,,2026-01-01\n"  # no counter: nothing was read
                    "4,bluesky,a,w,2026-05-01,3,2026-05-02\n", encoding="utf-8")
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (2, 2)
    problems = [json.loads(line)["problems"] for line in
                (tmp_path / "dates.csv.rejects.jsonl").read_text("utf-8").splitlines()]
    assert problems[0][0].startswith("created_at: 2099-01-01 00:00 is after this import (")
    assert problems[1] == ["observed_at: the counters are read at 2026-01-01 00:00, before the "
                           "item was created (2026-05-01 00:00): they cannot be its"]


def test_an_export_dated_before_its_posts_is_refused_by_line(store: Store,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "Mar-01-2026_Mar-31-2026_1.csv"
    path.write_text("Post ID,Page name,Description,Publish time,Reactions,Shares\n"
                    "111,Kettle,hello,03/05/2026 18:00,5,1\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_export(store, path, as_of="2026-02-01")
    assert _problems(caught) == [
        f"{path}, line 2, column 'Publish time': the counters are dated 2026-02-01 (--as-of), "
        "before the post was created on 2026-03-05: pass --as-of with the date the export "
        "was taken"]
    with pytest.raises(InputError, match="--as-of 2099-01-01 23:59: a date to come"):
        import_export(store, path, as_of="2099-01-01")
    assert import_export(store, path).new == 1  # dated by its name: 31 March
    future = tmp_path / "Mar-01-2099_Mar-31-2099_1.csv"  # no --as-of can date it: said so
    future.write_text("Post ID,Page name,Description,Publish time,Reactions,Shares\n"
                      "112,Kettle,hello,03/05/2099 18:00,5,1\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_export(store, future, as_of="2026-04-01")
    assert _problems(caught) == [f"{future}, line 2, column 'Publish time': the post is dated "
                                 "2099-03-05, a date to come: check the file's dates"]


def test_an_item_that_answers_itself_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "self.csv"
    assert _refusals(store, path, f"{HEADER},parent_id\n1,bluesky,a,x,2026-03-01,1\n"
                                  "2,bluesky,a,y,2026-03-01,1\n") == [
        f"{path}, line 2, column 'parent_id': the item's own id: an item cannot answer itself"]


def test_iso_times_in_every_form_the_standard_allows(store: Store, tmp_path: Path) -> None:
    """A +05 offset beside a date alone crashed the import; a small z and nanoseconds
    (Go and JavaScript write them) were refused."""
    path = tmp_path / "zones.csv"
    path.write_text(f"{HEADER}\n1,bluesky,a,x,2026-03-01T10:00:00+05\n2,bluesky,a,y,2026-03-01\n"
                    "3,bluesky,a,z,2026-03-01T10:00:00z\n"
                    "4,bluesky,a,w,2026-03-01T10:00:00.123456789Z\n", encoding="utf-8")
    assert import_items(store, path).new == 4
    times = store.query("SELECT item_id, strftime(created_at, '%Y-%m-%d %H:%M:%S.%f') AS t "
                        "FROM items ORDER BY item_id").to_pylist()
    assert [r["t"] for r in times] == ["2026-03-01 05:00:00.000000", "2026-03-01 00:00:00.000000",
                                       "2026-03-01 10:00:00.000000", "2026-03-01 10:00:00.123456"]


def test_times_off_the_calendar_are_refused_on_their_line(store: Store, tmp_path: Path) -> None:
    """9999-12-31 23:00 -05:00 is in the year 10000: it crashed with OverflowError."""
    path = tmp_path / "far.csv"
    assert _refusals(store, path, f"{HEADER}\n1,bluesky,a,x,9999-12-31T23:00:00-05:00\n"
                                  "2,bluesky,a,y,1969-07-20T20:17:00Z\n") == [
        f"{path}, line 2, column 'created_at': expected an ISO 8601 date and time such as "
        "2026-03-01 18:00, found '10000-01-01 04:00:00.000000Z'; a date from 1970-01-01 to "
        "2999-12-31",
        f"{path}, line 3, column 'created_at': expected an ISO 8601 date and time such as "
        "2026-03-01 18:00, found '1969-07-20 20:17:00.000000Z'; a date from 1970-01-01 to "
        "2999-12-31"]
    export = tmp_path / "far-2026-03-31.csv"
    export.write_text("Post ID,Page name,Description,Publish time,Reactions\n"
                      "1,Brand,hi,9999-12-31T23:00:00-05:00,3\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_export(store, export)
    assert "line 2, column 'Publish time'" in _problems(caught)[0]
    with pytest.raises(InputError, match="--as-of '0001-01-01T00:00:00\\+01:00': expected"):
        import_export(store, export, as_of="0001-01-01T00:00:00+01:00")
    assert store.table_counts()["items"] == 0


def test_an_as_of_day_alone_means_its_end(store: Store, tmp_path: Path) -> None:
    """A post of the export's own day was refused as created after its counters."""
    path = tmp_path / "posts.csv"
    path.write_text("Post ID,Page name,Description,Publish time,Reactions\n"
                    "1,Brand,hi,03/31/2026 18:00,3\n", encoding="utf-8")
    report = import_export(store, path, as_of="2026-03-31")
    assert (report.new, report.as_of) == (1, "2026-03-31T23:59:59+00:00")


def test_ids_that_excel_rounded_are_refused(store: Store, tmp_path: Path) -> None:
    """Two Instagram posts whose ids Excel showed as 1.80235E+16 became one."""
    path = tmp_path / "excel-ig-2026-03-31.csv"
    path.write_text(
        "Post ID,Account ID,Account username,Description,Publish time,Permalink,Post type,"
        "Likes\n1.80235E+16,17841400000000001,atelierlumen,a,2026-03-06T17:00:00+0000,"
        "https://www.instagram.com/p/A/,IG image,1\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_export(store, path)
    assert _problems(caught) == [
        f"{path}, line 2, column 'Post ID': expected an id as the network wrote it, found "
        "'1.80235E+16'; a long id that Excel rounded to a number: take the export again and "
        "open it with the column as text"]
    items = tmp_path / "items.csv"
    assert _refusals(store, items, f"{HEADER},parent_id\n7,bluesky,a,x,2026-03-01,"
                                   "1.80235E+16\n") == [
        f"{items}, line 2, column 'parent_id': expected an id, found '1.80235E+16'; a long "
        "id that Excel rounded to a number: take the export again and open it with the "
        "column as text"]
    assert store.table_counts()["items"] == 0


def test_jsonl_ids_too_long_for_a_float_keep_every_digit(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    rows = [{"id": 5, "network": "x", "author": "bob", "text": "a", "created_at": "2026-03-01"},
            {"id": 12345678901234567891, "network": "x", "author": "bob", "text": "b",
             "created_at": "2026-03-01"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert import_items(store, path).new == 2
    assert store.query("SELECT item_id FROM items ORDER BY 1").to_pylist() == [
        {"item_id": "x:12345678901234567891"}, {"item_id": "x:5"}]


def test_ids_and_variants_with_control_characters_are_refused(store: Store,
                                                             tmp_path: Path) -> None:
    """An id holding a line break or a NUL was stored, and no form could label it (a
    browser sends a line break back as CRLF, a NUL as U+FFFD)."""
    path = tmp_path / "ctl.jsonl"
    rows = [{"id": "nl\nline", "network": "bluesky", "author": "a", "text": "x",
             "created_at": "2026-03-01"},
            {"id": "ok", "network": "bluesky", "author": "a\x00b", "text": "x",
             "created_at": "2026-03-01"},
            {"id": "ok2", "network": "bluesky", "author": "a", "text": "x\x07 stays text",
             "created_at": "2026-03-01", "variant": "tone=r\x1b[31md"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert _refusals(store, path, path.read_text("utf-8")) == [
        f"{path}, line 1, column 'id': expected an id, found 'nl\\nline'; an id holds no "
        "control character (a line break, a tab, a NUL)",
        f"{path}, line 2, column 'author': expected an id, found 'a\\x00b'; an id holds no "
        "control character (a line break, a tab, a NUL)",
        f"{path}, line 3, column 'variant': expected factor=level pairs: 'tone=r\\x1b[31md' "
        "holds a control character (a line break, a NUL)"]


@pytest.mark.parametrize("limit", [0, -5])
def test_a_line_limit_below_one_byte_is_refused(store: Store, tmp_path: Path,
                                                limit: int) -> None:
    """0 was read as the default, and -5 failed as 'field larger than field limit'."""
    path = tmp_path / "ok.csv"
    path.write_text(f"{HEADER}\n1,bluesky,a,x,2026-03-01\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"--max-line-bytes must be from 1 to .*, not {limit}"):
        import_items(store, path, max_line_bytes=limit)


def test_ids_that_french_excel_rounded_are_refused_and_advice_fits_the_fault() -> None:
    from sounding.imports.formats.columns import Field, convert_row, resolve

    fields = (Field("id", "id", True, ("Post ID",), ("ID de la publication",)),)
    header = resolve(["ID de la publication"], fields)
    _, problems = convert_row({"ID de la publication": "1,80235E+16"}, header, fields, "f", 2)
    assert problems and "Excel rounded" in str(problems[0])
    _, problems = convert_row({"ID de la publication": "abc\ud800"}, header, fields, "f", 2)
    assert problems and "Excel" not in str(problems[0])  # half a character, not Excel
