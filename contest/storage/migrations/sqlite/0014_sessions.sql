-- Sessions that end on the server: each signed-in browser (kind 'cookie') and
-- each bearer token (kind 'token') is one row, named by a random id that the
-- signed cookie or token carries. Logging out, withdrawing a token, "sign out
-- everywhere" and a new password set ended_at; every request is refused once
-- its row has ended (services/sessions.py). seen_at is coarse (written at most
-- every few minutes, never per request); agent a short browser summary.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('cookie', 'token')),
    agent TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL,
    ended_at BIGINT
);

CREATE INDEX sessions_open_by_user ON sessions (user_id) WHERE ended_at IS NULL;

-- A counter moved with every session that ends, in the same transaction (a
-- trigger, so no path can forget). Each process reads it with the data
-- version and trusts what it cached of a session while neither moved; it is
-- apart from data_version so that a logout does not reload the catalog.
CREATE TABLE session_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO session_version (id, version) VALUES (1, 0);

CREATE TRIGGER sessions_end_moves_session_version AFTER UPDATE OF ended_at ON sessions
BEGIN
    UPDATE session_version SET version = version + 1;
END;
