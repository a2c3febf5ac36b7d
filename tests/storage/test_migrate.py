from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from contest.storage.database import connect
from contest.storage.migrate import SchemaTooNew, available, current_version, migrate_sqlite, statements
from contest.storage.postgres import PostgresStorage
from tests.backends import SERVER, PostgresDatabase, rows


@pytest.mark.sqlite
def test_migrations_apply_once_and_are_recorded(tmp_path: Path) -> None:
    conn = connect(tmp_path / "m.db")
    latest = available()[-1].version
    assert migrate_sqlite(conn) == list(range(1, latest + 1))
    assert migrate_sqlite(conn) == []
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == latest
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "rounds", "attempts", "answers", "questions", "bank_versions"} <= tables


@pytest.mark.sqlite
def test_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    conn = connect(tmp_path / "n.db")
    migrate_sqlite(conn)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    with pytest.raises(SchemaTooNew) as caught:
        migrate_sqlite(conn)
    assert "phiên bản lược đồ 999" in str(caught.value)
    assert "upgrade the software" in str(caught.value)


@pytest.mark.sqlite
def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    conn = connect(tmp_path / "f.db")
    conn.execute("CREATE TABLE users (id INTEGER)")  # a clash the first migration will hit
    with pytest.raises(sqlite3.OperationalError):
        migrate_sqlite(conn)
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'contests'").fetchone()[0] == 0
    assert not conn.in_transaction


def test_statements_split_whole_statements() -> None:
    sql = "CREATE TABLE a (x TEXT DEFAULT ';');\n-- comment\nCREATE INDEX i ON a (x);\n"
    assert statements(sql) == ["CREATE TABLE a (x TEXT DEFAULT ';');", "-- comment\nCREATE INDEX i ON a (x);"]


@pytest.mark.sqlite
def test_answers_saved_before_revisions_get_one(tmp_path: Path) -> None:
    conn = connect(tmp_path / "old.db")
    current_version(conn)
    for migration in available()[:3]:  # a database from before migration 0004
        for statement in statements(migration.sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (migration.version, migration.name))
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO answers (attempt_id, question_id, options, saved_at) VALUES (1, 1, '[2]', 0)")
    conn.execute("INSERT INTO answers (attempt_id, question_id, options, saved_at) VALUES (1, 2, '[]', 0)")
    assert 4 in migrate_sqlite(conn)
    rows = conn.execute("SELECT question_id, revision, flagged FROM answers ORDER BY question_id").fetchall()
    assert [tuple(r) for r in rows] == [(1, 1, 0), (2, 0, 0)]  # an empty answer is "nothing saved"


def test_every_dialect_has_the_same_migrations() -> None:
    assert [(m.version, m.name) for m in available("postgresql")] == [(m.version, m.name) for m in available("sqlite")]


@pytest.mark.postgres
def test_postgres_migrations_apply_once_whoever_starts_at_once() -> None:
    fresh = PostgresDatabase(SERVER)
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh.name}"'.encode())
    try:
        with ThreadPoolExecutor(3) as nodes:  # three nodes starting on an empty database
            applied = sorted(nodes.map(lambda _: PostgresStorage(fresh.url).migrate(), range(3)))
        latest = available("postgresql")[-1].version
        assert applied == [[], [], list(range(1, latest + 1))]
        assert rows(fresh.url, "SELECT MAX(version) FROM schema_migrations") == [(latest,)]
    finally:
        fresh.drop()


@pytest.mark.postgres
def test_postgres_newer_database_is_refused_with_a_clear_message(database_url: str) -> None:
    rows(database_url, "INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    try:
        with pytest.raises(SchemaTooNew) as caught:
            PostgresStorage(database_url).migrate()
    finally:
        rows(database_url, "DELETE FROM schema_migrations WHERE version = 999")
    assert "phiên bản lược đồ 999" in str(caught.value)
