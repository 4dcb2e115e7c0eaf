"""LinkedIn page exports (XLSX), and the `import auto` command line."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from sounding.errors import ImportRejected
from sounding.imports.formats import detect
from sounding.store import Store
from sounding.workflows import ops
from sounding.workflows.import_auto import import_export, import_wordpress

from .export_helpers import META_APRIL, META_MARCH

POSTS_EN = ["Post title", "Post link", "Post type", "Campaign name", "Posted by", "Created date",
            "Campaign start date", "Campaign end date", "Audience", "Impressions",
            "Views (excluding off-site video views)", "Off-site views", "Clicks",
            "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows",
            "Engagement rate", "Content Type"]
POSTS_FR = ["Titre du post", "Lien du post", "Type de post", "Nom de la campagne", "Publié par",
            "Date de création", "Date de début de la campagne", "Date de fin de la campagne",
            "Audience", "Impressions", "Vues", "Vues hors site", "Clics", "Taux de clic",
            "J’aime", "Commentaires", "Republications", "Abonnements", "Taux d’engagement",
            "Type de contenu"]
URN = "https://www.linkedin.com/feed/update/urn:li:activity:71700000000000000{}"


def _workbook(path: Path, header: list[str], dates: list[object], likes: object = 41,
              link: str = URN) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "All posts"
    sheet.append(["All posts from 01/03/2026 to 31/03/2026"])  # LinkedIn's note above
    sheet.append(header)
    for n, created in enumerate(dates, 1):
        row: list[object] = ["" for _ in header]
        values = {1: f"Spring collection {n}", 2: link.format(n), 3: "Organic", 6: created,
                  10: 1200 * n, 13: 30, 15: likes, 16: 4, 17: 2, 20: "Image"}
        for column, value in values.items():
            row[column - 1] = value
        sheet.append(row)
    followers = book.create_sheet("New followers")
    followers.append(["Date", "Sponsored followers", "Organic followers",
                      "Auto-invited followers", "Total followers"])
    for day, new in ((1, 3), (2, 5), (3, 2)):
        followers.append([f"03/{day:02d}/2026", 0, new, 0, new])
    book.save(path)
    return path


def test_linkedin_posts_counters_and_follower_history(store: Store, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "atelierlumen_content_1774915200000.xlsx", POSTS_EN,
                     [datetime(2026, 3, 5, 9, 0), "03/12/2026"])
    assert detect(path) == "linkedin"
    report = import_export(store, path, followers=500)
    assert (report.new, report.rejected) == (2, 0)
    assert report.as_of == "2026-03-31T00:00:00+00:00"  # epoch millis in the name
    post = store.query("SELECT i.item_id, i.account_id, s.likes, s.impressions FROM items i "
                       "JOIN metric_snapshots s USING (item_id) ORDER BY 1").to_pylist()[0]
    assert post == {"item_id": "linkedin:urn:li:activity:717000000000000001",
                    "account_id": "linkedin:atelierlumen", "likes": 41, "impressions": 1200}
    totals = store.query("SELECT observed_at, followers FROM account_snapshots "
                         "ORDER BY observed_at").to_pylist()
    assert [(t["observed_at"].day, t["followers"]) for t in totals] == [(1, 493), (2, 498),
                                                                       (3, 500)]


def test_a_post_link_with_tracking_parameters_is_the_same_post(store: Store,
                                                               tmp_path: Path) -> None:
    """A later export whose links carry ``?utm_…`` created a second post."""
    first = _workbook(tmp_path / "a_content_1774915200000.xlsx", POSTS_EN, ["03/05/2026"])
    import_export(store, first, account="atelierlumen")
    later = _workbook(tmp_path / "b_content_1775001600000.xlsx", POSTS_EN, ["03/05/2026"],
                      likes=50, link=URN + "?utm_source=share&utm_medium=member_desktop")
    report = import_export(store, later, account="atelierlumen")
    assert report.new == 0
    assert store.query("SELECT item_id FROM items").to_pylist() == [
        {"item_id": "linkedin:urn:li:activity:717000000000000001"}]
    assert store.scalar("SELECT count(*) FROM metric_snapshots") == 2


def test_linkedin_in_french_and_its_errors(store: Store, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "export.xlsx", POSTS_FR, ["05/03/2026"], likes="beaucoup")
    with pytest.raises(ImportRejected) as info:
        import_export(store, path, account="atelierlumen")
    assert str(info.value.problems[0]) == (
        f"{path} [All posts], line 3, column 'J’aime': expected a whole number ≥ 0, "
        "found 'beaucoup'")
    assert store.counts()["items"] == 0
    fixed = _workbook(tmp_path / "export.xlsx", POSTS_FR, ["05/03/2026"])
    import_export(store, fixed, account="atelierlumen")
    created = store.scalar("SELECT created_at FROM items")
    assert created == datetime(2026, 3, 5, tzinfo=UTC)  # dd/mm: French headers


def test_not_a_workbook(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    assert "not a readable XLSX workbook" in str(info.value.problems[0])


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operations as ops.py will register them, and the commands on the CLI."""
    import sounding.cli.imports  # noqa: F401  (registers the commands)

    def _export(store: Store, **kw: Any) -> dict[str, Any]:
        return import_export(store, **kw).as_dict()

    def _wordpress(store: Store, **kw: Any) -> dict[str, Any]:
        return import_wordpress(store, **kw).as_dict()

    monkeypatch.setitem(ops.OPERATIONS, "import_export", _export)
    monkeypatch.setitem(ops.OPERATIONS, "import_wordpress", _wordpress)


