-- Connectors: where each account lives and which variable holds its secret (never the
-- secret itself), listening queries and their hits, and what publishing needs to
-- never post twice (the key chosen before sending, the network's URI once known).
ALTER TABLE accounts ADD COLUMN service_url VARCHAR;
ALTER TABLE accounts ADD COLUMN credential_env VARCHAR;

ALTER TABLE queue ADD COLUMN images JSON;
ALTER TABLE queue ADD COLUMN idempotency_key VARCHAR;
ALTER TABLE queue ADD COLUMN remote_uri VARCHAR;
ALTER TABLE queue ADD COLUMN attempted_at TIMESTAMPTZ;
ALTER TABLE queue ADD COLUMN published_at TIMESTAMPTZ;

CREATE SEQUENCE listening_ids START 1;
CREATE TABLE listening_queries (
    query_id   BIGINT PRIMARY KEY DEFAULT nextval('listening_ids'),
    account_id VARCHAR NOT NULL,
    query      VARCHAR NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT true,
    added_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    UNIQUE (account_id, query)
);

CREATE TABLE listening_hits (
    query_id BIGINT NOT NULL,
    item_id  VARCHAR NOT NULL,
    found_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (query_id, item_id)
);
