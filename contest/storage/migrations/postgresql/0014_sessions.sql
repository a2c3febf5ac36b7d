-- As migrations/sqlite/0014: sessions that end on the server, one row per
-- signed-in browser or bearer token, and the counter every ended session
-- moves (statement-level trigger: one move per statement, whatever the rows).
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('cookie', 'token')),
    agent TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL,
    ended_at BIGINT
);

CREATE INDEX sessions_open_by_user ON sessions (user_id) WHERE ended_at IS NULL;

CREATE TABLE session_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO session_version (id, version) VALUES (1, 0);

CREATE FUNCTION move_session_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE session_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER sessions_end_moves_session_version AFTER UPDATE OF ended_at ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION move_session_version();
