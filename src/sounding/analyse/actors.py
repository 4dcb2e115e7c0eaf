"""The map of actors: who answers whom, communities, influence, bridges, and graph exports.

The only module that imports graph libraries (igraph for the analysis, networkx for the
GEXF file). Communities are found with Leiden (modularity) on the undirected graph
*without the brand's own accounts*: every conversation touches the brand, so with it the
map is a star and every actor falls in its community. Influence is PageRank on the
directed graph with the brand. A bridge is an actor whose ties spread over several
communities (participation coefficient, linear in the edges, where betweenness would
not scale to a million interactions).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from sounding.analyse.bios import BioWords
from sounding.errors import ConfigError, InputError, cannot_write
from sounding.models import without_controls

if TYPE_CHECKING:  # pandas is imported where used: every CLI command would pay it at start-up
    import pandas as pd

__all__ = ["NEEDS_IGRAPH", "ActorMap", "Community", "actor_map", "community_id", "export_map"]

_INSTALL = "pip install 'igraph>=0.11' 'networkx>=3'"
NEEDS_IGRAPH = "the actor map needs igraph"
MIN_COMMUNITY = 3  # smaller groups are reported as unclustered (index -1, id 0)
DESCRIBED = 30  # the largest communities are described; the others are only numbered
LEIDEN_ITERATIONS = 4  # "until stable" (-1) costs 10x more at 1M ties for no gain measured
# Modularity at resolution 1 merges groups smaller than about sqrt(2 × edges) (its
# resolution limit); conversations happen in small circles of acquaintances, so the map
# asks for finer groups. Measured on demo launches (seeds 0, 7, 11): NMI with the planted
# circles 0.78–0.80 at resolution 1, 0.805–0.812 at 2, 0.83 at 6 with 20% more groups.
LEIDEN_RESOLUTION = 2.0


def _igraph() -> Any:
    try:
        import igraph  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ConfigError(NEEDS_IGRAPH, hint=_INSTALL) from exc
    return igraph


def community_id(index: int) -> int:
    """The number a community goes by wherever it is shown (command line, JSON, report,
    strategy, dashboard, Gephi file): 1 for the largest, 2 for the next, and 0 for an
    actor outside any (index -1). Indexes, from 0, stay inside this module's arrays."""
    return index + 1


@dataclass(frozen=True)
class Community:
    """One community: its id (:func:`community_id`), its size and who and what
    characterises it."""

    community: int
    size: int
    top_actors: list[str]
    languages: dict[str, float]
    topics: dict[str, float]
    reaction_mix: dict[str, float | None]
    bio_words: list[str]  # what its members' profile bios say more than others' do
    reactions: int = 0  # the labelled reactions its mix rests on

    def as_dict(self) -> dict[str, Any]:
        return {"community": self.community, "size": self.size, "top_actors": self.top_actors,
                "languages": self.languages, "topics": self.topics,
                "reaction_mix": self.reaction_mix, "reactions": self.reactions,
                "bio_words": self.bio_words}


@dataclass(frozen=True)
class ActorMap:
    """Per-node arrays (aligned with ``actors``), edges, communities and bridges."""

    actors: list[str]
    labels: list[str]
    community: np.ndarray
    pagerank: np.ndarray
    participation: np.ndarray
    position: np.ndarray  # (n, 2) layout coordinates
    sources: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    modularity: float
    communities: list[Community] = field(default_factory=list)
    bridges: list[str] = field(default_factory=list)
    brand: frozenset[str] = frozenset()  # the brand's own accounts

    def as_dict(self, top: int = 20) -> dict[str, Any]:
        """The summary; "influential" leaves out the brand, which every reply points at."""
        others = [i for i in np.argsort(-self.pagerank) if self.actors[i] not in self.brand]
        order = others[:top]
        return {
            "actors": len(self.actors), "edges": len(self.sources),
            # no community at all: no modularity (NaN is no JSON)
            "modularity": None if np.isnan(self.modularity) else self.modularity,
            "clustered_actors": int((self.community >= 0).sum()),
            "community_count": int(self.community.max()) + 1 if len(self.community) else 0,
            "communities": [c.as_dict() for c in self.communities],
            "influential": [{"actor": self.labels[i], "pagerank": float(self.pagerank[i]),
                             "community": community_id(int(self.community[i]))}
                            for i in order],
            "bridges": self.bridges,
        }


