-- getanime schema, version 3: what plugin contract 0.2 adds. A title's ids at anime trackers
-- and its related titles; an episode's subtitle files and audio labels. Shipped migrations never
-- change: add V4__... instead.

-- A title's id at a tracker (MyAnimeList, Shikimori, AniList, Kitsu), one per tracker.
CREATE TABLE title_external_ids (
    title_id    INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    tracker     TEXT NOT NULL CHECK (tracker IN ('myanimelist', 'shikimori', 'anilist', 'kitsu')),
    external_id TEXT NOT NULL,
    PRIMARY KEY (title_id, tracker)
) STRICT, WITHOUT ROWID;

CREATE INDEX title_external_ids_by_id ON title_external_ids (tracker, external_id);

-- Other titles of the franchise at the same source, in the source's order.
CREATE TABLE title_related (
    title_id         INTEGER NOT NULL REFERENCES titles (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    source_id        TEXT NOT NULL,
    name             TEXT NOT NULL,
    franchise_order  INTEGER,
    PRIMARY KEY (title_id, position)
) STRICT, WITHOUT ROWID;

-- Subtitle files of an episode, in the source's order.
CREATE TABLE subtitles (
    episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    url        TEXT NOT NULL,
    language   TEXT,
    label      TEXT,
    format     TEXT NOT NULL CHECK (format IN ('webvtt', 'ass', 'srt')),
    PRIMARY KEY (episode_id, position)
) STRICT, WITHOUT ROWID;

-- The voices of an episode's audio (dub teams, languages), one per line; '' when unknown.
ALTER TABLE episodes ADD COLUMN audio TEXT NOT NULL DEFAULT '';
