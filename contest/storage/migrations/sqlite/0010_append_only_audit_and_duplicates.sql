-- The audit log is append-only: nothing in the application edits or deletes
-- an entry, and the database refuses it too, whoever asks. Entries carry the
-- values before and after a change in their details (JSON).
CREATE TRIGGER audit_log_is_append_only_on_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries are never changed');
END;

CREATE TRIGGER audit_log_is_append_only_on_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: entries are never deleted');
END;

-- The console filters the log by who acted.
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);

-- Accounts the committee found to be the same person as another (a second
-- phone, a mistyped CCCD): the account kept is duplicate_of. A mark is a fact
-- about the account, shown beside it; disabling it is a separate decision.
CREATE TABLE duplicate_marks (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    duplicate_of INTEGER NOT NULL REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    marked_by INTEGER REFERENCES users (id),
    marked_at BIGINT NOT NULL,
    CHECK (user_id <> duplicate_of)
);
