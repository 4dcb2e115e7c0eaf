-- An actor's profile description (Bluesky `description`, Mastodon `note` as plain text,
-- an import's `author_bio`): the words a group's bios share describe its segment or
-- community. Empty text means the network said there is none; null, that it did not say.
ALTER TABLE actors ADD COLUMN IF NOT EXISTS bio VARCHAR;
