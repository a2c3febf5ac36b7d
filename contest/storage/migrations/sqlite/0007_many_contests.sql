-- Many contests on one site. Each contest runs from starts_at to ends_at (its
-- status, upcoming, open or past, follows the clock: contest/domain/timing.py).
-- A contest made before this migration runs from its first round's opening
-- (or its creation) to its last round's close (or a year after its creation).
ALTER TABLE contests ADD COLUMN starts_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contests ADD COLUMN ends_at BIGINT NOT NULL DEFAULT 0;

UPDATE contests SET
    starts_at = COALESCE((SELECT MIN(opens_at) FROM rounds WHERE rounds.contest_id = contests.id), created_at),
    ends_at = COALESCE(
        (SELECT MAX(closes_at) FROM rounds WHERE rounds.contest_id = contests.id),
        created_at + 31536000000
    );

-- An area is chosen within its contest: participations name both.
CREATE UNIQUE INDEX areas_by_contest ON areas (contest_id, id);

-- One account per person per site; what a participant gives that belongs to
-- one contest (the area, the work unit) is kept per contest, from the day they
-- joined it. users.area_id and users.unit are no longer written: they held
-- the one contest's answers, copied here.
CREATE TABLE participations (
    user_id INTEGER NOT NULL REFERENCES users (id),
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    area_id INTEGER NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, contest_id),
    FOREIGN KEY (contest_id, area_id) REFERENCES areas (contest_id, id)
);

CREATE INDEX participations_by_contest ON participations (contest_id, area_id);

INSERT INTO participations (user_id, contest_id, area_id, unit, joined_at)
SELECT users.id, areas.contest_id, users.area_id, users.unit, COALESCE(users.consent_at, users.created_at)
FROM users JOIN areas ON areas.id = users.area_id
WHERE users.role = 'participant';
