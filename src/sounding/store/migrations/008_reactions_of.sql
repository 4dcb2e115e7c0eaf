-- The reactions of given items only: the same rule as the item_reactions view (the newest
-- human label wins over the newest model label), with the items named first so DuckDB
-- filters labels and enrichments before aggregating them. Asking the view for fifty
-- items aggregates every label of the workspace (about 0.4 s at a million items); this
-- reads only theirs (about 0.05 s).
CREATE MACRO item_reactions_of(ids) AS TABLE
WITH human AS (
    SELECT item_id, arg_max(label, labelled_at) AS label
    FROM labels WHERE item_id IN (SELECT unnest(ids)) GROUP BY item_id
), model AS (
    SELECT item_id, arg_max(label, created_at) AS label
    FROM enrichments
    WHERE enricher = 'reaction' AND label IS NOT NULL AND item_id IN (SELECT unnest(ids))
    GROUP BY item_id
)
SELECT coalesce(h.item_id, m.item_id) AS item_id,
       coalesce(h.label, m.label) AS label,
       CASE WHEN h.item_id IS NULL THEN 'model' ELSE 'human' END AS source,
       m.label AS model_label
FROM human h FULL OUTER JOIN model m ON h.item_id = m.item_id;
