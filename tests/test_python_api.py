"""The notebook door: ``sounding.open`` refuses a typo, ``ws.sql`` only reads."""

from __future__ import annotations

from pathlib import Path

import pytest

import sounding
from conftest import write_csv
from sounding.errors import InputError, NotFound

ROW = {"id": "1", "network": "bluesky", "author": "brand", "text": "hi",
       "created_at": "2026-09-07T10:00:00Z", "likes": "2"}


def test_a_missing_workspace_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "nothere.duckdb"
    with pytest.raises(NotFound) as caught:
        sounding.open(missing)
    assert str(caught.value) == f"no workspace at {missing}"
    assert "create=True" in (caught.value.hint or "")
    assert "sounding import items FILE" in (caught.value.hint or "")
    assert not missing.parent.exists()
    with pytest.raises(NotFound):
        sounding.open(missing, read_only=True)


def test_create_starts_an_empty_workspace(tmp_path: Path) -> None:
    path = tmp_path / "new" / "ws.duckdb"
    with sounding.open(path, create=True) as ws:
        assert ws.arrow("items").num_rows == 0
    assert path.exists()
    with pytest.raises(InputError, match="cannot be created read-only"):
        sounding.open(tmp_path / "other.duckdb", create=True, read_only=True)


@pytest.fixture
def workspace(cli, db: Path, tmp_path: Path) -> Path:
    assert cli("import", "items", str(write_csv(tmp_path / "a.csv", [ROW]))).code == 0
    return db


@pytest.mark.parametrize("statement", [
    "DELETE FROM items",
    "UPDATE items SET text = 'x'",
    "DROP TABLE items",
    "COPY items TO 'out.csv'",
    "SELECT 1; DELETE FROM items",
    "EXPLAIN ANALYZE DELETE FROM items",
    "WITH gone AS (SELECT 1) DELETE FROM items",
    "CHECKPOINT",
])
def test_sql_refuses_what_is_not_one_select(workspace: Path, statement: str) -> None:
    with sounding.open(workspace) as ws:
        with pytest.raises(InputError, match="only one SELECT query may run here"):
            ws.sql(statement)
        assert ws.sql("SELECT count(*) AS n FROM items").column("n")[0].as_py() == 1


def test_sql_reads_with_parameters_and_reports_a_bad_query(workspace: Path) -> None:
    with sounding.open(workspace) as ws:
        rows = ws.sql("WITH t AS (SELECT * FROM items WHERE text = ?) SELECT count(*) AS n "
                      "FROM t", ["hi"])
        assert rows.column("n")[0].as_py() == 1
        with pytest.raises(InputError, match="the query cannot be read"):
            ws.sql("SELEC nothing")


@pytest.mark.parametrize("statement", [
    "WITH x AS (DELETE FROM items RETURNING *) SELECT * FROM x",
    "WITH x AS (UPDATE items SET text = 'pwned' RETURNING *) SELECT * FROM x",
    "WITH x AS (INSERT INTO items SELECT * FROM items RETURNING *) SELECT * FROM x",
])
def test_a_select_that_writes_changes_nothing(workspace: Path, statement: str) -> None:
    """A DELETE inside a SELECT's WITH emptied the items table."""
    with sounding.open(workspace) as ws:
        ws.sql(statement)
        assert ws.sql("SELECT text FROM items").to_pylist() == [{"text": "hi"}]
        with pytest.raises(InputError, match=r'the query failed: .*"nosuch"'):
            ws.sql("SELECT nosuch FROM items")  # a runtime error, said as one


def test_a_path_from_home_is_the_home_folder_s(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """'~/x.duckdb' made a folder named '~' here, then could not be opened again."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    sounding.open("~/x.duckdb", create=True).close()
    assert (tmp_path / "x.duckdb").exists() and not (tmp_path / "~").exists()
    sounding.open("~/x.duckdb").close()
