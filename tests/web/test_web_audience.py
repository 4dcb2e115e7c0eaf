"""The audience, actors and test-and-learn pages in-process: data, twins, escaping, errors."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sounding.report import VIEWS
from sounding.report.views_audience import MAP_NODES, map_data
from sounding.store import Store

from .conftest import TOKEN, XSS_HANDLE, sign_in

NEW_PAGES = ["/audience", "/actors", "/learn", "/learn?metric=engagement",
             "/audience?cluster=0", "/said", "/said?network=bluesky"]


@pytest.fixture(scope="module")
def reader(seeded_workspace: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[TestClient]:
    """One signed-in viewer on one copy of the workspace for the read-only tests: the app's
    cache builds each view once for the whole module."""
    from sounding.web.app import create_app

    path = tmp_path_factory.mktemp("reader") / "reader.duckdb"
    shutil.copy(seeded_workspace, path)
    with Store.open(path) as store:
        client = TestClient(create_app(store, TOKEN), base_url="http://127.0.0.1")
        sign_in(client, "vi")
        yield client


@pytest.mark.parametrize("path", NEW_PAGES)
def test_page_and_twin_render_the_same_dict(reader: TestClient, path: str) -> None:
    page = reader.get(path)
    assert page.status_code == 200, page.text[:300]
    base, _, query = path.partition("?")
    twin = reader.get(f"{base}.json" + (f"?{query}" if query else ""))
    assert twin.status_code == 200
    expected = json.loads(json.dumps(VIEWS[base.strip("/")].build(
        reader.app.state.store, dict(twin.request.url.params)), default=str))
    got = twin.json()
    if base == "/audience":
        # actor languages come from a mode() whose ties DuckDB breaks arbitrarily (see
        # store.audience_store.actor_languages): a rebuild may move an actor or two
        got, expected = ({"keys": sorted(d), "customers": d["customers"], "rules": sorted(
            s["name"] for s in d["segments"] if s["source"] == "rule")} for d in (got, expected))
    if base == "/actors":  # the same mode() ties move the communities' language shares
        for data in (got, expected):
            for c in data["communities"]:
                c.pop("languages")
    assert got == expected


def test_audience_ranks_segments_and_flags_small_ones(reader: TestClient) -> None:
    data = reader.get("/audience.json").json()
    assert data["customers"] == 1500 and data["match_rate"] > 0
    names = {s["name"]: s for s in data["segments"]}
    assert {"lang_en", "lang_fr", "customers"} <= set(names)
    ranked = [s for s in data["segments"] if s["rank_index"]]
    assert [s["rank_index"] for s in ranked] == list(range(1, len(ranked) + 1))
    indices = [s["representation"]["index"] for s in ranked]
    assert indices == sorted(indices, reverse=True)
    assert all(s["representation"]["low"] <= s["representation"]["index"]
               <= s["representation"]["high"] for s in ranked)
    # the simulator's English speakers engage far beyond their share of customers
    assert names["lang_en"]["representation"]["low"] > 100 > names["lang_fr"][
        "representation"]["high"]
    assert data["clusters"] >= 2 and data["most_active"][0]["rank_activity"] == 1
    assert all(s["small"] == (s["name"] in data["rankings"]["too_small"])
               for s in data["segments"])


def test_audience_page_says_where_each_index_stands(reader: TestClient) -> None:
    """The table lists every segment by index; only an interval above 100 is called better
    represented (the French speakers' lies below it)."""
    data = reader.get("/audience.json").json()
    names = {s["name"]: s for s in data["segments"]}
    assert names["lang_en"]["standing"] == "best_represented"
    assert names["lang_fr"]["standing"] == "under_represented"
    assert names["customers"]["standing"] is None  # every customer is in it
    page = reader.get("/audience").text
    assert "Segments by representation index" in page and "Best represented" not in page
    row = page.split('data-segment="lang_fr"', 1)[1].split("</tr>", 1)[0]
    assert "under-represented (interval below 100)" in row
    french = reader.get("/audience", headers={"Accept-Language": "fr-FR"}).text
    assert "sous-représenté (intervalle sous 100)" in french


def test_audience_page_shows_the_forest_chart(reader: TestClient) -> None:
    html = reader.get("/audience").text
    chart = html.split('id="index-chart"')[1].split("</svg>")[0]
    assert chart.count('class="estimate"') >= 5 and 'class="reference"' in chart
    assert html.count('<tr data-segment=') >= 10


def test_audience_without_customers_says_so(web_store: Store, client: TestClient) -> None:
    with web_store.transaction() as con:
        con.execute("DELETE FROM customer_ids")
        con.execute("DELETE FROM customers")
    sign_in(client, "vi")
    html = client.get("/audience?cluster=0").text
    assert 'id="no-customers"' in html


def test_actors_map_is_bounded_and_escaped(reader: TestClient) -> None:
    data = reader.get("/actors.json").json()
    graph = data["map"]
    assert 0 < len(graph["nodes"]) <= MAP_NODES and graph["total_nodes"] == data["actors"]
    assert all(0 <= n["x"] <= graph["span"] and 0 <= n["y"] <= graph["span"]
               for n in graph["nodes"])
    assert all(a < len(graph["nodes"]) and b < len(graph["nodes"]) for a, b, _ in graph["edges"])
    brand = {a.partition(":")[2] for a in reader.app.state.store.table("accounts")[
        "actor_id"].to_pylist()}
    assert brand and not brand & {n["label"] for n in graph["nodes"]}
    assert any(XSS_HANDLE in n["label"] for n in graph["nodes"])
    html = reader.get("/actors").text
    assert any(XSS_HANDLE in a for c in data["communities"] for a in c["top_actors"])
    assert "&lt;img src=x onerror=" in html  # in the community table, as text
    attr = re.search(r"data-graph='([^']*)'", html)
    assert attr, "the map's data attribute is missing"
    assert json.loads(unescape(attr[1])) == graph
    assert "<img" not in html and '<script src="/static/actors.js"' in html


def test_actors_page_counts_every_community_and_ranks_people_not_the_brand(
        reader: TestClient) -> None:
    data = reader.get("/actors.json").json()
    html = reader.get("/actors").text
    assert data["community_count"] > len(data["communities"])
    assert f'<div class="card-value">{data["community_count"]}</div>' in html
    brand = set(reader.app.state.store.table("accounts")["actor_id"].to_pylist())
    handles = {b.partition(":")[2] for b in brand}
    assert data["influential"] and not handles & {a["actor"] for a in data["influential"]}


def test_said_chart_draws_animosity_in_its_colour(reader: TestClient) -> None:
    html = reader.get("/said").text
    data = reader.get("/said.json").json()
    assert f"from {data['period_start'][:10]} to {data['period_last_day']}" in html
    assert re.search(r'<rect class="series-1"[^>]*><title>[^<]*· animosity:', html)
    assert 'class="series-0"' not in html.split("<h2>", 2)[1]  # no interest colour there


def test_map_keeps_the_most_influential(reader: TestClient) -> None:
    from sounding.workflows.audience import actors

    amap, _ = actors(reader.app.state.store)
    small = map_data(amap, set(), nodes=10, edges=5)  # the brand kept: it ranks first
    assert len(small["nodes"]) == 10 and len(small["edges"]) <= 5
    ranks = [n["pagerank"] for n in small["nodes"]]
    assert ranks == sorted(ranks, reverse=True)
    assert ranks[-1] >= sorted(amap.pagerank)[-10] - 1e-6


def test_learn_shows_levels_verdicts_and_a_plan_without_writing(reader: TestClient) -> None:
    queue = 'SELECT count(*) FROM queue'
    before = reader.app.state.store.query(queue)[0][0].as_py()
    data = reader.get("/learn.json").json()
    assert data["error"] is None and data["metric"] == "interest"
    assert {f["factor"] for f in data["factors"]} == {"format", "slot", "tone", "topic"}
    for factor in data["factors"]:
        assert factor["verdict"]["text"] in data["verdicts"]
        assert abs(sum(lv["p_best"] for lv in factor["levels"]) - 1) < 1e-6
        assert all(lv["low"] <= lv["mean"] <= lv["high"] for lv in factor["levels"])
        assert factor["unit"] == "pts" and 0 < factor["levels"][0]["mean"] < 100
    assert data["plan"]["error"] is None and not data["plan"]["written"]
    assert len(data["plan"]["drafts"]) == 5 * 2  # five posts for each of the two accounts
    assert len(data["queued"]) == 2  # the seeded drafts
    assert reader.app.state.store.query(queue)[0][0].as_py() == before
    html = reader.get("/learn").text
    assert html.count('<section class="factor"') == 4 and "</textarea><script>" not in html


def test_learn_engagement_is_per_thousand(reader: TestClient) -> None:
    data = reader.get("/learn.json?metric=engagement").json()
    assert all(f["unit"] == "per_1000" for f in data["factors"])
    assert data["plan"]["objective"] == "engagement"


def test_learn_refuses_an_unknown_metric(reader: TestClient) -> None:
    assert reader.get("/learn.json?metric=<b>x").status_code == 400
    page = reader.get("/learn?metric=<b>x")
    assert page.status_code == 400 and "<b>x" not in page.text


def test_learn_without_variants_explains(web_store: Store, client: TestClient) -> None:
    with web_store.transaction() as con:
        con.execute("DELETE FROM variants")
    sign_in(client, "vi")
    page = client.get("/learn")
    assert page.status_code == 200 and 'id="learn-error"' in page.text


def test_pages_are_in_french(reader: TestClient) -> None:
    for path, word in (("/audience", "Indice de représentation"), ("/actors", "Communautés"),
                       ("/learn", "Prochaines publications proposées")):
        html = reader.get(path, headers={"Accept-Language": "fr-FR"}).text
        assert word in html, path


def test_what_is_said_page_shows_topics_and_escapes_examples(reader: TestClient) -> None:
    page = reader.get("/said")
    assert page.status_code == 200
    data = reader.get("/said.json").json()
    assert data["topics"] and data["key_phrases"]
    assert "<table class=\"topics\">" in page.text
    assert "<script>" not in page.text.split("</head>", 1)[1].replace(
        '<script src="/static/actors.js"', "")


def test_a_map_colour_belongs_to_one_community(reader: TestClient) -> None:
    data = reader.get("/actors.json").json()
    owners: dict[int, set[int]] = {}
    for node in data["map"]["nodes"]:
        if node["colour"] is not None:
            owners.setdefault(node["colour"], set()).add(node["community"])
    assert owners and all(len(c) == 1 for c in owners.values()), owners
    assert data["community_count"] > 10  # the demo has more communities than colours
    assert any(n["colour"] is None and n["community"] >= 10 for n in data["map"]["nodes"])
    html = reader.get("/actors").text
    assert 'class="swatch minor"' in html and 'class="swatch c-0"' in html


def test_audience_with_too_few_actors_ranks_none(tmp_path: Path) -> None:
    from sounding.web.app import create_app
    from sounding.workflows.accounts import add_account
    from sounding.workflows.ingest import import_items
    from sounding.workflows.users import add_user

    from .conftest import PASSWORD

    rows = ["id,network,author,text,created_at,kind,parent_id",
            "p1,bluesky,brand,hello,2026-03-01T10:00:00Z,post,"]
    rows += [f"r{i},bluesky,fan{i},hi {i},2026-03-01T12:00:00Z,reply,p1" for i in range(3)]
    (tmp_path / "i.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as store:
        add_account(store, "bluesky", "brand")
        import_items(store, tmp_path / "i.csv")
        add_user(store, "vi", PASSWORD, "viewer")
        client = TestClient(create_app(store, TOKEN), base_url="http://127.0.0.1")
        sign_in(client, "vi")
        html = client.get("/audience?cluster=0").text
    assert 'id="none-active"' in html
    assert "No segment can be ranked yet: each has fewer than 10 engaged actors." in html


_INTERVAL = re.compile(r"\[-?\d[^\[\]<>]*(?:,|;)[^\[\]<>]*\]")  # two bounds, not "[95 %]"


@pytest.mark.parametrize("path", ["/audience", "/learn", "/learn?metric=engagement"])
def test_french_intervals_are_split_by_a_semicolon(reader: TestClient, path: str) -> None:
    """With a decimal comma, "[53,21, 60,68]" is ambiguous: every interval of a French page
    (tables, verdicts, chart tooltips) reads "[53,21 ; 60,68]"; English keeps ", "."""
    french, english = (_INTERVAL.findall(unescape(reader.get(path, headers={
        "Accept-Language": lang}).text)) for lang in ("fr", "en"))
    assert len(french) >= 3 and len(french) == len(english), (french, english)
    assert [i for i in french if i.count(" ; ") != 1] == []
    assert [i for i in english if ";" in i or i.count(", ") != 1] == []


def test_one_interval_helper_for_both_languages() -> None:
    from sounding.web.i18n import interval
    assert interval(0.4612, 0.4788, "fr") == "[0,46 ; 0,48]"
    assert interval(0.4612, 0.4788, "en") == "[0.46, 0.48]"
    assert interval(2174, 12500, "fr") == "[2\u202f174 ; 12\u202f500]"
    assert interval(None, 0.5, "en") == "[–, 0.50]"
