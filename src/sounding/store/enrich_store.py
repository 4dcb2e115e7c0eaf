"""Reads and writes of enrichments: which items still need a label, and storing labels."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from sounding.store.database import Store
from sounding.store.reads import REACTION_KINDS as REACTION_SQL

__all__ = ["REACTION_KINDS", "WANTS_REACTION", "items_to_enrich", "put_enrichments",
           "reaction_confidence"]

REACTION_KINDS = ("reply", "quote", "comment", "mention")
# Which items take a reaction label, from the model or from a person: a reply, quote,
# comment or mention written by someone else than the brand (an SQL condition on items).
WANTS_REACTION = f"(kind IN {REACTION_SQL} AND account_id IS NULL)"


def items_to_enrich(store: Store, version: str, *, redo: bool = False,
                    batch: int = 50_000) -> Iterator[pa.Table]:
    """Batches of (item_id, text, wants_reaction) not yet enriched by this model version.

    Every item gets a language; replies, quotes, comments and mentions written by someone
    else than the brand also get a reaction.
    """
    done = "" if redo else (
        "AND item_id NOT IN (SELECT item_id FROM enrichments "
        "WHERE enricher = 'language' AND version = ?)")
    todo = store.query(
        f"SELECT item_id FROM items WHERE TRUE {done} ORDER BY item_id",
        [] if redo else [version],
    ).column(0).to_pylist()
    for start in range(0, len(todo), batch):
        ids = todo[start:start + batch]
        yield store.query(
            f"SELECT item_id, text, {WANTS_REACTION} AS wants_reaction "
            "FROM items WHERE item_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY item_id",
            [ids],
        )


def put_enrichments(store: Store, rows: pa.Table, *, enricher: str, version: str) -> int:
    """Replace the item's labels of this enricher by ``rows`` (item_id, label, and the
    scores columns p_interest, p_animosity, p_neutral, uncertain, flags when present)."""
    score_cols = [c for c in ("p_interest", "p_animosity", "p_neutral", "uncertain", "flags")
                  if c in rows.column_names]
    scores = ("to_json(struct_pack(" + ", ".join(f"{c} := {c}" for c in score_cols) + "))"
              if score_cols else "NULL")
    with store.transaction() as con:
        con.register("_labels", rows)
        con.execute("DELETE FROM enrichments WHERE enricher = ? "
                    "AND item_id IN (SELECT item_id FROM _labels)", [enricher])
        count = con.execute(
            "INSERT INTO enrichments (item_id, enricher, version, label, scores) "
            f"SELECT item_id, ?, ?, label, {scores} FROM _labels", [enricher, version]
        ).fetchall()[0][0]
        con.unregister("_labels")
    return int(count)


def reaction_confidence(store: Store, item_ids: list[str]) -> dict[str, float]:
    """The newest reaction model's probability for its own label, per given item."""
    if not item_ids:
        return {}
    rows = store.query("""
        SELECT item_id, arg_max(TRY_CAST(json_extract_string(scores, '$.p_' || label)
                                         AS DOUBLE), created_at) AS p
        FROM enrichments
        WHERE enricher = 'reaction' AND label IS NOT NULL AND item_id IN (SELECT unnest(?))
        GROUP BY item_id""", [item_ids])
    return {i: float(p) for i, p in zip(rows["item_id"].to_pylist(), rows["p"].to_pylist(),
                                        strict=True) if p is not None}
