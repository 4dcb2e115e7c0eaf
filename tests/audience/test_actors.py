"""The actor map: planted communities, influence, bridges, exports; the CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import normalized_mutual_info_score  # type: ignore[import-untyped]

from sounding.analyse.actors import actor_map, export_map
from sounding.errors import InputError
from sounding.report.evidence_parts import communities
from sounding.report.i18n_report import Fmt
from sounding.report.views_audience import map_data
from sounding.simulate import Launch, simulate_launch
from sounding.store import Store

from .conftest import IDS, fill


def planted(groups: int = 4, size: int = 30, seed: int = 0) -> tuple[pa.Table, list[int]]:
    """Dense groups, a few ties between them, everyone answering the brand, one bridge."""
    rng = np.random.default_rng(seed)
    src, dst = [], []
    for g in range(groups):
        people = [f"n:{g}-{i}" for i in range(size)]
        for a in people:
            for b in rng.choice(people, 6, replace=False):
                if a != b:
                    src.append(a)
                    dst.append(str(b))
            src.append(a)
            dst.append("n:brand")
    for g in range(groups):
        for h in range(groups):
            if g != h:
                src.append("n:bridge")
                dst.append(f"n:{h}-0")
                src.append(f"n:{g}-1")
                dst.append("n:bridge")
    table = pa.table({"source": src, "target": dst, "weight": [1] * len(src)})
    return table, [g for g in range(groups) for _ in range(size)]


def test_planted_communities_influence_and_bridge() -> None:
    edges, truth = planted()
    amap = actor_map(edges, brand=["n:brand"], seed=1)
    where = {a: i for i, a in enumerate(amap.actors)}
    found = [int(amap.community[where[f"n:{g}-{i}"]]) for g in range(4) for i in range(30)]
    assert normalized_mutual_info_score(truth, found) >= 0.9
    assert amap.community[where["n:brand"]] == -1
    assert amap.actors[int(np.argmax(amap.pagerank))] == "n:brand"
    assert amap.bridges[0] == "n:bridge"
    assert amap.as_dict()["communities"][0]["size"] >= 25


def test_exports_open_in_graph_tools(tmp_path: Path) -> None:
    edges, _ = planted(groups=2, size=10)
    amap = actor_map(edges, brand=["n:brand"])
    gexf = nx.read_gexf(export_map(amap, tmp_path / "m.gexf"))
    node = next(iter(gexf.nodes(data=True)))[1]
    assert {"community", "pagerank", "viz"} <= set(node)
    assert gexf.number_of_edges() == len(amap.sources)
    graphml = nx.read_graphml(export_map(amap, tmp_path / "m.graphml"))
    assert "x" in next(iter(graphml.nodes(data=True)))[1]
    data = json.loads(export_map(amap, tmp_path / "m.json").read_text())
    assert len(data["nodes"]) == len(amap.actors) and data["summary"]["edges"] == len(edges)
    with pytest.raises(InputError):
        export_map(amap, tmp_path / "m.png")


def test_a_community_has_one_number_everywhere(tmp_path: Path) -> None:
    """The largest community is 1 in the summary (CLI, JSON), the report, the Gephi file,
    the JSON export and the dashboard's map; an actor outside any community is 0."""
    edges, _ = planted()
    amap = actor_map(edges, brand=["n:brand"], seed=1)
    summary = amap.as_dict()
    largest = summary["communities"][0]
    assert [c["community"] for c in summary["communities"]] == [1, 2, 3, 4]
    rows, _ = communities(Fmt("fr"), {"ok": True, **summary}, None)
    assert rows[0]["community"] == "communauté 1"
    gexf = nx.read_gexf(export_map(amap, tmp_path / "m.gexf"))
    ids = {d["label"]: d["community"] for _, d in gexf.nodes(data=True)}
    assert ids[largest["top_actors"][0]] == 1 and ids["n:brand"] == 0
    nodes = json.loads(export_map(amap, tmp_path / "m.json").read_text())["nodes"]
    assert {n["label"]: n["community"] for n in nodes} == ids
    assert all(ids[a["actor"]] == a["community"] for a in summary["influential"])
    drawn = map_data(amap, {"n:brand"})["nodes"]
    assert all(ids[n["label"]] == n["community"] for n in drawn)
    assert {n["colour"] for n in drawn if n["community"] == 1} == {0}


