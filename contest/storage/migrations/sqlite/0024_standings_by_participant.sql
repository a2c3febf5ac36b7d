-- A round's standings in two tables, each written in the order it is keyed
-- by, so that writing 500,000 entries touches each page of each table once
-- (storage/leaderboards.py, save): standing_entries, keyed by participant
-- (filled in participant order, with each one's name, masked phone, area and
-- unit read in the same order), and standing_order, the positions (filled in
-- position order). Before, the entries were keyed by position and indexed by
-- participant: in rank order every entry went to a random page of that index
-- and of the participants' tables, and each chunk's transaction rewrote
-- thousands of pages (10 of the 11 seconds of storing a round of 1,000,000
-- attempts). Pages read the positions and look each entry up by participant;
-- a participant's own rank is one look-up a round.
CREATE TABLE standing_entries_new (
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    user_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    rank INTEGER NOT NULL,
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
    PRIMARY KEY (round_id, generation, user_id)
) WITHOUT ROWID;
INSERT INTO standing_entries_new (round_id, generation, user_id, position, rank, attempt_id, score, correct, total,
    duration_ms, submitted_at, prediction, error, name, phone, area, unit)
    SELECT round_id, generation, user_id, position, rank, attempt_id, score, correct, total,
    duration_ms, submitted_at, prediction, error, name, phone, area, unit FROM standing_entries;
DROP TABLE standing_entries;
ALTER TABLE standing_entries_new RENAME TO standing_entries;

CREATE TABLE standing_order (
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    position INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (round_id, generation, position)
) WITHOUT ROWID;
INSERT INTO standing_order (round_id, generation, position, user_id)
    SELECT round_id, generation, position, user_id FROM standing_entries;

-- The ranking reads a round's finished attempts participant by participant
-- (storage/leaderboards.py, scored), from this index alone: each one's
-- attempts side by side, so choosing their counting attempt works on
-- neighbouring memory instead of jumping across a million rows. With the
-- status in it, SQLite reads the index alone (without, it visited every
-- attempt's row, stored questions and all, for the condition on the status).
DROP INDEX attempts_ranked;
CREATE INDEX attempts_ranked ON attempts
    (round_id, user_id, id, number, score, correct, total, duration_ms, submitted_at, prediction, status)
    WHERE status <> 'in_progress' AND score IS NOT NULL AND submitted_at IS NOT NULL;
