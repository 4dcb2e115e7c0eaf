-- Alerts: where they go (channels), what triggers them (rules) and what was sent (alerts).
-- Channels hold no secret: an SMTP password or a webhook secret is the NAME of an
-- environment variable, read when sending. An alert's dedup_key is unique, and a rule
-- that keeps firing on adjacent windows extends its open alert (last_seen) instead of
-- sending a new one.
CREATE SEQUENCE alert_channel_ids START 1;
CREATE TABLE alert_channels (
    channel_id BIGINT PRIMARY KEY DEFAULT nextval('alert_channel_ids'),
    kind       VARCHAR NOT NULL CHECK (kind IN ('email', 'webhook')),
    target     VARCHAR NOT NULL,
    config     JSON NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE alert_rule_ids START 1;
CREATE TABLE alert_rules (
    rule_id    BIGINT PRIMARY KEY DEFAULT nextval('alert_rule_ids'),
    metric     VARCHAR NOT NULL CHECK (metric IN ('volume', 'animosity')),
    span       VARCHAR NOT NULL CHECK (span IN ('hour', 'day')),
    network    VARCHAR,
    alpha      DOUBLE NOT NULL DEFAULT 0.001,
    min_count  INTEGER NOT NULL DEFAULT 5,
    enabled    BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
-- The listening suites' defaults: the last hour against the previous 12, a day against 14.
INSERT INTO alert_rules (metric, span, min_count) VALUES
    ('volume', 'hour', 5), ('volume', 'day', 5),
    ('animosity', 'hour', 3), ('animosity', 'day', 3);

CREATE SEQUENCE alert_ids START 1;
CREATE TABLE alerts (
    alert_id     BIGINT PRIMARY KEY DEFAULT nextval('alert_ids'),
    rule_id      BIGINT NOT NULL,
    dedup_key    VARCHAR NOT NULL UNIQUE,
    window_start TIMESTAMPTZ NOT NULL,
    window_end   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    observed     DOUBLE NOT NULL,
    expected     DOUBLE NOT NULL,
    p_value      DOUBLE NOT NULL,
    message      VARCHAR NOT NULL,
    deliveries   JSON,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
