-- An actor's identity on its network that outlives a handle (a Bluesky DID): the write
-- path renames an actor whose handle changed instead of storing a second one (see
-- store/renames.py). Null where the source does not say (imports, Mastodon).
ALTER TABLE actors ADD COLUMN IF NOT EXISTS native_id VARCHAR;
