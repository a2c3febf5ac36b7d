-- A round's counts per difficulty (as topic_quota: a JSON list of
-- [difficulty, count]; empty: none).
ALTER TABLE rounds ADD COLUMN difficulty_quota TEXT NOT NULL DEFAULT '[]';

-- The item analysis of a closed round (services/statistics.py), computed
-- once after it closes and served from here: items is a JSON list of each
-- question's figures over `attempts` finished attempts. closes_at is the
-- close it covers; NULL once a re-scoring changed the attempts (computed
-- again, as for a close moved later).
CREATE TABLE round_statistics (
    round_id INTEGER PRIMARY KEY REFERENCES rounds (id),
    closes_at BIGINT,
    computed_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    items TEXT NOT NULL
);
