"""Bios: the words a group's profiles use more than everyone's, in segments and communities."""

from __future__ import annotations

from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
import pandas as pd

from sounding.analyse.actors import actor_map, export_map
from sounding.analyse.bios import BioWords
from sounding.simulate import Launch
from sounding.store import Store
from sounding.workflows.audience import actors, segments

from .test_actors import planted

EVERYONE = ["Pastry chef in Lyon", "Head chef, restaurant owner", "Chef · bakery",
            "Climate first", "Cycling and climate action", "Climate researcher",
            "Coffee first", "Coffee and chef's tables", None, float("nan"), "   "]


def test_words_a_group_uses_more_than_everyone() -> None:
    words = BioWords(EVERYONE)
    assert words.of(range(3)) == ["chef"]
    assert words.of([3, 4, 5]) == ["climate"]
    # "first" is in two of these four bios, and in two of all eight: above, by less
    assert words.of([3, 4, 5, 6], min_count=2) == ["climate", "first"]


def test_no_bio_or_too_few_uses_say_nothing() -> None:
    words = BioWords(EVERYONE)
    assert words.of([8, 9, 10]) == []  # None, NaN, blank
    assert words.of([0, 1]) == []  # "chef" twice, under min_count
    assert words.of(range(len(EVERYONE))) == []  # a group as common as everyone


def test_communities_are_described_by_their_bios(tmp_path: Path) -> None:
    edges, truth = planted(groups=2, size=12)
    names = [f"n:{g}-{i}" for g in range(2) for i in range(12)]
    bio = ["Pastry chef <script>x</script>" if g == 0 else "Climate campaigner"
           for g in truth]
    attrs = pd.DataFrame({"lang": "en", "bio": bio}, index=names)
    amap = actor_map(edges, brand=["n:brand"], attributes=attrs, seed=1)
    words = {tuple(c.bio_words) for c in amap.communities}
    assert {("campaigner", "climate"), ("chef", "pastry", "script")} <= words
    assert "bio_words" in amap.as_dict()["communities"][0]
    attrs.loc["n:1-2", "bio"] = "Climate\x0b campaigner\x1b[31m"  # no place in XML 1.0
    for suffix, read in ((".gexf", nx.read_gexf), (".graphml", nx.read_graphml)):
        graph = read(export_map(amap, tmp_path / f"m{suffix}", attrs))
        stored = {d["label"]: d["bio"] for _, d in graph.nodes(data=True)}
        assert stored["n:0-3"] == "Pastry chef <script>x</script>"  # escaped, read back
        assert stored["n:1-2"] == "Climate campaigner[31m"
        assert stored["n:brand"] == ""


def test_simulated_bios_describe_the_clusters_and_communities(filled: Store,
                                                              launch: Launch) -> None:
    report = segments(filled, seed=0)
    clusters = [s for s in report.segments if s.source == "cluster"]
    assert clusters and all("bios: " in s.description for s in clusters)
    amap, _ = actors(filled)
    assert any(c.bio_words for c in amap.communities)
