-- getanime schema, version 1. Shipped migrations never change (CI checks): add V2__... instead.
-- Timestamps are unix milliseconds (INTEGER) everywhere.

-- Installed source plugins.
CREATE TABLE plugins (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    version       TEXT NOT NULL,
    api_version   TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    description   TEXT,
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Host names the plugin may fetch from, one per line.
    allowed_hosts TEXT NOT NULL DEFAULT '',
    installed_at  INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    last_sync_at  INTEGER,
    last_error    TEXT
) STRICT;

-- User overrides of a plugin's settings (defaults live in its plugin.toml).
CREATE TABLE plugin_settings (
    plugin_id TEXT NOT NULL REFERENCES plugins (id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (plugin_id, key)
) STRICT, WITHOUT ROWID;

-- App settings (quality, auto-skip, ...), key/value.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE profiles (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;

-- The default profile every database has.
INSERT INTO profiles (id, name, created_at) VALUES (1, 'Default', 0);

-- Titles. `plugin_id` deliberately has no foreign key: removing a plugin may keep the titles the
-- user watched or rated (history is never lost), and reinstalling the plugin reattaches them.
CREATE TABLE titles (
    id                 INTEGER PRIMARY KEY,
    plugin_id          TEXT NOT NULL,
    source_id          TEXT NOT NULL,
    name               TEXT NOT NULL,
    name_original      TEXT,
    -- Newline-separated.
    alt_names          TEXT NOT NULL DEFAULT '',
    -- All names, lower-cased in Rust (SQLite's lower() only folds ASCII, we need Cyrillic too).
    search_text        TEXT NOT NULL,
    description        TEXT,
    kind               TEXT,
    status             TEXT,
    year               INTEGER,
    release_weekday    INTEGER CHECK (release_weekday BETWEEN 1 AND 7),
    episodes_total     INTEGER,
    poster_url         TEXT,
    source_updated_at  INTEGER,
    fetched_at         INTEGER NOT NULL,
    -- When episodes and torrents were last fetched in full; NULL = only a summary so far.
    details_fetched_at INTEGER,
    UNIQUE (plugin_id, source_id)
) STRICT;

-- "New episodes": newest first, ties by id; NULL (unknown) sorts last in DESC order.
CREATE INDEX titles_recently_updated ON titles (source_updated_at DESC, id DESC);
CREATE INDEX titles_by_name ON titles (name COLLATE NOCASE);
CREATE INDEX titles_by_year ON titles (year);

-- Substring search over all names: a trigram index on titles.search_text, kept in step by triggers.
CREATE VIRTUAL TABLE title_search USING fts5 (
    search_text,
    content = 'titles',
    content_rowid = 'id',
    tokenize = 'trigram'
);

CREATE TRIGGER titles_search_insert AFTER INSERT ON titles BEGIN
    INSERT INTO title_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER titles_search_delete AFTER DELETE ON titles BEGIN
    INSERT INTO title_search (title_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

CREATE TRIGGER titles_search_update AFTER UPDATE OF search_text ON titles
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO title_search (title_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO title_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE title_genres (
    title_id INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    genre    TEXT NOT NULL,
    PRIMARY KEY (title_id, genre)
) STRICT, WITHOUT ROWID;

CREATE INDEX title_genres_by_genre ON title_genres (genre, title_id);

CREATE TABLE episodes (
    id               INTEGER PRIMARY KEY,
    title_id         INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    number           REAL NOT NULL CHECK (number >= 0),
    name             TEXT,
    preview_url      TEXT,
    opening_start_ms INTEGER,
    opening_end_ms   INTEGER,
    ending_start_ms  INTEGER,
    ending_end_ms    INTEGER,
    duration_ms      INTEGER,
    published_at     INTEGER,
    UNIQUE (title_id, number)
) STRICT;

CREATE TABLE streams (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    quality    TEXT NOT NULL CHECK (quality IN ('sd', 'hd', 'fhd')),
    url        TEXT NOT NULL,
    PRIMARY KEY (episode_id, quality)
) STRICT, WITHOUT ROWID;

CREATE TABLE torrents (
    id         INTEGER PRIMARY KEY,
    title_id   INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    source_id  TEXT NOT NULL,
    episodes   TEXT NOT NULL,
    quality    TEXT NOT NULL,
    size_bytes INTEGER,
    magnet     TEXT NOT NULL,
    seeders    INTEGER,
    UNIQUE (title_id, source_id)
) STRICT;

-- Poster images, one row per size variant ('original', 'card', ...).
CREATE TABLE posters (
    title_id     INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    size         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    fetched_at   INTEGER NOT NULL,
    PRIMARY KEY (title_id, size)
) STRICT, WITHOUT ROWID;

-- Weekly release schedule (1 = Monday).
CREATE TABLE schedule (
    title_id INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    weekday  INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    PRIMARY KEY (title_id, weekday)
) STRICT, WITHOUT ROWID;

CREATE INDEX schedule_by_weekday ON schedule (weekday, title_id);

CREATE TABLE watch_state (
    profile_id  INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    episode_id  INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position_ms INTEGER NOT NULL DEFAULT 0 CHECK (position_ms >= 0),
    duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
    watched     INTEGER NOT NULL DEFAULT 0 CHECK (watched IN (0, 1)),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (profile_id, episode_id)
) STRICT, WITHOUT ROWID;

-- Continue watching and history: newest first per profile.
CREATE INDEX watch_state_recent ON watch_state (profile_id, updated_at DESC);

CREATE TABLE ratings (
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    title_id   INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),
    rated_at   INTEGER NOT NULL,
    PRIMARY KEY (profile_id, title_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX ratings_by_title ON ratings (title_id);
