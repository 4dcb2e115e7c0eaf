"""`sounding import items`: formats, idempotence, snapshots, and clear errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import write_csv
from sounding.errors import ImportRejected, InputError
from sounding.imports.items import typed_columns
from sounding.imports.tabular import read_rows
from sounding.store import TABLES, Store
from sounding.workflows.ingest import import_items

ROWS = [
    {"id": "p1", "network": "bluesky", "author": "brand", "text": "Nouveau produit !",
     "created_at": "2026-09-07T10:00:00Z", "parent_id": "", "likes": "3", "replies": "1",
     "variant": "format=photo;tone=humour"},
    {"id": "r1", "network": "bluesky", "author": "ann", "text": "J'adore\net je partage",
     "created_at": "2026-09-07T11:00:00+02:00", "parent_id": "p1", "likes": "0",
     "replies": "0", "variant": ""},
]


def fingerprint(store: Store) -> str:
    """Everything stored, as text, to show that a refused import changed nothing."""
    parts = [json.dumps(store.counts())]
    for table in TABLES:
        parts.append(str(store.query(f"SELECT * FROM {table} ORDER BY ALL").to_pylist()))
    return "\n".join(parts)


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    import_items(store, write_csv(tmp_path / "seed.csv", ROWS))
    return store


def test_csv_import_stores_items_actors_threads_counters_and_variants(store: Store,
                                                                      tmp_path: Path) -> None:
    report = import_items(store, write_csv(tmp_path / "a.csv", ROWS))
    assert (report.rows, report.new, report.rejected) == (2, 2, 0)
    items = {r["item_id"]: r for r in store.table("items").to_pylist()}
    assert items["bluesky:r1"]["parent_id"] == "bluesky:p1"
    assert items["bluesky:r1"]["kind"] == "reply"
    assert items["bluesky:r1"]["text"] == "J'adore\net je partage"
    assert items["bluesky:r1"]["created_at"].hour == 9  # +02:00 stored as UTC
    assert store.counts()["actors"] == 2
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'reply'") == 1
    variants = store.query("SELECT factor, level FROM variants ORDER BY factor").to_pylist()
    assert variants == [{"factor": "format", "level": "photo"},
                        {"factor": "tone", "level": "humour"}]


def test_one_actor_per_author_from_their_first_row(store: Store, tmp_path: Path) -> None:
    """Authors repeat across a file: each becomes one actor, named by their first row."""
    rows = [{"id": f"i{n}", "network": "bluesky", "author": author, "author_name": name,
             "text": "hi", "created_at": "2026-09-07T10:00:00Z"}
            for n, (author, name) in enumerate([("ann", "Ann"), ("bob", "Bob"), ("ann", "Ann B."),
                                                ("cy", "Cy"), ("bob", "Robert")])]
    import_items(store, write_csv(tmp_path / "authors.csv", rows))
    actors = store.query("SELECT actor_id, display_name FROM actors ORDER BY actor_id")
    assert actors.to_pylist() == [
        {"actor_id": "bluesky:ann", "display_name": "Ann"},
        {"actor_id": "bluesky:bob", "display_name": "Bob"},
        {"actor_id": "bluesky:cy", "display_name": "Cy"}]


def test_author_bio_is_kept_updated_when_changed_and_never_blanked(store: Store,
                                                                   tmp_path: Path) -> None:
    """A profile description is the author's bio; a later export may change or omit it."""
    def bios(rows: list[dict[str, str]], name: str) -> dict[str, str | None]:
        import_items(store, write_csv(tmp_path / name, rows))
        table = store.query("SELECT actor_id, bio FROM actors ORDER BY actor_id").to_pylist()
        return {r["actor_id"]: r["bio"] for r in table}

    first = [dict(ROWS[0], description="Boulangerie <b>& café</b>"), dict(ROWS[1], description="")]
    assert bios(first, "a.csv") == {"bluesky:ann": None,
                                    "bluesky:brand": "Boulangerie <b>& café</b>"}
    again = [dict(ROWS[0], description=""), dict(ROWS[1], description="  Pastry chef ")]
    assert bios(again, "b.csv") == {"bluesky:ann": "Pastry chef",
                                    "bluesky:brand": "Boulangerie <b>& café</b>"}
    later = [dict(ROWS[0], description="Boulangerie"), dict(ROWS[1], description="")]
    assert bios(later, "c.csv") == {"bluesky:ann": "Pastry chef",
                                    "bluesky:brand": "Boulangerie"}


