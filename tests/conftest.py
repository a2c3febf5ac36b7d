"""Shared fixtures: a real SQLite file per test, services on a fixed clock, an
app with a seeded contest, and clients signed in as a participant."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain.models import Difficulty, Question, RoundRules, Source
from contest.services.container import Services
from contest.services.contests import create_contest, create_round
from contest.storage import Storage, open_storage
from contest.web.app import create_app
from tests.backends import ON_POSTGRES, SERVER, PostgresDatabase

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
PASSWORD = "mật-khẩu-an-toàn"
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}
OPEN_DOORS: dict[str, Any] = {
    "challenge": False,
    "register_max_per_address": 100_000,
    "register_max_per_network": 100_000,
    "signin_max_per_address": 100_000,
    "signin_max_per_network": 100_000,
    "code_resend_seconds": 0,
}
"""Tests register and sign in many people from one test client: no
proof-of-work, no per-address limits and no wait between sending codes,
except in the tests of those (tests/services/test_limits.py,
tests/web/test_challenges.py, the resend tests of tests/web/test_one_time.py)."""


def make_bank(count: int = 40) -> list[Question]:
    """A bank with every kind of question: single, multiple, kept order."""
    questions = []
    for i in range(1, count + 1):
        multiple = i % 5 == 0
        keep = i % 7 == 0
        options = (f"Phương án đúng {i}", f"Phương án sai {i}", f"Phương án thứ ba {i}", f"Phương án thứ tư {i}")
        questions.append(
            Question(
                code=f"T-{i:03d}",
                text=f"Câu hỏi thử số {i}?",
                options=options,
                correct=frozenset({0, 2}) if multiple else frozenset({0}),
                topic=("Chủ đề A", "Chủ đề B")[i % 2],
                difficulty=(Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)[i % 3],
                multiple=multiple,
                keep_order=keep,
                explanation=f"Giải thích {i}",
                source=Source(citation=f"Nguồn {i}", document="43/2011/NĐ-CP"),
            )
        )
    return questions


RULES = RoundRules(
    question_count=5,
    duration_seconds=600,
    attempts_allowed=2,
    prediction_question="Có bao nhiêu người trả lời đúng tất cả?",
)


@asynccontextmanager
async def started(storage: Storage) -> AsyncIterator[Storage]:
    """``storage`` migrated and started for the block, closed after it."""
    storage.migrate()
    storage.start()
    try:
        yield storage
    finally:
        await storage.close()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests about one backend skip on the other (tests/backends.py)."""
    skip = "sqlite" if ON_POSTGRES else "postgres"
    reason = "about SQLite itself" if ON_POSTGRES else "needs CONTEST_TEST_DATABASE=postgresql://…"
    for item in items:
        if skip in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase | None]:
    """The session's PostgreSQL database, or None when the suite runs on SQLite."""
    if not ON_POSTGRES:
        yield None
        return
    database = PostgresDatabase(SERVER)
    database.create()
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def database_url(tmp_path: Path, postgres_database: PostgresDatabase | None) -> str:
    """A database of its own for each test: a new SQLite file, or the
    session's PostgreSQL database emptied."""
    if postgres_database is None:
        return f"sqlite:///{tmp_path / 'contest.db'}"
    postgres_database.empty()
    return postgres_database.url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        catalog_check_seconds=0,  # every change is seen at once, as another node sees it a second later
        **FAST_HASHING,
        **OPEN_DOORS,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@dataclass(frozen=True)
class Seeded:
    contest_id: int
    bank_id: int
    open_round: int
    upcoming_round: int
    closed_round: int
    area_ids: list[int]


async def seed_contest(storage: Storage, *, now: datetime, rules: RoundRules = RULES) -> Seeded:
    """A contest around ``now`` (from 14 days before to 14 days after): a
    bank of 40, one round open, one upcoming, one closed, two areas."""
    bank_id, _ = await storage.banks.create(name="Ngân hàng thử", questions=make_bank(), now=now)
    contest = await create_contest(
        storage,
        slug="thu",
        title="Cuộc thi thử",
        description="Mô tả cuộc thi.",
        rules="Thể lệ cuộc thi.",
        privacy_notice="Thông báo xử lý dữ liệu cá nhân.",
        min_age=12,
        starts_at=now - timedelta(days=14),
        ends_at=now + timedelta(days=14),
        areas=["Thành phố Mỹ Tho", "Huyện Cái Bè"],
        now=now,
    )
    rounds = []
    for title, opens, closes in (
        ("Vòng mở", timedelta(hours=-1), timedelta(days=7)),
        ("Vòng sắp mở", timedelta(days=7), timedelta(days=14)),
        ("Vòng đã đóng", timedelta(days=-14), timedelta(days=-7)),
    ):
        rounds.append(
            await create_round(
                storage,
                contest=contest,
                title=title,
                opens_at=now + opens,
                closes_at=now + closes,
                rules=rules,
                bank_id=bank_id,
            )
        )
    return Seeded(contest.id, bank_id, *rounds, [a.id for a in contest.areas])


@dataclass(frozen=True)
class World(Seeded):
    """A seeded contest with the services and clock the test drives."""

    services: Services
    clock: FixedClock


async def seed(services: Services, clock: FixedClock) -> World:
    seeded = await seed_contest(services.storage, now=clock.now())
    return World(**vars(seeded), services=services, clock=clock)


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Services:
    return Services.build(open_storage(settings.database_url), settings, clock)


@pytest.fixture
def app_client(services: Services, clock: FixedClock) -> Iterator[tuple[TestClient, World]]:
    app = create_app(services, sweeper=False)
    with TestClient(app, base_url="http://testserver") as client:
        world = client.portal.call(seed, services, clock)  # type: ignore[union-attr]
        yield client, world


@pytest.fixture
def client(app_client: tuple[TestClient, World]) -> TestClient:
    return app_client[0]


@pytest.fixture
def world(app_client: tuple[TestClient, World]) -> World:
    return app_client[1]


_CCCD_SERIAL = iter(range(100000, 999999))


def registration(world: World, **overrides: Any) -> dict[str, Any]:
    """Valid registration fields for a new, unique person."""
    serial = next(_CCCD_SERIAL)
    fields: dict[str, Any] = {
        "full_name": "Nguyễn Văn An",
        "phone": f"09{serial:08d}",
        "password": PASSWORD,
        "email": f"an{serial}@example.vn",
        "birth_year": 1990,
        "cccd": f"082090{serial:06d}",
        "area": world.area_ids[0],
        "unit": "Sở Thông tin và Truyền thông",
        "consent": True,
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def api_user(client: TestClient, world: World) -> Callable[..., dict[str, str]]:
    """Register a participant through the API and return auth headers."""

    def make(**overrides: Any) -> dict[str, str]:
        fields = registration(world, **overrides)
        response = client.post("/api/v1/register", json=fields)
        assert response.status_code == 201, response.text
        token = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]})
        assert token.status_code == 200, token.text
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    return make
