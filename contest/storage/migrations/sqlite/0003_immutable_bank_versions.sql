-- Attempts store only the order and key of the questions they drew; the text
-- comes from the bank version they drew from. So versions must never change:
-- an edit is a new version, and the database refuses anything else.

CREATE TRIGGER questions_are_immutable_on_update BEFORE UPDATE ON questions
BEGIN
    SELECT RAISE(ABORT, 'bank versions are immutable: save a new version instead');
END;

CREATE TRIGGER questions_are_immutable_on_delete BEFORE DELETE ON questions
BEGIN
    SELECT RAISE(ABORT, 'bank versions are immutable: save a new version instead');
END;

CREATE TRIGGER bank_versions_are_immutable_on_delete BEFORE DELETE ON bank_versions
BEGIN
    SELECT RAISE(ABORT, 'bank versions are immutable: they are never deleted');
END;
