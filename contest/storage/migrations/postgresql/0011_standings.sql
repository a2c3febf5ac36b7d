-- As migrations/sqlite/0011. Stored standings: each round's ranking (domain/ranking.py) computed when a
-- judge moves its phase, so leaderboard pages and a participant's own rank
-- read a page of rows instead of ranking again per request. Each entry keeps
-- what the public leaderboard shows (name, masked phone, area, unit) as it
-- was when the ranking was computed: the signed document is rebuilt from
-- these rows alone. The signing key is made once, on first need.
CREATE TABLE standings (
    round_id INTEGER PRIMARY KEY REFERENCES rounds (id),
    phase TEXT NOT NULL,
    rule TEXT NOT NULL,
    true_figure BIGINT,
    size INTEGER NOT NULL,
    computed_at BIGINT NOT NULL,
    digest TEXT NOT NULL,
    signature TEXT NOT NULL
);

CREATE TABLE standing_entries (
    round_id INTEGER NOT NULL REFERENCES standings (round_id) ON DELETE CASCADE,
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
    PRIMARY KEY (round_id, position)
);

-- A participant's own rank in each round.
CREATE INDEX standing_entries_by_user ON standing_entries (user_id, round_id);

CREATE TABLE signing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