def test_a_blank_url_is_unknown(store: Store, tmp_path: Path) -> None:
    rows = [dict(ROWS[0], url=" https://x.example/p1 "), dict(ROWS[1], url="  ")]
    import_items(store, write_csv(tmp_path / "urls.csv", rows))
    urls = store.query("SELECT url FROM items ORDER BY item_id").column(0).to_pylist()
    assert urls == ["https://x.example/p1", None]


def test_an_authors_first_given_name_and_bio_win_over_blank_first_rows(store: Store,
                                                                       tmp_path: Path) -> None:
    rows = [dict(ROWS[1], id=f"r{n}", author_name=name, bio=bio)
            for n, (name, bio) in enumerate([("", ""), ("Ann", ""), ("Ann B.", "Chef"),
                                             ("", "Pastry chef")])]
    import_items(store, write_csv(tmp_path / "blank-first.csv", rows))
    assert store.query("SELECT display_name, bio FROM actors").to_pylist() == [
        {"display_name": "Ann", "bio": "Chef"}]


def test_jsonl_import_matches_csv(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [dict(r, likes=int(r["likes"]), replies=int(r["replies"])) for r in ROWS]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = import_items(store, path)
    assert report.new == 2
    assert store.scalar("SELECT likes FROM metric_snapshots WHERE item_id='bluesky:p1'") == 3


def test_reimporting_the_same_file_changes_nothing(seeded: Store, tmp_path: Path) -> None:
    before = fingerprint(seeded)
    report = import_items(seeded, write_csv(tmp_path / "seed.csv", ROWS))
    assert (report.new, report.updated, report.unchanged, report.snapshots_added) == (0, 0, 2, 0)
    after = fingerprint(seeded)
    runs_before = before.split("\n")
    runs_after = after.split("\n")
    # only the runs table (one more row: the audit of this import) differs
    differing = [i for i, (a, b) in enumerate(zip(runs_before, runs_after, strict=True)) if a != b]
    assert differing == [0, 1 + TABLES.index("runs")]


def test_changed_counters_add_a_snapshot(seeded: Store, tmp_path: Path) -> None:
    rows = [dict(ROWS[0], likes="10"), ROWS[1]]
    report = import_items(seeded, write_csv(tmp_path / "later.csv", rows))
    assert report.snapshots_added == 1 and report.unchanged == 2
    history = seeded.query("SELECT likes FROM metric_snapshots WHERE item_id = 'bluesky:p1' "
                           "ORDER BY observed_at").column(0).to_pylist()
    assert history == [3, 10]


def test_corrected_counters_of_a_moment_already_stored_are_named_not_kept(
        store: Store, tmp_path: Path) -> None:
    """Counters read at 2026-10-31 are history: a corrected file of the same moment cannot
    overwrite them, and was ignored without a word."""
    first = [dict(ROWS[0], observed_at="2026-10-31T00:00Z"), dict(ROWS[1],
                                                                  observed_at="2026-10-31T00:00Z")]
    import_items(store, write_csv(tmp_path / "first.csv", first))
    corrected = [dict(first[0], likes="12"), first[1]]
    report = import_items(store, write_csv(tmp_path / "corrected.csv", corrected))
    assert (report.snapshots_added, report.snapshots_kept_stored) == (0, 1)
    assert store.scalar("SELECT likes FROM metric_snapshots WHERE item_id = 'bluesky:p1'") == 3
    partial = [{k: v for k, v in first[0].items() if k != "likes"}]  # says nothing of likes
    assert import_items(store, write_csv(tmp_path / "partial.csv", partial)
                        ).snapshots_kept_stored == 0
    later = [dict(corrected[0], observed_at="2026-11-01T00:00Z")]
    again = import_items(store, write_csv(tmp_path / "later.csv", later))
    assert (again.snapshots_added, again.snapshots_kept_stored) == (1, 0)


def test_a_counters_only_file_keeps_what_items_are(seeded: Store, tmp_path: Path) -> None:
    """A file without kind or parent columns says nothing of kinds: a reply and a quote
    stay what they are (they became posts), a new item is a post."""
    quote = {"id": "q1", "network": "bluesky", "author": "bob", "text": "Vu !",
             "created_at": "2026-09-07T12:00:00Z", "kind": "quote"}
    import_items(seeded, write_csv(tmp_path / "quote.csv", [quote]))
    counters = [{k: row[k] for k in ("id", "network", "author", "text", "created_at")}
                | {"likes": "9"} for row in (*ROWS, quote)]
    counters.append({"id": "n1", "network": "bluesky", "author": "cy", "text": "Nouveau",
                     "created_at": "2026-09-08T09:00:00Z", "likes": "1"})
    report = import_items(seeded, write_csv(tmp_path / "counters.csv", counters))
    assert report.new == 1 and report.snapshots_added == 4
    kinds = seeded.query("SELECT item_id, kind, parent_id FROM items ORDER BY item_id"
                         ).to_pylist()
    assert kinds == [
        {"item_id": "bluesky:n1", "kind": "post", "parent_id": None},
        {"item_id": "bluesky:p1", "kind": "post", "parent_id": None},
        {"item_id": "bluesky:q1", "kind": "quote", "parent_id": None},
        {"item_id": "bluesky:r1", "kind": "reply", "parent_id": "bluesky:p1"}]


def test_a_blank_parent_in_a_later_file_keeps_a_reply_a_reply(seeded: Store, tmp_path: Path
                                                                ) -> None:
    """A refresh file with a parent_id column left blank turned the stored reply into a
    post that kept its parent: the KPIs counted it as a brand post."""
    again = [{k: row[k] for k in ("id", "network", "author", "text", "created_at")}
             | {"parent_id": "", "likes": "3"} for row in ROWS]
    import_items(seeded, write_csv(tmp_path / "refresh.csv", again))
    kinds = seeded.query("SELECT item_id, kind, parent_id FROM items ORDER BY item_id"
                         ).to_pylist()
    assert kinds == [{"item_id": "bluesky:p1", "kind": "post", "parent_id": None},
                     {"item_id": "bluesky:r1", "kind": "reply", "parent_id": "bluesky:p1"}]


def test_jsonl_strings_that_look_like_dates_stay_strings(store: Store, tmp_path: Path) -> None:
    """Arrow's JSON reader took "2026-03-01" for a time: the id became
    ``2026-03-01 00:00:00`` and the text too."""
    path = tmp_path / "d.jsonl"
    row = {"id": "2026-03-01", "network": "bluesky", "author": "ann", "text": "2026-03-01",
           "created_at": "2026-03-01T10:00:00Z"}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    import_items(store, path)
    assert store.query("SELECT item_id, text, created_at FROM items").to_pylist() == [
        {"item_id": "bluesky:2026-03-01", "text": "2026-03-01",
         "created_at": store.scalar("SELECT TIMESTAMPTZ '2026-03-01 10:00:00+00'")}]


def test_export_counters_reach_saves_clicks_are_kept(store: Store, tmp_path: Path) -> None:
    rows = [dict(ROWS[0], reach="120", saves="4", link_clicks="7")]
    import_items(store, write_csv(tmp_path / "r.csv", rows))
    row = store.query("SELECT reach, saves, clicks FROM metric_snapshots").to_pylist()
    assert row == [{"reach": 120, "saves": 4, "clicks": 7}]


def test_column_mapping_and_aliases(store: Store, tmp_path: Path) -> None:
    rows = [{"post_id": "9", "platform": "mastodon", "who": "zoe", "message": "hi",
             "date": "2026-09-08 08:30"}]
    path = write_csv(tmp_path / "m.csv", rows)
    with pytest.raises(ImportRejected, match="problem"):
        import_items(store, path)
    report = import_items(store, path, mapping={"author": "who"})
    assert report.new == 1
    row = store.table("items").to_pylist()[0]
    assert row["item_id"] == "mastodon:9" and row["author_id"] == "mastodon:zoe"


def test_cells_the_fast_reader_cannot_type_still_import_the_same(store: Store,
                                                                 tmp_path: Path) -> None:
    """Counts and times are parsed while reading; text such as ' 4 ', '3.0' or a date
    without a zone makes the reader fall back to text, converted to the same values."""
    clean = write_csv(tmp_path / "clean.csv", [
        dict(ROWS[0], likes="3", created_at="2026-09-07T10:00:00Z"),
        dict(ROWS[1], likes="4", created_at="2026-09-07T00:00:00Z")])
    loose = write_csv(tmp_path / "loose.csv", [
        dict(ROWS[0], likes="3.0", created_at="2026-09-07T10:00:00"),
        dict(ROWS[1], likes=" 4 ", created_at="2026-09-07")])
    typed = read_rows(clean, "csv", types_for=typed_columns({}))
    assert typed.table.schema.field("likes").type == pa.int64()
    assert read_rows(loose, "csv", types_for=typed_columns({})).table.schema.field(
        "likes").type == pa.string()
    import_items(store, clean)
    first = store.query("SELECT item_id, created_at FROM items ORDER BY 1").to_pylist()
    report = import_items(store, loose)
    assert (report.new, report.updated, report.unchanged, report.snapshots_added) == (0, 0, 2, 0)
    assert store.query("SELECT item_id, created_at FROM items ORDER BY 1").to_pylist() == first
    with pytest.raises(ImportRejected) as refused:  # only an empty cell is missing
        import_items(store, write_csv(tmp_path / "na.csv", [dict(ROWS[0], likes="NA")]))
    assert "expected a whole number ≥ 0, found 'NA'" in str(refused.value.problems[0])


def _refused(store: Store, path: Path) -> list[str]:
    before = fingerprint(store)
    with pytest.raises(ImportRejected) as info:
        import_items(store, path)
    assert fingerprint(store) == before
    return [str(p) for p in info.value.problems]


def test_wrong_type_names_file_line_column_and_expectation(seeded: Store, tmp_path: Path
                                                           ) -> None:
    rows = [dict(ROWS[0], id="p2"), dict(ROWS[1], id="r2", likes="many")]
    path = write_csv(tmp_path / "bad.csv", rows)
    problems = _refused(seeded, path)
    # the second data row starts on line 3 and spans two lines (quoted newline)
    assert problems == [f"{path}, line 3, column 'likes': expected a whole number ≥ 0, "
                        "found 'many'"]


def test_line_numbers_follow_quoted_newlines(seeded: Store, tmp_path: Path) -> None:
    rows = [dict(ROWS[1], id="r2"), dict(ROWS[0], id="p3", created_at="soon")]
    path = write_csv(tmp_path / "nl.csv", rows)
    assert _refused(seeded, path)[0].startswith(f"{path}, line 4, column 'created_at'")


def test_missing_required_column(seeded: Store, tmp_path: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "created_at"} for r in ROWS]
    problems = _refused(seeded, write_csv(tmp_path / "nocol.csv", rows))
    assert len(problems) == 1 and "line 1, column 'created_at': required column is missing" \
        in problems[0]
    with pytest.raises(ImportRejected) as info:
        import_items(seeded, tmp_path / "nocol.csv")
    assert "--map" in info.value.hint and "--keep-good" not in info.value.hint


