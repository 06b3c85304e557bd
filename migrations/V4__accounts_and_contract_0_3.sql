-- getanime schema, version 4: plugin contract 0.3's new fields, and accounts at trackers (the
-- AniLiberty account, later Shikimori and AniList) with the state both sides last agreed on and
-- the changes still to send. Tokens are never here: they live in credentials.json beside the
-- library, keyed by accounts.credential_key. Shipped migrations never change: add V5__... instead.

-- The source's own id of an episode (AniLiberty's UUID), which account marks are keyed by.
ALTER TABLE episodes ADD COLUMN source_id TEXT;
CREATE INDEX episodes_by_source_id ON episodes (source_id) WHERE source_id IS NOT NULL;

-- The youngest age a title is for, and a wide background picture.
ALTER TABLE titles ADD COLUMN age_rating INTEGER CHECK (age_rating IN (0, 6, 12, 16, 18));
ALTER TABLE titles ADD COLUMN backdrop_url TEXT;

-- BitTorrent v1 info hash, 40 lower-case hex digits.
ALTER TABLE torrents ADD COLUMN info_hash TEXT;

-- A profile's account at a tracker plugin: one per (profile, plugin).
CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    profile_id       INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    plugin_id        TEXT NOT NULL,
    -- Random; names the account's entry in the credentials file (not a secret by itself).
    credential_key   TEXT NOT NULL UNIQUE,
    user_id          TEXT NOT NULL,
    user_name        TEXT NOT NULL,
    -- active: syncs; needs_sign_in: the token is gone or refused; paused: by the user;
    -- needs_consent: the first sync waits for the user to say whether local history is sent.
    state            TEXT NOT NULL
                         CHECK (state IN ('active', 'needs_sign_in', 'paused', 'needs_consent')),
    created_at       INTEGER NOT NULL,
    last_sync_at     INTEGER,
    -- Last sync that failed: why, in words, and when the next try is due.
    last_error       TEXT,
    retry_at         INTEGER,
    -- Episode marks: pulled up to this server-side time (`since=`), and local marks changed up
    -- to this local time have been sent.
    marks_pulled_at  INTEGER,
    marks_pushed_at  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (profile_id, plugin_id)
) STRICT;

-- What both sides last agreed on for a title (the merge base), keyed by the tracker's id;
-- title_id is NULL while the library lacks the title.
CREATE TABLE account_titles (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    external_id  TEXT NOT NULL,
    title_id     INTEGER REFERENCES titles (id) ON DELETE SET NULL,
    status       TEXT CHECK (status IS NULL OR status IN
                     ('watching', 'planned', 'completed', 'on_hold', 'dropped', 'rewatching')),
    progress     INTEGER CHECK (progress IS NULL OR progress >= 0),
    score        INTEGER CHECK (score IS NULL OR score BETWEEN 1 AND 10),
    favorite     INTEGER CHECK (favorite IS NULL OR favorite IN (0, 1)),
    remote_id    TEXT,
    agreed_at    INTEGER NOT NULL,
    PRIMARY KEY (account_id, external_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX account_titles_by_title ON account_titles (title_id);

-- Changes still to send, one row per account and title (a later change replaces an earlier
-- one): absolute values as JSON, so sending one twice is harmless. Never dropped on failure.
CREATE TABLE account_outbox (
    account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    external_id      TEXT NOT NULL,
    change           TEXT NOT NULL,
    queued_at        INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    PRIMARY KEY (account_id, external_id)
) STRICT, WITHOUT ROWID;
