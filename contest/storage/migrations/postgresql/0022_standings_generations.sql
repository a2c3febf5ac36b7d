-- As migrations/sqlite/0022. Standings written by generations, so a big
-- ranking never holds the database for seconds (storage/generations.py): a
-- round's (and a contest's overall) new rows go in by chunks, tagged with a
-- new generation, in transactions of their own; then one tiny transaction
-- makes it the current generation of the head row; then the old rows go, by
-- chunks. Every reader reads only the head's current generation. Existing
-- rows are generation 0. The entries now hang from the round (the contest),
-- not the head row, so a new generation can be written before its head exists.
CREATE TABLE generation_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last BIGINT NOT NULL
);
INSERT INTO generation_counter (id, last) VALUES (1, 0);

ALTER TABLE standings ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE overall_standings ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;

ALTER TABLE standing_entries ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE standing_entries ALTER COLUMN generation DROP DEFAULT;
ALTER TABLE standing_entries DROP CONSTRAINT standing_entries_round_id_fkey;
ALTER TABLE standing_entries ADD FOREIGN KEY (round_id) REFERENCES rounds (id) ON DELETE CASCADE;
ALTER TABLE standing_entries DROP CONSTRAINT standing_entries_pkey;
ALTER TABLE standing_entries ADD PRIMARY KEY (round_id, generation, position);
-- A participant's own rank in each round.
DROP INDEX standing_entries_by_user;
CREATE INDEX standing_entries_by_user ON standing_entries (user_id, round_id, generation);

ALTER TABLE overall_entries ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE overall_entries ALTER COLUMN generation DROP DEFAULT;
ALTER TABLE overall_entries DROP CONSTRAINT overall_entries_contest_id_fkey;
ALTER TABLE overall_entries ADD FOREIGN KEY (contest_id) REFERENCES contests (id) ON DELETE CASCADE;
ALTER TABLE overall_entries DROP CONSTRAINT overall_entries_pkey;
ALTER TABLE overall_entries ADD PRIMARY KEY (contest_id, generation, position);