def test_bad_encoding_names_the_line(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"id,network,author,text,created_at\n"
                     b"1,bluesky,ann,ok,2026-09-07T10:00:00Z\n"
                     b"2,bluesky,ann,caf\xe9,2026-09-07T10:00:00Z\n")
    problems = _refused(seeded, path)
    assert problems[0].startswith(f"{path}, line 3: byte 0xe9")
    report = import_items(seeded, path, encoding="latin-1")
    assert report.new == 2


def test_truncated_lines_in_csv_and_jsonl(seeded: Store, tmp_path: Path) -> None:
    csv_path = tmp_path / "cut.csv"
    csv_path.write_text("id,network,author,text,created_at\n"
                        "1,bluesky,ann,ok,2026-09-07T10:00:00Z\n2,bluesky,an", encoding="utf-8")
    assert "line 3: expected 5 fields as in the header, found 3" in _refused(seeded, csv_path)[0]
    jsonl = tmp_path / "cut.jsonl"
    good = json.dumps({"id": "1", "network": "bluesky", "author": "a", "text": "t",
                       "created_at": "2026-09-07T10:00:00Z"})
    jsonl.write_text(good + "\n\n" + good[:30] + "\n", encoding="utf-8")
    assert f"{jsonl}, line 3: invalid JSON" in _refused(seeded, jsonl)[0]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_line_a_little_over_the_limit_is_refused(store: Store, tmp_path: Path,
                                                   suffix: str) -> None:
    """Arrow's reader, given blocks of the limit's size, took lines up to twice as long."""
    rows = [{"id": "1", "network": "bluesky", "author": "a", "text": "hi",
             "created_at": "2026-03-01"},
            {"id": "2", "network": "bluesky", "author": "a", "text": "x" * 1400,
             "created_at": "2026-03-01"}]
    path = tmp_path / f"long{suffix}"
    if suffix == ".csv":
        write_csv(path, rows)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_items(store, path, max_line_bytes=1000)
    line = 3 if suffix == ".csv" else 2
    assert str(caught.value.problems[0]).startswith(f"{path}, line {line}: line is 1,4")
    assert store.counts()["items"] == 0
    assert import_items(store, path, max_line_bytes=1500).new == 2


