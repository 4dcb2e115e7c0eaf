-- The data model of DESIGN.md. Keys are `network:native_id` strings.
-- The large tables carry no PRIMARY KEY: DuckDB's index would make bulk loads several
-- times slower. Their keys are kept unique by the store's write path (store/writes.py),
-- the only writer, which stages every batch and inserts only keys it does not hold.
CREATE TABLE accounts (
    account_id  VARCHAR PRIMARY KEY,
    network     VARCHAR NOT NULL,
    handle      VARCHAR NOT NULL,
    actor_id    VARCHAR NOT NULL,
    added_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE actors (
    actor_id     VARCHAR NOT NULL,
    network      VARCHAR NOT NULL,
    handle       VARCHAR NOT NULL,
    display_name VARCHAR,
    lang         VARCHAR,
    followers    BIGINT,
    first_seen   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE items (
    item_id     VARCHAR NOT NULL,
    network     VARCHAR NOT NULL,
    author_id   VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    kind        VARCHAR NOT NULL,
    parent_id   VARCHAR,
    root_id     VARCHAR,
    url         VARCHAR,
    account_id  VARCHAR,
    run_id      BIGINT,
    stored_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE interactions (
    interaction_id  VARCHAR NOT NULL,
    network         VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    actor_id        VARCHAR NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    target_item_id  VARCHAR,
    target_actor_id VARCHAR,
    run_id          BIGINT
);

-- Counters are a history: a row is appended only when they change.
CREATE TABLE metric_snapshots (
    item_id     VARCHAR NOT NULL,
    observed_at TIMESTAMPTZ NOT NULL,
    likes       BIGINT,
    reposts     BIGINT,
    replies     BIGINT,
    quotes      BIGINT,
    impressions BIGINT,
    run_id      BIGINT
);

CREATE TABLE account_snapshots (
    account_id  VARCHAR NOT NULL,
    observed_at TIMESTAMPTZ NOT NULL,
    followers   BIGINT NOT NULL,
    following   BIGINT,
    posts       BIGINT,
    run_id      BIGINT
);

CREATE TABLE variants (
    item_id VARCHAR NOT NULL,
    factor  VARCHAR NOT NULL,
    level   VARCHAR NOT NULL
);

CREATE TABLE enrichments (
    item_id    VARCHAR NOT NULL,
    enricher   VARCHAR NOT NULL,
    version    VARCHAR NOT NULL,
    label      VARCHAR,
    scores     JSON,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- Customers are known only by salted hashes of their identifiers.
CREATE TABLE customers (
    customer_key VARCHAR PRIMARY KEY,
    attributes   JSON,
    imported_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE cursors (
    source     VARCHAR PRIMARY KEY,
    cursor     VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE queue_ids START 1;
CREATE TABLE queue (
    queue_id     BIGINT PRIMARY KEY DEFAULT nextval('queue_ids'),
    account_id   VARCHAR NOT NULL,
    text         VARCHAR NOT NULL,
    variant      JSON,
    scheduled_at TIMESTAMPTZ,
    status       VARCHAR NOT NULL DEFAULT 'draft',
    item_id      VARCHAR,
    error        VARCHAR,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE run_ids START 1;
CREATE TABLE runs (
    run_id      BIGINT PRIMARY KEY DEFAULT nextval('run_ids'),
    kind        VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    finished_at TIMESTAMPTZ,
    status      VARCHAR NOT NULL DEFAULT 'running',
    stats       JSON
);
