"""The actor map at scale: 1 million interactions among 200,000 actors, time and memory.

    python benchmarks/actors_scale.py [--edges 1000000] [--actors 200000] [--write]

A synthetic conversation: 2,000 planted groups whose members mostly answer, mention,
repost and quote each other, 10% of ties across groups, and a third of them addressed to
the brand. Measures ``actor_map`` (Leiden, PageRank, participation, layout) as the
workflow runs it, and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
from sklearn.metrics import normalized_mutual_info_score  # type: ignore[import-untyped]

from sounding.analyse.actors import actor_map


def synthetic(edges: int, actors: int, groups: int, seed: int = 0) -> tuple[pa.Table, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, groups, actors)
    members = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[members], np.arange(groups + 1))
    src = rng.integers(0, actors, edges)
    g = group[src]
    pick = starts[g] + (rng.random(edges) * (starts[g + 1] - starts[g])).astype(np.int64)
    dst = np.where(rng.random(edges) < 0.9, members[np.minimum(pick, actors - 1)],
                   rng.integers(0, actors, edges))
    dst = np.where(rng.random(edges) < 0.33, actors, dst)  # actor `actors` is the brand
    keep = src != dst
    names = np.array([f"bluesky:user{i}" for i in range(actors + 1)], dtype=object)
    table = pa.table({"source": names[src[keep]], "target": names[dst[keep]]})
    table = table.group_by(["source", "target"]).aggregate([([], "count_all")])
    return table.rename_columns(["source", "target", "weight"]), group


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--actors", type=int, default=200_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    table, group = synthetic(args.edges, args.actors, args.groups)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    amap = actor_map(table, brand=[f"bluesky:user{args.actors}"], seed=0)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    index = np.array([int(a.split("user")[1]) for a in amap.actors])
    inside = (index < args.actors) & (amap.community >= 0)
    score = normalized_mutual_info_score(group[index[inside]], amap.community[inside])
    lines = [
        f"- interactions: {args.edges:,} ({table.num_rows:,} distinct weighted ties), "
        f"actors: {len(amap.actors):,}, planted groups: {args.groups:,}",
        f"- actor_map: **{took:.1f} s**, peak RSS **{peak / 1024:.2f} GiB** "
        f"(before the call: {base / 1024:.2f} GiB); cores available: {os.cpu_count()}",
        f"- communities found: {int(amap.community.max()) + 1:,}, modularity "
        f"{amap.modularity:.3f}, NMI against the planted groups {score:.3f}",
    ]
    print("\n".join(lines))
    if args.write:
        out = Path(__file__).with_name("RESULTS_audience.md")
        if not out.exists():
            out.write_text("# Audience benchmarks\n", encoding="utf-8")
        with out.open("a", encoding="utf-8") as f:
            f.write(f"\n## Actor map at scale, {datetime.now(UTC):%Y-%m-%d}\n\n"
                    f"Command: `python {' '.join(sys.argv)}`  \nMachine: "
                    f"{platform.platform()}, {os.cpu_count()} cores, Python "
                    f"{platform.python_version()}\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
