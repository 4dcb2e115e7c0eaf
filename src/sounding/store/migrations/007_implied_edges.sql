-- Reply and quote edges are implied by the items that are replies, comments and quotes: an
-- import stored each of them twice (an item and an interaction row), which made
-- interactions the largest write of an import. `implied_edges` states the rule once: one
-- edge per audience reply, comment (a reply edge) or quote item that names its parent, not
-- for the brand's own answers. Stored interaction rows keep what only a collector knows
-- (likes, reposts, follows, mentions, edges to items not stored); the `interactions` view
-- adds the implied edges that no stored row already describes (same kind, actor, target
-- and time), and the write path does not store a row that an implied edge describes.
ALTER TABLE interactions RENAME TO interaction_rows;

CREATE VIEW implied_edges AS
SELECT e.kind || ':' || i.item_id AS interaction_id, i.network, e.kind,
       i.author_id AS actor_id, i.created_at, i.parent_id AS target_item_id, i.run_id
FROM items i,
     LATERAL (SELECT CASE i.kind WHEN 'comment' THEN 'reply' ELSE i.kind END AS kind) e
WHERE i.kind IN ('reply', 'comment', 'quote') AND i.parent_id IS NOT NULL
  AND i.account_id IS NULL;

CREATE VIEW interactions AS
SELECT interaction_id, network, kind, actor_id, created_at, target_item_id, target_actor_id,
       run_id
FROM interaction_rows
UNION ALL
SELECT e.interaction_id, e.network, e.kind, e.actor_id, e.created_at, e.target_item_id,
       NULL, e.run_id
FROM implied_edges e
WHERE NOT EXISTS (
    SELECT 1 FROM interaction_rows r
    WHERE r.kind = e.kind AND r.actor_id = e.actor_id
      AND r.target_item_id = e.target_item_id AND r.created_at = e.created_at
);
