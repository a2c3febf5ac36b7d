"""Registering participants and signing people in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain.contests import check_still_open
from contest.domain.models import Contest, User
from contest.domain.registration import normalize_login, password_error, validate_registration
from contest.errors import Conflict, Invalid, NotFound, TooManyRequests, Unauthorized
from contest.services.passwords import Passwords
from contest.storage import Duplicate, Storage

TAKEN = {
    "phone": "Số điện thoại này đã được đăng ký. Mỗi người chỉ có một tài khoản.",
    "cccd": "Số định danh cá nhân này đã được đăng ký. Mỗi người chỉ có một tài khoản.",
    "email": "Email này đã được dùng cho tài khoản khác.",
    "username": "Tên đăng nhập này đã có.",
}


DISABLED = "Tài khoản này đã bị khoá. Vui lòng liên hệ Ban Tổ chức."


class AccountTaken(Conflict):
    code = "account_exists"
    message = "Thông tin này đã được dùng cho một tài khoản khác."

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__()
        self.errors = {f: TAKEN[f] for f in fields}


class Accounts:
    def __init__(self, storage: Storage, passwords: Passwords, settings: Settings, clock: Clock) -> None:
        self._storage = storage
        self._passwords = passwords
        self._settings = settings
        self._clock = clock

    async def register(self, contest: Contest, fields: Mapping[str, object]) -> User:
        """A new account that joins ``contest``: :class:`Invalid` naming wrong
        fields, :class:`AccountTaken` naming those another account holds,
        Conflict ``contest_over`` once the contest has ended."""
        now = self._clock.now()
        check_still_open(contest, now)
        registration = validate_registration(fields, contest=contest, today=now.date())
        password_hash = await self._passwords.hash(registration.password)
        try:
            return await self._storage.accounts.create_participant(registration, password_hash=password_hash, now=now)
        except Duplicate as taken:
            raise AccountTaken(taken.fields) from None

    async def authenticate(self, login: object, password: object, *, client: str) -> User:
        """The account for these credentials, or Unauthorized. Failed attempts
        are counted per login name and address together, per login name, and
        per address; past any limit the answer is 429 until the window passes,
        whatever the password. Counting the pair first means a stranger who
        types a participant's phone with wrong passwords locks only themself."""
        name = normalize_login(login)
        now = self._clock.now()
        since = now - timedelta(seconds=self._settings.login_window_seconds)
        limits = {
            f"login:{name}|ip:{client}": self._settings.login_max_failures,
            f"login:{name}": self._settings.login_name_max_failures,
            f"ip:{client}": self._settings.login_ip_max_failures,
        }
        keys = list(limits)
        counts = await self._storage.accounts.login_failures(keys, since=since)
        if any(counts.get(key, 0) >= limit for key, limit in limits.items()):
            minutes = max(1, self._settings.login_window_seconds // 60)
            raise TooManyRequests(
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
                retry_after=self._settings.login_window_seconds,
            )
        found = await self._storage.accounts.for_login(name) if name else None
        text = password if isinstance(password, str) else ""
        if not await self._passwords.verify(found[1] if found else None, text) or found is None:
            await self._storage.accounts.record_login_failure(keys, now=now, since=since)
            raise Unauthorized("Sai tên đăng nhập hoặc mật khẩu.", code="invalid_credentials")
        user, password_hash = found
        standing = await self._storage.standing.get(user.id)
        if standing is None or standing.disabled:
            raise Unauthorized(DISABLED, code="account_disabled")
        if counts.get(keys[0]):
            await self._storage.accounts.clear_login_failures(keys[0])
        if self._passwords.needs_rehash(password_hash):
            await self._storage.accounts.set_password_hash(user.id, await self._passwords.hash(text))
        return replace(user, generation=standing.generation)

    async def user(self, user_id: int) -> User | None:
        return await self._storage.accounts.get(user_id)

    async def set_password(
        self, user_id: int, password: object, *, actor_id: int | None = None, keep_session: str | None = None
    ) -> None:
        """Make ``password`` the account's password (the rule registration
        applies: :func:`~contest.domain.registration.password_error`, else
        :class:`Invalid` naming ``password``), ending every session and
        token of the account on every node but ``keep_session`` (the one its
        owner changed it from), logged (``account.password``, never the
        password) as ``actor_id``'s (None: the system, e.g. a reset by code).
        NotFound when there is no such account."""
        account = await self._storage.accounts.get(user_id)
        if account is None:
            raise NotFound("Không tìm thấy tài khoản.")
        if (message := password_error(password, phone=account.phone)) is not None:
            raise Invalid({"password": message})
        assert isinstance(password, str)
        password_hash = await self._passwords.hash(password)
        await self._storage.standing.set_password(
            user_id, password_hash, actor_id=actor_id, now=self._clock.now(), keep_session=keep_session
        )
