-- As migrations/sqlite/0018. Each round's ranking order after the score and what its prediction
-- question predicts (domain/ranking.py: TieBreak, TrueFigure); existing
-- rounds keep the platform's default. And each contest's overall leaderboard
-- across its published rounds (domain/ranking.overall), stored whenever a
-- round's standings are, so its pages read rows instead of summing per
-- request; entries keep what the public sees (phone already masked).
ALTER TABLE rounds ADD COLUMN tie_break TEXT NOT NULL DEFAULT 'prediction'
    CHECK (tie_break IN ('prediction', 'prediction_if_perfect', 'prediction_then_submission', 'no_prediction'));
ALTER TABLE rounds ADD COLUMN true_figure TEXT NOT NULL DEFAULT 'all_correct'
    CHECK (true_figure IN ('all_correct', 'participants', 'attempts'));

CREATE TABLE overall_standings (
    contest_id INTEGER PRIMARY KEY REFERENCES contests (id),
    rule TEXT NOT NULL,
    rounds TEXT NOT NULL,
    size INTEGER NOT NULL,
    computed_at BIGINT NOT NULL
);

CREATE TABLE overall_entries (
    contest_id INTEGER NOT NULL REFERENCES overall_standings (contest_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    rounds INTEGER NOT NULL,
    score BIGINT NOT NULL,
    error BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    area TEXT NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (contest_id, position)
);