def test_a_json_line_over_the_limit_by_its_keys_is_refused(store: Store, tmp_path: Path) -> None:
    row = {"id": "2", "network": "bluesky", "author": "a", "text": "x" * 960,
           "created_at": "2026-03-01", "likes": 3, "reposts": 1}
    path = tmp_path / "keys.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert 1000 < path.stat().st_size < 1100  # the text cells alone are under 1,000 bytes
    with pytest.raises(ImportRejected) as caught:
        import_items(store, path, max_line_bytes=1000)
    assert f"{path}, line 1: line is 1,0" in str(caught.value.problems[0])


def test_a_100_mb_line_is_refused_without_loading_it(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(b"id,network,author,text,created_at\n1,bluesky,ann,")
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
        fh.write(b",2026-09-07T10:00:00Z\n2,bluesky,ann,ok,2026-09-07T10:00:00Z\n")
    problems = _refused(seeded, path)
    assert problems[0].startswith(f"{path}, line 2: line is 104,857,")
    assert "--max-line-bytes" in problems[0]


def test_keep_good_stores_good_rows_and_writes_rejects(store: Store, tmp_path: Path) -> None:
    rows = [ROWS[0], dict(ROWS[1], created_at="not a date")]
    path = write_csv(tmp_path / "mixed.csv", rows)
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (1, 1)
    rejects = [json.loads(line) for line in Path(str(report.rejects_file)).read_text().splitlines()]
    assert rejects[0]["line"] == 3 and "created_at" in rejects[0]["problems"][0]
    assert rejects[0]["raw"]["id"] == "r1"


def test_unknown_extension_and_missing_file(store: Store, tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"PK")  # a file there, of a format not read
    with pytest.raises(InputError, match="cannot tell the format"):
        import_items(store, tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="no such file"):
        import_items(store, tmp_path / "absent.csv")


def _write_delimited(path: Path, rows: list[dict[str, object]], delimiter: str) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_read_like_commas(store: Store, tmp_path: Path,
                                                          delimiter: str) -> None:
    """French Excel writes ';': quoted cells holding , ; or tabs stay whole."""
    rows = [dict(ROWS[0], text="Pain, beurre; et\tconfiture"), ROWS[1]]
    path = _write_delimited(tmp_path / "fr.csv", rows, delimiter)
    report = import_items(store, path)
    assert (report.rows, report.new, report.rejected) == (2, 2, 0)
    texts = store.query("SELECT text FROM items ORDER BY item_id").column(0).to_pylist()
    assert texts == ["Pain, beurre; et\tconfiture", "J'adore\net je partage"]
    bad = _write_delimited(tmp_path / "bad.csv", [rows[1], dict(rows[0], id="p9", likes="x")],
                           delimiter)  # the careful reader splits the same way
    assert _refused(store, bad) == [f"{bad}, line 4, column 'likes': expected a whole "
                                    "number ≥ 0, found 'x'"]


def test_rows_repeating_an_id_are_counted_and_the_later_wins(cli, db: Path, tmp_path: Path
                                                             ) -> None:
    rows = [ROWS[0], ROWS[1], dict(ROWS[0], text="corrigé")]
    path = write_csv(tmp_path / "dup.csv", rows)
    result = cli("import", "items", str(path), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert (report["rows"], report["new"], report["duplicates"]) == (3, 2, 1)
    said = cli("import", "items", str(path))
    assert "1 row(s) repeated an earlier row's id: the later row was kept" in said.out
    store = Store.open(db)
    try:
        assert store.scalar("SELECT text FROM items WHERE item_id = 'bluesky:p1'") == "corrigé"
    finally:
        store.close()


def test_a_line_refused_whole_keeps_its_problem_in_the_rejects(store: Store, tmp_path: Path
                                                               ) -> None:
    path = tmp_path / "cut.csv"
    path.write_text("id,network,author,text,created_at\n"
                    "1,bluesky,ann,ok,2026-09-07T10:00:00Z\n2,bluesky,an\n", encoding="utf-8")
    report = import_items(store, path, keep_good=True)
    assert (report.rows, report.new, report.rejected) == (2, 1, 1)
    rejects = [json.loads(x) for x in Path(str(report.rejects_file)).read_text().splitlines()]
    assert rejects == [{"line": 3, "raw": "2,bluesky,an", "problems": [
        "expected 5 fields as in the header, found 3 (a truncated or unquoted line?)"]}]


def test_windows_1252_unknown_and_utf16_encodings_are_said(seeded: Store, tmp_path: Path
                                                            ) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"id,network,author,text,created_at\n"
                     b"1,bluesky,ann,caf\xe9,2026-09-07T10:00:00Z\n")
    problem = _refused(seeded, path)[0]
    assert problem.startswith(f"{path}, line 2: byte 0xe9 at position 18 is not valid utf-8")
    assert "Windows-1252" in problem and "pass --encoding cp1252" in problem
    with pytest.raises(InputError, match="--encoding 'latin-9000': not an encoding"):
        import_items(seeded, path, encoding="latin-9000")
    assert import_items(seeded, path, encoding="cp1252").new == 1
    wide = tmp_path / "unicode.csv"
    wide.write_bytes(path.read_text("cp1252").encode("utf-16"))
    with pytest.raises(InputError, match=r"UTF-16 byte-order mark, but --encoding is cp1252"
                       ) as info:
        import_items(seeded, wide, encoding="cp1252")
    assert "leave --encoding out" in str(info.value.hint)


UNICODE_ROWS = [dict(ROWS[0], text="Nouveau produit \u2728 (été)"), ROWS[1]]


@pytest.mark.parametrize(("codec", "option"), [
    ("utf-16", None),  # little endian with its mark, as Excel's "Unicode text": detected
    ("utf-16-be", None),  # big endian: the mark written below
    ("utf-16-le", "utf-16-le"),  # no mark: said by --encoding
    ("utf-16", "utf-16"),
    ("utf-32", None),
])
def test_utf16_items_are_read(store: Store, tmp_path: Path, codec: str, option: str | None
                              ) -> None:
    text = write_csv(tmp_path / "utf8.csv", UNICODE_ROWS).read_text("utf-8")
    wide = tmp_path / "unicode.csv"
    wide.write_bytes(("\ufeff" if codec == "utf-16-be" else "").encode(codec)
                     + text.encode(codec))
    encoding = option or "utf-8"  # the default: the mark decides
    report = import_items(store, wide, encoding=encoding)
    assert (report.rows, report.new, report.rejected) == (2, 2, 0)
    texts = store.query("SELECT text FROM items ORDER BY item_id").column(0).to_pylist()
    assert texts == ["Nouveau produit \u2728 (été)", "J'adore\net je partage"]
    assert import_items(store, wide, encoding=encoding).unchanged == 2  # idempotent


def test_a_line_cut_inside_a_string_says_where_the_string_starts(store: Store, tmp_path: Path
                                                                  ) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_text('{"id": "1", "text": "all of it"}\n{"id": "2", "text": "cut sh')
    assert _refused(store, path)[0] == (f"{path}, line 2: invalid JSON (Unterminated string "
                                        "starting at column 21)")


def test_utf16_jsonl_and_its_errors_name_the_original_file(store: Store, tmp_path: Path
                                                           ) -> None:
    lines = [json.dumps({k: v for k, v in row.items() if v}) for row in UNICODE_ROWS]
    path = tmp_path / "unicode.jsonl"
    path.write_bytes("\n".join([*lines, "{broken"]).encode("utf-16"))
    problems = _refused(store, path)
    assert problems == [f"{path}, line 3: invalid JSON (Expecting property name enclosed "
                        "in double quotes at column 2)"]
    assert import_items(store, path, keep_good=True).new == 2
    odd = tmp_path / "odd.csv"  # a lone high surrogate on line 3: not UTF-16
    odd.write_bytes("a,b\n1,2\n".encode("utf-16") + b"\x00\xd8x\x00\n\x00")
    with pytest.raises(InputError, match=rf"{odd}, line 3: illegal UTF-16 surrogate; "
                       "expected utf-16-le text"):
        import_items(store, odd)


def test_json_arrays_and_objects_are_refused_cell_by_cell(store: Store, tmp_path: Path
                                                           ) -> None:
    good = {"id": "1", "network": "bluesky", "author": "a", "text": "t",
            "created_at": "2026-09-07T10:00:00Z", "extra": {"ignored": [1]}}
    lines = [good, dict(good, id="2", text=["a", "b"]), dict(good, id="3", likes={"n": 1})]
    path = tmp_path / "nested.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    assert _refused(store, path) == [
        f"{path}, line 2, column 'text': expected one value, found a JSON array or object",
        f"{path}, line 3, column 'likes': expected one value, found a JSON array or object"]
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (1, 2)
    same = tmp_path / "all.jsonl"  # every text an array: the fast reader types the column
    same.write_text(json.dumps(dict(good, text=["a"])) + "\n", encoding="utf-8")
    assert _refused(store, same) == [
        f"{same}, line 1, column 'text': expected one value, found a JSON array or object"]


