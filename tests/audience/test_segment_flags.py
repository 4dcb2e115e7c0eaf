"""What `sounding segments` says when nothing can be ranked: no customer file, segments
too small, and why each unranked segment is not ranked."""

from __future__ import annotations

from pathlib import Path

from sounding.cli.audience import _unranked


def _items(path: Path, fans: int) -> Path:
    rows = ["id,network,author,text,created_at,kind,parent_id"]
    rows.append("p1,bluesky,brand,hello,2026-03-01T10:00:00Z,post,")
    rows += [f"r{i},bluesky,fan{i},reply {i},2026-03-01T12:00:00Z,reply,p1" for i in range(fans)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_without_customers_or_enough_actors_nothing_is_ranked(cli, tmp_path: Path) -> None:
    assert cli("account", "add", "bluesky", "--handle", "brand").code == 0
    assert cli("import", "items", str(_items(tmp_path / "i.csv", 3))).code == 0
    result = cli("segments", "--no-cluster")
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert "no customer file imported" in text and "0 customers (" not in text
    assert "most active: none can be ranked yet" in text
    assert "best represented: none can be ranked yet" in text


def test_an_unranked_segment_says_which_side_is_too_small() -> None:
    assert _unranked(4, {"engaged": 4, "customers": 30}) == "too small to rank"
    assert _unranked(14, {"engaged": 14, "customers": 3}).startswith(
        "index not ranked: fewer than 10 customers")
