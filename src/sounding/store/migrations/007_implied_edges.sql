-- Reply and quote edges are implied by the items that are replies and quotes: an import
-- stored each of them twice (an item and an interaction row), which made interactions the
-- largest write of an import. Stored interaction rows keep what only a collector knows
-- (likes, reposts, follows, mentions, and edges whose target item is not stored); the
-- `interactions` view adds one reply or quote edge per reply or quote item of the audience
-- (not the brand's own answers) that has no stored row for the same actor, target and time.
ALTER TABLE interactions RENAME TO interaction_rows;

CREATE VIEW interactions AS
SELECT interaction_id, network, kind, actor_id, created_at, target_item_id, target_actor_id,
       run_id
FROM interaction_rows
UNION ALL
SELECT i.kind || ':' || i.item_id, i.network, i.kind, i.author_id, i.created_at,
       i.parent_id, NULL, i.run_id
FROM items i
WHERE i.kind IN ('reply', 'quote') AND i.parent_id IS NOT NULL AND i.account_id IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM interaction_rows r
      WHERE r.kind = i.kind AND r.actor_id = i.author_id
        AND r.target_item_id = i.parent_id AND r.created_at = i.created_at
  );
