"""Ranking a big round at close, and reading its leaderboard, on SQLite and
PostgreSQL.

Seeds (bench/seeding.py) a contest with N participants, then writes 2N
finished attempts (two each, scores, times and predictions spread at random)
to its round, and measures, through the platform's own services:

* ``rank_at_close``: what the sweeper runs once the round's close has
  passed (services/leaderboards.py, ``Leaderboards.rank_closed``): read every
  finished attempt, rank (domain/ranking.rank, the true figure included) and
  store the standings (names, areas and masked phones filled in by SQL);
* ``refresh``: the same again, replacing stored standings (what a judge's
  disqualification or reinstatement runs);
* ``publish``: publishing provisional results (``Leaderboards.settle``):
  read the stored standings, sign the leaderboard document, and store the
  overall leaderboard (summed in SQL);
* ``write_wait``: during the ranking at close and the publication, every
  50 ms, a tiny write transaction (an update touching no row) through the
  same writer an answer save goes through, timed from when it was due (so
  an event loop held up by another thread counts) to its commit: the
  longest, and the 99th percentile, is about what a participant saving an
  answer in another round waits meanwhile;
* a leaderboard page (the first, the middle and the last) and a
  participant's own rank, read from the stored standings.

    .venv/bin/python bench/ranking.py                       # SQLite, 500,000 people, 1,000,000 attempts
    .venv/bin/python bench/ranking.py --url postgresql://postgres@127.0.0.1:5432/bench_ranking
    .venv/bin/python bench/ranking.py --participants 20000  # a quick look

A PostgreSQL database named by --url is emptied first (schema public dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import seeding

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain import publication, ranking
from contest.domain.models import Phase
from contest.services.container import Services
from contest.services.leaderboards import rule_of
from contest.storage import open_storage
from contest.storage.codec import to_ms
from contest.storage.sql import Conn

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
QUESTIONS = 30


def empty_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


async def add_attempts(url: str, round_id: int, users: list[int], per_user: int, *, seed: int = 9) -> int:
    """``per_user`` finished attempts for each user, in one transaction, in
    the order they started (so their ids are, as in a real round: one
    participant's attempts far apart, everyone's interleaved)."""
    rng = random.Random(seed)
    storage = open_storage(url)
    storage.start()
    try:

        def fn(conn: Conn) -> int:
            version = conn.execute(
                "SELECT bv.id FROM rounds r JOIN bank_versions bv ON bv.bank_id = r.bank_id WHERE r.id = ?"
                " ORDER BY bv.number DESC",
                (round_id,),
            ).fetchone()[0]
            start = to_ms(NOW)
            rows = []
            for user_id in users:
                starts = sorted(start + rng.randrange(0, 6 * 86_400_000) for _ in range(per_user))
                for number, began in enumerate(starts, start=1):
                    correct = min(QUESTIONS, int(rng.triangular(8, QUESTIONS + 1, 26)))
                    duration = rng.randrange(120_000, 1_500_000)
                    prediction = None if rng.random() < 0.02 else rng.randrange(0, 60_000)
                    rows.append(
                        (
                            round_id,
                            user_id,
                            number,
                            version,
                            began,
                            began + 1_500_000,
                            began + duration,
                            prediction,
                            correct,
                            QUESTIONS,
                            correct,
                            duration,
                        )
                    )
            rows.sort(key=lambda row: row[4])
            conn.executemany(
                "INSERT INTO attempts (round_id, user_id, number, status, bank_version_id, started_at, deadline,"
                " submitted_at, prediction, correct, total, score, duration_ms, questions)"
                " VALUES (?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]')",
                rows,
            )
            return len(rows)

        return await storage.db.write(fn)
    finally:
        await storage.close()


class WriteProbe:
    """Times a tiny write transaction every 50 ms while a step runs (see the
    module docstring, ``write_wait``), from when it was due: an event loop
    held up (another thread holding the GIL in one long C call) counts too.
    ``late``: when (seconds into the step) a write waited over 0.3 s, and
    how long."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage
        self.waits: list[float] = []
        self.late: list[tuple[float, float]] = []
        self.began = time.perf_counter()
        self._task: asyncio.Task[None] | None = None

    async def _loop(self) -> None:
        def fn(conn: Conn) -> None:
            conn.execute("SELECT COUNT(*) FROM rounds WHERE id = -1").fetchone()
            conn.execute("UPDATE rounds SET title = title WHERE id = -1")

        due = time.perf_counter()
        while True:
            await self._storage.db.write(fn)
            done = time.perf_counter()
            self.waits.append(done - due)
            if done - due > 0.3:
                self.late.append((round(due - self.began, 2), round(done - due, 2)))
            due = done + 0.05
            await asyncio.sleep(0.05)

    def __enter__(self) -> WriteProbe:
        self._task = asyncio.create_task(self._loop())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    def summary(self, name: str) -> dict[str, Any]:
        waits = sorted(self.waits) or [0.0]
        return {
            f"{name}_write_wait_max_ms": round(waits[-1] * 1000, 1),
            f"{name}_write_wait_p99_ms": round(waits[int(len(waits) * 0.99)] * 1000, 1),
            f"{name}_writes": len(self.waits),
            f"{name}_waits_over_300_ms": self.late,
        }


