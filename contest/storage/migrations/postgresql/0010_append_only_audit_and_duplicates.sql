-- As migrations/sqlite/0010: the audit log is append-only (an update, a
-- delete or a truncation is refused with an integrity error, as SQLite's
-- RAISE(ABORT) is); the log's index by actor; accounts the committee marked
-- duplicates of another.
CREATE FUNCTION refuse_audit_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_log_is_append_only_on_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_log_change('the audit log is append-only: entries are never changed');

CREATE TRIGGER audit_log_is_append_only_on_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_log_change('the audit log is append-only: entries are never deleted');

CREATE TRIGGER audit_log_is_append_only_on_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_log_change('the audit log is append-only: entries are never deleted');

CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);

CREATE TABLE duplicate_marks (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    duplicate_of BIGINT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    marked_by BIGINT REFERENCES users (id),
    marked_at BIGINT NOT NULL,
    CHECK (user_id <> duplicate_of)
);
