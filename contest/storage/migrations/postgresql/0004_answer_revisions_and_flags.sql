-- As migrations/sqlite/0004. Each stored answer has a revision, so that a
-- page or device that has not seen an answer cannot overwrite it with older
-- state: a save names the revision it was based on and is refused as stale
-- when the answer moved on. No row, or a row with no options, is revision 0.
ALTER TABLE answers ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

UPDATE answers SET revision = 0 WHERE options = '[]';

-- "Xem lại sau": the participant's own mark on a question, kept with the
-- attempt. A flag on a question not yet answered is a row with no options.
ALTER TABLE answers ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT FALSE;
