-- getanime schema, version 5: which installed plugins are trackers (they never sync a catalog),
-- and the per-episode marks an account and this library last agreed on (the merge base of
-- timecodes, as account_titles is for lists). Shipped migrations never change: add V6__...

-- 'provider' for sources, 'tracker' for account plugins (manifest `kind`).
ALTER TABLE plugins ADD COLUMN kind TEXT NOT NULL DEFAULT 'provider'
    CHECK (kind IN ('provider', 'tracker'));

-- What the account and this library last agreed on for an episode: only a local mark that
-- differs from it is sent, and only a remote one that differs from it is taken.
CREATE TABLE account_marks (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    episode_id   INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position_ms  INTEGER NOT NULL CHECK (position_ms >= 0),
    watched      INTEGER NOT NULL CHECK (watched IN (0, 1)),
    PRIMARY KEY (account_id, episode_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX account_marks_by_episode ON account_marks (episode_id);
