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


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection configured the same way for the writer, readers and tools."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
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
    def __init__(self, path: Path | str, *, readers: int = 3, trace: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
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
        conn = connect(self.path)
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
                self._run_batch(conn, batch)
                if stop:
                    return
        finally:
            conn.close()

    def _run_batch(self, conn: sqlite3.Connection, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in batch:
                conn.execute("SAVEPOINT job")
                try:
                    result = job.fn(conn)
                except Exception as exc:  # the caller gets it; strangers' work stays
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((job, None, exc))
                else:
                    conn.execute("RELEASE job")
                    outcomes.append((job, result, None))
            conn.execute("COMMIT")
        except Exception as exc:
            log.exception("write transaction failed")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            outcomes = [(job, None, exc) for job in batch]
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, Any, BaseException | None]]] = {}
        for outcome in outcomes:
            by_loop.setdefault(outcome[0].loop, []).append(outcome)
        for loop, settled in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, settled)
            except RuntimeError:  # the loop closed while we were writing
                log.warning("event loop closed before %d writes were acknowledged", len(settled))


def _settle(outcomes: list[tuple[_Job, Any, BaseException | None]]) -> None:
    """Wake every caller of one batch with one hop into their event loop."""
    for job, result, error in outcomes:
        if job.future.cancelled():
            continue
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)
