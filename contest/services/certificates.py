"""Winners' certificates and their public verification.

A winner is a participant the round's prize quotas give a prize in its final
standings (``domain/prizes.assign``, with the judges' decision on a tie
across a prize boundary: :func:`contest.services.awards.settled`). Each certificate carries a
code, ``{round}-{participant}-{check}``, whose check is an HMAC of the
round and participant under the site's secret key: nobody makes a valid code
without the key, and the verification page reads the standings again, so a
certificate shows what is true now.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from contest.config import Settings
from contest.domain.models import Phase, User
from contest.domain.numbers import int_or_none
from contest.domain.permissions import Capability, require
from contest.errors import NotFound
from contest.services.awards import settled
from contest.services.catalog import Catalog
from contest.storage import Storage

CODE = re.compile(r"([0-9]{1,18})-([0-9]{1,18})-([0-9a-f]{20})")
NO_CERTIFICATE = "Không có giấy chứng nhận này: vòng thi chưa có kết quả chính thức hoặc thí sinh không đạt giải."


@dataclass(frozen=True, slots=True)
class Certificate:
    code: str
    contest: str
    round: str
    name: str
    area: str
    unit: str
    prize: str
    """As people read it: Giải Nhất, Giải Nhì, …"""
    rank: int
    score: int


class Certificates:
    def __init__(self, storage: Storage, catalog: Catalog, settings: Settings) -> None:
        self._storage = storage
        self._catalog = catalog
        self._key = settings.secret_key.encode()

    def _check(self, round_id: int, user_id: int) -> str:
        message = f"certificate:{round_id}:{user_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:20]

    def code(self, round_id: int, user_id: int) -> str:
        return f"{round_id}-{user_id}-{self._check(round_id, user_id)}"

    async def _winner(self, round_id: int, user_id: int) -> Certificate:
        round_ = await self._catalog.round(round_id)
        head = await self._storage.leaderboards.head(round_id)
        if head is None or head.phase is not Phase.FINAL:
            raise NotFound(NO_CERTIFICATE)
        prized = await settled(self._storage, round_)
        prize = prized.awards.prizes.get(user_id)
        entry = next((e for e in prized.entries if e.user_id == user_id), None)
        if prize is None or entry is None:
            raise NotFound(NO_CERTIFICATE)
        contest = await self._catalog.contest(round_.contest_id)
        return Certificate(
            self.code(round_id, user_id),
            contest.title,
            round_.title,
            entry.name,
            entry.area,
            entry.unit,
            prize.label,
            entry.rank,
            entry.score,
        )

    async def mine(self, user: User, round_id: int) -> Certificate:
        """The participant's certificate for the round; NotFound unless its
        results are final and they won a prize."""
        require(user, Capability.TAKE_PART)
        return await self._winner(round_id, user.id)

    async def verify(self, code: str) -> Certificate:
        """The certificate a code stands for, as the standings say now;
        NotFound for a code not made by this site or no longer a prize."""
        match = CODE.fullmatch(code)
        round_id = int_or_none(match.group(1)) if match else None
        user_id = int_or_none(match.group(2)) if match else None
        if match is None or round_id is None or user_id is None:
            raise NotFound(NO_CERTIFICATE)
        if not hmac.compare_digest(match.group(3), self._check(round_id, user_id)):
            raise NotFound(NO_CERTIFICATE)
        return await self._winner(round_id, user_id)
