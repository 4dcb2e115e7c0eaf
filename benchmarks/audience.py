"""Coverage of the representation index's 95% intervals over many simulated launches.

    python benchmarks/audience.py [--launches 200] [--scale 0.2] [--write]

Each launch is simulated with its own seed. Customers are matched to actors by their
hashed, normalised handles (about 35% of a CRM carries one). Two kinds of segments:

- ``planted``: the simulator's six segments. An actor's segment is taken from the truth
  (standing for a perfect classifier of actors); a customer's segment is only known
  through the actor they were matched to, so the customer share is estimated from the
  matched customers: a real sample, with real uncertainty.
- ``language``: ``lang = fr`` / ``lang = en``, read from the actors and from the whole CRM.

The truth is ``truth["representation_index"]`` (the realised mix of this launch).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sounding.analyse.audience import hash_id, match_customers, normalise_handle
from sounding.analyse.representation import representation
from sounding.simulate import Launch, LaunchConfig, simulate_launch

HANDLES = ("bluesky_handle", "mastodon_handle")


def engaged_actors(launch: Launch) -> set[str]:
    """Actors who liked, reposted or wrote (the truth's definition of engaged)."""
    inter = launch.batch.interactions
    kinds = inter.column("kind").to_pylist()
    ids = inter.column("actor_id").to_pylist()
    out = {a for a, k in zip(ids, kinds, strict=True) if k in ("like", "repost")}
    items = launch.batch.items
    out |= {a for a, k in zip(items.column("author_id").to_pylist(),
                              items.column("kind").to_pylist(), strict=True) if k != "post"}
    brand = set(launch.batch.accounts.column("actor_id").to_pylist())
    return out - brand


def matched(launch: Launch, salt: str = "bench") -> dict[str, str]:
    """customer_id -> actor_id, through hashed normalised handles."""
    ids = []
    for row in launch.customers.to_pylist():
        for col in HANDLES:
            if row[col] and (value := normalise_handle(row[col])):
                ids.append((row["customer_id"], hash_id(salt, "handle", value)))
    actors = launch.batch.actors
    pairs = zip(actors.column("actor_id").to_pylist(), actors.column("handle").to_pylist(),
                strict=True)
    match = match_customers(salt, ids, pairs, launch.customers.num_rows)
    return {c: a for a, c in match.actor_customer.items()}


def one_launch(seed: int, scale: float) -> list[tuple[str, str, float, float, float, float]]:
    """(kind, segment, true index, estimate, low, high) for each segment of one launch."""
    launch = simulate_launch(LaunchConfig(scale=scale), seed=seed)
    truth, seg_of = launch.truth, launch.truth["actor_segment"]
    engaged = engaged_actors(launch)
    e_count = Counter(seg_of[a] for a in engaged)
    links = matched(launch)
    c_count = Counter(seg_of[a] for a in links.values())
    rows = []
    for s, true in truth["representation_index"].items():
        r = representation(e_count[s], len(engaged), c_count[s], len(links), seed=seed)
        rows.append(("planted", s, true, r.index or np.nan, r.low or np.nan, r.high or np.nan))
    lang = {s["name"]: s["lang"] for s in truth["segments"]}
    crm_lang = Counter(launch.customers.column("lang").to_pylist())
    for code in ("fr", "en"):
        e = sum(v for k, v in truth["engaged_mix"].items() if lang[k] == code)
        c = sum(v for k, v in truth["customer_mix"].items() if lang[k] == code)
        r = representation(sum(1 for a in engaged if lang[seg_of[a]] == code), len(engaged),
                           crm_lang[code], launch.customers.num_rows, seed=seed)
        rows.append(("language", code, 100 * e / c, r.index or np.nan, r.low or np.nan,
                     r.high or np.nan))
    return rows


def table(rows: list[tuple[str, str, float, float, float, float]]) -> str:
    """One markdown table: coverage, mean width and bias by segment."""
    lines = ["| kind | segment | launches | true index (median) | coverage of 95% CI | "
             "median CI width | median error |", "|---|---|---|---|---|---|---|"]
    keys = list(dict.fromkeys((k, s) for k, s, *_ in rows))
    for k, s in keys:
        part = np.array([r[2:] for r in rows if (r[0], r[1]) == (k, s)], dtype=float)
        true, est, low, high = part.T
        cover = np.mean((low <= true) & (true <= high))
        lines.append(f"| {k} | {s} | {len(part)} | {np.median(true):.0f} | {100 * cover:.1f}% | "
                     f"{np.nanmedian(high - low):.0f} | {np.nanmedian(est - true):+.1f} |")
    allp = np.array([r[2:] for r in rows], dtype=float)
    cover = np.mean((allp[:, 2] <= allp[:, 0]) & (allp[:, 0] <= allp[:, 3]))
    lines.append(f"| **all** | | {len(allp)} intervals | | **{100 * cover:.1f}%** | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=200)
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--write", action="store_true",
                        help="append the table to benchmarks/RESULTS_audience.md")
    args = parser.parse_args()
    start = time.perf_counter()
    rows = [r for seed in range(1000, 1000 + args.launches) for r in one_launch(seed, args.scale)]
    text = table(rows)
    took = time.perf_counter() - start
    print(text)
    print(f"\n{args.launches} launches at scale {args.scale} in {took:.0f} s")
    if args.write:
        header = (f"\n## Representation index coverage, {datetime.now(UTC):%Y-%m-%d}\n\n"
                  f"Command: `python {' '.join(sys.argv)}`  \nMachine: {platform.platform()}, "
                  f"{platform.processor() or platform.machine()}, Python "
                  f"{platform.python_version()}; {took:.0f} s\n\n")
        out = Path(__file__).with_name("RESULTS_audience.md")
        if not out.exists():
            out.write_text("# Audience benchmarks\n", encoding="utf-8")
        with out.open("a", encoding="utf-8") as f:
            f.write(header + text + "\n")


if __name__ == "__main__":
    main()
