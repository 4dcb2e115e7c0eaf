"""Learn and plan on a workspace made only by importing an items file: no follower count,
no impressions, accounts on networks sounding cannot publish to."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from sounding.analyse.verdict_texts import NO_DENOMINATOR
from sounding.errors import InputError
from sounding.report.documents import strategy_text, write_report
from sounding.report.views_learn import learn_view
from sounding.store import Store
from sounding.workflows.accounts import add_account
from sounding.workflows.ingest import import_items
from sounding.workflows.kpis import kpis
from sounding.workflows.learn import learn, plan
from sounding.workflows.reporting import report_data


def _items_csv(path: Path, networks: tuple[str, ...]) -> Path:
    """Posts tagged format × topic with likes and replies, three answers each; no
    impressions column and nothing about followers."""
    rows = ["id,network,author,text,created_at,kind,parent_id,likes,replies,variant"]
    for network in networks:
        for i in range(24):
            day = f"2026-01-{1 + i:02d}"
            variant = f"format={('video', 'image')[i % 2]};topic={('a', 'b')[i // 2 % 2]}"
            rows.append(f"{network}{i},{network},brand,post {i},{day}T10:00:00Z,post,,"
                        f"{(7 * i) % 23},3,{variant}")
            rows += [f"{network}{i}r{j},{network},fan{j},reply {j},{day}T12:00:00Z,reply,"
                     f"{network}{i},0,0," for j in range(3)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _workspace(tmp_path: Path, networks: tuple[str, ...]) -> Store:
    store = Store.open(tmp_path / "w.duckdb")
    for network in networks:
        add_account(store, network, "brand")
    import_items(store, _items_csv(tmp_path / "items.csv", networks))
    return store


@pytest.fixture
def exported(tmp_path: Path) -> Iterator[Store]:
    """An X account's export only: nothing sounding can publish to, no denominator."""
    store = _workspace(tmp_path, ("x",))
    yield store
    store.close()


def test_the_engagement_rate_is_na_without_followers_or_impressions(exported: Store) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarnings included
        result = learn(exported)
        assert kpis(exported).engagement_rate_per_follower is None
    assert NO_DENOMINATOR in result.analysis.notes
    for factor in result.analysis.factors:
        assert set(factor.metrics) == {"interest", "animosity", "ignored"}
    with pytest.raises(InputError, match="no denominator") as refused:
        learn(exported, metric="engagement")
    assert "--metric interest" in refused.value.hint
    with pytest.raises(InputError, match="no denominator") as refused:
        plan(exported, cap=0.3, write=False)
    assert "--objective interest" in refused.value.hint
    view = learn_view(exported, {"metric": "engagement"})
    assert "no denominator" in view["error"]


def test_the_report_shows_na_and_plans_on_interest(exported: Store, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = report_data(exported)
    assert data["plan"]["ok"] and data["plan"]["objective"] == "interest"
    assert data["plan"]["drafts"]  # the proposal is kept though nothing can be queued
    html = write_report(data, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Planned on interest, not engagement" in html
    assert "e+" not in html and "000000" not in html  # no rate over nothing
    strategy = strategy_text(data, "fr")
    assert "Planifié sur l'intérêt" in strategy and "n.d." in strategy
    english = strategy_text(data, "en")
    assert "so the engagement rate has no denominator" in english
    assert "no brand post in the period" not in english


@pytest.mark.parametrize("cap", [5.0, 20.0, 0.0, -0.1, math.nan])
def test_the_cap_must_be_a_share(exported: Store, cap: float) -> None:
    with pytest.raises(InputError, match="cap must be a share") as refused:
        plan(exported, objective="interest", cap=cap, write=False)
    assert "0.2 means 20%" in refused.value.hint


@pytest.mark.parametrize("objective", ["bogus", "animosity", "ignored"])
def test_an_unknown_objective_is_refused_with_the_valid_ones(exported: Store,
                                                            objective: str) -> None:
    with pytest.raises(InputError, match=f"unknown objective '{objective}'") as refused:
        plan(exported, objective=objective, cap=0.3, write=False)
    assert refused.value.hint == "--objective is one of engagement, interest"


def test_no_draft_is_queued_where_sounding_cannot_publish(exported: Store) -> None:
    result = plan(exported, posts=3, objective="interest", cap=0.5, seed=0)
    assert [d["account_id"] for d in result.drafts] == ["x:brand"] * 3
    assert not any("queue_id" in d for d in result.drafts) and not result.written
    assert exported.counts()["queue"] == 0
    assert any("publishes only to Bluesky and Mastodon" in n for n in result.notes)


def test_drafts_are_queued_for_the_bluesky_account_only(tmp_path: Path) -> None:
    with _workspace(tmp_path, ("x", "bluesky", "linkedin")) as store:
        result = plan(store, posts=2, objective="interest", cap=0.5, seed=0)
        queued = {q["account_id"] for q in store.table("queue").to_pylist()}
    assert queued == {"bluesky:brand"}
    assert {d["account_id"] for d in result.drafts} == queued
    assert all("queue_id" in d for d in result.drafts) and result.notes == []


def test_the_cli_refuses_and_says_why(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _workspace(tmp_path, ("x",)).close()
    refused = cli("learn", "--metric", "engagement")
    assert refused.code == 1 and "engagement rate has no denominator" in refused.err
    refused = cli("plan", "--cap", "5", "--objective", "interest")
    assert refused.code == 1 and "hint: 0.2 means 20% of labelled reactions" in refused.err
    refused = cli("plan", "--objective", "bogus")
    assert refused.code == 1 and "engagement, interest" in refused.err
    shown = cli("plan", "--posts", "2", "--cap", "0.5", "--objective", "interest")
    assert shown.code == 0, shown.err
    assert "0 drafts queued, 2 proposed but not queued" in shown.out
    assert "sounding publishes only to Bluesky and Mastodon, not x" in shown.out


def test_dates_without_a_time_give_no_midnight_drafts(tmp_path: Path) -> None:
    """A LinkedIn export dates posts without a time (midnight): the drafts went out at
    00:00, taken for the brand's usual hour."""
    store = Store.open(tmp_path / "w.duckdb")
    try:
        add_account(store, "x", "brand")
        path = _items_csv(tmp_path / "items.csv", ("x",))
        path.write_text(path.read_text().replace("T10:00:00Z", "T00:00:00Z"))
        import_items(store, path)
        drafts = plan(store, posts=3, objective="interest", cap=0.5, seed=0).drafts
    finally:
        store.close()
    assert [d["scheduled_at"][11:16] for d in drafts] == ["12:00"] * 3
