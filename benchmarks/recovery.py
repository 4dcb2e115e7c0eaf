"""How much of the demo's planted structure the audience engines recover, and the ceiling.

    python benchmarks/recovery.py [--seeds 0,7,11] [--write]

For each simulated launch, enriched as the demo does it (language and reaction of every
reply): Leiden communities against the planted circles of acquaintances, behavioural
clusters against the planted segments (normalised mutual information), and two yardsticks
for the second. One is the partition by written language alone. The other is a classifier
*given the true segments* (gradient boosting, 5-fold cross-validated) on the very features
the clustering sees, then on those plus the totals of each actor's community. No
unsupervised method can be expected to beat a supervised one that reads the same evidence.

Two more columns weigh the profile bios, which sounding uses to describe clusters but not
to form them: the supervised ceiling given the bios as well (TF-IDF of their words, 12
LSA coordinates), and k-means given those coordinates beside the behaviour.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]
from sklearn.metrics import normalized_mutual_info_score  # type: ignore[import-untyped]
from sklearn.model_selection import cross_val_predict  # type: ignore[import-untyped]

from sounding.analyse.clusters import discover
from sounding.analyse.segments import behaviour_features
from sounding.analyse.topics import tokenize
from sounding.simulate import simulate_launch
from sounding.store import Store
from sounding.workflows.audience import actors, audience_data, nmi, segments
from sounding.workflows.enrich import enrich_workspace


def _ceiling(x: np.ndarray, truth: np.ndarray) -> float:
    guess = cross_val_predict(HistGradientBoostingClassifier(random_state=0), x, truth, cv=5)
    return float(normalized_mutual_info_score(truth, guess))


def _bio_space(bios: list[object]) -> np.ndarray:
    """12 standardised LSA coordinates of the bios' words; the origin for no bio."""
    from sklearn.decomposition import TruncatedSVD  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
        TfidfVectorizer,
    )
    from sklearn.preprocessing import normalize  # type: ignore[import-untyped]

    docs = [tokenize(b) if isinstance(b, str) else [] for b in bios]
    words = TfidfVectorizer(analyzer=lambda t: t, min_df=3, sublinear_tf=True).fit_transform(docs)
    space = normalize(TruncatedSVD(12, random_state=0).fit_transform(words))
    spread = space.std(axis=0)
    return (space - space.mean(axis=0)) / np.where(spread > 0, spread, 1.0)


def measure(seed: int, workdir: Path) -> dict[str, float]:
    launch = simulate_launch(seed=seed)
    with Store.open(workdir / f"launch-{seed}.duckdb") as store:
        store.write(launch.batch, kind="benchmark", source=f"simulate_launch(seed={seed})")
        enrich_workspace(store, languages=sorted({s.lang for s in launch.config.segments}))
        amap, _ = actors(store)
        report = segments(store, seed=seed)
        data = audience_data(store)
    circles = {a: str(c) for a, c in launch.truth["actor_circle"].items()}
    found = {a: int(c) for a, c in zip(amap.actors, amap.community, strict=True) if c >= 0}
    x, _ = behaviour_features(data.profiles, data.levels, data.weeks)
    ids = data.profiles["actor_id"].to_numpy()
    truth = np.array([launch.truth["actor_segment"][a] for a in ids])
    community = pd.Series(amap.community, index=amap.actors).reindex(ids).fillna(-1)
    totals = pd.DataFrame(x).groupby(community.to_numpy()).transform("sum").to_numpy().copy()
    totals[community.to_numpy() < 0] = 0.0
    lang = data.profiles["lang"].fillna("und").to_numpy()
    with_bios = np.hstack([x, _bio_space(data.profiles["bio"].tolist())])
    bio_clusters = discover(with_bios, [str(a) for a in ids], seed=seed)
    return {"communities": nmi(found, circles), "clustered": len(found),
            "language": float(normalized_mutual_info_score(truth, lang)),
            "clusters": nmi(report.cluster_labels, launch.truth["actor_segment"]),
            "k": report.clusters, "ceiling": _ceiling(x, truth),
            "ceiling_graph": _ceiling(np.hstack([x, totals]), truth), "engaged": len(ids),
            "ceiling_bios": _ceiling(with_bios, truth),
            "bio_clusters": float(normalized_mutual_info_score(truth, bio_clusters.labels)),
            "bio_k": bio_clusters.k}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,7,11")
    parser.add_argument("--write", action="store_true",
                        help="append the table to benchmarks/RESULTS_audience.md")
    args = parser.parse_args()
    t0 = time.perf_counter()
    lines = ["| seed | communities vs circles | clustered actors | clusters vs segments (k) "
             "| language alone | ceiling: supervised, same features "
             "| ceiling: + community totals | ceiling: + bios | clusters + bios (k) |",
             "|---|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (int(s) for s in args.seeds.split(",")):
            m = measure(seed, Path(tmp))
            lines.append(f"| {seed} | {m['communities']:.3f} | {m['clustered']:,} of "
                         f"{m['engaged']:,} | {m['clusters']:.3f} ({m['k']}) | "
                         f"{m['language']:.3f} | {m['ceiling']:.3f} | {m['ceiling_graph']:.3f} | "
                         f"{m['ceiling_bios']:.3f} | {m['bio_clusters']:.3f} ({m['bio_k']}) |")
            print(lines[-1], file=sys.stderr)
    header = (f"## Planted structure recovered, {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"Command: `python benchmarks/recovery.py --seeds {args.seeds}`  \n"
              f"Machine: {platform.machine()}, Python {platform.python_version()}; "
              f"{time.perf_counter() - t0:.0f} s\n\nNormalised mutual information.\n\n")
    text = header + "\n".join(lines) + "\n"
    print(text)
    if args.write:
        path = Path(__file__).with_name("RESULTS_audience.md")
        path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
