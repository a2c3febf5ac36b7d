-- The judges' review (contest/domain/judging.py): the complaints
-- participants file while results are provisional (within the round's
-- complaint_window_hours, 0009) and the judges' written answers, and the
-- disqualifications of a participant's round or of one attempt, each with its
-- reason and, when lifted, who reinstated it and why.
CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    attempt_id INTEGER NOT NULL REFERENCES attempts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    question_id INTEGER,
    body TEXT NOT NULL,
    filed_at BIGINT NOT NULL,
    answer TEXT,
    answered_by INTEGER REFERENCES users (id),
    answered_at BIGINT
);

CREATE INDEX complaints_by_round ON complaints (round_id, id);
CREATE INDEX complaints_by_attempt ON complaints (attempt_id, id);

-- attempt_id NULL: the participant's whole round.
CREATE TABLE disqualifications (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    attempt_id INTEGER REFERENCES attempts (id),
    reason TEXT NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at BIGINT NOT NULL,
    reinstated_by INTEGER REFERENCES users (id),
    reinstated_at BIGINT,
    reinstate_reason TEXT
);

CREATE INDEX disqualifications_by_round ON disqualifications (round_id, id);

-- Each participant's rank as last published (provisional or final), so a
-- re-publication can list who moved from which rank to which.
CREATE TABLE published_ranks (
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    user_id INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

-- Where each attempt was started from (the client's address and browser), for
-- the judges' review only: the flag for several accounts from one address in
-- a short time, and the attempt's detail.
ALTER TABLE attempts ADD COLUMN client_address TEXT;
ALTER TABLE attempts ADD COLUMN client_agent TEXT;
CREATE INDEX attempts_by_address ON attempts (round_id, client_address, started_at);
