-- Limits that cannot be aimed (contest/services/limits.py): one row per
-- counted request (a registration, a sign-in, an identifier found taken)
-- under its key, "register|ip:203.0.113.7" or "register|net:203.0.113.0/24",
-- so every node counts the same sliding window. Rows older than the longest
-- window are deleted as new ones arrive.
CREATE TABLE limit_hits (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE INDEX limit_hits_by_key ON limit_hits (key, at);
CREATE INDEX limit_hits_by_time ON limit_hits (at);

-- Proof-of-work solutions already accepted (contest/services/challenges.py),
-- by the challenge's signature, kept until the challenge expires, so a
-- solution is accepted once on any node.
CREATE TABLE spent_challenges (
    signature TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires_at);
