-- getanime schema, version 2: a profile's lists and favorites, titles hidden from its Continue
-- watching, and its own preferences. Shipped migrations never change: add V3__... instead.

-- A profile's marks on a title. A row exists only while it carries a mark.
CREATE TABLE profile_titles (
    profile_id            INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    title_id              INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    -- One list at a time; NULL = in none.
    status                TEXT CHECK (status IS NULL
                              OR status IN ('watching', 'planned', 'completed', 'on_hold', 'dropped')),
    favorite              INTEGER NOT NULL DEFAULT 0 CHECK (favorite IN (0, 1)),
    -- Removed from Continue watching at this time; playing the title again brings it back.
    continue_hidden_at    INTEGER,
    -- When the list status or the favorite mark last changed (list rows are newest first).
    marked_at             INTEGER NOT NULL,
    PRIMARY KEY (profile_id, title_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX profile_titles_by_status ON profile_titles (profile_id, status, marked_at DESC);
CREATE INDEX profile_titles_by_title ON profile_titles (title_id);

-- Preferences a profile keeps for itself (quality, auto-skip, auto-play, language); the
-- library-wide `settings` value, then the built-in default, apply where a profile has none.
CREATE TABLE profile_settings (
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (profile_id, key)
) STRICT, WITHOUT ROWID;
