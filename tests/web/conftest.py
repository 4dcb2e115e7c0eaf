"""Dashboard fixtures: a seeded demo workspace, signed-in clients, hostile content."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sounding.models import Actor, Batch, Interaction, Item
from sounding.store import Store
from sounding.web.app import create_app
from sounding.workflows.audience import DEMO_IDS, DEMO_KEEP
from sounding.workflows.customers import import_customers
from sounding.workflows.demo import DemoResult, run_demo
from sounding.workflows.users import add_user

TOKEN = "test-token"
PASSWORD = "correct horse battery"
ROLES = {"admin": "admin", "ed": "editor", "vi": "viewer"}
PWN = "window.__pwned=1"
XSS_TEXTS = [
    f"<script>{PWN}</script> pwn-script",
    f'<img src=x onerror="{PWN}"> pwn-img',
    f'<svg onload="{PWN}"><circle r=5 /></svg> pwn-svg',
    f"</title><script>{PWN}</script> pwn-title",
    '"><img src=x onerror=alert(1)> pwn-attr',
    f"</textarea><script>{PWN}</script> pwn-textarea",
    f"' onmouseover='{PWN}' x=' pwn-quote",
    "<a href=\"javascript:alert(1)\">click</a> pwn-link",
]
XSS_HANDLE = f'<img src=x onerror="{PWN}">'


def _hostile_batch(root: str, at: datetime, fans: list[str]) -> Batch:
    """Hostile replies, and ``fans`` who all answer the hostile actor (so that it ranks
    high on the actor map and leads a community)."""
    actor = Actor("bluesky:evil", "bluesky", XSS_HANDLE, display_name=f"<b>{XSS_HANDLE}</b>")
    items = [Item(f"bluesky:xss-{i}", "bluesky", actor.actor_id, text,
                  at + timedelta(minutes=i), kind="reply", parent_id=root, root_id=root,
                  url=f"javascript:{PWN}" if i % 2 else "https://example.org/<script>")
             for i, text in enumerate(XSS_TEXTS)]
    ties = [Interaction(f"bluesky:xss-tie-{i}-{k}", "bluesky", "reply", fan,
                        at + timedelta(minutes=i), target_actor_id=actor.actor_id)
            for i, fan in enumerate(fans) for k in range(3)]
    return Batch.from_records(actors=[actor], items=items, interactions=ties)


def _truth_labels(demo: DemoResult, rows: list[str]) -> list[list[str]]:
    """The simulator's reaction of each item (standing in for the model); a cycle for the
    items it does not know (the hostile ones)."""
    truth = json.loads(demo.truth_file.read_text(encoding="utf-8"))["reactions"]
    cycle = ("interest", "animosity", "neutral")
    return [[item, truth.get(item, cycle[i % 3])] for i, item in enumerate(rows)]


def _seed(store: Store, demo: DemoResult) -> None:
    root = "bluesky:post-0002"
    at = store.query("SELECT created_at FROM items WHERE item_id = ?", [root])[0][0].as_py()
    fans = store.query("SELECT actor_id FROM actors WHERE network = 'bluesky' "
                       "ORDER BY actor_id LIMIT 12").column(0).to_pylist()
    store.write(_hostile_batch(root, at + timedelta(hours=1), fans), kind="test",
                source="xss")
    import_customers(store, str(demo.customers_file), DEMO_IDS, DEMO_KEEP)
    with store.transaction() as con:
        rows = con.execute("SELECT item_id FROM items WHERE kind IN ('reply', 'quote', "
                           "'mention') AND account_id IS NULL ORDER BY item_id").fetchall()
        con.executemany("INSERT INTO enrichments (item_id, enricher, version, label) "
                        "VALUES (?, 'reaction', 'test-1', ?)",
                        _truth_labels(demo, [r[0] for r in rows]))
        queue = [("draft", "Our croissant of the week: pistachio", None),
                 ("draft", f"</textarea><script>{PWN}</script> queued pwn", None),
                 ("approved", "Behind the scenes at 5am", None),
                 ("published", "Lemon tart every day", "bluesky:post-0001")]
        con.execute("DELETE FROM queue")  # the demo's planned drafts: known ids instead
        con.executemany("INSERT INTO queue (queue_id, account_id, text, status, item_id, "
                        "variant) VALUES (?, 'bluesky:briochebramble.bsky.social', ?, ?, ?, "
                        "'{\"format\": \"photo\"}')",
                        [[i + 1, text, status, item]
                         for i, (status, text, item) in enumerate(queue)])
    for name, role in ROLES.items():
        add_user(store, name, PASSWORD, role)


@pytest.fixture(scope="session")
def seeded_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workspace with reaction labels (the simulator's truth), its customers, a queue,
    users and hostile items (built once)."""
    result = run_demo(tmp_path_factory.mktemp("demo") / "demo")
    with Store.open(result.workspace) as store:
        _seed(store, result)
    return result.workspace


@pytest.fixture
def web_store(seeded_workspace: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the seeded workspace for one test."""
    path = tmp_path / "web.duckdb"
    shutil.copy(seeded_workspace, path)
    store = Store.open(path)
    yield store
    store.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match[1]


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token, "next": "/items"})
    assert response.status_code == 200, response.text[:500]
    return csrf_of(response.text)


def signed_in(client: TestClient, lang: str, user: str = "ed") -> str:
    """Sign ``user`` in and switch the pages to ``lang``; returns the CSRF token."""
    token = sign_in(client, user)
    client.post("/lang", data={"lang": lang, "csrf_token": token, "next": "/overview"})
    return token


def alert_text(html: str) -> str:
    """The refusal a page shows (its role="alert" paragraph), unescaped."""
    match = re.search(r'role="alert">(.*?)</p>', html, re.S)
    assert match, "the page shows no refusal"
    return unescape(match[1])


@pytest.fixture
def client(web_store: Store) -> TestClient:
    return TestClient(create_app(web_store, TOKEN), base_url="http://127.0.0.1")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright")
