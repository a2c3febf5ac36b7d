"""Registering participants and signing people in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain.contests import check_still_open
from contest.domain.limits import address_keys, retry_after
from contest.domain.models import Contest, User
from contest.domain.registration import normalize_login, password_error, validate_registration
from contest.errors import Conflict, Invalid, NotFound, TooManyRequests, Unauthorized
from contest.services.challenges import Challenges
from contest.services.limits import Limits
from contest.services.passwords import Passwords
from contest.services.sessions import Sessions
from contest.storage import Duplicate, Storage
from contest.storage.accounts import Failures

TAKEN = {
    "phone": "Số điện thoại này đã được đăng ký. Mỗi người chỉ có một tài khoản.",
    "cccd": "Số định danh cá nhân này đã được đăng ký. Mỗi người chỉ có một tài khoản.",
    "email": "Email này đã được dùng cho tài khoản khác.",
    "username": "Tên đăng nhập này đã có.",
}


DISABLED = "Tài khoản này đã bị khoá. Vui lòng liên hệ Ban Tổ chức."
TOO_MANY_REGISTRATIONS = "Có quá nhiều lượt đăng ký từ địa chỉ mạng của bạn. Vui lòng thử lại sau {wait}."
TOO_MANY_SIGN_INS = "Có quá nhiều lượt đăng nhập từ địa chỉ mạng của bạn. Vui lòng thử lại sau {wait}."


class AccountTaken(Conflict):
    code = "account_exists"
    message = "Thông tin này đã được dùng cho một tài khoản khác."

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__()
        self.errors = {f: TAKEN[f] for f in fields}


class Accounts:
    def __init__(
        self,
        storage: Storage,
        passwords: Passwords,
        settings: Settings,
        clock: Clock,
        *,
        limits: Limits,
        challenges: Challenges,
        sessions: Sessions,
    ) -> None:
        self._storage = storage
        self._passwords = passwords
        self._settings = settings
        self._clock = clock
        self._limits = limits
        self._challenges = challenges
        self._sessions = sessions

    async def register(
        self, contest: Contest, fields: Mapping[str, object], *, client: str | None = None, solution: object = None
    ) -> User:
        """A new account that joins ``contest``: :class:`Invalid` naming wrong
        fields, :class:`AccountTaken` naming those another account holds,
        Conflict ``contest_over`` once the contest has ended.

        From a client address (``client``; None only for callers that are no
        network client: the command line, tests of other use cases), within
        the per-address and per-network limits (:class:`Limits`
        ``registration``: every valid registration counts, refused because an
        identifier is taken too, so probing whether a phone is registered is
        bounded): else 429. With
        challenges on, a proof-of-work ``solution`` is needed
        (:meth:`Challenges.admit`: 400 ``challenge_invalid``, or 429
        ``challenge_required`` past the no-solution limit)."""
        now = self._clock.now()
        check_still_open(contest, now)
        registration = validate_registration(fields, contest=contest, today=now.date())
        if client is not None:
            if self._challenges.enabled:
                without = self._limits.registration_without_solution
                await self._challenges.admit(solution, client=client, without=without)
            await self._limits.claim(self._limits.registration, client, message=TOO_MANY_REGISTRATIONS)
        password_hash = await self._passwords.hash(registration.password)
        try:
            return await self._storage.accounts.create_participant(registration, password_hash=password_hash, now=now)
        except Duplicate as taken:
            raise AccountTaken(taken.fields) from None

    async def authenticate(self, login: object, password: object, *, client: str, solution: object = None) -> User:
        """The account for these credentials, or Unauthorized.

        Nothing a stranger does locks an account: after
        ``login_max_failures`` failures for a login name, or
        ``login_ip_max_failures`` from the client's address, or past the
        per-address sign-in limit (:class:`Limits` ``sign_in``), a sign-in
        needs a proof-of-work ``solution`` (:meth:`Challenges.admit`: 400
        ``challenge_invalid``, 429 ``challenge_required``), and the owner with
        the right password who solves it gets in. With challenges off there is
        nothing to ask: failures are counted per login name and address
        together and per address, and past a limit the answer is 429 until
        the window passes."""
        name = normalize_login(login)
        now = self._clock.now()
        since = now - timedelta(seconds=self._settings.login_window_seconds)
        address, _network = address_keys(client)
        pair, by_name = f"login:{name}|{address}", f"login:{name}"
        failures = await self._storage.accounts.login_failures([pair, by_name, address], since=since)
        counts = {key: f.count for key, f in failures.items()}
        most = {address: self._settings.login_ip_max_failures, pair: self._settings.login_max_failures}
        full = [failures[key] for key, n in most.items() if counts.get(key, 0) >= n]
        many = counts.get(address, 0) >= most[address]
        busy = await self._limits.take(self._limits.sign_in, client)
        if self._challenges.enabled:
            if busy or many or counts.get(by_name, 0) >= self._settings.login_max_failures:
                await self._challenges.admit(
                    solution,
                    client=client,
                    without=self._limits.sign_in_without_solution,
                    also={f"signin-nojs|{by_name}": self._settings.nojs_max_per_login},
                )
        elif busy:
            raise TooManyRequests(TOO_MANY_SIGN_INS, retry_after=busy)
        elif full:
            raise TooManyRequests(
                "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {wait}.", retry_after=self._failures_end(full, now)
            )
        found = await self._storage.accounts.for_login(name) if name else None
        text = password if isinstance(password, str) else ""
        if not await self._passwords.verify(found[1] if found else None, text) or found is None:
            await self._storage.accounts.record_login_failure([pair, by_name, address], now=now, since=since)
            raise Unauthorized("Sai tên đăng nhập hoặc mật khẩu.", code="invalid_credentials")
        user, password_hash = found
        standing = await self._storage.standing.get(user.id)
        if standing is None or standing.disabled:
            raise Unauthorized(DISABLED, code="account_disabled")
        if counts.get(pair):
            await self._storage.accounts.clear_login_failures(pair)
        if self._passwords.needs_rehash(password_hash):
            await self._storage.accounts.set_password_hash(user.id, await self._passwords.hash(text))
        return replace(user, generation=standing.generation)

    def _failures_end(self, full: list[Failures], now: datetime) -> int:
        """Seconds from ``now`` until every count in ``full`` starts again
        (``login_window_seconds`` after it started): a Retry-After."""
        window = timedelta(seconds=self._settings.login_window_seconds)
        return retry_after(max(f.first_at for f in full) + window, now)

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
        self._sessions.changed()

    async def change_password(self, user: User, current: object, new: object, *, session_id: str) -> None:
        """The account's owner chooses a new password from the session
        ``session_id``, which stays signed in while every other session and
        token of the account ends (by id: the generation stays, so this
        session's cookie or token needs no re-issuing). ``current`` must be
        the password now (else :class:`Invalid` naming ``current_password``;
        wrong guesses count like failed sign-ins, and past
        ``login_max_failures`` within ``login_window_seconds`` the answer is
        429, so a stolen session cannot try passwords); ``new`` follows
        :meth:`set_password`'s rule (:class:`Invalid` naming ``password``)."""
        now = self._clock.now()
        since = now - timedelta(seconds=self._settings.login_window_seconds)
        key = f"password:{user.id}"
        failures = (await self._storage.accounts.login_failures([key], since=since)).get(key)
        if failures is not None and failures.count >= self._settings.login_max_failures:
            raise TooManyRequests(
                "Nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau {wait}.",
                retry_after=self._failures_end([failures], now),
            )
        password_hash = await self._storage.accounts.password_hash(user.id)
        if not await self._passwords.verify(password_hash, current if isinstance(current, str) else ""):
            await self._storage.accounts.record_login_failure([key], now=now, since=since)
            raise Invalid({"current_password": "Mật khẩu hiện tại không đúng."})
        await self.set_password(user.id, new, actor_id=user.id, keep_session=session_id)
