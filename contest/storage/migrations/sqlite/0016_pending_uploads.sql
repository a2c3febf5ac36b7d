-- Unconfirmed bank uploads are bounded: each organiser keeps the newest few
-- (found by user, newest first) and the sweeper forgets those older than a day
-- (found by age), so neither reads the files' bytes to find them.

CREATE INDEX bank_uploads_by_user ON bank_uploads (user_id, id);
CREATE INDEX bank_uploads_by_age ON bank_uploads (created_at);
