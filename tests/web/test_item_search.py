"""Item search: the label filter that reads the newest candidates first finds exactly the
page a plain query over every label finds, including when it must widen its window."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from sounding.store import Store
from sounding.store import web_store as ws
from sounding.workflows.labels import correct_label

from .conftest import sign_in


def _reference(store: Store, label: str, kind: str | None, limit: int, offset: int
               ) -> list[str]:
    member = ("i.item_id NOT IN (SELECT item_id FROM item_reactions)" if label == "none"
              else "i.item_id IN (SELECT item_id FROM item_reactions WHERE label = ?)")
    params: list[Any] = [] if label == "none" else [label]
    where = "TRUE"
    if kind:
        where, params = "i.kind = ?", [kind, *params]
    rows = store.query(f"SELECT item_id FROM items i WHERE {where} AND {member} "
                       "ORDER BY created_at DESC, item_id LIMIT ? OFFSET ?",
                       [*params, limit, offset])
    return rows.column(0).to_pylist()


@pytest.mark.parametrize("windows", [(3, 7, 40), ws._LABEL_WINDOWS])
def test_label_pages_match_a_plain_query(web_store: Store, windows: tuple[int, ...],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ws, "_LABEL_WINDOWS", windows)
    newest = web_store.query("SELECT item_id FROM items WHERE kind = 'reply' "
                              "ORDER BY created_at DESC, item_id LIMIT 1").column(0)[0].as_py()
    correct_label(web_store, newest, "animosity", "ed")  # a human label wins
    for label in ("interest", "animosity", "neutral", "none"):
        for kind in (None, "reply", "post"):
            for limit, offset in ((5, 0), (5, 10), (50, 0), (20, 300)):
                found = ws.search_items(web_store, label=label, kind=kind,
                                               limit=limit, offset=offset)
                assert [r["item_id"] for r in found] == _reference(
                    web_store, label, kind, limit, offset), (label, kind, limit, offset)
    first = ws.search_items(web_store, label="animosity", kind="reply", limit=1)
    assert first[0]["item_id"] == newest



def test_search_ignores_accents_and_case_both_ways(client: TestClient,
                                                   web_store: Store) -> None:
    texts = {"bluesky:post-0003": "Un Café crème, s'il vous plaît",
             "bluesky:post-0004": "ÉTÉ INDIEN au fournil, 100% beurre",
             "bluesky:post-0005": "cafe noir, sans accent",
             "bluesky:post-0006": "ete indien, sans accent"}
    with web_store.transaction() as con:
        con.executemany("UPDATE items SET text = ? WHERE item_id = ?",
                        [[text, item] for item, text in texts.items()])
    sign_in(client, "vi")

    def found(query: str) -> set[str]:
        rows = client.get("/items.json", params={"q": query}).json()["items"]
        return {r["item_id"] for r in rows}
    assert found("cafe") >= {"bluesky:post-0003", "bluesky:post-0005"}
    assert found("CAFÉ") >= {"bluesky:post-0003", "bluesky:post-0005"}
    assert found("Ete indien") == {"bluesky:post-0004", "bluesky:post-0006"}
    assert found("été INDIEN") == {"bluesky:post-0004", "bluesky:post-0006"}
    assert found("0% beurre") == {"bluesky:post-0004"}  # % is a character, not a wildcard
    assert found("0%beurre") == set()
    assert found("café'; DROP TABLE items; --") == set()
    assert web_store.query("SELECT count(*) FROM items").column(0)[0].as_py() > 0
