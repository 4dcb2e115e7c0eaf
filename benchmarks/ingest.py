"""Ingest benchmark: `sounding import items` against raw DuckDB Arrow inserts of the same rows.

    .venv/bin/python benchmarks/ingest.py [--rows 1000000] [--repeat 3]

Each measurement runs in a fresh process so its peak memory (ru_maxrss) is its own. The
baselines and sounding run side by side in one invocation: compare the ratios, not the
absolute numbers, on a shared machine.

The floor row times the insert of the item columns as the store keeps them (keys
`network:native_id`, kind, root; without run_id, stored_at or NOT NULL checks) with the
raw insert's own statement: less than any import into this data model can take, so its
ratio bounds sounding's from above. Its peak memory includes building that table.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = {
    "raw arrow insert": "insert an in-memory Arrow table into a DuckDB file table",
    "raw read + insert": "pyarrow.csv.read_csv the file, then the same insert",
    "floor: items table alone": "the same insert of the item columns sounding stores "
                                "(built beforehand, untimed; no run_id, stored_at or "
                                "constraints): a lower bound for any import",
    "sounding import": "sounding.workflows.ingest.import_items on a new workspace",
    "sounding re-import": "the same file again into that workspace (all unchanged)",
}


def write_items(path: Path, rows: int) -> None:
    """A realistic items file: posts and replies, counters, some French text."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,network,author,text,created_at,parent_id,likes,reposts,replies\n")
        for i in range(rows):
            parent = "" if i % 10 == 0 else str(i - i % 10)
            day, hour = 1 + i % 28, i % 24
            fh.write(f"{i},bluesky,user{i % 100_000},\"Réponse numéro {i}, merci !\","
                     f"2026-09-{day:02d}T{hour:02d}:15:00Z,{parent},{i % 13},{i % 5},{i % 3}\n")


def _child(case: str, csv_path: str, db_path: str) -> None:
    import duckdb
    import pyarrow.csv as pa_csv

    table = pa_csv.read_csv(csv_path) if case == "raw arrow insert" else None
    if case.startswith("floor"):
        from datetime import UTC, datetime

        from sounding.imports import parse_items_file

        parsed = parse_items_file(Path(csv_path), observed_at=datetime.now(UTC))
        table = parsed.batch.items
    start = time.perf_counter()
    if case.startswith(("raw", "floor")):
        if table is None:
            table = pa_csv.read_csv(csv_path)
        con = duckdb.connect(db_path)
        con.register("incoming", table)
        con.execute("CREATE TABLE items AS SELECT * FROM incoming")
        con.close()
    else:
        from sounding.store import Store
        from sounding.workflows.ingest import import_items

        with Store.open(db_path) as store:
            if case == "sounding re-import":
                import_items(store, csv_path)
                start = time.perf_counter()
            import_items(store, csv_path)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


def measure(case: str, csv_path: Path, workdir: Path) -> dict[str, float]:
    db = workdir / f"{case.replace(' ', '_')}-{time.monotonic_ns()}.duckdb"
    out = subprocess.run([sys.executable, __file__, "--child", case, str(csv_path), str(db)],
                         capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path = work / "items.csv"
        write_items(csv_path, args.rows)
        results: dict[str, list[dict[str, float]]] = {c: [] for c in CASES}
        for _ in range(args.repeat):
            for case in CASES:
                results[case].append(measure(case, csv_path, work))
    best = {c: min(r["seconds"] for r in runs) for c, runs in results.items()}
    print(f"ingest benchmark: {args.rows:,} rows, best of {args.repeat}, "
          f"{platform.machine()} {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print("| case | best s | rows/s | peak MiB | ratio to raw insert | ratio to read+insert |")
    print("|---|---|---|---|---|---|")
    for case, runs in results.items():
        peak = max(r["peak_mib"] for r in runs)
        print(f"| {case} | {best[case]:.2f} | {args.rows / best[case]:,.0f} | {peak:,.0f} | "
              f"{best['raw arrow insert'] / best[case]:.2f} | "
              f"{best['raw read + insert'] / best[case]:.2f} |")


if __name__ == "__main__":
    main()
