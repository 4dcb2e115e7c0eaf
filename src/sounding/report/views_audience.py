"""The audience views: segments with their representation index, and the map of actors."""

from __future__ import annotations

from typing import Any

import numpy as np

from sounding.analyse.actors import ActorMap, community_id
from sounding.analyse.representation import MIN_COUNT
from sounding.analyse.segments import by_standing, uncompared
from sounding.report.views import Params, view
from sounding.report.views_refusals import flag
from sounding.store import Store
from sounding.workflows import audience as aud

__all__ = ["COLOURED", "MAP_EDGES", "MAP_NODES", "actors_view", "audience_view", "colour",
           "map_data"]

MAP_NODES = 500  # the map shows the most influential actors (PageRank); tables list the rest
MAP_EDGES = 3000  # and the heaviest ties among them: a browser stays fluid well below 10k
COLOURED = 10  # the largest communities (1 is the largest) each get a colour of their own
_SPAN = 1000.0  # node positions are scaled into a 0..1000 square (the SVG's viewBox)


def _segment(row: dict[str, Any], rank: dict[str, int], active: dict[str, int],
             small: set[str], standing: dict[str, str]) -> dict[str, Any]:
    """A segment's row; ``unranked`` names why a row with an index has no rank: every
    customer is in the known customers, so its index is the share of engaged actors who are
    known customers (× 100), not a representation.
    ``standing``: where a ranked index's interval lies against 100 (``STANDINGS``)."""
    return {**row, "small": row["name"] in small, "rank_index": rank.get(row["name"]),
            "rank_activity": active.get(row["name"]), "standing": standing.get(row["name"]),
            "unranked": uncompared(row)}


@view("audience", reads=("cluster",))
def audience_view(store: Store, params: Params) -> dict[str, Any]:
    """Segments: size, activity, reaction mix, representation index, rankings."""
    cluster = flag(params, "cluster", True)
    report = aud.segments(store, cluster=cluster)
    data = report.as_dict()
    ranks = data["rankings"]
    standing = by_standing(ranks)
    rank = {n: i + 1 for i, n in enumerate(standing)}
    active = {n: i + 1 for i, n in enumerate(ranks["most_active"])}
    rows = [_segment(s, rank, active, set(ranks["too_small"]), standing)
            for s in data["segments"]]
    last = len(rows) + 1
    rows.sort(key=lambda s: (s["small"], s["rank_index"] or last))
    return {"engaged_actors": data["engaged_actors"], "customers": data["customers"],
            "match_rate": data["match_rate"], "weeks": data["weeks"],
            "clusters": data["clusters"], "stability": data["stability"],
            "cluster": cluster, "segments": rows,
            "most_active": [r for n in ranks["most_active"] for r in rows if r["name"] == n],
            "rankings": ranks, "min_count": MIN_COUNT}


def _chosen(amap: ActorMap, brand: set[str], limit: int) -> np.ndarray:
    """Indices of the ``limit`` actors of highest PageRank, the brand's accounts left out:
    every conversation touches them, so with them the map is a star."""
    order = np.argsort(-amap.pagerank, kind="stable")
    if brand:
        order = order[~np.isin(np.asarray(amap.actors, dtype=object)[order],
                               np.asarray(sorted(brand), dtype=object))]
    return order[:limit]


def _scaled(position: np.ndarray) -> np.ndarray:
    if not len(position):
        return position
    low, high = position.min(axis=0), position.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    out: np.ndarray = np.round(20 + (_SPAN - 40) * (position - low) / span, 1)
    return out


def colour(community: int) -> int | None:
    """A community's colour slot (from its id, 1 for the largest): one colour per
    community, for the :data:`COLOURED` largest; smaller ones (and actors outside any,
    id 0) have none, so no colour means two."""
    return community - 1 if 0 < community <= COLOURED else None


def map_data(amap: ActorMap, brand: set[str], nodes: int = MAP_NODES,
             edges: int = MAP_EDGES) -> dict[str, Any]:
    """The part of the map a browser draws: top actors by PageRank (not the brand's own
    accounts) and their heaviest ties, positions scaled into a 0..``span`` square."""
    keep = _chosen(amap, brand, nodes)
    where = np.full(len(amap.actors), -1, dtype=np.int64)
    where[keep] = np.arange(len(keep))
    xy = _scaled(amap.position[keep])
    rank = amap.pagerank[keep]
    top = float(rank.max()) if len(rank) else 1.0
    ids = [community_id(int(c)) for c in amap.community[keep]]
    shown = [{"label": amap.labels[i], "community": ids[j], "colour": colour(ids[j]),
              "pagerank": round(float(amap.pagerank[i]), 6),
              "size": round(2.5 + 9.0 * float(np.sqrt(amap.pagerank[i] / top)), 2),
              "x": float(xy[j, 0]), "y": float(xy[j, 1])}
             for j, i in enumerate(keep.tolist())]
    s, t = where[amap.sources], where[amap.targets]
    both = np.flatnonzero((s >= 0) & (t >= 0))
    heavy = both[np.argsort(-amap.weights[both], kind="stable")[:edges]]
    ties = [[int(s[k]), int(t[k]), float(amap.weights[k])] for k in heavy.tolist()]
    return {"nodes": shown, "edges": ties, "total_nodes": len(amap.actors),
            "total_edges": len(amap.sources), "span": _SPAN}


@view("actors")
def actors_view(store: Store, params: Params) -> dict[str, Any]:
    """Who answers whom: communities, influential actors, bridges, and a drawable map."""
    amap, _ = aud.actors(store, top=5)
    brand = set(store.table("accounts")["actor_id"].to_pylist())
    summary = amap.as_dict(top=20)
    communities = [{**c, "colour": colour(c["community"])} for c in summary["communities"]]
    return {**summary, "communities": communities, "map": map_data(amap, brand),
            "coloured": COLOURED}
