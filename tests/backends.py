"""Which database the suite runs on, and statements on it from outside the app.

``CONTEST_TEST_DATABASE`` unset: every test gets its own SQLite file.
``CONTEST_TEST_DATABASE=postgresql://postgres@127.0.0.1:5432/postgres``: the
session creates one fresh database on that server, migrates it once, empties
its tables between tests (far faster than a new database each time) and drops
it at the end. With ``CI=true`` a
server that cannot be reached fails the run; elsewhere the run stops with a
message saying PostgreSQL is missing.

Tests about SQLite itself (the writer thread, query plans, WAL) carry
``@pytest.mark.sqlite`` and are skipped on PostgreSQL; ``@pytest.mark.postgres``
marks tests that need PostgreSQL (skipped on SQLite).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Sequence
from contextlib import closing
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from contest.storage.postgres import PostgresStorage
from contest.storage.sql import to_pyformat

SERVER = os.environ.get("CONTEST_TEST_DATABASE", "")
ON_POSTGRES = SERVER.startswith(("postgresql://", "postgres://"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


class PostgresDatabase:
    """One database for the whole session on the server ``SERVER`` names."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.name = f"contest_test_{uuid.uuid4().hex[:12]}"
        self.url = _with_database(server, self.name)
        self._empty = b""

    def create(self) -> None:
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"'.encode())
        PostgresStorage(self.url).migrate()
        with psycopg.connect(self.url) as conn:
            tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
            # Rows the migrations made (schema_migrations, the data version) are part of the schema.
            filled = [
                name
                for (name,) in tables
                if conn.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{name}")'.encode()).fetchone() == (True,)
            ]
            sequences = conn.execute(
                "SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) FROM information_schema.columns"
                " WHERE table_schema = 'public' AND is_identity = 'YES'"
            ).fetchall()
        # DELETE with triggers and foreign keys off (session_replication_role) and the identities
        # restarted: the same as TRUNCATE … RESTART IDENTITY here, ten times faster on small tables.
        self._empty = "; ".join(
            [
                "BEGIN",
                "SET LOCAL session_replication_role = replica",
                *(f'DELETE FROM "{name}"' for name in filled),
                *(f"ALTER SEQUENCE {sequence} RESTART" for (sequence,) in sequences),
                "COMMIT",
            ]
        ).encode()

    def empty(self) -> None:
        """Every table the tests fill emptied and its ids restarted; the
        schema, and the rows the migrations made, stay."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(self._empty)

    def drop(self) -> None:
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'.encode())


def rows(url: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement (``?`` placeholders) on the database ``url`` names,
    outside the app, committed; its rows as tuples (none for a change)."""
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as lite, lite:
            return [tuple(r) for r in lite.execute(sql, params).fetchall()]
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(to_pyformat(sql).encode(), params)
        return [tuple(r) for r in cursor.fetchall()] if cursor.description else []
