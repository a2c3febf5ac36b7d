-- Standings written by generations, so a big ranking never holds the one
-- writer for seconds (storage/generations.py): a round's (and a contest's
-- overall) new rows go in by chunks, tagged with a new generation, in
-- transactions of their own; then one tiny transaction makes it the current
-- generation of the head row; then the old rows go, by chunks. Every reader
-- reads only the head's current generation. Existing rows are generation 0.
-- The entries now hang from the round (the contest), not the head row, so a
-- new generation can be written before its head exists.
CREATE TABLE generation_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last BIGINT NOT NULL
);
INSERT INTO generation_counter (id, last) VALUES (1, 0);

ALTER TABLE standings ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE overall_standings ADD COLUMN generation BIGINT NOT NULL DEFAULT 0;

CREATE TABLE standing_entries_new (
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    position INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    attempt_id INTEGER NOT NULL,
    score INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    total INTEGER NOT NULL,
    duration_ms BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    prediction BIGINT,
    error BIGINT,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    area TEXT NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (round_id, generation, position)
);
INSERT INTO standing_entries_new (round_id, generation, position, rank, user_id, attempt_id, score, correct, total,
    duration_ms, submitted_at, prediction, error, name, phone, area, unit)
    SELECT round_id, 0, position, rank, user_id, attempt_id, score, correct, total,
    duration_ms, submitted_at, prediction, error, name, phone, area, unit FROM standing_entries;
DROP TABLE standing_entries;
ALTER TABLE standing_entries_new RENAME TO standing_entries;
-- A participant's own rank in each round.
CREATE INDEX standing_entries_by_user ON standing_entries (user_id, round_id, generation);

CREATE TABLE overall_entries_new (
    contest_id INTEGER NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    position INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    rounds INTEGER NOT NULL,
    score BIGINT NOT NULL,
    error BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    area TEXT NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (contest_id, generation, position)
);
INSERT INTO overall_entries_new (contest_id, generation, position, rank, user_id, rounds, score, error, duration_ms,
    submitted_at, name, phone, area, unit)
    SELECT contest_id, 0, position, rank, user_id, rounds, score, error, duration_ms,
    submitted_at, name, phone, area, unit FROM overall_entries;
DROP TABLE overall_entries;
ALTER TABLE overall_entries_new RENAME TO overall_entries;
