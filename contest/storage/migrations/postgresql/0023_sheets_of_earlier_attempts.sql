-- As migrations/sqlite/0023. Whether a finished attempt's answer sheet
-- digest (attempts.sheet, 0021; contest/domain/flags.py, sheet) has been
-- computed: sheet NULL with sheet_computed TRUE is "too few answers to
-- compare" (or none wrong), with FALSE "not computed yet". Attempts
-- submitted before 0021 (or finished by code that did not digest them) are
-- digested from their saved answers in Python, by the sweeper and before the
-- judges see a round's flags (storage/attempts.py, fill_sheets), each once.
-- Those with a digest are computed; the other finished ones are digested
-- once more.
ALTER TABLE attempts ADD COLUMN sheet_computed BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE attempts SET sheet_computed = TRUE WHERE sheet IS NOT NULL;
-- The finished attempts still to digest: empty once the backfill is done.
CREATE INDEX attempts_without_sheet ON attempts (round_id, id) WHERE NOT sheet_computed AND status <> 'in_progress';