def test_the_date_example_is_iso_and_unambiguous(seeded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "when.csv", [dict(ROWS[0], id="p7", created_at="01/03/2026")])
    assert _refused(seeded, path) == [
        f"{path}, line 2, column 'created_at': expected an ISO 8601 date and time such as "
        "2026-03-01 18:00, found '01/03/2026'; a date with slashes could be day or month "
        "first: write it year first (2026-10-01 for 1 October)"]
    other = write_csv(tmp_path / "other.csv", [dict(ROWS[0], id="p8", created_at="hier")])
    assert _refused(seeded, other) == [
        f"{other}, line 2, column 'created_at': expected an ISO 8601 date and time such as "
        "2026-03-01 18:00, found 'hier'"]


def test_only_rows_with_a_counter_make_a_snapshot(store: Store, tmp_path: Path) -> None:
    rows = [dict(ROWS[0], likes="", replies=""), ROWS[1]]
    report = import_items(store, write_csv(tmp_path / "some.csv", rows))
    assert report.new == 2 and report.snapshots_added == 1
    owners = store.query("SELECT item_id FROM metric_snapshots").column(0).to_pylist()
    assert owners == [f"bluesky:{ROWS[1]['id']}"]


@pytest.mark.parametrize("networks", [("BlueSky", "bluesky"), ("bluesky", "Mastodon")])
def test_keys_join_network_and_id_and_stay_null_without_an_id(store: Store, tmp_path: Path,
                                                              networks: tuple[str, str]
                                                              ) -> None:
    """A file of one network and a file of several make the same `network:id` keys (the
    first takes a faster path); a blank parent or root stays unknown, not `network:`."""
    rows = [{"id": "p1", "network": networks[0], "author": "ann", "text": "hi",
             "created_at": "2026-09-07T10:00:00Z", "parent_id": "", "root_id": ""},
            {"id": "r1", "network": networks[1], "author": "bob", "text": "yo",
             "created_at": "2026-09-07T11:00:00Z", "parent_id": "p1", "root_id": "p1"}]
    import_items(store, write_csv(tmp_path / "keys.csv", rows))
    got = store.query("SELECT item_id, author_id, kind, parent_id, root_id FROM items "
                      "ORDER BY created_at").to_pylist()
    first, second = (n.lower() for n in networks)
    assert got == [
        {"item_id": f"{first}:p1", "author_id": f"{first}:ann", "kind": "post",
         "parent_id": None, "root_id": None},
        {"item_id": f"{second}:r1", "author_id": f"{second}:bob", "kind": "reply",
         "parent_id": f"{second}:p1", "root_id": f"{second}:p1"}]


