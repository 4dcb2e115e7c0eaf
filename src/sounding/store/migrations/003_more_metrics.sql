-- Counters that exports give and APIs mostly do not: reach, saves, link clicks.
ALTER TABLE metric_snapshots ADD COLUMN reach BIGINT;
ALTER TABLE metric_snapshots ADD COLUMN saves BIGINT;
ALTER TABLE metric_snapshots ADD COLUMN clicks BIGINT;
