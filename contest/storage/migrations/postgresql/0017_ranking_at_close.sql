-- As migrations/sqlite/0017. Ranking at close by the clock (services/leaderboards.py,
-- Leaderboards.rank_closed).
--
-- standings.closes_at: the round's close time whose attempts these standings
-- rank; NULL once the attempts changed since (a re-scoring), or for
-- standings stored before this migration. A round closed by the clock whose
-- standings are not for its present close (none yet, a close moved later, a
-- re-scoring) is ranked once by whichever node's sweeper claims it first.
ALTER TABLE standings ADD COLUMN closes_at BIGINT;

-- A node's claim to rank a round at close: one row per round while a node
-- ranks it, deleted when done; a claim older than the lease (a node that
-- died) may be taken over.
CREATE TABLE ranking_claims (
    round_id INTEGER PRIMARY KEY REFERENCES rounds (id),
    closes_at BIGINT NOT NULL,
    claimed_at BIGINT NOT NULL
);

-- The ranking's read of a round's finished attempts from the index alone
-- (storage/leaderboards.py, scored), without visiting the rows and their
-- stored questions.
CREATE INDEX attempts_ranked ON attempts (round_id)
    INCLUDE (id, user_id, number, score, correct, total, duration_ms, submitted_at, prediction)
    WHERE status <> 'in_progress' AND score IS NOT NULL AND submitted_at IS NOT NULL;
