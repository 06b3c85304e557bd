-- When a sync last brought a new episode of each title (the latest `episodes.first_seen_at`),
-- kept on the title so the home's "New episodes of your titles" weighs each followed title by
-- one row instead of all its episodes. NULL: no episode came after the library had the title.
ALTER TABLE titles ADD COLUMN episodes_seen_at INTEGER;
UPDATE titles SET episodes_seen_at =
    (SELECT max(e.first_seen_at) FROM episodes e WHERE e.title_id = titles.id);
