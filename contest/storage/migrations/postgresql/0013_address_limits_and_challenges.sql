-- As migrations/sqlite/0013: requests counted per address and network, and
-- the proof-of-work solutions already accepted.
CREATE TABLE limit_hits (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX limit_hits_by_key ON limit_hits (key, at);
CREATE INDEX limit_hits_by_time ON limit_hits (at);

CREATE TABLE spent_challenges (
    signature TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires_at);
