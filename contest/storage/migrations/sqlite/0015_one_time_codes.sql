-- One-time codes (contest/domain/codes.py): a code sent by SMS to register
-- with a verified phone or to reset a password, or the nonce of an emailed
-- reset link. Only the code's HMAC is kept (digest; '' for a send that
-- carried no code). Every row is one message sent, so the rows of the last
-- hour are the sends counted per phone or email (target) and per client
-- address. payload: what step 2 needs (a registration's details with the
-- password's hash, or the account a reset is for), emptied when the code is
-- used; tries: codes typed against it, wrong or right (a limit per code).
-- Rows older than a day are deleted when a new one is sent.
CREATE TABLE one_time_codes (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL,
    target TEXT NOT NULL,
    client TEXT NOT NULL,
    digest TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    used_at BIGINT
);

CREATE INDEX one_time_codes_by_target ON one_time_codes (target, sent_at);
CREATE INDEX one_time_codes_by_client ON one_time_codes (client, sent_at);
CREATE INDEX one_time_codes_by_age ON one_time_codes (sent_at);

-- A contest may ask registrations to prove the phone by a code (1) or not (0).
ALTER TABLE contests ADD COLUMN verify_phone INTEGER NOT NULL DEFAULT 0;
