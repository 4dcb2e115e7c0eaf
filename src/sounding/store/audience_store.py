"""Store functions for the audience: the salt, hashed customers, actor profiles and edges.

Everything here is SQL over the workspace's tables; values travel as bound parameters or
registered Arrow tables. No clear identifier is ever written: the callers hand over
hashes only.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import pyarrow as pa

from sounding.store.database import Store
from sounding.store.reads import TO_BRAND

__all__ = [
    "GRAPH_KINDS",
    "actor_handles",
    "actor_languages",
    "actor_levels",
    "actor_profiles",
    "customer_attributes",
    "customer_hashes",
    "graph_edges",
    "put_labels",
    "replace_customers",
    "workspace_salt",
]

GRAPH_KINDS = ("reply", "mention", "repost", "quote")
_BRAND = "(SELECT actor_id FROM accounts)"
_SALT = "customer_salt"


def workspace_salt(store: Store) -> str:
    """The workspace's secret salt for customer identifiers, made on first use."""
    with store.transaction() as con:
        con.execute("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [_SALT, secrets.token_hex(32)])
        row = con.execute("SELECT value FROM settings WHERE name = ?", [_SALT]).fetchall()
    return str(row[0][0])


def _merged_attributes(con: Any, keys: list[str], attributes: list[str]
                       ) -> tuple[list[str], list[bool]]:
    """Each customer's attributes after this file: those it keeps replace the stored ones
    (a blank cell makes one unknown), the others stay (a file imported without ``--keep
    plan`` does not wipe the plans); and whether they changed."""
    con.register("_keys", pa.table({"customer_key": pa.array(keys, pa.string())}))
    stored = {k: json.loads(v) for k, v in con.execute(
        "SELECT customer_key, attributes::VARCHAR FROM customers "
        "WHERE customer_key IN (SELECT customer_key FROM _keys)").fetchall()}
    con.unregister("_keys")
    merged, changed = [], []
    for key, given in zip(keys, attributes, strict=True):
        before = stored.get(key)
        after = {**(before or {}), **json.loads(given)}
        merged.append(json.dumps(after, sort_keys=True))
        changed.append(before is not None and after != before)
    return merged, changed


def replace_customers(store: Store, keys: list[str], attributes: list[str],
                      ids: list[tuple[str, str, str]]) -> tuple[int, int]:
    """Upsert customers and their hashed ids in one transaction; returns (new, updated).
    A row that shares an identifier with a stored customer of another key is that customer
    (its key came from whichever --id was named first, or from an e-mail since changed):
    it takes the stored key, so a file imported with its --id in another order, or a
    customer whose e-mail changed, is not stored twice."""
    with store.transaction() as con:
        remap = _stored_keys(con, keys, ids)
        keys = [remap.get(k, k) for k in keys]
        ids = [(remap.get(k, k), kind, h) for k, kind, h in ids]
        attributes, changed = _merged_attributes(con, keys, attributes)
        people = pa.table({"customer_key": pa.array(keys, pa.string()),
                           "attributes": pa.array(attributes, pa.string()),
                           "changed": pa.array(changed, pa.bool_())})
        hashes = pa.table({name: pa.array([row[i] for row in ids], pa.string())
                           for i, name in enumerate(("customer_key", "id_kind", "id_hash"))})
        con.register("_people", people)
        con.register("_hashes", hashes)
        new = con.execute("SELECT count(*) FROM _people ANTI JOIN customers USING "
                          "(customer_key)").fetchall()[0][0]
        # changed: other attributes, or another set of identifiers (a file that names
        # other id columns changes how customers are matched)
        updated = con.execute("""
            WITH stored AS (
                SELECT customer_key, list_sort(list(id_kind || ':' || id_hash)) AS ids
                FROM customer_ids WHERE customer_key IN (SELECT customer_key FROM _people)
                GROUP BY customer_key
            ), given AS (
                SELECT customer_key, list_sort(list(id_kind || ':' || id_hash)) AS ids
                FROM (SELECT DISTINCT customer_key, id_kind, id_hash FROM _hashes)
                GROUP BY customer_key
            )
            SELECT count(*) FROM _people p JOIN customers c USING (customer_key)
            LEFT JOIN stored s USING (customer_key) LEFT JOIN given g USING (customer_key)
            WHERE p.changed OR s.ids IS DISTINCT FROM g.ids""").fetchall()[0][0]
        con.execute("INSERT INTO customers (customer_key, attributes) "
                    "SELECT customer_key, attributes::JSON FROM _people "
                    "ON CONFLICT (customer_key) DO UPDATE SET attributes = excluded.attributes")
        con.execute("DELETE FROM customer_ids WHERE customer_key IN "
                    "(SELECT customer_key FROM _people)")
        con.execute("INSERT INTO customer_ids SELECT DISTINCT customer_key, id_kind, id_hash "
                    "FROM _hashes")
        con.unregister("_people")
        con.unregister("_hashes")
    return int(new), int(updated)


# Which identifier names a customer first when several match stored ones.
_ID_PRIORITY = {"id": 0, "email": 1, "handle": 2}


def _stored_keys(con: Any, keys: list[str], ids: list[tuple[str, str, str]]
                 ) -> dict[str, str]:
    """Incoming key → the stored customer's key it shares an identifier with, for rows
    whose own key is not stored; a stored key is taken by one incoming row at most."""
    if not ids:
        return {}
    given = pa.table({name: pa.array([row[i] for row in ids], pa.string())
                      for i, name in enumerate(("customer_key", "id_kind", "id_hash"))})
    con.register("_given", given)
    try:
        own = {r[0] for r in con.execute(
            "SELECT DISTINCT customer_key FROM customers WHERE customer_key IN "
            "(SELECT customer_key FROM _given)").fetchall()}
        found = con.execute(
            "SELECT DISTINCT g.customer_key, c.customer_key, g.id_kind FROM _given g "
            "JOIN customer_ids c USING (id_kind, id_hash) "
            "WHERE c.customer_key <> g.customer_key").fetchall()
    finally:
        con.unregister("_given")
    taken, remap = set(keys), {}
    for incoming, stored, _ in sorted(found, key=lambda r: (r[0], _ID_PRIORITY.get(r[2], 9),
                                                            r[1])):
        if incoming in own or incoming in remap or stored in taken:
            continue
        remap[incoming] = stored
        taken.add(stored)
    return remap


def customer_hashes(store: Store) -> pa.Table:
    """Every customer's hashed identifiers: customer_key, id_kind, id_hash."""
    return store.query("SELECT customer_key, id_kind, id_hash FROM customer_ids "
                       "ORDER BY customer_key, id_kind, id_hash")


def customer_attributes(store: Store) -> pa.Table:
    """Every customer's key and kept CRM attributes (a JSON object as text)."""
    return store.query("SELECT customer_key, attributes::VARCHAR AS attributes FROM customers "
                       "ORDER BY customer_key")


def actor_handles(store: Store) -> pa.Table:
    """Every actor but the brand's own: actor_id, network, handle, lang, followers, bio and
    native_id (the network's own id, a Bluesky DID, where it said one)."""
    return store.query("SELECT actor_id, network, handle, lang, followers, bio, native_id "
                       "FROM actors "
                       f"WHERE actor_id NOT IN {_BRAND} ORDER BY actor_id")


def actor_profiles(store: Store) -> pa.Table:
    """Per engaged actor: who, language, audience, bio, engagements, reactions, times.

    Engaged means reacting to the brand as the KPIs count it (``reads.TO_BRAND``): its
    written reactions, and the likes and reposts of the brand's items. A post a listening
    query found is the conversation at large, not an engagement, unless the network said
    it mentions the brand. ``lang`` is the profile's; the language the actor writes in
    (``actor_languages``) is preferred by the caller.
    """
    return store.query(f"""
        WITH RECURSIVE {TO_BRAND}, marks AS (
            SELECT actor_id, created_at FROM interactions
            WHERE kind IN ('like', 'repost') AND actor_id NOT IN {_BRAND}
              AND target_item_id IN (SELECT item_id FROM brand)
        ), labels AS (  -- a person's correction wins over the model's label
            SELECT item_id, label AS reaction FROM item_reactions
        ), written AS (
            SELECT i.item_id, i.author_id AS actor_id, i.created_at, l.reaction
            FROM items i LEFT JOIN labels l USING (item_id)
            WHERE i.item_id IN (SELECT item_id FROM to_brand)
              AND i.author_id NOT IN {_BRAND}
        ), events AS (
            SELECT actor_id, created_at, NULL::VARCHAR AS reaction, 0 AS wrote FROM marks
            UNION ALL SELECT actor_id, created_at, reaction, 1 FROM written
        )
        SELECT v.actor_id, a.network, a.handle, a.lang, a.followers, any_value(a.bio) AS bio,
               count(*) AS engagements, sum(v.wrote) AS written,
               count(*) FILTER (WHERE v.reaction = 'interest') AS interest,
               count(*) FILTER (WHERE v.reaction = 'animosity') AS animosity,
               count(*) FILTER (WHERE v.reaction = 'neutral') AS neutral,
               min(v.created_at) AS first_at, max(v.created_at) AS last_at
        FROM events v JOIN actors a USING (actor_id)
        GROUP BY ALL ORDER BY v.actor_id
    """)


def actor_languages(store: Store) -> pa.Table:
    """Per actor who wrote anything: the most frequent 'language' label of its items (a
    tie goes to the first label alphabetically), which wins over the profile's ``lang``."""
    return store.query("""
        WITH spoken_counts AS (
            SELECT i.author_id AS actor_id, e.label, count(*) AS n
            FROM items i JOIN enrichments e ON e.item_id = i.item_id
            WHERE e.enricher = 'language' AND e.label IS NOT NULL
              AND e.label <> 'und'  -- undetermined (an empty text): no language
            GROUP BY ALL
        )
        SELECT actor_id, first(label ORDER BY n DESC, label) AS lang
        FROM spoken_counts GROUP BY actor_id ORDER BY actor_id
    """)


def actor_levels(store: Store) -> pa.Table:
    """Per actor, factor and level: engagements with brand posts of that variant level."""
    return store.query(f"""
        SELECT x.actor_id, v.factor, v.level, count(*) AS n
        FROM interactions x
        JOIN items t ON t.item_id = x.target_item_id
        JOIN variants v ON v.item_id = coalesce(t.root_id, t.item_id)
        WHERE x.kind IN ('like', 'repost', 'reply', 'quote') AND x.actor_id NOT IN {_BRAND}
        GROUP BY ALL ORDER BY ALL
    """)


def graph_edges(store: Store) -> pa.Table:
    """Directed actor → actor edges: source, target, weight and one count per kind."""
    kinds = ", ".join(f"count(*) FILTER (WHERE x.kind = '{k}') AS {k}" for k in GRAPH_KINDS)
    marks = ", ".join(f"'{k}'" for k in GRAPH_KINDS)
    return store.query(f"""
        SELECT x.actor_id AS source, coalesce(x.target_actor_id, t.author_id) AS target,
               count(*) AS weight, {kinds}
        FROM interactions x LEFT JOIN items t ON t.item_id = x.target_item_id
        WHERE x.kind IN ({marks})
          AND coalesce(x.target_actor_id, t.author_id) IS NOT NULL
          AND coalesce(x.target_actor_id, t.author_id) <> x.actor_id
        GROUP BY ALL ORDER BY source, target
    """)


def put_labels(store: Store, labels: pa.Table, *, enricher: str, version: str) -> int:
    """Store labels (item_id, label) of one enricher, replacing that version's earlier ones."""
    table = labels.select(["item_id", "label"]).cast(
        pa.schema([("item_id", pa.string()), ("label", pa.string())]))
    with store.transaction() as con:
        con.register("_labels", table)
        con.execute("DELETE FROM enrichments WHERE enricher = ? AND version = ? "
                    "AND item_id IN (SELECT item_id FROM _labels)", [enricher, version])
        con.execute("INSERT INTO enrichments (item_id, enricher, version, label) "
                    "SELECT item_id, ?, ?, label FROM _labels", [enricher, version])
        con.unregister("_labels")
    return int(table.num_rows)