def _index(edges: pa.Table) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    import pandas as pd

    src = edges.column("source").to_numpy(zero_copy_only=False).astype(object)
    dst = edges.column("target").to_numpy(zero_copy_only=False).astype(object)
    codes, names = pd.factorize(np.concatenate([src, dst]))
    n = len(src)
    return [str(x) for x in names], codes[:n], codes[n:], edges.column("weight").to_numpy(
        zero_copy_only=False).astype(np.float64)


def _communities(ig: Any, n: int, s: np.ndarray, t: np.ndarray, w: np.ndarray,
                 keep: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    """Leiden on the undirected graph of the kept nodes; small groups become -1."""
    mask = keep[s] & keep[t]
    graph = ig.Graph(n=n, edges=np.column_stack([s[mask], t[mask]]).tolist(), directed=False)
    graph.es["weight"] = w[mask].tolist()
    graph = graph.simplify(combine_edges="sum")
    ig.set_random_number_generator(random.Random(seed))  # Leiden is randomised
    parts = graph.community_leiden(objective_function="modularity", weights="weight",
                                   resolution=LEIDEN_RESOLUTION,
                                   n_iterations=LEIDEN_ITERATIONS)
    labels = np.asarray(parts.membership, dtype=np.int64)
    sizes = np.bincount(labels)
    labels = np.where((sizes[labels] >= MIN_COMMUNITY) & keep, labels, -1)
    big = np.unique(labels[labels >= 0])
    order = big[np.argsort(-sizes[big], kind="stable")]  # community 0 is the largest
    rename = np.full(len(sizes), -1, dtype=np.int64)
    rename[order] = np.arange(len(order))
    # no community kept: the partition Leiden scored is not the one reported, so no modularity
    modularity = float(parts.modularity) if len(order) else float("nan")
    return np.where(labels >= 0, rename[np.maximum(labels, 0)], -1), modularity


def _participation(n: int, s: np.ndarray, t: np.ndarray, w: np.ndarray,
                   community: np.ndarray) -> np.ndarray:
    """1 − Σ_c (weight to community c ÷ weight to all communities)², over both edge
    directions. Ties to the brand and to unclustered actors are in no community, so they
    count in neither sum: an actor with no tie into a community scores 0, not 1."""
    import pandas as pd

    nodes = np.concatenate([s, t])
    other = community[np.concatenate([t, s])]
    weight = np.concatenate([w, w])
    ok = other >= 0
    strength = np.bincount(nodes[ok], weights=weight[ok], minlength=n)
    pair = pd.DataFrame({"node": nodes[ok], "c": other[ok], "w": weight[ok]})
    per = pair.groupby(["node", "c"], sort=False)["w"].sum()
    squares = (per.to_numpy() / strength[per.index.get_level_values(0)]) ** 2
    sums = np.bincount(per.index.get_level_values(0).to_numpy(), weights=squares, minlength=n)
    out: np.ndarray = np.where(strength > 0, 1.0 - sums, 0.0)
    return out


def _layout(ig: Any, community: np.ndarray, s: np.ndarray, t: np.ndarray, seed: int,
            biggest: int = 300) -> np.ndarray:
    """Communities placed by Fruchterman-Reingold, members scattered around their centre."""
    rng = np.random.default_rng(seed)
    n, k = len(community), int(community.max()) + 1 if len(community) else 0
    centres = np.zeros((max(k, 1), 2))
    shown = min(k, biggest)
    if shown > 1:
        cs, ct = community[s], community[t]
        both = (cs >= 0) & (ct >= 0) & (cs < shown) & (ct < shown) & (cs != ct)
        graph = ig.Graph(n=shown, edges=np.column_stack([cs[both], ct[both]]).tolist())
        centres[:shown] = np.asarray(graph.layout_fruchterman_reingold(seed=rng.random(
            (shown, 2)).tolist()).coords) * 10.0
    if k > shown:
        angle = rng.random(k - shown) * 2 * np.pi
        radius = np.abs(centres[:shown]).max(initial=10.0) * 1.5
        centres[shown:k] = np.column_stack([np.cos(angle), np.sin(angle)]) * radius
    sizes = np.bincount(community[community >= 0], minlength=max(k, 1)).astype(float)
    unit = rng.random(n) * 2 * np.pi
    unit = np.column_stack([np.cos(unit), np.sin(unit)])
    spread = np.sqrt(rng.random(n)) * np.sqrt(sizes[np.maximum(community, 0)]) * 0.5
    spot: np.ndarray = centres[np.maximum(community, 0)] + unit * spread[:, None]
    rim = float(np.abs(centres).max(initial=10.0)) * 1.3
    outside = community < 0
    spot[outside] = unit[outside] * rim
    return spot


def _describe(names: list[str], labels: list[str], community: np.ndarray, pagerank: np.ndarray,
              attributes: pd.DataFrame | None, top: int) -> list[Community]:
    import pandas as pd

    attrs = (attributes.reindex(names) if attributes is not None
             else pd.DataFrame(index=pd.Index(names)))
    bios = BioWords(attrs["bio"].tolist()) if "bio" in attrs else None
    out = []
    for c in range(min(int(community.max()) + 1 if len(community) else 0, DESCRIBED)):
        members = np.flatnonzero(community == c)
        best = members[np.argsort(-pagerank[members])][:top]
        rows = attrs.iloc[members]
        mix, reactions = _mix(rows)
        out.append(Community(community_id(c), len(members), [labels[i] for i in best],
                             _shares(rows, "lang"), _topic_shares(rows), mix,
                             bios.of(members) if bios is not None else [], reactions))
    return out


def _shares(rows: pd.DataFrame, column: str) -> dict[str, float]:
    if column not in rows:
        return {}
    counts = rows[column].dropna().value_counts(normalize=True).head(5)
    return {str(k): round(float(v), 4) for k, v in counts.items()}


def _topic_shares(rows: pd.DataFrame) -> dict[str, float]:
    import pandas as pd

    cols = [c for c in rows.columns if str(c).startswith("topic=")]
    totals = rows[cols].sum() if cols else pd.Series(dtype=float)
    whole = float(totals.sum())
    return {str(c)[6:]: round(float(v) / whole, 4) for c, v in
            totals.sort_values(ascending=False).items()} if whole else {}


def _mix(rows: pd.DataFrame) -> tuple[dict[str, float | None], int]:
    """The shares of each reaction, and how many labelled reactions they rest on."""
    names = ("interest", "animosity", "neutral")
    counts = {r: float(rows[r].sum()) if r in rows else 0.0 for r in names}
    total = sum(counts.values())
    return {r: (round(v / total, 4) if total else None) for r, v in counts.items()}, int(total)


def actor_map(edges: pa.Table, *, brand: Sequence[str] = (), handles: dict[str, str] | None
              = None, attributes: pd.DataFrame | None = None, seed: int = 0, top: int = 5,
              layout: bool = True) -> ActorMap:
    """Analyse directed weighted edges (source, target, weight): communities, PageRank, bridges.

    ``attributes`` (indexed by actor id: lang, bio, interest/animosity/neutral counts and
    ``topic=…`` engagement counts) describes the communities.
    """
    ig = _igraph()
    names, s, t, w = _index(edges)
    n = len(names)
    keep = ~np.isin(np.asarray(names, dtype=object), np.asarray(list(brand), dtype=object))
    directed = ig.Graph(n=n, edges=np.column_stack([s, t]).tolist(), directed=True)
    pagerank = np.asarray(directed.pagerank(weights=w.tolist()) if n else [], dtype=np.float64)
    community, modularity = _communities(ig, n, s, t, w, keep, seed)
    participation = _participation(n, s, t, w, community)
    labels = [(handles or {}).get(a, a) for a in names]
    strength = np.bincount(np.concatenate([s, t]), minlength=n)
    bridge_score = np.where(keep & (strength >= 3), participation, 0.0)
    bridges = [labels[i] for i in np.argsort(-bridge_score)[:top] if bridge_score[i] > 0]
    position = _layout(ig, community, s, t, seed) if layout else np.zeros((n, 2))
    return ActorMap(names, labels, community, pagerank, participation, position, s, t, w,
                    modularity, _describe(names, labels, community, pagerank, attributes, top),
                    bridges, frozenset(brand))


def _networkx(amap: ActorMap, attributes: pd.DataFrame | None) -> Any:
    import networkx as nx  # type: ignore[import-untyped]
    import pandas as pd

    graph = nx.DiGraph()

    def column(name: str) -> pd.Series:
        return (attributes[name].reindex(amap.actors) if attributes is not None
                and name in attributes else pd.Series([None] * len(amap.actors)))

    lang, bio = column("lang"), column("bio")
    for i, label in enumerate(amap.labels):
        x, y = (float(v) for v in amap.position[i])
        graph.add_node(i, label=without_controls(label),
                       community=community_id(int(amap.community[i])),
                       pagerank=float(amap.pagerank[i]),
                       participation=float(amap.participation[i]),
                       lang=str(lang.iloc[i]) if pd.notna(lang.iloc[i]) else "",
                       bio=(without_controls(str(bio.iloc[i])) if pd.notna(bio.iloc[i])
                            else ""),
                       viz={"position": {"x": x, "y": y, "z": 0.0},
                            "size": float(2.0 + 200.0 * amap.pagerank[i])})
    for a, b, wt in zip(amap.sources.tolist(), amap.targets.tolist(), amap.weights.tolist(),
                        strict=True):
        graph.add_edge(a, b, weight=wt)
    return graph


def export_map(amap: ActorMap, path: str | Path, attributes: pd.DataFrame | None = None
               ) -> Path:
    """Write the map for Gephi (``.gexf``, ``.graphml``) or the dashboard (``.json``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gexf", ".graphml", ".json"):
        raise InputError(f"{path}: export to .gexf or .graphml (Gephi) or .json (dashboard)",
                         hint="the file's extension chooses the format, e.g. --export map.gexf")
    try:
        _write_map(amap, path, suffix, attributes)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return path


def _write_map(amap: ActorMap, path: Path, suffix: str, attributes: pd.DataFrame | None
               ) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        nodes = [{"id": i, "label": amap.labels[i],
                  "community": community_id(int(amap.community[i])),
                  "pagerank": float(amap.pagerank[i]), "x": float(amap.position[i, 0]),
                  "y": float(amap.position[i, 1])} for i in range(len(amap.actors))]
        links = [{"source": a, "target": b, "weight": wt} for a, b, wt in zip(
            amap.sources.tolist(), amap.targets.tolist(), amap.weights.tolist(), strict=True)]
        summary = amap.as_dict()
        path.write_text(json.dumps({"nodes": nodes, "edges": links, "summary": summary}),
                        encoding="utf-8")
        return
    import networkx as nx

    graph = _networkx(amap, attributes)
    if suffix == ".gexf":
        nx.write_gexf(graph, path)
    else:
        for _, data in graph.nodes(data=True):
            viz = data.pop("viz")
            data["x"], data["y"] = viz["position"]["x"], viz["position"]["y"]
        nx.write_graphml(graph, path)
