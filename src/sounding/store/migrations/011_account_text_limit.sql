-- The most characters a post may have, as the account's own server last said (a Mastodon
-- instance's `configuration.statuses.max_characters`, read by collect and publish), so a
-- text is held to it when queued; null where it was never read (Mastodon's default 500
-- holds then) or the network's limit is fixed (Bluesky).
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS max_characters INTEGER;
