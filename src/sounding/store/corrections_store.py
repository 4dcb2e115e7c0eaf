"""Reads behind human corrections: the labelled items, the items worth a look, model scores.

A person's labels live in ``labels`` (a history; the newest row per item wins, as in the
``item_reactions`` view); the model's reaction probabilities in ``enrichments.scores``.
"""

from __future__ import annotations

import pyarrow as pa

from sounding.store.database import Store
from sounding.store.enrich_store import WANTS_REACTION

__all__ = ["corrected_items", "model_scores", "put_model_reactions", "review_candidates"]

# The newest reaction-model row of each item, with its probabilities read from the JSON.
_MODEL = """
    SELECT item_id, arg_max(label, created_at) AS model_label,
           arg_max(scores, created_at) AS scores
    FROM enrichments WHERE enricher = 'reaction' GROUP BY item_id
"""
_P = ("TRY_CAST(json_extract_string(m.scores, '$.p_{0}') AS DOUBLE) AS p_{0}")
_PROBABILITIES = ", ".join(_P.format(r) for r in ("interest", "animosity", "neutral"))


def corrected_items(store: Store) -> pa.Table:
    """Items a person labelled: item_id, text, label (the newest), username, labelled_at."""
    return store.query("""
        WITH human AS (
            SELECT item_id, arg_max(label, labelled_at) AS label,
                   arg_max(username, labelled_at) AS username, max(labelled_at) AS labelled_at
            FROM labels GROUP BY item_id
        )
        SELECT h.item_id, i.text, h.label, h.username, h.labelled_at
        FROM human h JOIN items i USING (item_id)
        ORDER BY h.item_id
    """)


def model_scores(store: Store, item_id: str) -> dict[str, object] | None:
    """The newest model label and probabilities of one item, or None."""
    rows = store.query(
        f"SELECT m.model_label, {_PROBABILITIES} FROM ({_MODEL}) m WHERE m.item_id = ?",
        [item_id]).to_pylist()
    return rows[0] if rows else None


def review_candidates(store: Store, n: int) -> pa.Table:
    """The ``n`` model-labelled, not person-labelled items most worth a human look.

    worth = (1 − top probability) × (1 + ln(1 + engagements) + ln(1 + followers) / 2),
    engagements being the likes, reposts, replies and quotes of the item's newest counter
    snapshot, followers its author's: doubtful labels that many people see come first.
    """
    return store.query(f"""
        WITH model AS ({_MODEL}),
        counters AS (
            SELECT item_id, arg_max(coalesce(likes, 0) + coalesce(reposts, 0)
                   + coalesce(replies, 0) + coalesce(quotes, 0), observed_at) AS engagements
            FROM metric_snapshots GROUP BY item_id
        ), scored AS (
            SELECT i.item_id, i.network, i.kind, i.created_at, i.text, m.model_label,
                   {_PROBABILITIES},
                   coalesce(c.engagements, 0) AS engagements,
                   coalesce(a.followers, 0) AS followers
            FROM model m JOIN items i USING (item_id)
            LEFT JOIN counters c USING (item_id)
            LEFT JOIN (SELECT actor_id, max(followers) AS followers FROM actors
                       GROUP BY actor_id) a ON a.actor_id = i.author_id
            WHERE i.item_id NOT IN (SELECT item_id FROM labels)
              AND {WANTS_REACTION}
        )
        SELECT *, (1 - greatest(p_interest, p_animosity, p_neutral))
                  * (1 + ln(1 + engagements) + ln(1 + followers) / 2) AS worth
        FROM scored
        WHERE p_interest IS NOT NULL AND p_animosity IS NOT NULL AND p_neutral IS NOT NULL
        ORDER BY worth DESC, item_id
        LIMIT ?
    """, [n])


def put_model_reactions(store: Store, rows: pa.Table, *, version: str) -> int:
    """Store reaction-model rows (item_id, label, p_interest, p_animosity, p_neutral,
    uncertain, flags), replacing the items' earlier reaction rows; returns how many."""
    with store.transaction() as con:
        con.register("_reactions", rows)
        con.execute("DELETE FROM enrichments WHERE enricher = 'reaction' "
                    "AND item_id IN (SELECT item_id FROM _reactions)")
        con.execute("""
            INSERT INTO enrichments (item_id, enricher, version, label, scores)
            SELECT item_id, 'reaction', ?, label,
                   to_json(struct_pack(p_interest := p_interest, p_animosity := p_animosity,
                                       p_neutral := p_neutral, uncertain := uncertain,
                                       flags := flags))
            FROM _reactions""", [version])
        con.unregister("_reactions")
    return int(rows.num_rows)
