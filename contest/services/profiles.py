"""A participant's own details, as they see and correct them on their
profile page (``/me/account``) or through ``GET/PATCH /api/v1/me``.

What may change once the participant has taken part: results, prizes and
certificates are awarded to a name, a birth year and an identification
number, and collective prizes are counted by area and unit. So after the
participant's first attempt in any round, the name, birth year and
identification number are locked (a mistake is corrected by the organisers,
who see the account's history). The area and unit they gave for a contest
decide which collective prize an attempt counts for and who may enter a round
kept to some units or areas, so they may be changed
(:meth:`Profiles.change_joined`) only while the participant has no attempt in
any round of that contest. The phone and email, which only reach the participant, stay editable;
when a contest they joined verifies phones (``Contest.verify_phone``), a new
phone needs the code sent to it (:meth:`Profiles.send_phone_code`, then
:meth:`Profiles.confirm_phone`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from contest.clock import Clock
from contest.domain.codes import Purpose, read_phone_and_code
from contest.domain.models import Contest, Participation, Role, User
from contest.domain.registration import (
    BAD_PHONE,
    DETAIL_FIELDS,
    Details,
    normalize_phone,
    validate_details,
    validate_joining,
)
from contest.errors import Conflict, Forbidden, Invalid, NotFound
from contest.services.accounts import AccountTaken
from contest.services.catalog import Catalog
from contest.services.codes import Codes
from contest.services.limits import Limits
from contest.storage import Duplicate, Storage

LOCKED_FIELDS = ("full_name", "birth_year", "cccd")
"""What a participant may no longer change themself once they have an attempt."""
LOCKED = (
    "Bạn đã làm bài thi nên không thể tự sửa họ tên, năm sinh và số định danh cá nhân (kết quả và giải thưởng"
    " gắn với các thông tin này). Nếu có sai sót, vui lòng liên hệ Ban Tổ chức."
)
JOINED_LOCKED = (
    "Bạn đã làm bài trong cuộc thi này nên không thể tự đổi nơi cư trú và đơn vị công tác (giải tập thể và"
    " quyền dự thi các vòng được tính theo các thông tin này). Nếu có sai sót, vui lòng liên hệ Ban Tổ chức."
)
NOT_JOINED = "Bạn chưa tham gia cuộc thi này."
STAFF_ONLY = "Tài khoản cán bộ không có hồ sơ thí sinh."
NEEDS_CODE = (
    "Cuộc thi bạn tham gia yêu cầu xác minh số điện thoại: hãy dùng mục «Đổi số điện thoại» để nhận mã"
    " xác minh gửi tới số mới."
)
TOO_MANY_TAKEN = (
    "Có quá nhiều lượt nhập thông tin đã được tài khoản khác dùng từ địa chỉ mạng của bạn. Vui lòng thử lại sau {wait}."
)
PHONE_SMS = "Ma xac minh doi so dien thoai Hoi thi truc tuyen: {code}. Het han sau {minutes} phut. Khong dua ma cho ai."
"""Without diacritics, as every SMS (``services/signups.py``)."""


@dataclass(frozen=True, slots=True)
class Profile:
    details: Details
    locked: bool
    """Whether :data:`LOCKED_FIELDS` are locked (the participant has an attempt)."""
    joined: list[tuple[Contest, Participation]]
    """The contests joined, with the area and unit given for each."""
    taken_part: frozenset[int] = frozenset()
    """Ids of the joined contests with an attempt of the participant: their
    area and unit can no longer be changed (:meth:`Profiles.change_joined`)."""

    @property
    def phone_needs_code(self) -> bool:
        """Whether a new phone must be proved by a code (a contest joined verifies phones)."""
        return any(contest.verify_phone for contest, _ in self.joined)


class Profiles:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock, codes: Codes, *, limits: Limits) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._codes = codes
        self._limits = limits

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
        attempts = await self._storage.attempts.of_user(user.id)
        taken_part = frozenset({(await self._catalog.round(a.round_id)).contest_id for a in attempts})
        joined = [
            (await self._catalog.contest(p.contest_id), p) for p in await self._storage.participations.of_user(user.id)
        ]
        return Profile(details=details, locked=bool(attempts), joined=joined, taken_part=taken_part)

    async def change_joined(self, user: User, contest_id: int, fields: Mapping[str, object]) -> Participation:
        """Change the area and unit the participant gave for the contest
        ``contest_id``: ``area`` (or ``area_id``) and ``unit_id`` or ``unit``,
        checked against the contest's lists as when joining
        (:func:`~contest.domain.registration.validate_joining`); one left out
        stays. :class:`NotFound` for a contest not joined, :class:`Conflict`
        (409, :data:`JOINED_LOCKED`) once they have an attempt in a round of
        it, :class:`Invalid` naming each wrong field."""
        profile = await self.profile(user)
        found = next(((c, p) for c, p in profile.joined if c.id == contest_id), None)
        if found is None:
            raise NotFound(NOT_JOINED)
        contest, joined = found
        if contest.id in profile.taken_part:
            raise Conflict(JOINED_LOCKED)
        given = dict(fields)
        by_id = "area" not in given and "area_id" in given
        if by_id:
            given["area"] = given.pop("area_id")
        if "unit_id" not in given and "unit" not in given:
            given["unit"] = joined.unit
        try:
            joining = validate_joining({"area": joined.area_id} | given, contest=contest)
        except Invalid as wrong:
            named = {"area_id" if by_id and name == "area" else name: text for name, text in wrong.errors.items()}
            raise Invalid(named) from None
        if not await self._storage.participations.change(
            user_id=user.id, contest_id=contest.id, area_id=joining.area_id, unit=joining.unit
        ):
            raise NotFound(NOT_JOINED)
        return Participation(
            user_id=user.id,
            contest_id=contest.id,
            area_id=joining.area_id,
            unit=joining.unit,
            joined_at=joined.joined_at,
        )

    async def update(self, user: User, fields: Mapping[str, object], *, client: str) -> Profile:
        """Correct the participant's details: the :data:`DETAIL_FIELDS` given
        in ``fields`` (the others stay), checked as at registration.
        :class:`Invalid` naming each wrong field, a locked field changed
        (:data:`LOCKED`) and a new phone that needs a code (:data:`NEEDS_CODE`)
        included; :class:`AccountTaken` (409) naming a phone, email or
        identification number another account holds. That answer tells who
        is registered, so each one counts against the limits of ``client``'s
        address and network that registration's do (:class:`Limits
        <contest.services.limits.Limits>` ``registration``, taken in one
        step): past them, TooManyRequests (429) instead."""
        profile = await self.profile(user)
        current = {name: getattr(profile.details, name) for name in DETAIL_FIELDS}
        given = {name: fields[name] for name in DETAIL_FIELDS if name in fields}
        details = validate_details(current | given, today=self._clock.now().date())
        refused = {
            n: LOCKED for n in LOCKED_FIELDS if profile.locked and getattr(details, n) != getattr(profile.details, n)
        }
        if profile.phone_needs_code and details.phone != profile.details.phone:
            refused["phone"] = NEEDS_CODE
        if refused:
            raise Invalid(refused)
        return await self._save(user, details, client=client)

    async def _save(self, user: User, details: Details, *, client: str | None = None) -> Profile:
        """Store ``details``; :class:`AccountTaken`, counted against
        ``client``'s limits when given (else 429)."""
        try:
            await self._storage.accounts.update_details(user.id, details)
        except Duplicate as taken:
            if client is not None:
                await self._limits.claim(self._limits.registration, client, message=TOO_MANY_TAKEN)
            raise AccountTaken(taken.fields) from None
        return await self.profile(user)

    async def send_phone_code(self, user: User, phone: object, *, client: str) -> str:
        """Send a code to the participant's new ``phone`` (normalised, returned)
        within the code send limits (429). Whether or not another account
        holds the phone the answer is the same, so this is no way to learn
        who is registered: a taken phone is sent nothing and no code will
        match (:meth:`confirm_phone` says the code is wrong). :class:`Invalid`
        naming ``phone`` for a phone that is not one or is already theirs;
        ``Unavailable`` (409) without an SMS sender."""
        profile = await self.profile(user)
        normal = normalize_phone(phone)
        if normal is None:
            raise Invalid({"phone": BAD_PHONE})
        if normal == profile.details.phone:
            raise Invalid({"phone": "Đây đã là số điện thoại của bạn."})
        sms = self._codes.need_sms()
        taken = await self._storage.accounts.for_login(normal) is not None
        code = await self._codes.issue(
            Purpose.PHONE, normal, client=client, payload=str(user.id), usable=not taken, sent=not taken
        )
        if not taken:
            await sms.send_sms(normal, PHONE_SMS.format(code=code, minutes=self._codes.minutes))
        return normal

    async def confirm_phone(self, user: User, phone: object, code: object) -> Profile:
        """Make ``phone`` the participant's, with the ``code`` sent to it by
        :meth:`send_phone_code`: :class:`Invalid` naming ``phone`` or ``code``
        (a wrong code says how many tries are left), :class:`AccountTaken`
        when another account took the phone since."""
        profile = await self.profile(user)
        normal, typed, errors = read_phone_and_code(phone, code, sent_to="số điện thoại mới")
        if errors:
            raise Invalid(errors)
        assert normal is not None and typed is not None
        if await self._codes.use(Purpose.PHONE, normal, typed) != str(user.id):
            raise Invalid({"code": "Mã xác minh này không dành cho tài khoản của bạn."})
        details = Details(**{n: getattr(profile.details, n) for n in DETAIL_FIELDS} | {"phone": normal})
        return await self._save(user, details)
