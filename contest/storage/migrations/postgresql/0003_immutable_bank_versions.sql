-- As migrations/sqlite/0003: attempts store only the order and key of the
-- questions they drew; the text comes from the bank version they drew from.
-- So versions must never change: an edit is a new version, and the database
-- refuses anything else (an integrity error, as SQLite's RAISE(ABORT) is).

CREATE FUNCTION refuse_bank_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER questions_are_immutable_on_update BEFORE UPDATE ON questions
    FOR EACH ROW EXECUTE FUNCTION refuse_bank_version_change('bank versions are immutable: save a new version instead');

CREATE TRIGGER questions_are_immutable_on_delete BEFORE DELETE ON questions
    FOR EACH ROW EXECUTE FUNCTION refuse_bank_version_change('bank versions are immutable: save a new version instead');

CREATE TRIGGER bank_versions_are_immutable_on_delete BEFORE DELETE ON bank_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_bank_version_change('bank versions are immutable: they are never deleted');
