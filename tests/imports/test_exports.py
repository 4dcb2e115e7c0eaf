"""`sounding import auto`: Meta and X exports, detection, history, idempotence, errors."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sounding.errors import ImportRejected, InputError
from sounding.imports.formats import detect
from sounding.store import Store
from sounding.workflows.import_auto import import_export

from .export_helpers import (
    INSTAGRAM,
    META_APRIL,
    META_COMMENTS,
    META_MARCH,
    X_ARCHIVE,
    copy,
    fingerprint,
)

POST = "facebook:1043818357722486_122101"


def _history(store: Store, item: str) -> list[tuple[str, int | None, int | None]]:
    rows = store.query("SELECT observed_at, likes, impressions FROM metric_snapshots "
                       "WHERE item_id = ? ORDER BY observed_at", [item]).to_pylist()
    return [(r["observed_at"].date().isoformat(), r["likes"], r["impressions"]) for r in rows]


def test_meta_posts_become_brand_posts_with_counters_and_formats(store: Store) -> None:
    report = import_export(store, META_MARCH)
    assert (report.formats, report.rows, report.new, report.rejected) == (["meta-posts"], 3, 3, 0)
    post = store.query("SELECT * FROM items WHERE item_id = ?", [POST]).to_pylist()[0]
    assert post["account_id"] == "facebook:Atelier Lumen" and post["kind"] == "post"
    assert post["created_at"] == datetime(2026, 3, 5, 18, 0, tzinfo=UTC)  # mm/dd in English
    snap = store.query("SELECT * FROM metric_snapshots WHERE item_id = ?", [POST]).to_pylist()[0]
    # reactions → likes, shares → reposts, comments → replies, "4,210" → 4210
    assert (snap["likes"], snap["reposts"], snap["replies"], snap["impressions"]) == \
        (187, 12, 23, 4210)
    assert snap["observed_at"] == datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)  # from the name
    levels = store.query("SELECT level FROM variants ORDER BY item_id").column(0).to_pylist()
    assert levels == ["photo", "video", "text"]


def test_monthly_exports_in_two_languages_build_a_history(store: Store) -> None:
    import_export(store, META_MARCH)
    report = import_export(store, META_APRIL)  # French headers, dd/mm dates, "4 388"
    assert (report.new, report.unchanged, report.snapshots_added) == (1, 2, 2)
    assert _history(store, POST) == [("2026-03-31", 187, 4210), ("2026-04-30", 195, 4388)]
    new = store.query("SELECT created_at FROM items WHERE item_id LIKE '%122104'").to_pylist()
    assert new[0]["created_at"] == datetime(2026, 4, 2, 17, 45, tzinfo=UTC)  # dd/mm in French
    video = store.query("SELECT level FROM variants WHERE item_id LIKE '%122102'").column(0)
    assert video.to_pylist() == ["video"]  # "Vidéos" and "Videos" are one level


def test_reimporting_changes_nothing(store: Store) -> None:
    import_export(store, META_MARCH)
    import_export(store, META_COMMENTS)
    before = fingerprint(store)
    first = import_export(store, META_MARCH)
    second = import_export(store, META_COMMENTS)
    assert (first.new, first.updated, first.unchanged, first.snapshots_added) == (0, 0, 3, 0)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 4)
    assert fingerprint(store) == before


def test_as_of_option_dates_the_counters(store: Store) -> None:
    report = import_export(store, META_MARCH, as_of="2026-04-15T08:00:00Z")
    assert report.as_of == "2026-04-15T08:00:00+00:00"
    assert _history(store, POST) == [("2026-04-15", 187, 4210)]
    with pytest.raises(InputError, match="--as-of 'soon'"):
        import_export(store, META_MARCH, as_of="soon")


def test_file_mtime_dates_an_export_without_a_date(store: Store, tmp_path: Path) -> None:
    path = copy(META_MARCH, tmp_path / "export.csv")
    moment = datetime(2026, 5, 2, 12, 0, tzinfo=UTC).timestamp()
    os.utime(path, (moment, moment))
    assert import_export(store, path).as_of == "2026-05-02T12:00:00+00:00"


def test_instagram_is_told_from_facebook(store: Store) -> None:
    import_export(store, INSTAGRAM)
    rows = store.query("SELECT i.item_id, i.account_id, v.level FROM items i "
                       "JOIN variants v USING (item_id) ORDER BY 1").to_pylist()
    assert rows == [
        {"item_id": "instagram:18023456789012345", "account_id": "instagram:atelierlumen",
         "level": "carousel"},
        {"item_id": "instagram:18023456789012399", "account_id": "instagram:atelierlumen",
         "level": "reel"}]


def test_comments_are_threaded_and_the_brand_reply_is_known(store: Store) -> None:
    import_export(store, META_MARCH)
    import_export(store, META_COMMENTS)
    rows = {r["item_id"].rsplit("_", 1)[-1]: r for r in store.query(
        "SELECT * FROM items WHERE kind = 'comment'").to_pylist()}
    assert rows["9002"]["parent_id"] == f"{POST}_9001" and rows["9002"]["root_id"] == POST
    assert rows["9002"]["account_id"] == "facebook:Atelier Lumen"  # the page answering
    assert rows["9003"]["author_id"] == "facebook:Marc D." and rows["9003"]["account_id"] is None
    assert store.scalar("SELECT count(*) FROM interactions WHERE kind = 'reply'") == 4


def test_instagram_comments_named_by_username_are_instagrams(store: Store, tmp_path: Path
                                                              ) -> None:
    """Without a Platform column, comments were filed under Facebook, threaded under a
    post that does not exist there."""
    folder = tmp_path / "ig"
    folder.mkdir()
    copy(INSTAGRAM, folder / INSTAGRAM.name)
    (folder / "ig-comments-2026-03-31.csv").write_text(
        "Comment ID,Post ID,Parent comment ID,Username,Comment,Created time,Likes\n"
        "c91,18023456789012345,,camille.r,Superbe !,2026-03-07T09:00:00+0000,2\n"
        "c92,18023456789012345,c91,atelierlumen,Merci !,2026-03-07T10:00:00+0000,0\n")
    import_export(store, folder)
    rows = store.query("SELECT item_id, parent_id, root_id, account_id FROM items "
                       "WHERE kind = 'comment' ORDER BY 1").to_pylist()
    post = "instagram:18023456789012345"
    assert [r["item_id"] for r in rows] == ["instagram:c91", "instagram:c92"]
    assert [r["parent_id"] for r in rows] == [post, "instagram:c91"]
    assert {r["root_id"] for r in rows} == {post}
    assert rows[1]["account_id"] == "instagram:atelierlumen"  # the brand answering


def test_x_archive_folder(store: Store) -> None:
    report = import_export(store, X_ARCHIVE)
    assert (report.formats, report.new) == (["x-archive"], 4)
    assert report.as_of == "2026-03-31T20:15:00+00:00"  # manifest.js generationDate
    kinds = {r["item_id"]: r["kind"] for r in store.query("SELECT * FROM items").to_pylist()}
    assert kinds == {"x:1765000000000000001": "post", "x:1765000000000000002": "reply",
                     "x:1766000000000000003": "quote", "x:1766000000000000004": "repost"}
    quote = store.query("SELECT parent_id, account_id FROM items WHERE kind = 'quote'")
    assert quote.to_pylist() == [{"parent_id": "x:1766000000000000777",
                                  "account_id": "x:atelierlumen"}]
    likes = store.scalar("SELECT likes FROM metric_snapshots WHERE item_id = "
                         "'x:1765000000000000001'")
    assert likes == 48


def test_tweets_js_alone_needs_the_account(store: Store, tmp_path: Path) -> None:
    path = copy(X_ARCHIVE / "data" / "tweets.js", tmp_path / "tweets.js")
    with pytest.raises(InputError, match=r"no account\.js"):
        import_export(store, path)
    assert import_export(store, path, account="@AtelierLumen").new == 4
    assert store.scalar("SELECT count(DISTINCT author_id) FROM items") == 1


@pytest.mark.parametrize(("source", "fmt"), [
    (META_MARCH, "meta-posts"), (META_APRIL, "meta-posts"), (INSTAGRAM, "meta-posts"),
    (META_COMMENTS, "meta-comments"), (X_ARCHIVE / "data" / "tweets.js", "x-archive"),
])
def test_detection_reads_content_not_extension(source: Path, fmt: str, tmp_path: Path) -> None:
    assert detect(copy(source, tmp_path / "renamed.bin")) == fmt


def test_unknown_file_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an export sounding knows") as info:
        import_export(store, path)
    assert "sounding import items" in info.value.hint


def _refused(store: Store, path: Path) -> list[str]:
    before = fingerprint(store)
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    assert fingerprint(store) == before
    return [str(p) for p in info.value.problems]


def test_bad_cell_names_file_line_column_and_expectation(store: Store, tmp_path: Path) -> None:
    import_export(store, META_MARCH)
    path = tmp_path / "bad.csv"
    text = META_APRIL.read_text("utf-8").replace(",195,", ",beaucoup,")
    path.write_text(text, encoding="utf-8")
    assert _refused(store, path) == [
        f"{path}, line 2, column 'Réactions': expected a whole number ≥ 0, found 'beaucoup'"]


def test_keep_good_stores_the_other_rows(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    lines = META_MARCH.read_text("utf-8").splitlines()
    lines[2] = lines[2].replace("03/12/2026 12:30", "someday")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_export(store, path, keep_good=True)
    assert (report.rows, report.new, report.rejected) == (3, 2, 1)
    assert "line 3, column 'Publish time': expected a date and time" in report.problems[0]
    rejects = [json.loads(line) for line in
               Path(str(report.rejects_file)).read_text("utf-8").splitlines()]
    assert report.rejects_file == str(tmp_path / "bad.csv.rejects.jsonl")
    assert [(r["file"], r["line"], r["column"]) for r in rejects] == [
        (str(path), 3, "Publish time")]


def test_missing_column_lists_accepted_names(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    text = META_MARCH.read_text("utf-8").replace("Publish time", "When", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:  # no longer detected, or refused: both are clear
        import_export(store, path, fmt="meta-posts")
    assert "line 1, column 'Publish time': required column is missing" in \
        str(info.value.problems[0])  # type: ignore[attr-defined]


def test_truncated_and_badly_encoded_files(store: Store, tmp_path: Path) -> None:
    cut = tmp_path / "cut.csv"
    cut.write_bytes(META_MARCH.read_bytes()[:700])
    assert any("expected 23 fields as in the header" in p for p in _refused(store, cut))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(META_APRIL.read_text("utf-8").encode("latin-1", "replace"))
    problems = _refused(store, latin)
    assert problems[0].startswith(f"{latin}, line 1: byte 0xe9 at position 90 is not valid")
    assert "Windows-1252" in problems[0] and "--encoding cp1252" in problems[0]


def test_broken_tweets_js_names_the_line(store: Store, tmp_path: Path) -> None:
    folder = copy(X_ARCHIVE, tmp_path / "archive")
    tweets = folder / "data" / "tweets.js"
    tweets.write_text(tweets.read_text("utf-8").replace('"favorite_count" : "48",',
                                                        '"favorite_count" : 48x,'), "utf-8")
    assert "line 9: invalid JSON (Expecting ',' delimiter" in _refused(store, folder)[0]
    tweets.write_text(tweets.read_text("utf-8").replace("48x", '"-3"'), "utf-8")
    assert _refused(store, folder) == [
        f"{tweets}, line 10, column 'favorite_count': expected a whole number ≥ 0, found '-3'"]


def test_a_folder_lands_together_or_not_at_all(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    copy(META_MARCH, folder / META_MARCH.name)
    copy(X_ARCHIVE, folder / "x-archive")
    (folder / "readme.txt").write_text("monthly exports\n", encoding="utf-8")
    bad = folder / "comments.csv"
    bad.write_text(META_COMMENTS.read_text("utf-8").replace("06/03/2026 08:10", "hier"), "utf-8")
    problems = _refused(store, folder)
    assert problems == [f"{bad}, line 4, column 'Heure de création': expected a date and time "
                        "such as 2026-03-01 18:00 (ISO 8601), found 'hier'"]
    bad.unlink()
    report = import_export(store, folder)
    assert sorted(report.formats) == ["meta-posts", "x-archive"]
    assert report.new == 7 and report.skipped == [str(folder / "readme.txt")]


def _redelimited(source: Path, target: Path, delimiter: str, encoding: str = "utf-8") -> Path:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(source.read_text("utf-8"), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    target.write_bytes(out.getvalue().encode(encoding))
    return target


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_exports_read_like_commas(store: Store, tmp_path: Path,
                                                    delimiter: str) -> None:
    """Quoted cells holding commas ("4,210", captions) stay whole whatever the separator."""
    path = _redelimited(META_MARCH, tmp_path / META_MARCH.name, delimiter)
    assert detect(path) == "meta-posts"
    report = import_export(store, path)
    assert (report.new, report.rejected) == (3, 0)
    assert _history(store, POST) == [("2026-03-31", 187, 4210)]
    text = store.scalar("SELECT text FROM items WHERE item_id = ?", [POST])
    assert text.startswith("Our spring collection is here: hand-dyed linen, made")


def test_utf16_and_windows_1252_exports(store: Store, tmp_path: Path) -> None:
    wide = _redelimited(META_APRIL, tmp_path / "unicode.csv", "\t", "utf-16")  # Excel's
    assert detect(wide) == "meta-posts"  # "Unicode text"
    assert import_export(store, wide, as_of="2026-04-30").new == 3
    latin = tmp_path / "latin.csv"
    latin.write_bytes(META_COMMENTS.read_text("utf-8").encode("cp1252"))
    assert detect(latin) == "meta-comments"
    with pytest.raises(InputError, match="--encoding 'klingon': not an encoding"):
        import_export(store, latin, encoding="klingon")
    assert import_export(store, latin, encoding="cp1252").rejected == 0
    text = store.query("SELECT text FROM items WHERE kind = 'comment'").column(0).to_pylist()
    assert any("é" in t for t in text)


def test_x_text_is_unescaped_and_list_entities_are_read(store: Store, tmp_path: Path) -> None:
    folder = copy(X_ARCHIVE, tmp_path / "archive")
    tweets = folder / "data" / "tweets.js"
    body = tweets.read_text("utf-8").replace("made in Lyon", "made in Lyon &amp; Paris &lt;3")
    body = body.replace('"entities" : { "hashtags" : [ ], "symbols" : [ ], '
                        '"user_mentions" : [ ], "urls" : [ ] }', '"entities" : [ ]', 1)
    tweets.write_text(body, "utf-8")
    assert '"entities" : [ ]' in body
    report = import_export(store, folder)
    assert report.rejected == 0
    texts = store.query("SELECT text FROM items").column(0).to_pylist()
    assert any("made in Lyon & Paris <3" in t for t in texts)


def test_the_separator_is_counted_outside_quotes(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "comments.csv"
    path.write_text('"Comment ID";"Post ID";"Author";"Comment";"Created time";"Notes (text, '
                    'emoji, links, tags, mentions, urls)"\n'
                    'c1;122101;Camille;"Superbe, vraiment; bravo";2026-03-06 08:10;\n',
                    encoding="utf-8")
    assert detect(path) == "meta-comments"
    assert import_export(store, path).new == 1
    assert store.scalar("SELECT text FROM items") == "Superbe, vraiment; bravo"


def _monthly_folder(tmp_path: Path) -> Path:
    """March and April exports in one folder; April's caption of POST was edited (its
    name sorts before March's, so name order would let March's old caption win)."""
    folder = tmp_path / "monthly"
    folder.mkdir()
    copy(META_MARCH, folder / META_MARCH.name)
    april = META_APRIL.read_text("utf-8").replace("Which colour would you pick?",
                                                  "Which colour? (edited)")
    (folder / META_APRIL.name).write_text(april, "utf-8")
    return folder


def test_a_folder_counts_repeated_posts_and_dates_each_file(store: Store, tmp_path: Path
                                                           ) -> None:
    folder = _monthly_folder(tmp_path)
    report = import_export(store, folder)
    # 3 + 3 rows, 2 posts in both exports: 4 posts stored, 2 rows reported as repeats
    assert (report.rows, report.new, report.duplicates) == (6, 4, 2)
    assert report.dates == {str(folder / META_MARCH.name): "2026-03-31T23:59:59+00:00",
                            str(folder / META_APRIL.name): "2026-04-30T23:59:59+00:00"}
    assert report.as_of == "2026-04-30T23:59:59+00:00"  # the latest of them
    assert _history(store, POST) == [("2026-03-31", 187, 4210), ("2026-04-30", 195, 4388)]
    text = store.scalar("SELECT text FROM items WHERE item_id = ?", [POST])
    assert text.endswith("Which colour? (edited)")  # the latest export's row is kept
    before = fingerprint(store)
    again = import_export(store, folder)
    assert (again.new, again.updated, again.snapshots_added, again.duplicates) == (0, 0, 0, 2)
    assert fingerprint(store) == before


def test_a_post_repeated_in_one_export_is_counted_and_the_later_row_kept(
        store: Store, tmp_path: Path) -> None:
    lines = META_MARCH.read_text("utf-8").splitlines(keepends=True)
    repeat = lines[1].replace("Which colour would you pick?", "Pick a colour!")
    path = tmp_path / META_MARCH.name
    path.write_text("".join([*lines, repeat]), "utf-8")
    report = import_export(store, path)
    assert (report.rows, report.new, report.duplicates) == (4, 3, 1)
    assert store.scalar("SELECT text FROM items WHERE item_id = ?", [POST]).endswith(
        "Pick a colour!")


def test_the_pages_own_comments_are_the_brands_in_the_same_run(store: Store,
                                                               tmp_path: Path) -> None:
    folder = tmp_path / "meta"
    folder.mkdir()
    copy(META_MARCH, folder / META_MARCH.name)
    copy(META_COMMENTS, folder / META_COMMENTS.name)
    first = import_export(store, folder)
    assert first.new == 7
    brand = store.query("SELECT item_id FROM items WHERE kind = 'comment' AND "
                        "account_id = 'facebook:Atelier Lumen'").column(0).to_pylist()
    assert brand == [f"{POST}_9002"]  # the page answering Camille
    before = fingerprint(store)
    again = import_export(store, folder)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 7)
    assert fingerprint(store) == before


def _part(tweets: Path, part: int, prefix: str) -> str:
    """``tweets.js`` as the archive's part N, its tweets given other ids."""
    body = tweets.read_text("utf-8").replace("window.YTD.tweets.part0",
                                             f"window.YTD.tweets.part{part}")
    return body.replace("1765000000000000", f"{prefix}5000000000000").replace(
        "1766000000000000", f"{prefix}6000000000000")


