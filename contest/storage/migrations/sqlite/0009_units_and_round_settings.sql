-- A contest's list of work units (with an optional headcount, for the
-- participation rate) and each round's settings for its results: which
-- attempt counts, when scores are shown, the complaint window and the prize
-- quotas. Existing rounds keep what the platform did until now: the best
-- attempt counts, scores show at once, no complaint window, no prizes.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    contest_id INTEGER NOT NULL REFERENCES contests (id),
    name TEXT NOT NULL,
    headcount INTEGER CHECK (headcount IS NULL OR headcount > 0),
    position INTEGER NOT NULL,
    UNIQUE (contest_id, name)
);

CREATE TRIGGER units_insert_moves_data_version AFTER INSERT ON units
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER units_update_moves_data_version AFTER UPDATE ON units
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER units_delete_moves_data_version AFTER DELETE ON units
BEGIN
    UPDATE data_version SET version = version + 1;
END;

ALTER TABLE rounds ADD COLUMN counting TEXT NOT NULL DEFAULT 'best'
    CHECK (counting IN ('best', 'first', 'last'));
ALTER TABLE rounds ADD COLUMN show_score TEXT NOT NULL DEFAULT 'immediately'
    CHECK (show_score IN ('immediately', 'after_publication'));
ALTER TABLE rounds ADD COLUMN complaint_window_hours INTEGER NOT NULL DEFAULT 0
    CHECK (complaint_window_hours >= 0);
ALTER TABLE rounds ADD COLUMN prizes TEXT NOT NULL DEFAULT '{}';
