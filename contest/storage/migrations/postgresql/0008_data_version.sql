-- As migrations/sqlite/0008: the catalog's data version, one counter moved in
-- the same transaction as every change to contests, areas, rounds, banks,
-- bank versions and an account's role or access; each process reads it about
-- once a second (services/catalog.py) and reloads its cached copy when it
-- moved. Statement-level triggers: one move per statement, whatever the rows.
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);

INSERT INTO data_version (id, version) VALUES (1, 0);

CREATE FUNCTION move_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER contests_move_data_version AFTER INSERT OR UPDATE OR DELETE ON contests
    FOR EACH STATEMENT EXECUTE FUNCTION move_data_version();

CREATE TRIGGER areas_move_data_version AFTER INSERT OR UPDATE OR DELETE ON areas
    FOR EACH STATEMENT EXECUTE FUNCTION move_data_version();

CREATE TRIGGER rounds_move_data_version AFTER INSERT OR UPDATE OR DELETE ON rounds
    FOR EACH STATEMENT EXECUTE FUNCTION move_data_version();

CREATE TRIGGER banks_move_data_version AFTER INSERT OR UPDATE OR DELETE ON banks
    FOR EACH STATEMENT EXECUTE FUNCTION move_data_version();

CREATE TRIGGER bank_versions_move_data_version AFTER INSERT ON bank_versions
    FOR EACH STATEMENT EXECUTE FUNCTION move_data_version();

CREATE TRIGGER users_access_moves_data_version AFTER UPDATE OF role, generation, disabled_at ON users
    FOR EACH STATEMENT EXECUTE FUNCTION move_data_version();
