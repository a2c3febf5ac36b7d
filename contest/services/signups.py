"""Registration with a verified phone, for contests that ask for it
(``Contest.verify_phone``): two steps, and no oracle.

Step 1 (:meth:`Signups.start`) checks the details as registration does, hashes
the password, and sends a code to the phone, keeping the details with the
code's row. Step 2 (:meth:`Signups.finish`) takes the code and makes the
account. When the phone already has an account, step 1 answers exactly the
same but the SMS tells the owner they have an account and how to reset its
password, and no code will match: whoever typed someone else's phone learns
nothing from the page or the API. :meth:`Signups.resend` ("Gửi lại mã")
sends step 1's message again, the same way. Every step 1 keeps the contest it
was made under with its code (for an account's owner, only that), so sending
again and step 2 use that contest whatever address they come from
(:meth:`Signups.pending_contest`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from contest.clock import Clock
from contest.domain.banks.diacritics import strip_accents
from contest.domain.codes import Purpose, read_phone_and_code
from contest.domain.contests import check_still_open
from contest.domain.models import Contest, User
from contest.domain.registration import BAD_PHONE, Registration, normalize_phone, validate_registration
from contest.errors import Conflict, Invalid, NotFound
from contest.services.accounts import TOO_MANY_REGISTRATIONS, AccountTaken
from contest.services.catalog import Catalog
from contest.services.challenges import Challenges
from contest.services.codes import Codes
from contest.services.limits import Limits
from contest.services.passwords import Passwords
from contest.services.senders import SmsSender
from contest.storage import Duplicate, Storage

CODE_SMS = "Ma xac minh dang ky {title}: {code}. Ma dung mot lan, het han sau {minutes} phut. Khong dua ma cho ai."
HAVE_ACCOUNT = (
    "So dien thoai nay da co tai khoan Hoi thi truc tuyen. Quen mat khau: chon 'Quen mat khau?' o trang dang"
    " nhap. Neu ban khong dang ky, hay bo qua tin nay."
)
"""SMS texts without diacritics and within 160 characters: a message with any
Vietnamese letter is sent as UCS-2 by carriers, 70 characters a part."""
REGISTER_AGAIN = "Thông tin đăng ký chờ xác minh đã hết hạn hoặc đã được dùng. Vui lòng đăng ký lại."


@dataclass(frozen=True, slots=True)
class Finished:
    """Step 2 done: the new account and the contest it joined."""

    user: User
    contest: Contest


def sms_text(text: str) -> str:
    """``text`` as an SMS carries it in one 160-character part: without
    diacritics (đ → d), ASCII only."""
    return strip_accents(text).encode("ascii", "ignore").decode()


class Signups:
    def __init__(
        self,
        storage: Storage,
        passwords: Passwords,
        codes: Codes,
        clock: Clock,
        *,
        limits: Limits,
        challenges: Challenges,
        catalog: Catalog,
    ) -> None:
        self._storage = storage
        self._passwords = passwords
        self._codes = codes
        self._clock = clock
        self._limits = limits
        self._challenges = challenges
        self._catalog = catalog

    async def start(
        self, contest: Contest, fields: Mapping[str, object], *, client: str, solution: object = None
    ) -> str:
        """Step 1: the phone (normalised) a code was sent to. Within the
        registration limits and challenge as :meth:`Accounts.register
        <contest.services.accounts.Accounts.register>` (every step 1 counts),
        and the code send limits. :class:`Invalid` naming wrong fields,
        Conflict ``contest_over``, TooManyRequests, ``Unavailable`` (409)
        without an SMS sender, ``SendFailed`` (503) when the gateway did not
        take the message."""
        now = self._clock.now()
        check_still_open(contest, now)
        registration = validate_registration(fields, contest=contest, today=now.date())
        sms = self._codes.need_sms()
        if self._challenges.enabled:
            await self._challenges.admit(solution, client=client, without=self._limits.registration_without_solution)
        await self._limits.claim(self._limits.registration, client, message=TOO_MANY_REGISTRATIONS)
        password_hash = await self._passwords.hash(registration.password)  # in both cases: the same time
        details = {**asdict(registration), "password": "", "password_hash": password_hash}
        await self._send(contest, sms, registration.phone, details, client=client)
        return registration.phone

    async def pending_contest(self, phone: object) -> Contest | None:
        """The contest the live step 1 for ``phone`` was made under, whether
        or not the phone has an account (a page answers the same); None when
        ``phone`` is not a phone, no step 1 for it is live, or its contest is
        gone."""
        normal = normalize_phone(phone)
        return None if normal is None else await self._contest_of(await self._kept(normal))

    async def _kept(self, phone: str) -> dict[str, object]:
        """What the live step 1 for ``phone`` kept ({} when none is live)."""
        kept = await self._codes.kept(Purpose.REGISTER, phone)
        return json.loads(kept) if kept else {}

    async def _contest_of(self, details: Mapping[str, object]) -> Contest | None:
        contest_id = details.get("contest_id")
        if not isinstance(contest_id, int):  # kept before step 1 kept its contest for an account's owner
            return None
        try:
            return await self._catalog.contest(contest_id)
        except NotFound:
            return None

    async def resend(self, phone: object, *, client: str) -> str:
        """ "Gửi lại mã": step 1's message sent again to ``phone`` (returned
        normalised), for the details and contest kept with its live code,
        which stops working: a new code, or the owner's "you have an
        account" when the phone has one (answering the same). Within the
        code send limits and the wait between sends (TooManyRequests).
        :class:`Invalid` naming ``phone``; Conflict ``registration_expired``
        when no step 1 for the phone is live (expired or used:
        :data:`REGISTER_AGAIN`), whether or not the phone has an account;
        ``Unavailable``, ``SendFailed`` as :meth:`start`."""
        normal = normalize_phone(phone)
        if normal is None:
            raise Invalid({"phone": BAD_PHONE})
        sms = self._codes.need_sms()
        details = await self._kept(normal)
        contest = await self._contest_of(details)
        if contest is None:
            raise Conflict(REGISTER_AGAIN, code="registration_expired")
        await self._send(contest, sms, normal, details, client=client)
        return normal

    async def _send(
        self, contest: Contest, sms: SmsSender, phone: str, details: Mapping[str, object], *, client: str
    ) -> None:
        """Step 1's message to ``phone``: the code for ``details`` (the
        registration, kept with it as JSON), or the owner's message when the
        phone has an account (no code will match; only ``contest`` is kept).
        Conflict as :meth:`resend` for no registration."""
        if await self._storage.accounts.for_login(phone) is not None:
            kept = json.dumps({"contest_id": contest.id})
            await self._codes.issue(Purpose.REGISTER, phone, client=client, payload=kept, usable=False)
            await sms.send_sms(phone, HAVE_ACCOUNT)
            return
        if "password_hash" not in details:  # kept for the owner of an account that has since changed its phone
            raise Conflict(REGISTER_AGAIN, code="registration_expired")
        code = await self._codes.issue(Purpose.REGISTER, phone, client=client, payload=json.dumps(details))
        text = CODE_SMS.format(title=sms_text(contest.title)[:60], code=code, minutes=self._codes.minutes)
        await sms.send_sms(phone, text)

    async def finish(self, phone: object, code: object) -> Finished:
        """Step 2: the new account, joined to the contest step 1 was made
        under (which a page goes to next). :class:`Invalid` naming ``phone`` or ``code`` (a wrong code says how
        many tries are left), :class:`AccountTaken` when its phone, number or
        email was taken since step 1."""
        normal_phone, normal_code, errors = read_phone_and_code(phone, code)
        if errors:
            raise Invalid(errors)
        assert normal_phone is not None and normal_code is not None
        details = json.loads(await self._codes.use(Purpose.REGISTER, normal_phone, normal_code))
        password_hash = details.pop("password_hash")
        registration = Registration(**details)
        try:
            user = await self._storage.accounts.create_participant(
                registration, password_hash=password_hash, now=self._clock.now()
            )
        except Duplicate as taken:
            raise AccountTaken(taken.fields) from None
        return Finished(user, await self._catalog.contest(registration.contest_id))