def test_an_archive_split_in_parts_is_read_whole(store: Store, tmp_path: Path) -> None:
    folder = copy(X_ARCHIVE, tmp_path / "archive")
    data = folder / "data"
    tweets = data / "tweets.js"
    (data / "tweets-part2.js").write_text(_part(tweets, 2, "182"), "utf-8")
    (data / "tweets-part1.js").write_text(_part(tweets, 1, "181"), "utf-8")
    report = import_export(store, folder)
    assert report.files == [str(tweets), str(data / "tweets-part1.js"),
                            str(data / "tweets-part2.js")]
    assert (report.rows, report.new, report.rejected) == (12, 12, 0)
    assert store.scalar("SELECT count(DISTINCT account_id) FROM items") == 1
    assert store.scalar("SELECT kind FROM items WHERE item_id = 'x:1826000000000000003'") == \
        "quote"
    assert import_export(store, data).unchanged == 12  # the data folder is the archive too
    part2 = data / "tweets-part2.js"
    part2.write_text(part2.read_text("utf-8").replace('"favorite_count" : "48"',
                                                      '"favorite_count" : "-1"'), "utf-8")
    assert _refused(store, folder) == [
        f"{part2}, line 10, column 'favorite_count': expected a whole number ≥ 0, "
        "found '-1'"]


def test_a_decimal_comma_under_french_headers_is_said(store: Store, tmp_path: Path) -> None:
    path = tmp_path / META_APRIL.name
    path.write_text(META_APRIL.read_text("utf-8").replace(",4 388,", ',"4,388",'), "utf-8")
    assert _refused(store, path) == [
        f"{path}, line 2, column 'Impressions': expected a whole number ≥ 0 (with French "
        "headers a comma is a decimal comma: write thousands as 2 210 or 2.210), "
        "found '4,388'"]
    path.write_text(META_APRIL.read_text("utf-8").replace(",4 388,", ",4.388,"), "utf-8")
    import_export(store, path)
    assert _history(store, POST) == [("2026-04-30", 195, 4388)]


def test_a_header_with_a_lone_carriage_return_is_read_not_crashed_on(tmp_path: Path) -> None:
    """Found by the fuzz test: a '\\r' in the header line raised the csv module's own
    error instead of a detection or a clear refusal."""
    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"Post ID,Permalink\rjunk,Impressions,Likes\n1,https://x.example,5,2\n")
    with pytest.raises(InputError, match="not an export sounding knows"):
        detect(odd)
