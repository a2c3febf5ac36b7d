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

-- What a contest publishes besides the quiz: announcements with their date,
-- and documents for download (plan, rules as PDF, prize structure, reading),
-- kept in the database like uploaded banks, so every node serves them.
CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX announcements_by_contest ON announcements (contest_id, created_at);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    title TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX documents_by_contest ON documents (contest_id, created_at);

-- A bank no round uses can be archived: kept with its versions (attempts of
-- past contests read them), set aside from the banks in use.
ALTER TABLE banks ADD COLUMN archived_at BIGINT;

-- Codes of the bank's questions a round never draws (a JSON list), e.g. those
-- whose cited document was not in force on the round's dates.
ALTER TABLE rounds ADD COLUMN excluded_codes TEXT NOT NULL DEFAULT '[]';
