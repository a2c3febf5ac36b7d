-- The twin of migrations/sqlite/0020: a round's counts per difficulty, and
-- the stored item analysis of a closed round.
ALTER TABLE rounds ADD COLUMN difficulty_quota TEXT NOT NULL DEFAULT '[]';

CREATE TABLE round_statistics (
    round_id BIGINT PRIMARY KEY REFERENCES rounds (id),
    closes_at BIGINT,
    computed_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    items TEXT NOT NULL
);
