-- Uploaded bank files waiting for the organiser to confirm them (validate,
-- preview, then confirm), and the log of staff actions.

CREATE TABLE bank_uploads (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    bank_id INTEGER REFERENCES banks (id),
    filename TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);

CREATE INDEX audit_log_by_time ON audit_log (created_at);
