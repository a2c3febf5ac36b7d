"""A database of the backend under test as an earlier version left it, with
rows in it, then migrated to the latest: how a migration that moves data is
tested (``tests/services/test_earlier_sheets.py``, ``tests/storage/test_standings.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg

from contest.storage.database import connect
from contest.storage.migrate import available, current_version, migrate_postgres, migrate_sqlite, statements
from tests.backends import ON_POSTGRES, SERVER, PostgresDatabase, rows

Filled = Sequence[tuple[str, Sequence[Any]]]
"""Statements (with ``?`` marks) and their parameters."""


def migrated_from(version: int, fill: Filled, query: str, tmp_path: Path) -> tuple[list[int], list[tuple[Any, ...]]]:
    """Migrate a new database up to ``version``, run ``fill`` in it with
    foreign keys off (rows need no parents), migrate it to the latest (on the
    same connection, foreign keys still off); the
    versions the last step applied and the rows ``query`` reads then."""
    if ON_POSTGRES:
        database = PostgresDatabase(SERVER)
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database.name}"'.encode())
        try:
            with psycopg.connect(database.url) as conn:
                conn.execute("SET session_replication_role = replica")
                for migration in available("postgresql")[:version]:
                    conn.execute(migration.sql.encode())
                conn.execute(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                    " applied_at BIGINT NOT NULL)"
                )
                for migration in available("postgresql")[:version]:
                    conn.execute(
                        "INSERT INTO schema_migrations VALUES (%s, %s, 0)", (migration.version, migration.name)
                    )
                for sql, parameters in fill:
                    conn.execute(sql.replace("?", "%s").encode(), parameters)
                conn.commit()
                applied = migrate_postgres(conn)
            return applied, [tuple(r) for r in rows(database.url, query)]
        finally:
            database.drop()
    conn = connect(tmp_path / "earlier.db")
    try:
        current_version(conn)
        for migration in available()[:version]:
            for statement in statements(migration.sql):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (migration.version, migration.name))
        conn.execute("PRAGMA foreign_keys = OFF")
        for sql, parameters in fill:
            conn.execute(sql, parameters)
        applied = migrate_sqlite(conn)
        return applied, [tuple(r) for r in conn.execute(query)]
    finally:
        conn.close()
