"""A participant's own details, as they see and correct them on their
profile page (``/me/account``) or through ``GET/PATCH /api/v1/me``.

What may change once the participant has taken part: results, prizes and
certificates are awarded to a name, a birth year and an identification
number, and collective prizes are counted by area and unit. So after the
participant's first attempt in any round, the name, birth year and
identification number are locked (a mistake is corrected by the organisers,
who see the account's history); the area and unit they gave for a contest are
never changed here (they decide which collective prize the attempt counts
for). The phone and email, which only reach the participant, stay editable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from contest.clock import Clock
from contest.domain.models import Contest, Participation, Role, User
from contest.domain.registration import DETAIL_FIELDS, Details, validate_details
from contest.errors import Forbidden, Invalid, NotFound
from contest.services.accounts import AccountTaken
from contest.services.catalog import Catalog
from contest.storage import Duplicate, Storage

LOCKED_FIELDS = ("full_name", "birth_year", "cccd")
"""What a participant may no longer change themself once they have an attempt."""
LOCKED = (
    "Bạn đã làm bài thi nên không thể tự sửa họ tên, năm sinh và số định danh cá nhân (kết quả và giải thưởng"
    " gắn với các thông tin này). Nếu có sai sót, vui lòng liên hệ Ban Tổ chức."
)
STAFF_ONLY = "Tài khoản cán bộ không có hồ sơ thí sinh."


@dataclass(frozen=True, slots=True)
class Profile:
    details: Details
    locked: bool
    """Whether :data:`LOCKED_FIELDS` are locked (the participant has an attempt)."""
    joined: list[tuple[Contest, Participation]]
    """The contests joined, with the area and unit given for each."""


class Profiles:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    async def profile(self, user: User) -> Profile:
        """The participant's details; Forbidden for staff accounts, which have none."""
        if user.role is not Role.PARTICIPANT:
            raise Forbidden(STAFF_ONLY)
        account = await self._storage.accounts.get(user.id)
        if account is None or account.phone is None or account.cccd is None or account.birth_year is None:
            raise NotFound("Không tìm thấy tài khoản.")
        details = Details(
            full_name=account.full_name,
            phone=account.phone,
            email=account.email,
            birth_year=account.birth_year,
            cccd=account.cccd,
        )
        locked = bool(await self._storage.attempts.of_user(user.id))
        joined = [
            (await self._catalog.contest(p.contest_id), p) for p in await self._storage.participations.of_user(user.id)
        ]
        return Profile(details=details, locked=locked, joined=joined)

    async def update(self, user: User, fields: Mapping[str, object]) -> Profile:
        """Correct the participant's details: the :data:`DETAIL_FIELDS` given
        in ``fields`` (the others stay), checked as at registration.
        :class:`Invalid` naming each wrong field, a locked field changed
        (:data:`LOCKED`) included; :class:`AccountTaken` (409) naming a phone,
        email or identification number another account holds."""
        profile = await self.profile(user)
        current = {name: getattr(profile.details, name) for name in DETAIL_FIELDS}
        given = {name: fields[name] for name in DETAIL_FIELDS if name in fields}
        details = validate_details(current | given, today=self._clock.now().date())
        if profile.locked:
            changed = {n: LOCKED for n in LOCKED_FIELDS if getattr(details, n) != getattr(profile.details, n)}
            if changed:
                raise Invalid(changed)
        try:
            await self._storage.accounts.update_details(user.id, details)
        except Duplicate as taken:
            raise AccountTaken(taken.fields) from None
        return await self.profile(user)
