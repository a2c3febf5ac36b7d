"""Versioned schema migrations, run on start.

Each file ``migrations/<dialect>/NNNN_name.sql`` moves the schema from version
NNNN-1 to NNNN and is applied in one transaction together with its row in
``schema_migrations``. Several processes starting at once take turns: the
version is read again inside the write lock (SQLite's ``BEGIN IMMEDIATE``,
PostgreSQL's transaction-scoped advisory lock). A database whose version is
newer than the code knows is refused, because old code would misread it.
The same version number is the same schema in every dialect.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg

from contest.storage.sql import Conn, PgConn


class SchemaTooNew(RuntimeError):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"Cơ sở dữ liệu đang ở phiên bản lược đồ {found}, mới hơn phiên bản {known} mà phần mềm "
            f"này hỗ trợ. Hãy cài phiên bản phần mềm mới hơn. (The database schema is version "
            f"{found}, newer than version {known} known to this code: upgrade the software.)"
        )
        self.found = found
        self.known = known


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


def available(dialect: str = "sqlite") -> list[Migration]:
    folder = resources.files("contest.storage") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {expected:04d} is missing")
    return found


def statements(sql: str) -> list[str]:
    """Split a script into whole statements (triggers included)."""
    result, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                result.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        result.append(buffer.strip())
    return result


def current_version(conn: Conn) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
    )
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate_sqlite(conn: sqlite3.Connection) -> list[int]:
    """Bring the schema up to date; returns the versions applied."""
    known = available("sqlite")
    latest = known[-1].version if known else 0
    applied: list[int] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = current_version(conn)
        if version > latest:
            raise SchemaTooNew(version, latest)
        for migration in known[version:]:
            for statement in statements(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, int(time.time() * 1000)),
            )
            applied.append(migration.version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied


# pg_advisory_xact_lock's key for "migrating this database" (any constant
# the application uses for nothing else).
_MIGRATION_LOCK = 7_000_000_001


def migrate_postgres(conn: psycopg.Connection[Any]) -> list[int]:
    """Bring a PostgreSQL schema up to date in one transaction; returns the
    versions applied. Nodes starting at once wait for each other's lock."""
    known = available("postgresql")
    latest = known[-1].version if known else 0
    applied: list[int] = []
    pg = PgConn(conn)
    with conn.transaction():
        pg.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
        version = current_version(pg)
        if version > latest:
            raise SchemaTooNew(version, latest)
        for migration in known[version:]:
            conn.execute(migration.sql.encode())  # a whole script: no parameters, so several statements run
            pg.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, int(time.time() * 1000)),
            )
            applied.append(migration.version)
    return applied