def test_cli_commands(cli, db: Path, launch: Launch, crm_file: Path, tmp_path: Path,
                      with_ops: None) -> None:
    with Store.open(db) as store:
        fill(store, launch)
    args = [a for i in IDS for a in ("--id", i)]
    result = cli("customers", "import", str(crm_file), *args, "--keep", "country,lang,plan")
    assert result.code == 0, result.err
    assert "found among actors" in result.out
    result = cli("segments", "--json", "--no-cluster")
    assert result.code == 0, result.err
    names = [s["name"] for s in json.loads(result.out)["segments"]]
    assert {"lang_fr", "lang_en", "customers"} <= set(names)
    gexf = tmp_path / "actors.gexf"
    result = cli("actors", "--export", str(gexf))
    assert result.code == 0, result.err
    assert gexf.exists()
    communities = {c for _, c in nx.read_gexf(gexf).nodes(data="community")}
    assert f"{max(communities):,} communities of 3 or more" in result.out  # not just 10
    assert "reactions interest" in result.out and "topics " in result.out
    for top in ("0", "-2"):  # -2 listed each community's members but the last two
        bad = cli("actors", "--top", top)
        assert bad.code == 1 and f"--top must be at least 1, not {top}" in bad.err
    result = cli("customers", "import", str(crm_file), "--id", "nope")
    assert result.code == 1 and "no column 'nope'" in result.err


def test_demo_communities_recover_the_planted_circles(tmp_path: Path) -> None:
    """On the default demo launch, Leiden communities match the simulator's circles of
    acquaintances (measured NMI 0.807 among clustered actors; the goal is 0.8)."""
    from sounding.workflows.audience import actors, nmi

    launch = simulate_launch(seed=7)
    with Store.open(tmp_path / "w.duckdb") as store:
        store.write(launch.batch, kind="test", source="simulate")
        amap, _ = actors(store)
    found = {a: int(c) for a, c in zip(amap.actors, amap.community, strict=True) if c >= 0}
    circles = {a: str(c) for a, c in launch.truth["actor_circle"].items()}
    assert len(found) > 1000
    assert nmi(found, circles) >= 0.8


def test_participation_counts_ties_into_communities_only() -> None:
    """An actor whose ties go only to the brand and to unclustered actors spreads over no
    community: participation 0, never a bridge; the planted bridge still scores highest."""
    edges, _ = planted()
    lone = {"source": ["n:lone", "n:lone", "n:lone", "n:pair", "n:pair"],
            "target": ["n:brand", "n:pair", "n:brand", "n:lone", "n:brand"],
            "weight": [1] * 5}
    amap = actor_map(pa.concat_tables([edges, pa.table(lone).cast(edges.schema)]),
                     brand=["n:brand"], seed=1)
    where = {a: i for i, a in enumerate(amap.actors)}
    assert amap.community[where["n:lone"]] == -1
    assert amap.participation[where["n:lone"]] == 0.0
    assert "n:lone" not in amap.bridges
    assert amap.bridges[0] == "n:bridge"
    assert amap.participation[where["n:bridge"]] > 0.5


def test_no_community_means_no_modularity_and_no_participation(tmp_path: Path) -> None:
    """Pairs only: nothing reaches 3 actors, so no modularity and no one spreads anywhere,
    in the summary and in the Gephi file."""
    src = ["n:a", "n:b", "n:c", "n:d", "n:a", "n:c"]
    dst = ["n:b", "n:a", "n:d", "n:c", "n:brand", "n:brand"]
    amap = actor_map(pa.table({"source": src, "target": dst, "weight": [1] * 6}),
                     brand=["n:brand"], seed=1)
    assert (amap.community == -1).all()
    assert amap.as_dict()["modularity"] is None
    assert amap.bridges == []
    graph = nx.read_gexf(export_map(amap, tmp_path / "m.gexf"))
    assert {d["participation"] for _, d in graph.nodes(data=True)} == {0.0}
