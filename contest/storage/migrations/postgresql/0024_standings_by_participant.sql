-- A round's standings in two tables, each written in the order it is keyed
-- by, so that writing 500,000 entries touches each page of each index once
-- (storage/leaderboards.py, save): standing_entries, keyed by participant
-- (filled in participant order, with each one's name, masked phone, area and
-- unit read in the same order), and standing_order, the positions (filled in
-- position order). Before, the entries were keyed by position and indexed by
-- participant: in rank order every entry went to a random page of that index.
-- Pages read the positions and look each entry up by participant; a
-- participant's own rank is one look-up a round.
--
-- Neither table has a foreign key to its round here: PostgreSQL checks one
-- row by row (a trigger a row: 1.5 of the 2.2 seconds of copying 500,000
-- positions), and only storage/leaderboards.py writes them, for a round it
-- has just read, as a generation no reader reads until the round's head row
-- (standings, which keeps its foreign key) names it. No code deletes rounds.
ALTER TABLE standing_entries DROP CONSTRAINT standing_entries_pkey;
ALTER TABLE standing_entries DROP CONSTRAINT standing_entries_round_id_fkey;
DROP INDEX standing_entries_by_user;
ALTER TABLE standing_entries ADD PRIMARY KEY (round_id, generation, user_id);

CREATE TABLE standing_order (
    round_id INTEGER NOT NULL,
    generation BIGINT NOT NULL,
    position INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (round_id, generation, position)
);
INSERT INTO standing_order (round_id, generation, position, user_id)
    SELECT round_id, generation, position, user_id FROM standing_entries;

-- The ranking reads a round's finished attempts participant by participant
-- (storage/leaderboards.py, scored), from this index alone: each one's
-- attempts side by side, so choosing their counting attempt works on
-- neighbouring memory instead of jumping across a million rows.
DROP INDEX attempts_ranked;
CREATE INDEX attempts_ranked ON attempts (round_id, user_id, id)
    INCLUDE (number, score, correct, total, duration_ms, submitted_at, prediction)
    WHERE status <> 'in_progress' AND score IS NOT NULL AND submitted_at IS NOT NULL;
