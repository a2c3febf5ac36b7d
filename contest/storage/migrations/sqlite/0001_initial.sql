-- The first schema: contests, areas, accounts, banks with versions, rounds,
-- attempts and their answers. Times are integer milliseconds since the epoch
-- (UTC), which every backend stores and compares the same way.

CREATE TABLE contests (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    rules TEXT NOT NULL DEFAULT '',
    privacy_notice TEXT NOT NULL DEFAULT '',
    min_age INTEGER,
    created_at BIGINT NOT NULL
);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (contest_id, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('participant', 'organiser', 'judge', 'admin')),
    full_name TEXT NOT NULL,
    username TEXT UNIQUE,
    phone TEXT UNIQUE,
    email TEXT UNIQUE,
    cccd TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    birth_year INTEGER,
    area_id INTEGER REFERENCES areas (id),
    unit TEXT NOT NULL DEFAULT '',
    consent_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE banks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    current_version_id INTEGER,
    created_at BIGINT NOT NULL
);

CREATE TABLE bank_versions (
    id INTEGER PRIMARY KEY,
    bank_id INTEGER NOT NULL REFERENCES banks (id),
    number INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at BIGINT NOT NULL,
    UNIQUE (bank_id, number)
);

-- Each version holds a full copy of its questions: versions are immutable, an
-- attempt's draw never changes, and comparing two versions is a join on code.
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES bank_versions (id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    difficulty TEXT NOT NULL,
    text TEXT NOT NULL,
    options TEXT NOT NULL,
    correct TEXT NOT NULL,
    multiple BOOLEAN NOT NULL,
    keep_order BOOLEAN NOT NULL,
    points INTEGER NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    source TEXT,
    UNIQUE (version_id, code)
);

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    opens_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    question_count INTEGER NOT NULL CHECK (question_count > 0),
    duration_seconds INTEGER NOT NULL CHECK (duration_seconds > 0),
    attempts_allowed INTEGER NOT NULL CHECK (attempts_allowed > 0),
    topic_quota TEXT NOT NULL DEFAULT '[]',
    prediction_question TEXT NOT NULL DEFAULT '',
    bank_id INTEGER NOT NULL REFERENCES banks (id),
    CHECK (closes_at > opens_at)
);

CREATE INDEX rounds_by_contest ON rounds (contest_id, opens_at);

CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    number INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted', 'expired')),
    bank_version_id INTEGER NOT NULL REFERENCES bank_versions (id),
    started_at BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    submitted_at BIGINT,
    prediction BIGINT,
    correct INTEGER,
    total INTEGER,
    score INTEGER,
    duration_ms BIGINT,
    questions TEXT NOT NULL,
    UNIQUE (user_id, round_id, number)
);

-- At most one attempt in progress per participant and round: a double click
-- on "start" can never burn a second attempt, whatever the race.
CREATE UNIQUE INDEX attempts_one_in_progress ON attempts (user_id, round_id)
    WHERE status = 'in_progress';

-- The sweeper's query: attempts in progress whose deadline has passed.
CREATE INDEX attempts_due ON attempts (deadline) WHERE status = 'in_progress';

CREATE INDEX attempts_by_round ON attempts (round_id, status);

CREATE TABLE answers (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id),
    question_id INTEGER NOT NULL,
    options TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, question_id)
) WITHOUT ROWID;

-- Failed sign-ins per login name or client address, shared by every process.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_at BIGINT NOT NULL
) WITHOUT ROWID;
