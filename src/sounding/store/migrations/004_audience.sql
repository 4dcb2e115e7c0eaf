-- Know the audience: the workspace's secret salt and the customers' hashed identifiers.
-- A customer is known only by keyed hashes (HMAC-SHA256 with the salt) of each of its
-- identifiers; the clear values never reach the database. The salt never leaves it.
CREATE TABLE IF NOT EXISTS settings (
    name       VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS customer_ids (
    customer_key VARCHAR NOT NULL,
    id_kind      VARCHAR NOT NULL,
    id_hash      VARCHAR NOT NULL,
    PRIMARY KEY (customer_key, id_kind, id_hash)
);
CREATE INDEX IF NOT EXISTS customer_ids_hash ON customer_ids (id_hash);
