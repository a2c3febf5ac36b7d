-- A round's phase as decided by people (contest/domain/phases.py): the clock
-- says scheduled, open and closed; judges move a closed round on to
-- under_review, provisional and final. Only a decision past 'closed' is ever
-- stored, so existing rounds start at 'scheduled' and follow the clock.
ALTER TABLE rounds ADD COLUMN phase TEXT NOT NULL DEFAULT 'scheduled'
    CHECK (phase IN ('scheduled', 'open', 'closed', 'under_review', 'provisional', 'final'));

-- Who moved a round to which phase, when and why.
CREATE TABLE round_phase_changes (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    from_phase TEXT NOT NULL,
    to_phase TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    changed_at BIGINT NOT NULL
);

CREATE INDEX round_phase_changes_by_round ON round_phase_changes (round_id, id);

-- Sessions and bearer tokens carry the generation their account had at
-- sign-in; disabling an account, changing its role or its password adds one,
-- so every session and token issued before stops working on every node.
ALTER TABLE users ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
