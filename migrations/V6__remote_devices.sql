-- Phones paired with the phone remote and tokens made on the command line. Only a SHA-256 of
-- each token is kept: a copy of the library gives no way to control the TV.
CREATE TABLE remote_devices (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'token')),
    scope TEXT NOT NULL CHECK (scope IN ('read', 'control')),
    token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER,
    last_peer TEXT
) STRICT;

-- Tokens are removed by name: one name per token.
CREATE UNIQUE INDEX remote_tokens_by_name ON remote_devices (name) WHERE kind = 'token';
