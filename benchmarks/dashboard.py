"""Dashboard latency: p95 of every page on a 1-million-item workspace, 20 concurrent clients.

Usage: python benchmarks/dashboard.py [--items 1000000] [--clients 20] [--rounds 10]
       [--workspace PATH] [--results benchmarks/RESULTS_dashboard.md]

Builds (once) a synthetic workspace through the Store, starts ``sounding serve`` on a
free loopback port, signs one user in, then has each client fetch every page ``rounds``
times. Also times each view's build without the cache, in process, before serving.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa

from sounding.models import ACTOR_SCHEMA, ITEM_SCHEMA, Batch
from sounding.report import VIEWS
from sounding.store import Store
from sounding.workflows.users import add_user

PASSWORD = "benchmark-password"
PAGES = ["/overview", "/reactions", "/items", "/items?kind=reply&label=animosity",
         "/items?q=croissant", "/thread?id=bluesky:p-42", "/queue", "/overview.json",
         "/items.json", "/audience", "/actors", "/learn", "/learn?metric=engagement",
         "/actors.json"]
WORDS = np.array(["croissant", "queue", "love", "price", "shop", "bread", "late", "great"])


def synthetic_batch(n_items: int, seed: int = 1) -> Batch:
    """Brand posts (1 in 200) and replies, quotes and mentions to them, over a year."""
    rng = np.random.default_rng(seed)
    n_posts = max(n_items // 200, 1)
    n_actors = max(n_items // 10, 10)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    networks = np.where(np.arange(n_items) % 2 == 0, "bluesky", "mastodon")
    post_of = rng.integers(0, n_posts, n_items)
    post_ids = np.char.add(np.char.add(networks, ":p-"), (post_of // 2 * 2 +
                           (networks == "mastodon")).astype(str))
    is_post = np.arange(n_items) < n_posts
    ids = np.where(is_post, np.char.add(np.char.add(networks, ":p-"),
                                        np.arange(n_items).astype(str)),
                   np.char.add(np.char.add(networks, ":r-"), np.arange(n_items).astype(str)))
    minutes = np.where(is_post, np.arange(n_items) * (525_600 // n_posts),
                       (post_of * (525_600 // n_posts)) + rng.integers(1, 5000, n_items))
    kinds = np.where(is_post, "post", rng.choice(["reply", "reply", "quote", "mention"],
                                                 n_items))
    authors = np.where(is_post, np.char.add(networks, ":brand"),
                       np.char.add(np.char.add(networks, ":u"),
                                   rng.integers(0, n_actors, n_items).astype(str)))
    texts = np.char.add(np.char.add("about the ", rng.choice(WORDS, n_items)),
                        np.char.add(" number ", np.arange(n_items).astype(str)))
    parent = np.where(is_post | (kinds == "mention"), None, post_ids)
    items = pa.table({
        "item_id": ids, "network": networks, "author_id": authors, "text": texts,
        "created_at": pa.array([start + timedelta(minutes=int(m)) for m in minutes],
                               pa.timestamp("us", tz="UTC")),
        "kind": kinds, "parent_id": parent, "root_id": parent,
        "url": pa.nulls(n_items, pa.string()),
        "account_id": np.where(is_post, np.char.add(networks, ":brand"), None),
    }, schema=ITEM_SCHEMA)
    handles = np.char.add("user", np.arange(n_actors).astype(str))
    actors = pa.table({"actor_id": np.char.add("bluesky:u", np.arange(n_actors).astype(str)),
                       "network": pa.array(["bluesky"] * n_actors), "handle": handles,
                       "display_name": pa.nulls(n_actors, pa.string()),
                       "lang": pa.nulls(n_actors, pa.string()),
                       "followers": pa.nulls(n_actors, pa.int64()),
                       "bio": pa.nulls(n_actors, pa.string())}, schema=ACTOR_SCHEMA)
    return Batch(items=items, actors=actors)


def build_workspace(path: Path, n_items: int) -> None:
    """Write the synthetic batch, model reaction labels for every reaction, and a user."""
    t0 = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with Store.open(partial) as store:
        store.write(synthetic_batch(n_items), kind="benchmark", source="synthetic")
        with store.transaction() as con:  # model labels: what the reaction enricher writes
            con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                        "SELECT item_id, 'reaction', 'bench', "
                        "['interest', 'animosity', 'neutral'][(1 + hash(item_id) % 3)::BIGINT] "
                        "FROM items WHERE kind <> 'post'")
        add_user(store, "bench", PASSWORD, "viewer", replace=True)
    partial.rename(path)
    print(f"built {n_items:,} items in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


_EXTRAS = [
    # the brand's accounts, their followers month by month, counters of every post
    """INSERT INTO accounts (account_id, network, handle, actor_id)
       SELECT n || ':brand', n, 'brand', n || ':brand'
       FROM (VALUES ('bluesky'), ('mastodon')) t(n)""",
    """INSERT INTO account_snapshots (account_id, observed_at, followers)
       SELECT a.account_id, TIMESTAMPTZ '2025-12-01' + to_months(m::INT), 20000 + 500 * m
       FROM accounts a, range(14) r(m)""",
    """INSERT INTO metric_snapshots (item_id, observed_at, likes, reposts, replies, quotes)
       SELECT item_id, created_at + INTERVAL 3 DAY, 20 + hash(item_id) % 80,
              hash(item_id || 'r') % 20, 0, 0 FROM items WHERE kind = 'post'""",
    # four factors tagged on every post (the test-and-learn page)
    """INSERT INTO variants (item_id, factor, level)
       SELECT item_id, f.factor, f.levels[1 + (hash(item_id || f.factor) % len(f.levels))::INT]
       FROM items, (VALUES ('format', ['photo', 'video', 'text', 'link']),
                           ('tone', ['humour', 'informative', 'promotional']),
                           ('slot', ['morning', 'midday', 'evening']),
                           ('topic', ['product', 'recipe', 'sustainability'])) f(factor, levels)
       WHERE kind = 'post'""",
    # who answers whom: every reply targets its post (the interactions view derives those
    # edges from the items), plus ties inside groups of 40 users and likes
    """INSERT INTO interaction_rows (interaction_id, network, kind, actor_id, created_at,
                                 target_actor_id)
       SELECT 'aa-' || i, 'bluesky', 'reply', 'bluesky:u' || a,
              TIMESTAMPTZ '2026-01-01' + to_minutes((i % 500000)::BIGINT),
              'bluesky:u' || ((a // 40) * 40 + hash(i, 'b') % 40)
       FROM (SELECT i, hash(i) % $actors AS a FROM range($ties) r(i))""",
    """INSERT INTO interaction_rows (interaction_id, network, kind, actor_id, created_at,
                                 target_item_id)
       SELECT 'l-' || i, 'bluesky', 'like', 'bluesky:u' || (hash(i, 'l') % $actors),
              TIMESTAMPTZ '2026-01-01' + to_minutes((i % 500000)::BIGINT), 'bluesky:p-0'
       FROM range($ties) r(i)""",
]


def customers_csv(path: Path, n_actors: int, n: int = 20_000, seed: int = 2) -> Path:
    """A CRM export: a third of the customers give a handle that is one of the users."""
    rng = np.random.default_rng(seed)
    ids = np.arange(n)
    handle = np.where(ids % 3 == 0, np.char.add("user", rng.integers(0, n_actors, n).astype(
        str)), "")
    table = pa.table({"customer_id": np.char.add("C", ids.astype(str)),
                      "email": np.char.add(np.char.add("c", ids.astype(str)), "@example.com"),
                      "bluesky_handle": handle,
                      "lang": rng.choice(["fr", "en"], n, p=[0.8, 0.2]),
                      "plan": rng.choice(["occasional", "loyalty-card"], n)})
    import pyarrow.csv as pa_csv

    pa_csv.write_csv(table, path)
    return path


def add_audience(path: Path, n_items: int) -> None:
    """Accounts, counters, variants, interactions and customers, once (the later pages)."""
    from sounding.workflows.customers import import_customers

    with Store.open(path) as store:
        if store.query("SELECT count(*) FROM variants")[0][0].as_py():
            return
        t0 = time.perf_counter()
        n_actors = max(n_items // 10, 10)
        with store.transaction() as con:
            for sql in _EXTRAS:
                con.execute(sql.replace("$actors", str(n_actors)).replace(
                    "$ties", str(n_items // 4)))
        crm = customers_csv(path.with_suffix(".customers.csv"), n_actors)
        import_customers(store, str(crm), ["email", "bluesky_handle", "customer_id"],
                         ["lang,plan"])
        print(f"added audience data in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def uncached_ms(path: Path) -> dict[str, float]:
    """Each page's view built once in process, without any cache (a twin shares its page's)."""
    timings: dict[str, float] = {}
    built: dict[tuple[str, str], float] = {}
    with Store.open(path) as store:
        for page in PAGES:
            base, _, query = page.partition("?")
            slug = base.strip("/").removesuffix(".json")
            if (slug, query) not in built:
                params = dict(p.split("=") for p in query.split("&") if p)
                t0 = time.perf_counter()
                VIEWS[slug].build(store, params)
                built[slug, query] = 1000 * (time.perf_counter() - t0)
                print(f"{page}: {built[slug, query]:.0f} ms uncached", file=sys.stderr)
            timings[page] = built[slug, query]
    return timings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(path: Path, warm_limit: float = 900.0
                 ) -> tuple[subprocess.Popen[bytes], str, float]:
    """Start ``sounding serve``; wait until it has warmed its menu pages (seconds taken)."""
    port = _free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sounding", "--db", str(path), "serve",
                             "--port", str(port)], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t0 < warm_limit:
        try:
            if httpx.get(f"{url}/api/health", timeout=5).json().get("warm", True):
                return proc, url, time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start and warm up")


def sign_in(url: str) -> httpx.Cookies:
    with httpx.Client(base_url=url) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token, "no login form"
        client.post("/login", data={"username": "bench", "password": PASSWORD,
                                    "csrf_token": token[1]})
        return client.cookies


def load(url: str, cookies: httpx.Cookies, clients: int, rounds: int
         ) -> dict[str, list[float]]:
    """``clients`` threads each fetch every page ``rounds`` times; latencies in ms."""
    timings: dict[str, list[float]] = {p: [] for p in PAGES}
    lock = threading.Lock()

    def client_loop(offset: int) -> None:
        with httpx.Client(base_url=url, cookies=cookies, timeout=120) as client:
            for r in range(rounds):
                for i in range(len(PAGES)):
                    page = PAGES[(i + offset + r) % len(PAGES)]
                    t0 = time.perf_counter()
                    response = client.get(page)
                    elapsed = 1000 * (time.perf_counter() - t0)
                    assert response.status_code == 200, (page, response.status_code)
                    with lock:
                        timings[page].append(elapsed)

    threads = [threading.Thread(target=client_loop, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def table(timings: dict[str, list[float]], cold: dict[str, float]) -> str:
    lines = ["| page | requests | p50 ms | p95 ms | max ms | uncached build ms |",
             "|---|---|---|---|---|---|"]
    for page, values in timings.items():
        q = statistics.quantiles(values, n=100, method="inclusive")
        lines.append(f"| `{page}` | {len(values)} | {q[49]:.0f} | {q[94]:.0f} | "
                     f"{max(values):.0f} | {cold[page]:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workspace", type=Path, default=Path("/tmp/sounding-dash-bench.duckdb"))
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    if not args.workspace.exists():
        build_workspace(args.workspace, args.items)
    add_audience(args.workspace, args.items)
    cold = uncached_ms(args.workspace)
    proc, url, warming = start_server(args.workspace)
    try:
        timings = load(url, sign_in(url), args.clients, args.rounds)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    worst = max(statistics.quantiles(v, n=100, method="inclusive")[94]
                for v in timings.values())
    text = (f"{table(timings, cold)}\n\nworst p95: {worst:.0f} ms "
            f"({'meets' if worst < 300 else 'misses'} the 300 ms goal); the server warmed its "
            f"menu pages in {warming:.0f} s before the clients started\n")
    print(text)
    if args.results:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        machine = (f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
                   f"{platform.python_version()}; load average {load_start:.1f} at the start, "
                   f"{os.getloadavg()[0]:.1f} at the end")
        args.results.write_text(
            f"# Dashboard latency\n\nCommand: `python {' '.join(sys.argv)}`  \n"
            f"Machine: {machine}  \nDate: {stamp}  \nItems: {args.items:,}; clients: "
            f"{args.clients}; rounds: {args.rounds}\n\n{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
