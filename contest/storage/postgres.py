"""PostgreSQL from async code: the same store functions ``fn(conn)`` as on
SQLite, each run on a thread with a connection from a pool, in its own
transaction.

Why threads and psycopg 3's synchronous pool rather than an async driver:
every query is then written once, for both backends, as a plain function
(``contest/storage/sql.py``); the hop to a thread is the one SQLite's readers
already make, and the load benchmark measures it (docs/design.md). Reads run
in read-only transactions. There is no group commit here: PostgreSQL's own
WAL flush groups concurrent commits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import psycopg
import psycopg.conninfo
from psycopg_pool import ConnectionPool

from contest.storage.migrate import migrate_postgres
from contest.storage.sql import Conn, PgConn, row_factory
from contest.storage.stores import Storage

T = TypeVar("T")


class DatabaseUnavailable(RuntimeError):
    """The PostgreSQL server named by the URL cannot be reached or refuses us."""

    def __init__(self, url: str, error: Exception) -> None:
        where = psycopg.conninfo.conninfo_to_dict(url)
        super().__init__(
            f"Không kết nối được cơ sở dữ liệu PostgreSQL {where.get('dbname', '')} tại {where.get('host', '')}:"
            f"{where.get('port', 5432)}. (Cannot connect to PostgreSQL: {str(error).strip()})"
        )


def connect(url: str) -> psycopg.Connection[Any]:
    """One connection outside the pool (migrations, tools), set up as the
    pool's are; DatabaseUnavailable when the server cannot be reached."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(url, exc) from None
    _configure(conn)
    return conn


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.row_factory = row_factory
    conn.autocommit = True  # transactions are explicit: conn.transaction()


class PostgresDatabase:
    """``read(fn)`` and ``write(fn)`` for one PostgreSQL database; ``size``
    connections, each used by one thread at a time."""

    def __init__(self, url: str, *, size: int = 8) -> None:
        self.url = url
        self.size = size
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._threads: ThreadPoolExecutor | None = None

    def start(self) -> None:
        if self._pool is None:
            self._pool = ConnectionPool(
                self.url,
                min_size=self.size,
                max_size=self.size,
                configure=_configure,
                check=ConnectionPool.check_connection,  # a connection the server dropped is replaced, not used
                open=False,
                name="contest",
            )
            self._pool.open(wait=True)
            self._threads = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="postgres")

    async def close(self) -> None:
        pool, threads = self._pool, self._threads
        self._pool = self._threads = None
        if threads is not None:
            await asyncio.to_thread(threads.shutdown, wait=True)
        if pool is not None:
            await asyncio.to_thread(pool.close)

    async def write(self, fn: Callable[[Conn], T]) -> T:
        """Run ``fn(conn)`` in its own transaction; returns after commit."""
        return await self._run(fn, read_only=False)

    async def read(self, fn: Callable[[Conn], T]) -> T:
        """Run ``fn(conn)`` in a read-only transaction (one snapshot per
        statement, as PostgreSQL's default isolation gives)."""
        return await self._run(fn, read_only=True)

    async def _run(self, fn: Callable[[Conn], T], *, read_only: bool) -> T:
        if self._threads is None:
            raise RuntimeError("database is not started")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, self._call, fn, read_only)

    def _call(self, fn: Callable[[Conn], T], read_only: bool) -> T:
        assert self._pool is not None
        with self._pool.connection() as conn:
            conn.read_only = read_only
            with conn.transaction():
                return fn(PgConn(conn))


class PostgresStorage(Storage):
    """All data access for one PostgreSQL database, shared by every process
    and node that names it."""

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = url
        super().__init__(PostgresDatabase(url, size=pool_size))

    def migrate(self) -> list[int]:
        with connect(self.url) as conn:
            return migrate_postgres(conn)