def test_a_line_the_csv_reader_cannot_read_keeps_its_text_in_the_rejects(store: Store,
                                                                        tmp_path: Path) -> None:
    """Its raw text was written empty: the line a person has to fix was lost."""
    path = tmp_path / "open.csv"
    path.write_text('id,network,author,text,created_at\n1,bluesky,ann,ok,2026-09-07T10:00:00Z\n'
                    '2,bluesky,ann,"open quote,2026-09-07T10:00:00Z\n', encoding="utf-8")
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (1, 1)
    rejects = [json.loads(x) for x in Path(str(report.rejects_file)).read_text().splitlines()]
    assert rejects == [{"line": 3, "raw": '2,bluesky,ann,"open quote,2026-09-07T10:00:00Z',
                        "problems": ["malformed CSV: unexpected end of data"]}]


def test_a_quote_inside_a_cells_text_is_named_however_clean_the_other_rows(
        store: Store, tmp_path: Path) -> None:
    """Arrow's reader stored "bad"quote as badquote without a word when every other row
    was clean; with one more bad row the same line was refused. It is refused both ways."""
    path = tmp_path / "quote.csv"
    path.write_text('id,network,author,text,created_at\n1,x,a,ok,2026-03-01\n'
                    '2,x,a,"bad"quote,2026-03-01\n3,x,a,fine,2026-03-01\n', encoding="utf-8")
    assert _refused(store, path) == [f"{path}, line 3: malformed CSV: ',' expected after '\"'"]
    report = import_items(store, path, keep_good=True)
    assert (report.new, report.rejected) == (2, 1)
    from sounding.imports.tabular import _stray_quote

    marked = tmp_path / "marked.csv"  # a byte-order mark before a quoted header is no stray
    marked.write_bytes(b'\xef\xbb\xbf"id","text"\n"1","ok"\n')
    assert not _stray_quote(marked, ",") and _stray_quote(path, ",")
    inch = tmp_path / "inch.csv"  # a quote in an unquoted cell is kept, as text
    inch.write_text('id,network,author,text,created_at\n4,x,a,5" screen,2026-03-01\n')
    assert import_items(store, inch).new == 1
    assert store.scalar("SELECT text FROM items WHERE item_id = 'x:4'") == '5" screen'
