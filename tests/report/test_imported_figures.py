"""The report and strategy of a workspace made by importing an items file: no follower
count, replies to posts that are not the brand's, a period without any brand post."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sounding.errors import NotFound
from sounding.models import AccountSnapshot, Batch
from sounding.report.evidence import build_evidence
from sounding.report.evidence_parts import _channel_rule
from sounding.report.executive import render_report_html
from sounding.store import Store
from sounding.workflows.accounts import add_account
from sounding.workflows.ingest import import_items
from sounding.workflows.reporting import report_data

STRAY = "a reply to a post nobody stored"


def _items_csv(path: Path) -> Path:
    rows = ["id,network,author,text,created_at,kind,parent_id,likes,replies"]
    for network in ("bluesky", "x"):
        for i in range(4):
            day = f"2026-03-0{1 + i}"
            rows.append(f"{network}{i},{network},brand,post {i},{day}T10:00:00Z,post,,5,")
            rows += [f"{network}{i}r{j},{network},fan{j},reply {j} to {i},{day}T12:00:00Z,reply,"
                     f"{network}{i},," for j in range(2)]
    rows.append(f"stray,bluesky,fan9,{STRAY},2026-03-02T13:00:00Z,reply,zzz,,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "w.duckdb")
    for network in ("bluesky", "x"):
        add_account(store, network, "brand")
    import_items(store, _items_csv(tmp_path / "items.csv"))
    ids = store.query("SELECT item_id FROM items WHERE account_id IS NULL").column(0)
    with store.transaction() as con:
        for n, item in enumerate(ids.to_pylist()):
            con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                        "VALUES (?, 'reaction', 't', ?)",
                        [item, "animosity" if "stray" in item else
                         ("interest", "neutral")[n % 2]])
    yield store
    store.close()


def test_unknown_follower_growth_drops_no_channel(imported: Store) -> None:
    ev = build_evidence(report_data(imported), "en")
    assert [c["decision"] for c in ev["channels"]] == ["undecided", "undecided"]
    assert all(c["growth_share"] == "n/a" for c in ev["channels"])
    assert "follower growth is unknown" in ev["channels"][0]["why"]


def test_known_growth_and_unknown_interest_never_grow(imported: Store) -> None:
    day = datetime(2026, 3, 1, tzinfo=UTC)
    imported.write(Batch.from_records(account_snapshots=[
        AccountSnapshot("bluesky:brand", day, followers=100),
        AccountSnapshot("bluesky:brand", day.replace(day=4), followers=130)]),
        kind="test", source="t")
    channels = {c["network"]: c for c in build_evidence(report_data(imported), "en")["channels"]}
    assert channels["bluesky"]["growth_share"] == "100.0%"
    assert channels["bluesky"]["decision"] in ("grow", "keep")
    assert channels["x"]["decision"] == "undecided"
    assert _channel_rule(30, 1.0, 0.5, None, 0.4, None, None) == ("keep", "no_interest")
    interest = (0.45, 0.55)  # the channel's interest interval
    assert _channel_rule(30, 1.0, 0.5, interest, None, None, None) == ("keep", "no_interest")
    assert _channel_rule(30, 1.0, 0.5, interest, 0.4, 0.1, 0.3) == ("grow", "grow")
    assert _channel_rule(0, 0.0, 0.5, interest, 0.4, 0.1, 0.3) == ("drop", "no_follower")
    assert _channel_rule(None, None, 0.5, interest, 0.4, 0.5, 0.3) == ("drop", "animosity")


def test_a_reply_to_an_unknown_post_is_neither_counted_nor_quoted(imported: Store) -> None:
    data = report_data(imported, pseudonymise=False)
    assert data["kpis"]["reactions"] == 16  # two replies to each of 8 posts, not the stray
    assert data["kpis"]["reaction_shares"]["animosity"] == 0.0
    assert all(q["text"] != STRAY for q in data["quotes"])
    assert STRAY not in render_report_html(build_evidence(data, "en"))


def test_a_period_without_brand_posts_is_refused_with_the_data_dates(imported: Store) -> None:
    with pytest.raises(NotFound, match="no brand post from 2025-01-01 to 2025-01-31") as found:
        report_data(imported, "2025-01-01..2025-01-31")
    assert "2026-03-01 to 2026-03-04" in (found.value.hint or "")


def test_no_segment_shown_as_ranked_when_none_can_be(imported: Store) -> None:
    ev = build_evidence(report_data(imported), "en")
    assert ev["segments"] and all(s["rankable"] == "no" for s in ev["segments"])
    # no customer at all: no index, so no interval either
    assert all(s["index_ci"] == "" for s in ev["segments"])
    html = render_report_html(ev)
    who = html[html.index("Who reacts"):html.index("Who reacts") + 600]
    assert "No segment can be ranked yet" in who


def test_a_segment_without_index_shows_no_interval() -> None:
    from sounding.report.evidence_parts import segments
    from sounding.report.i18n_report import Fmt

    rep = {"index": None, "low": 3.0, "high": 52_792.0, "rankable": False}
    seg = {"name": "lang_xx", "label": "lang_xx", "source": "rule", "size": 1, "share": 0.1,
           "activity": {"rate": None}, "reaction_mix": {"interest": None, "animosity": None},
           "representation": rep}
    report = {"ok": True, "segments": [seg], "rankings": {"best_represented": []}}
    row = segments(Fmt("en"), report)[0]
    assert row["index"] == "n/a" and row["index_ci"] == "" and row["rankable"] == "no"
