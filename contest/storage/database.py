"""SQLite from async code: one writer thread, a few reader threads.

The pattern is datasette's (``database.py``): every write is a plain function
``fn(conn)`` sent to a single writer thread, which owns the only write
connection and its explicit transactions. Under load the writer drains its
queue and runs many callers' functions in one ``BEGIN IMMEDIATE … COMMIT``
(group commit), each inside its own savepoint so that one caller's failure
rolls back only that caller's work. A caller's future resolves only after the
commit, so an answer reported as saved is durable.

Reads run on a small pool of threads, each with its own connection; in WAL
mode they never wait for the writer.

We do not use aiosqlite here: it runs one call at a time per connection and has
no public way to put several callers' writes in one transaction, which is the
whole point of the writer (docs/design.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)

MAX_BATCH = 256


SYNCHRONOUS = ("FULL", "NORMAL")
"""The durability levels ``CONTEST_SQLITE_SYNCHRONOUS`` may choose (docs/design.md):
FULL (the default) syncs the WAL at every commit, so an acknowledged write
survives a power cut; NORMAL syncs only at checkpoints, so an OS crash or a
power cut may lose the last commits (never corrupt the file)."""


def synchronous_level(value: str) -> str:
    """``value`` as a PRAGMA level (any case); ValueError when it is not one of
    :data:`SYNCHRONOUS`, so a misspelt setting stops the start."""
    level = value.strip().upper()
    if level not in SYNCHRONOUS:
        raise ValueError(f"CONTEST_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not {value!r}")
    return level


def connect(path: Path | str, *, synchronous: str = "FULL") -> sqlite3.Connection:
    """A connection configured the same way for the writer, readers and tools."""
    level = synchronous_level(synchronous)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={level}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


@dataclass
class _Job:
    fn: Callable[[sqlite3.Connection], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


_STOP = object()


class Database:
    def __init__(
        self,
        path: Path | str,
        *,
        readers: int = 3,
        trace: Callable[[str], None] | None = None,
        synchronous: str = "FULL",
    ) -> None:
        self.path = Path(path)
        self.synchronous = synchronous_level(synchronous)
        self._trace = trace
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._readers = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="sqlite-read")
        self._local = threading.local()
        self._reader_connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._writer is None:
            conn = self._connect()
            self._writer = threading.Thread(target=self._write_loop, args=(conn,), name="sqlite-write", daemon=True)
            self._writer.start()

    def _connect(self) -> sqlite3.Connection:
        conn = connect(self.path, synchronous=self.synchronous)
        if self._trace is not None:  # every statement, with its values: for diagnostics and query-plan tests
            conn.set_trace_callback(self._trace)
        return conn

    async def close(self) -> None:
        if self._writer is not None:
            self._queue.put(_STOP)
            await asyncio.to_thread(self._writer.join)
            self._writer = None
        self._readers.shutdown(wait=True)
        with self._lock:
            for conn in self._reader_connections:
                conn.close()
            self._reader_connections.clear()

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` in the writer's transaction; returns after commit."""
        if self._writer is None:
            raise RuntimeError("database is not started")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Job(fn, future, loop))
        return await future

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` on a reader thread (a consistent snapshot per call)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._run_read, fn)

    def _run_read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._reader_connections.append(conn)
        conn.execute("BEGIN")
        try:
            return fn(conn)
        finally:
            conn.execute("COMMIT")

    def _write_loop(self, conn: sqlite3.Connection) -> None:
        try:
            while True:
                first = self._queue.get()
                if first is _STOP:
                    return
                batch = [first]
                stop = False
                while len(batch) < MAX_BATCH:
                    try:
                        job = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if job is _STOP:
                        stop = True
                        break
                    batch.append(job)
                conn = self._run_batch(conn, batch)
                if stop:
                    return
        finally:
            conn.close()

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Job]) -> sqlite3.Connection:
        """Run one batch and wake its callers; returns the connection the next
        batch uses. When the transaction as a whole fails (COMMIT refused by a
        deferred constraint, a full disk, a savepoint lost), every caller of
        the batch gets that error, it is logged on one line, and the writer
        goes on with a connection that has no transaction open."""
        try:
            outcomes = self._transaction(conn, batch)
        except Exception as exc:
            # One line, no traceback and no values: the error names a constraint or a
            # condition, never a participant's data.
            log.error("write transaction of %d callers failed: %s: %s", len(batch), type(exc).__name__, exc)
            outcomes = [(job, None, exc) for job in batch]
            conn = self._recover(conn)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, Any, BaseException | None]]] = {}
        for outcome in outcomes:
            by_loop.setdefault(outcome[0].loop, []).append(outcome)
        for loop, settled in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, settled)
            except RuntimeError:  # the loop closed while we were writing
                log.warning("event loop closed before %d writes were acknowledged", len(settled))
        return conn

    @staticmethod
    def _transaction(conn: sqlite3.Connection, batch: list[_Job]) -> list[tuple[_Job, Any, BaseException | None]]:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        conn.execute("BEGIN IMMEDIATE")
        for job in batch:
            conn.execute("SAVEPOINT job")
            try:
                result = job.fn(conn)
            except Exception as exc:  # the caller gets it; strangers' work stays
                if not conn.in_transaction:  # SQLite rolled the whole transaction back (a full disk, …)
                    raise
                conn.execute("ROLLBACK TO job")
                conn.execute("RELEASE job")
                outcomes.append((job, None, exc))
            else:
                conn.execute("RELEASE job")
                outcomes.append((job, result, None))
        conn.execute("COMMIT")
        return outcomes

    def _recover(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        """A write connection with no transaction open: ``conn`` once rolled
        back, or a new one when even the rollback fails."""
        if not conn.in_transaction:
            return conn
        try:
            conn.execute("ROLLBACK")
            return conn
        except sqlite3.Error as exc:
            log.error("rollback failed, opening a new write connection: %s: %s", type(exc).__name__, exc)
        with contextlib.suppress(sqlite3.Error):  # one that cannot close is dropped; the new one is what matters
            conn.close()
        return self._connect()


def _settle(outcomes: list[tuple[_Job, Any, BaseException | None]]) -> None:
    """Wake every caller of one batch with one hop into their event loop."""
    for job, result, error in outcomes:
        if job.future.cancelled():
            continue
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)
