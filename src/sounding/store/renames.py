"""Actors whose handle changed: the stored actor takes the new key before a batch is written.

Actors are keyed by handle (``bluesky:alice.bsky.social``), since an export names only
handles, and a Bluesky edge's key embeds its actor's handle (``like:alice.bsky.social:…``).
A handle can change while the network's own id (a DID, ``actors.native_id``) stays: when
an incoming actor carries a native id that a stored actor of another key holds, that
actor, its items and its edges are renamed to the incoming key, so the batch then meets
them as already stored instead of storing the same person and reactions twice.

A handle given up can be taken by someone else: an incoming actor whose key a stored actor
of another native id holds would merge two people. The stored one is first parked under
``network:native_id`` (its handle the id itself), and takes its new handle's key when that
arrives, as any renamed actor does.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["rename_actors"]

# Stored actors holding an incoming native id under another key: one row per old key.
_FIND = """
SELECT DISTINCT ON (a.actor_id) a.network, a.actor_id AS old_id, a.handle AS old_handle,
       s.actor_id AS new_id, s.handle AS new_handle
FROM actors a JOIN _arrivals s ON a.network = s.network AND a.native_id = s.native_id
WHERE a.actor_id <> s.actor_id
ORDER BY a.actor_id, s.actor_id
"""
# Stored actors whose key an incoming actor of another native id takes: parked under
# their own native id.
_DISPLACED = """
SELECT DISTINCT ON (a.actor_id) a.network, a.actor_id AS old_id, a.handle AS old_handle,
       a.network || ':' || a.native_id AS new_id, a.native_id AS new_handle
FROM actors a JOIN _arrivals s ON a.actor_id = s.actor_id
WHERE a.native_id IS NOT NULL AND a.native_id <> s.native_id
ORDER BY a.actor_id
"""
# The renamed actor's stored edges, with the key each takes: ``network:kind:handle:…``
# with the new handle; an edge keyed otherwise keeps its key.
_EDGES = """
SELECT r.interaction_id AS old_key, m.new_id,
       CASE WHEN starts_with(r.interaction_id, p.prefix || m.old_handle || ':')
            THEN p.prefix || m.new_handle || ':'
                 || substr(r.interaction_id, length(p.prefix || m.old_handle || ':') + 1)
            ELSE r.interaction_id END AS new_key
FROM interaction_rows r JOIN _renames m ON r.actor_id = m.old_id AND r.network = m.network,
     LATERAL (SELECT r.network || ':' || r.kind || ':' AS prefix) p
"""
_MOVE = (
    # An edge already stored under its new key (an earlier write of the new handle) is
    # that edge: the copy under the old key goes, the other is kept.
    "DELETE FROM interaction_rows WHERE interaction_id IN (SELECT old_key FROM _edges "
    "WHERE new_key <> old_key AND new_key IN (SELECT interaction_id FROM interaction_rows))",
    "UPDATE interaction_rows SET interaction_id = e.new_key, actor_id = e.new_id "
    "FROM _edges e WHERE interaction_rows.interaction_id = e.old_key",
    "UPDATE interaction_rows SET target_actor_id = m.new_id FROM _renames m "
    "WHERE interaction_rows.target_actor_id = m.old_id",
    # A post's address names its author's handle (bsky.app/profile/HANDLE/post/…).
    "UPDATE items SET author_id = m.new_id, "
    "url = replace(url, '/' || m.old_handle || '/', '/' || m.new_handle || '/') "
    "FROM _renames m WHERE items.author_id = m.old_id",
    "UPDATE accounts SET actor_id = m.new_id FROM _renames m WHERE accounts.actor_id = m.old_id",
    # Both keys stored (an import knew the new handle): one actor, the older first_seen,
    # what only the old row knew kept.
    "UPDATE actors SET display_name = coalesce(actors.display_name, o.display_name), "
    "lang = coalesce(actors.lang, o.lang), followers = coalesce(actors.followers, o.followers), "
    "bio = coalesce(actors.bio, o.bio), native_id = coalesce(actors.native_id, o.native_id), "
    "first_seen = least(actors.first_seen, o.first_seen) "
    "FROM _renames m JOIN actors o ON o.actor_id = m.old_id WHERE actors.actor_id = m.new_id",
    "DELETE FROM actors WHERE actor_id IN "
    "(SELECT old_id FROM _renames WHERE new_id IN (SELECT actor_id FROM actors))",
    "UPDATE actors SET actor_id = m.new_id, handle = m.new_handle FROM _renames m "
    "WHERE actors.actor_id = m.old_id",
)


def _fetch(con: Any, sql: str) -> pa.Table:
    table: pa.Table = con.sql(sql).to_arrow_table()
    return table


def rename_actors(con: Any, actors: pa.Table) -> None:
    """Give the stored actors whose handle changed their incoming key, everywhere it is
    used, after parking those whose handle someone else now holds. Free when no incoming
    actor carries a native id (imports); otherwise two joins find them. The caller owns
    the transaction."""
    native = actors["native_id"]
    if native.null_count == len(native):
        return
    con.register("_arrivals", actors.filter(pc.is_valid(native)))
    for find in (_DISPLACED, _FIND):  # a parked actor may take its new handle at once
        renames = _fetch(con, find)
        if renames.num_rows:
            _move(con, renames)
    con.unregister("_arrivals")


def _move(con: Any, renames: pa.Table) -> None:
    """Rename each ``old_id`` to its ``new_id`` in actors, edges, items and accounts."""
    con.register("_renames", renames)
    con.register("_edges", _fetch(con, _EDGES))
    for statement in _MOVE:
        con.execute(statement)
    con.unregister("_edges")
    con.unregister("_renames")
