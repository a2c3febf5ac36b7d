"""Big sets of rows written by generations (migration 0022), so that no
transaction holds the writer for long: SQLite has one writer, and an answer
save queued behind a 500,000-row transaction would wait seconds.

A writer takes a new generation (:func:`new_generation`), writes its rows
tagged with it by chunks of :data:`CHUNK`, each in a write of its own
(:func:`write_chunks`; saves queued meanwhile go between two chunks), makes
it the head row's current generation in one tiny transaction, then deletes
the older generations' rows by chunks (:func:`drop`). Readers read
only the head's current generation, so they see the old rows until the
switch and the new ones after it.

Used by ``storage/leaderboards.py`` (a round's standings) and
``storage/overall.py`` (a contest's overall leaderboard).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import islice
from typing import Any

from contest.storage import database
from contest.storage.sql import Conn, Database, tuples

CHUNK = 5_000
"""Rows a write transaction takes: well under 0.3 s of SQLite's writer on a shared machine (25,000 took
0.3-0.4 s, 10,000 up to 0.68 s with the load at 3 on 2 cores)."""


WHOLE = 1 << 62
"""A chunk without end: all the rows in one transaction (PostgreSQL)."""


def _chunk(db: Database) -> int:
    """:data:`CHUNK` on SQLite (one writer for everyone); on PostgreSQL no
    chunks, one transaction: nobody waits on rows no reader reads yet
    (MVCC), and its planner joins each chunk's staging table to the whole
    of the other tables (1-1.4 s a chunk of 5,000 when tried)."""
    return CHUNK if isinstance(db, database.Database) else WHOLE


async def new_generation(db: Database) -> int:
    """A generation no rows have yet (one counter for every table: two
    writers of the same round or contest at once never share one)."""

    def fn(conn: Conn) -> int:
        return int(conn.execute("UPDATE generation_counter SET last = last + 1 RETURNING last").fetchone()[0])

    return await db.write(fn)


async def write_chunks(
    db: Database, rows: Iterable[Sequence[Any]], write: Callable[[Conn, list[Sequence[Any]]], None]
) -> None:
    """``write(conn, chunk)`` for each chunk of ``rows`` (in order; at most
    :data:`CHUNK` on SQLite, all on PostgreSQL), each in a write
    transaction of its own."""
    it = iter(rows)
    size = _chunk(db)
    while chunk := list(islice(it, size)):

        def fn(conn: Conn, chunk: list[Sequence[Any]] = chunk) -> None:
            write(conn, chunk)

        await db.write(fn)


async def drop(db: Database, table: str, key: str, key_value: int, generations: range, *, by: str = "position") -> None:
    """Delete the rows of ``table`` whose ``key`` is ``key_value`` and whose
    generation is in ``generations`` (``range(0, current)``: the ones a
    switch to ``current`` left; generations only grow, so one being written
    meanwhile is newer and stays), :data:`CHUNK` rows a transaction in the
    order of ``by``. ``table``, ``key`` and ``by`` are the caller's
    constants, never input; the table's primary key is (key, generation,
    by). On PostgreSQL one statement a generation (:func:`_chunk`)."""
    stale = await db.read(
        lambda c: tuples(
            c,
            f"SELECT DISTINCT generation FROM {table} WHERE {key} = ? AND generation >= ? AND generation < ?",
            (key_value, generations.start, generations.stop),
        )
    )
    step = _chunk(db)
    rows = f"FROM {table} WHERE {key} = ? AND generation = ?"

    def chunk(conn: Conn, *, generation: int) -> bool:
        """Delete the generation's first ``step`` rows; True when some are left."""
        last = None
        if step != WHOLE:
            found = conn.execute(
                f"SELECT {by} {rows} ORDER BY {by} LIMIT 1 OFFSET ?", (key_value, generation, step - 1)
            )
            last = found.fetchone()
        if last is None:
            conn.execute(f"DELETE {rows}", (key_value, generation))
            return False
        conn.execute(f"DELETE {rows} AND {by} <= ?", (key_value, generation, last[0]))
        return True

    for (generation,) in stale:
        while await db.write(partial(chunk, generation=generation)):
            pass
