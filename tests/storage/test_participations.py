from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from contest.storage.codec import to_ms
from contest.storage.database import connect
from contest.storage.migrate import available, current_version, migrate_sqlite, statements
from contest.storage.sql import IntegrityError
from tests.conftest import NOW, World, registration
from tests.web.test_many_contests import add_contest


@pytest.mark.sqlite
def test_migration_keeps_each_participants_area_and_unit_as_a_participation(tmp_path: Path) -> None:
    conn = connect(tmp_path / "old.db")
    current_version(conn)
    for migration in available()[:6]:  # a database from before migration 0007: one contest
        for statement in statements(migration.sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (migration.version, migration.name))
    now = to_ms(NOW)
    conn.execute("INSERT INTO contests (id, slug, title, created_at) VALUES (1, 'thu', 'Cuộc thi thử', ?)", (now,))
    conn.execute("INSERT INTO areas (id, contest_id, name, position) VALUES (5, 1, 'Huyện Cái Bè', 0)")
    conn.execute("INSERT INTO banks (id, name, created_at) VALUES (1, 'Ngân hàng', ?)", (now,))
    for opens, closes in ((1, 2), (3, 4)):
        conn.execute(
            "INSERT INTO rounds (contest_id, title, opens_at, closes_at, question_count, duration_seconds,"
            " attempts_allowed, bank_id) VALUES (1, 'Vòng', ?, ?, 1, 60, 1, 1)",
            (now + opens * 86_400_000, now + closes * 86_400_000),
        )
    conn.execute(
        "INSERT INTO users (id, role, full_name, phone, password_hash, area_id, unit, consent_at, created_at)"
        " VALUES (7, 'participant', 'Nguyễn Văn An', '0912345678', 'x', 5, 'Sở Tư pháp', ?, ?)",
        (now - 1000, now - 2000),
    )
    conn.execute(
        "INSERT INTO users (id, role, full_name, username, password_hash, created_at)"
        " VALUES (8, 'organiser', 'Ban Tổ chức', 'btc', 'x', ?)",
        (now,),
    )
    assert 7 in migrate_sqlite(conn)
    rows = conn.execute("SELECT user_id, contest_id, area_id, unit, joined_at FROM participations").fetchall()
    assert [tuple(r) for r in rows] == [(7, 1, 5, "Sở Tư pháp", now - 1000)]
    window = conn.execute("SELECT starts_at, ends_at FROM contests").fetchone()
    assert tuple(window) == (now + 86_400_000, now + 4 * 86_400_000)  # its first round's opening, last round's close


def test_a_participation_takes_an_area_of_its_own_contest(client: TestClient, world: World) -> None:
    """The database itself refuses an area of another contest, whatever the caller checked."""
    other = add_contest(client, world, "thu-hai")
    services = world.services

    async def join_with(area_id: int) -> bool:
        user = await services.accounts.register(await services.catalog.contest(world.contest_id), registration(world))
        return await services.storage.participations.join(
            user_id=user.id, contest_id=other.contest.id, area_id=area_id, unit="", now=NOW + timedelta(days=1)
        )

    with pytest.raises(IntegrityError):
        client.portal.call(join_with, world.area_ids[0])  # type: ignore[union-attr]
    assert client.portal.call(join_with, other.area_ids[0]) is True  # type: ignore[union-attr]
