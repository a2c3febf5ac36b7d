-- The judges' remaining tools.
--
-- Their decision on a tie across a prize boundary (contest/domain/prizes.py,
-- Decision): the tie as it stood (its rank, the tied participants and the
-- places each prize kind gave them, JSON), the prize given and to whom (JSON
-- user ids), and the written reason. The newest decision for a rank is the
-- one in force; it settles the tie only while the standings still show that
-- same tie (else it is stale and the judges decide again).
CREATE TABLE prize_decisions (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    rank INTEGER NOT NULL,
    tied TEXT NOT NULL,
    places TEXT NOT NULL,
    prize TEXT NOT NULL,
    winners TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at BIGINT NOT NULL
);

CREATE INDEX prize_decisions_by_round ON prize_decisions (round_id, rank, id);

-- Each submitted attempt's answer sheet digest (contest/domain/flags.py,
-- sheet): its questions and chosen options in the order they were saved;
-- NULL for an attempt with too few answers (and those submitted before this).
ALTER TABLE attempts ADD COLUMN sheet TEXT;
CREATE INDEX attempts_by_sheet ON attempts (round_id, sheet) WHERE sheet IS NOT NULL;

-- Which collective prizes a contest awards (contest/domain/prizes.py,
-- collective): 'participants' (the most participants) or 'rate'
-- (participants ÷ headcount, for units that have one).
ALTER TABLE contests ADD COLUMN collective_by TEXT NOT NULL DEFAULT 'participants'
    CHECK (collective_by IN ('participants', 'rate'));
