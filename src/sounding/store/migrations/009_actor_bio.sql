-- An actor's profile description (Bluesky `description`, Mastodon `note` as plain text):
-- what people say about themselves is what segment discovery reads as their topics.
ALTER TABLE actors ADD COLUMN IF NOT EXISTS bio VARCHAR;