@pytest.mark.usefixtures("registered")
def test_cli_import_auto(cli: Any, tmp_path: Path) -> None:
    result = cli("import", "auto", str(META_MARCH), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert (report["formats"], report["new"]) == (["meta-posts"], 3)
    again = cli("import", "auto", str(META_MARCH))
    assert "0 new, 0 updated, 3 unchanged, 0 rejected" in again.out
    bad = tmp_path / "bad.csv"
    bad.write_text(META_MARCH.read_text("utf-8").replace('"4,210"', "-1"), "utf-8")
    refused = cli("import", "auto", str(bad))
    assert refused.code == 1
    assert f"{bad}, line 2, column 'Impressions': expected a whole number ≥ 0" in refused.err


@pytest.mark.usefixtures("registered")
def test_cli_folder_prints_repeats_and_each_file_date(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "monthly"
    folder.mkdir()
    for source in (META_MARCH, META_APRIL):
        shutil.copyfile(source, folder / source.name)
    result = cli("import", "auto", str(folder))
    assert result.code == 0, result.err
    assert "2 row(s) repeated an earlier row's id" in result.out
    assert "counters dated by each file's own date (latest 2026-04-30T23:59:59+00:00)" \
        in result.out
    assert f"2026-03-31T23:59:59+00:00  {folder / META_MARCH.name}" in result.out
    one = cli("import", "auto", str(META_MARCH))
    assert "counters dated 2026-03-31T23:59:59+00:00" in one.out
    assert "repeated" not in one.out


def test_linkedin_image_is_the_photo_level_as_on_meta(store: Store, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "page.xlsx", POSTS_EN, ["03/05/2026"])
    import_export(store, path, account="atelierlumen")
    import_export(store, META_MARCH)
    levels = store.query("SELECT network, level FROM variants JOIN items USING (item_id) "
                         "WHERE level = 'photo' ORDER BY 1").to_pylist()
    assert levels == [{"network": "facebook", "level": "photo"},
                      {"network": "linkedin", "level": "photo"}]


def test_counters_dated_before_the_post_was_created_are_refused(store: Store,
                                                                 tmp_path: Path) -> None:
    path = _workbook(tmp_path / "atelierlumen_content_1711929600000.xlsx", POSTS_EN,
                     [datetime(2026, 3, 5, 9, 0)])  # the name says 1 April 2024
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    assert [str(p) for p in info.value.problems] == [
        f"{path} [All posts], line 3, column 'Created date': the counters are dated "
        "2024-04-01 (the file name), before the post was created on 2026-03-05: pass "
        "--as-of with the date the export was taken"]
    assert store.counts()["items"] == 0
    with pytest.raises(ImportRejected) as info:
        import_export(store, path, as_of="2026-03-01")
    assert "dated 2026-03-01 (--as-of), before" in str(info.value.problems[0])
    report = import_export(store, path, as_of="2026-03-31")
    assert (report.new, report.snapshots_added) == (1, 1)


@pytest.mark.parametrize("name", ["atelierlumen_content_1774915200000.xls",
                                  "atelierlumen_content_1774915200000",
                                  "atelierlumen_content_1774915200000 (1).xls"])
def test_a_workbook_named_xls_or_without_extension_is_read(store: Store, tmp_path: Path,
                                                           name: str) -> None:
    """LinkedIn names its XLSX downloads .xls: openpyxl refused them, an 'unexpected' crash."""
    made = _workbook(tmp_path / "made.xlsx", POSTS_EN, ["03/05/2026"])
    path = made.rename(tmp_path / name)
    assert detect(path) == "linkedin"
    assert import_export(store, path).new == 1
    assert store.query("SELECT account_id FROM items").to_pylist() == [
        {"account_id": "linkedin:atelierlumen"}]


def test_a_page_is_never_named_after_a_renamed_file(store: Store, tmp_path: Path) -> None:
    """A copy renamed linkedin-2026-04-01.xlsx became a second brand account."""
    path = _workbook(tmp_path / "linkedin-2026-04-01.xlsx", POSTS_EN, ["03/05/2026"])
    with pytest.raises(ImportRejected) as info:
        import_export(store, path)
    assert str(info.value.problems[0]) == (
        f"{path}: the workbook does not name its LinkedIn page, and the file's name is not "
        "LinkedIn's (PAGE_content_NUMBER.xls): pass --account PAGE")
    assert "--keep-good" not in info.value.hint  # no row of it could be set aside
    assert store.counts()["items"] == 0
    assert import_export(store, path, account="atelierlumen").new == 1
    assert store.query("SELECT account_id FROM accounts").to_pylist() == [
        {"account_id": "linkedin:atelierlumen"}]
