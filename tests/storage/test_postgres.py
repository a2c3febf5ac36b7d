"""What only PostgreSQL's concurrency can break: several nodes (here two
pools on one database) working on the same rows at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import psycopg.errors
import pytest

from contest.services.container import Services
from contest.storage import PostgresStorage
from tests.backends import rows
from tests.conftest import NOW, seed

pytestmark = pytest.mark.postgres

EXPIRED = 120


def test_sweepers_on_two_nodes_close_each_expired_attempt_once(services: Services, database_url: str) -> None:
    async def body() -> tuple[int, list[tuple[int]]]:
        await asyncio.to_thread(services.storage.migrate)
        services.storage.start()
        other_node = PostgresStorage(database_url)
        other_node.start()
        try:
            world = await seed(services, services.clock)  # type: ignore[arg-type]
            round_ = await services.catalog.round(world.open_round)
            version, _ = await services.catalog.bank(round_.bank_id)
            users = rows(
                database_url,
                "INSERT INTO users (role, full_name, password_hash, created_at)"
                " SELECT 'participant', 'Thí sinh ' || n, '-', 0 FROM generate_series(1, ?) AS n RETURNING id",
                (EXPIRED,),
            )
            started = NOW - timedelta(hours=1)
            for (user_id,) in users:
                await services.storage.attempts.start(
                    round_=round_,
                    user_id=user_id,
                    version_id=version,
                    questions=(),
                    now=started,
                    deadline=started + timedelta(minutes=10),
                    expired_before=started,
                )

            async def sweep(node: PostgresStorage) -> int:
                closed = total = -1
                while closed != 0:
                    closed = await node.attempts.finalize_expired(expired_before=NOW, limit=7)
                    total += closed
                return total + 1

            nodes = [services.storage, other_node] * 3  # three sweepers on each node, all at once
            counts = await asyncio.gather(*(sweep(node) for node in nodes))  # type: ignore[arg-type]
            return sum(counts), rows(database_url, "SELECT COUNT(*) FROM attempts WHERE status = 'expired'")
        finally:
            await other_node.close()
            await services.storage.close()

    closed, expired = asyncio.run(body())
    assert expired == [(EXPIRED,)]
    assert closed == EXPIRED  # each closed by exactly one sweeper


def test_reads_run_in_read_only_transactions(database_url: str) -> None:
    async def body() -> None:
        storage = PostgresStorage(database_url)
        storage.start()
        try:
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                await storage.db.read(lambda c: c.execute("DELETE FROM login_failures"))
            await storage.db.write(lambda c: c.execute("DELETE FROM login_failures"))  # the same connections write
        finally:
            await storage.close()

    asyncio.run(body())


def test_connections_the_server_dropped_are_replaced_before_use(database_url: str) -> None:
    """As after a database restart: every pooled connection is killed, and
    the next requests still succeed (the pool checks a connection before
    lending it)."""

    async def body() -> list[int | None]:
        node = PostgresStorage(database_url, pool_size=3)
        await asyncio.to_thread(node.migrate)
        node.start()
        try:
            await node.data_version.current()
            killed = rows(
                database_url,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = '' AND pid <> pg_backend_pid()",
            )
            assert killed, "the pool's connections were found and ended"
            return [await node.data_version.current() for _ in range(6)]
        finally:
            await node.close()

    assert all(isinstance(version, int) for version in asyncio.run(body()))
