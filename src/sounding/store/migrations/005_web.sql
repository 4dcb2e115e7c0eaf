-- The dashboard: people who may sign in, their sessions, and the reaction labels they
-- correct. Passwords are argon2 hashes; sessions are stored as SHA-256 hashes of the
-- cookie value, so a copy of the file lets no one sign in as someone else.
CREATE TABLE users (
    username      VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,
    role          VARCHAR NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    lang          VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE sessions (
    session_hash VARCHAR PRIMARY KEY,
    username     VARCHAR NOT NULL,
    csrf_token   VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    expires_at   TIMESTAMPTZ NOT NULL
);

-- A history: the latest row per item is the human label, which overrides the model's.
CREATE TABLE labels (
    item_id     VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    username    VARCHAR NOT NULL,
    labelled_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- The reaction of every labelled item: a person's label when there is one, else the
-- newest model label. Every read of reaction labels should join this view.
CREATE VIEW item_reactions AS
WITH human AS (
    SELECT item_id, arg_max(label, labelled_at) AS label, max(labelled_at) AS at
    FROM labels GROUP BY item_id
), model AS (
    SELECT item_id, arg_max(label, created_at) AS label, max(created_at) AS at
    FROM enrichments WHERE enricher = 'reaction' AND label IS NOT NULL GROUP BY item_id
)
SELECT coalesce(h.item_id, m.item_id) AS item_id,
       coalesce(h.label, m.label) AS label,
       CASE WHEN h.item_id IS NULL THEN 'model' ELSE 'human' END AS source,
       m.label AS model_label
FROM human h FULL OUTER JOIN model m ON h.item_id = m.item_id;
