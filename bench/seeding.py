"""Seeding the load benchmark's database, straight through the platform's
storage (SQLite or PostgreSQL, by URL).

One contest with its areas (made by contest/services/contests.py, as the demo
and the tests make theirs), one bank of synthetic questions (four options,
every fifth with two correct answers, every seventh keeping its order), one
round open now for a week under the province's rules (30 questions, 25
minutes, 3 attempts, a prediction question), and N participants.

Participants go in through one storage write function (one transaction,
``executemany``) with one precomputed argon2 hash: the benchmark never signs
anyone in, it issues bearer tokens directly (bench/load.py), and hashing
60,000 passwords would take minutes. The first participant is created through
the platform's own ``create_participant`` so that the bulk rows can be
compared with what the application writes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher

from contest.config import Settings
from contest.domain.models import Difficulty, Question, Source
from contest.domain.registration import Registration
from contest.services.contests import create_contest, create_round
from contest.services.demo import AREAS, RULES_2020
from contest.storage import open_storage
from contest.storage.codec import to_ms
from contest.storage.participations import INSERT as INSERT_PARTICIPATION
from contest.storage.sql import Conn

TOPICS = (
    "Khái niệm chính phủ điện tử, chính phủ số, chuyển đổi số",
    "Chủ trương, chính sách về chính quyền điện tử",
    "Dịch vụ công trực tuyến của tỉnh",
)

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ")
_MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Kim")
_GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Khoa", "Lan", "Long", "Mai", "Nam", "Phúc")
_UNITS = ("", "Sở Thông tin và Truyền thông", "UBND xã Tân Mỹ Chánh", "Trường THPT Nguyễn Đình Chiểu", "")

# Lengths like the bundled bank's (questions/*.toml), whose 284 questions
# average 107 characters of text, 33 per option, 144 of explanation and 70 of
# citation; an attempt stores its 30 drawn questions (~25 KB of JSON) and the
# start response carries them, so sizes matter.
_CLAUSE = (
    "theo quy định tại Nghị định số 42/2022/NĐ-CP về cung cấp thông tin và dịch vụ công trực tuyến "
    "của cơ quan nhà nước trên môi trường mạng, bảo đảm người dân và doanh nghiệp được phục vụ tốt hơn"
)


def make_bank(count: int = 300, *, seed: int = 2020) -> list[Question]:
    rng = random.Random(seed)
    questions = []
    for i in range(1, count + 1):
        multiple = i % 5 == 0
        keep = i % 7 == 0
        options = tuple(f"{letter}{i} " + _CLAUSE[: rng.choice((10, 15, 20, 25, 30, 35, 90))] for letter in "ABCD")
        if keep:
            options = (*options[:3], "Cả A và B đều đúng")
        correct = frozenset(rng.sample(range(4), 2)) if multiple else frozenset({rng.randrange(4)})
        questions.append(
            Question(
                code=f"BM-{i:03d}",
                text=f"Câu {i}: cơ quan nhà nước phải làm gì khi cung cấp dịch vụ công trực tuyến "
                f"{_CLAUSE[: rng.randint(10, 50)]}?",
                options=options,
                correct=correct,
                topic=TOPICS[i % len(TOPICS)],
                difficulty=(Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)[i % 3],
                multiple=multiple,
                keep_order=keep,
                explanation=f"Giải thích câu {i}: {_CLAUSE[: rng.randint(110, 160)]}.",
                source=Source(
                    citation=f"Khoản {i % 9 + 1} Điều {i % 30 + 1} Nghị định số 42/2022/NĐ-CP ngày 24/6/2022 "
                    "của Chính phủ",
                    document="42/2022/NĐ-CP",
                ),
            )
        )
    return questions


@dataclass(frozen=True)
class Seeded:
    contest_id: int
    round_id: int
    bank_id: int
    area_ids: tuple[int, ...]
    users: tuple[tuple[int, str], ...]
    """(user id, full name) of every participant, in id order."""


def session_id(user_id: int) -> str:
    """The id of the token session :func:`seed` opens for a participant."""
    return f"bench-{user_id}"


def _name(i: int) -> str:
    return f"{_FAMILY[i % 12]} {_MIDDLE[(i // 12) % 8]} {_GIVEN[(i // 96) % 14]}"


def _phone(i: int) -> str:
    return f"09{i:08d}"  # 0[35789] + 8 digits: a valid mobile number


def _cccd(i: int) -> str:
    # Province code 082 (Tiền Giang), century/sex digit, birth year, serial:
    # 12 digits, unique per i below 10^6.
    return f"082{(i % 2)}{(70 + i % 30):02d}{i:06d}"


async def seed(url: str, settings: Settings, *, participants: int, questions: int, now: datetime) -> Seeded:
    storage = open_storage(url)
    storage.migrate()
    storage.start()
    try:
        bank = make_bank(questions)
        bank_id, _version = await storage.banks.create(name="Ngân hàng đo tải", questions=bank, now=now)
        contest = await create_contest(
            storage,
            slug="do-tai",
            title="Cuộc thi đo tải",
            description="Cuộc thi dùng cho bài đo tải (bench/load.py).",
            rules="Thể lệ: 30 câu, 25 phút, tối đa 3 lượt.",
            privacy_notice="Dữ liệu tổng hợp, không phải người thật.",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=7),
            areas=AREAS,
            now=now,
        )
        area_ids = tuple(a.id for a in contest.areas)
        round_id = await create_round(
            storage,
            contest=contest,
            title="Vòng đo tải",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=7),
            rules=RULES_2020,
            bank_id=bank_id,
        )
        hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib, parallelism=1
        )
        password_hash = hasher.hash("mật-khẩu-đo-tải")
        first = await storage.accounts.create_participant(
            Registration(
                full_name=_name(0),
                phone=_phone(0),
                password="-",
                email=None,
                birth_year=1990,
                cccd=_cccd(0),
                area_id=area_ids[0],
                unit=_UNITS[0],
                contest_id=contest.id,
            ),
            password_hash=password_hash,
            now=now,
        )
        rows = [
            (_name(i), _phone(i), _cccd(i), password_hash, 1970 + i % 40, to_ms(now), to_ms(now))
            for i in range(1, participants)
        ]

        def bulk(conn: Conn) -> None:
            conn.executemany(
                "INSERT INTO users (role, full_name, phone, cccd, password_hash, birth_year, consent_at, created_at)"
                " VALUES ('participant', ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            # Each participant's part in the contest, as registration makes it (the first one's is there).
            conn.executemany(
                INSERT_PARTICIPATION,
                [
                    (user_id, contest.id, area_ids[i % len(area_ids)], _UNITS[i % len(_UNITS)], to_ms(now))
                    for i, (user_id,) in enumerate(
                        conn.execute("SELECT id FROM users WHERE role = 'participant' ORDER BY id").fetchall()
                    )
                ],
            )

            # One open token session each, as signing in through the API opens (the bench signs the tokens).
            conn.execute(
                "INSERT INTO sessions (id, user_id, kind, agent, created_at, seen_at)"
                " SELECT 'bench-' || id, id, 'token', 'bench/load.py', ?, ? FROM users WHERE role = 'participant'",
                (to_ms(now), to_ms(now)),
            )

        await storage.db.write(bulk)

        def users(conn: Conn) -> list[tuple[int, str]]:
            return [
                (r[0], r[1])
                for r in conn.execute("SELECT id, full_name FROM users WHERE role = 'participant' ORDER BY id")
            ]

        everyone = await storage.db.read(users)
        assert everyone[0][0] == first.id and len(everyone) == participants
        return Seeded(contest.id, round_id, bank_id, area_ids, tuple(everyone))
    finally:
        await storage.close()
