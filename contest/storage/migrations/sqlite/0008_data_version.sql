-- The catalog's data version: one counter that every change to what each
-- process caches (contests, areas, rounds, banks and their versions) and to an
-- account's role or access moves, in the same transaction as the change. Each
-- process reads it about once a second (services/catalog.py) and reloads
-- when it moved, so a change made on one node is seen on every node without
-- anyone invalidating a cache by hand. Triggers, so no write path can forget.
-- Registrations, sign-ins and answers never move it.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO data_version (id, version) VALUES (1, 0);

CREATE TRIGGER contests_insert_moves_data_version AFTER INSERT ON contests
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER contests_update_moves_data_version AFTER UPDATE ON contests
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER contests_delete_moves_data_version AFTER DELETE ON contests
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER areas_insert_moves_data_version AFTER INSERT ON areas
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER areas_update_moves_data_version AFTER UPDATE ON areas
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER areas_delete_moves_data_version AFTER DELETE ON areas
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER rounds_insert_moves_data_version AFTER INSERT ON rounds
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER rounds_update_moves_data_version AFTER UPDATE ON rounds
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER rounds_delete_moves_data_version AFTER DELETE ON rounds
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER banks_insert_moves_data_version AFTER INSERT ON banks
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER banks_update_moves_data_version AFTER UPDATE ON banks
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER banks_delete_moves_data_version AFTER DELETE ON banks
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER bank_versions_insert_moves_data_version AFTER INSERT ON bank_versions
BEGIN
    UPDATE data_version SET version = version + 1;
END;

CREATE TRIGGER users_access_moves_data_version AFTER UPDATE OF role, generation, disabled_at ON users
BEGIN
    UPDATE data_version SET version = version + 1;
END;