async def measure(url: str, settings: Settings, round_id: int, users: list[int]) -> dict[str, Any]:
    storage = open_storage(url)
    storage.start()
    clock = FixedClock(NOW + timedelta(days=8))  # the round has closed
    services = Services.build(storage, settings, clock)
    try:
        parts: dict[str, float] = {}
        t, cpu = time.perf_counter(), time.process_time()
        with WriteProbe(storage) as at_close:
            assert await services.leaderboards.rank_closed(grace=timedelta(seconds=settings.grace_seconds)) == 1
        parts["rank_at_close_seconds"] = time.perf_counter() - t
        # This process's CPU time (all its threads; PostgreSQL's server not included): about what
        # the wall time is on an idle machine, when other work shares the cores.
        parts["rank_at_close_cpu_seconds"] = time.process_time() - cpu
        t = time.perf_counter()
        await services.leaderboards.refresh(round_id, Phase.UNDER_REVIEW)
        parts["refresh_seconds"] = time.perf_counter() - t
        t, cpu = time.perf_counter(), time.process_time()
        with WriteProbe(storage) as publishing:
            head = await services.leaderboards.settle(round_id, Phase.PROVISIONAL)
        parts["publish_seconds"] = time.perf_counter() - t
        parts["publish_cpu_seconds"] = time.process_time() - cpu
        # The ranking's parts, one by one, to see where the time goes.
        t = time.perf_counter()
        scored = await services.storage.leaderboards.scored(round_id)
        parts["read_attempts_seconds"] = time.perf_counter() - t
        gc.disable()
        t = time.perf_counter()
        ranking.rank(scored, rule_of(await services.catalog.round(round_id)))
        parts["rank_seconds"] = time.perf_counter() - t
        gc.enable()
        copy = await services.leaderboards.export(round_id)
        t = time.perf_counter()
        publication.canonical({k: v for k, v in copy.items() if k not in ("digest", "signature")})
        parts["serialise_seconds"] = time.perf_counter() - t
        del scored, copy
        pages = -(-head.size // 50)
        timings: dict[str, list[float]] = {"page_first": [], "page_middle": [], "page_last": [], "own_rank": []}
        for _ in range(20):
            for name, page in (("page_first", 1), ("page_middle", pages // 2), ("page_last", pages)):
                t = time.perf_counter()
                await services.leaderboards.page(round_id, page)
                timings[name].append(time.perf_counter() - t)
            user = await services.storage.accounts.get(random.choice(users))
            assert user is not None
            t = time.perf_counter()
            await services.leaderboards.mine(user)
            timings["own_rank"].append(time.perf_counter() - t)
        return {
            "entries": head.size,
            "true_figure": head.true_figure,
            **{k: round(v, 2) for k, v in parts.items()},
            **at_close.summary("rank_at_close"),
            **publishing.summary("publish"),
            **{f"{k}_ms_median": round(median(v) * 1000, 2) for k, v in timings.items()},
        }
    finally:
        await storage.close()


async def run(url: str, participants: int, per_user: int) -> dict[str, Any]:
    settings = Settings(database_url=url, secret_key="bench-" + "x" * 40)
    seeded = await seeding.seed(url, settings, participants=participants, questions=300, now=NOW)
    users = [u for u, _name in seeded.users]
    t = time.perf_counter()
    attempts = await add_attempts(url, seeded.round_id, users, per_user)
    print(f"  {attempts:,} attempts written in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    result = await measure(url, settings, seeded.round_id, users)
    return {
        "database": url.split(":", 1)[0],
        "participants": participants,
        "attempts": attempts,
        **result,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="postgresql://… (emptied first); default: a new SQLite file")
    p.add_argument("--participants", type=int, default=500_000)
    p.add_argument("--attempts-each", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/ranking.db"
        if url.startswith("postgresql:"):
            empty_postgres(url)
        result = asyncio.run(run(url, args.participants, args.attempts_each))
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
