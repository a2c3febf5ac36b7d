"""The audit log: append-only in the database on both backends, and read
back with its filters."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from contest.services.container import Services
from contest.storage.audit import record
from contest.storage.sql import IntegrityError
from tests.conftest import NOW


async def _started(services: Services) -> None:
    await asyncio.to_thread(services.storage.migrate)
    services.storage.start()


def test_audit_log_refuses_update_and_delete(services: Services) -> None:
    async def body() -> list[str]:
        await _started(services)
        try:
            await services.storage.audit.record(
                actor_id=None, action="bank.create", subject="bank:1", details={}, now=NOW
            )
            for statement in ("UPDATE audit_log SET action = 'khác'", "DELETE FROM audit_log"):
                with pytest.raises(IntegrityError, match="append-only"):
                    await services.storage.db.write(lambda c, sql=statement: c.execute(sql))
            return [e.action for e in await services.storage.audit.entries()]
        finally:
            await services.storage.close()

    assert asyncio.run(body()) == ["bank.create"]


def test_audit_entries_filter_by_kind_and_time(services: Services) -> None:
    async def body() -> tuple[list[str], list[str], list[str]]:
        await _started(services)
        try:

            def fill(conn) -> None:  # type: ignore[no-untyped-def]
                for hours, action in enumerate(("bank.create", "account.disable", "round.phase", "account.enable")):
                    record(
                        conn, actor_id=None, action=action, subject="x:1", details={}, now=NOW + timedelta(hours=hours)
                    )

            await services.storage.db.write(fill)
            audit = services.storage.audit
            accounts = [e.action for e in await audit.entries(kind="account.")]
            window = [
                e.action for e in await audit.entries(since=NOW + timedelta(hours=1), until=NOW + timedelta(hours=3))
            ]
            nobody = [e.action for e in await audit.entries(actor_id=99)]
            return accounts, window, nobody
        finally:
            await services.storage.close()

    assert asyncio.run(body()) == (["account.enable", "account.disable"], ["round.phase", "account.disable"], [])
