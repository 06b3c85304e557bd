-- When a sync first saw each episode: an episode is new for a profile when it came after the
-- profile last watched (or began following) its title. Episodes there were before stay NULL,
-- never new.
ALTER TABLE episodes ADD COLUMN first_seen_at INTEGER;
