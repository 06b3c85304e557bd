-- What a viewer keeps off their accounts at trackers (Shikimori, AniList, the AniLiberty
-- account). A private profile sends nothing (it still receives); what it did while private stays
-- here when it is switched off.
ALTER TABLE profiles ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));

-- Titles a profile keeps off every account: neither sent nor taken, marks included.
CREATE TABLE unsynced_titles (
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    title_id   INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    since      INTEGER NOT NULL,
    PRIMARY KEY (profile_id, title_id)
) STRICT, WITHOUT ROWID;
