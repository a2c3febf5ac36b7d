"""Staff management: disabling and enabling accounts, changing a role,
setting a new password. Each change ends the account's sessions and tokens on
every node (``services/sessions.py``). Only those who may manage staff
(``Capability.MANAGE_STAFF``) make these changes, and never to their own
account, so an admin cannot lock the site out by mistake."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from contest.clock import Clock
from contest.domain.models import Role, User
from contest.domain.permissions import Capability, require
from contest.domain.registration import normalize_login
from contest.domain.staff import read_new_staff, read_reason, read_role
from contest.errors import Conflict, Invalid, NotFound
from contest.services.passwords import Passwords
from contest.services.sessions import Sessions
from contest.storage import Duplicate, Storage
from contest.storage.standing import Standing

OPERATOR = User(id=0, role=Role.ADMIN, full_name="Quản trị máy chủ")
"""Who acts through the ``contest`` command on the server itself (logged as
the system: no account)."""


def _found(standing: Standing | None) -> Standing:
    if standing is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return standing


class Staff:
    def __init__(self, storage: Storage, passwords: Passwords, clock: Clock, *, sessions: Sessions) -> None:
        self._storage = storage
        self._passwords = passwords
        self._clock = clock
        self._sessions = sessions

    def _changed(self, standing: Standing | None) -> Standing:
        """The account's new standing; its ended sessions refused by this
        node at once (:meth:`Sessions.changed <contest.services.sessions.Sessions.changed>`)."""
        self._sessions.changed()
        return _found(standing)

    async def account(self, actor: User, login: str) -> User:
        """The account a login name (username, phone or email) belongs to."""
        require(actor, Capability.MANAGE_STAFF)
        found = await self._storage.accounts.for_login(normalize_login(login))
        if found is None:
            raise NotFound(f"Không có tài khoản «{login}».")
        return found[0]

    def _who(self, actor: User, user_id: int, capability: Capability = Capability.MANAGE_STAFF) -> dict[str, Any]:
        """Check ``actor`` may change account ``user_id`` (has ``capability``
        and is someone else); who and when, for the log."""
        require(actor, capability)
        if actor.id == user_id:
            raise Conflict("Bạn không thể khoá, đổi vai trò hay đặt mật khẩu cho chính tài khoản của mình ở đây.")
        return {"actor_id": actor.id or None, "now": self._clock.now()}

    async def disable(self, actor: User, user_id: int, reason: str = "") -> Standing:
        return self._changed(await self._storage.standing.disable(user_id, reason=reason, **self._who(actor, user_id)))

    async def enable(self, actor: User, user_id: int) -> Standing:
        return self._changed(await self._storage.standing.enable(user_id, **self._who(actor, user_id)))

    async def set_role(self, actor: User, user_id: int, role: Role) -> Standing:
        return self._changed(await self._storage.standing.set_role(user_id, role, **self._who(actor, user_id)))

    async def set_password(
        self, actor: User, user_id: int, password: str, *, capability: Capability = Capability.MANAGE_STAFF
    ) -> Standing:
        """A password ``actor`` gives the account: every session and token of
        it ends (``StandingStore.set_password``), logged without the password."""
        who = self._who(actor, user_id, capability)
        password_hash = await self._passwords.hash(password)
        return self._changed(await self._storage.standing.set_password(user_id, password_hash, **who))

    async def accounts(self, actor: User) -> list[tuple[User, Standing]]:
        """Every staff account with its standing (MANAGE_STAFF)."""
        require(actor, Capability.MANAGE_STAFF)
        return await self._storage.standing.staff()

    async def create(self, actor: User, fields: Mapping[str, object]) -> tuple[User, str]:
        """A new staff account from the console's form
        (:func:`~contest.domain.staff.read_new_staff`) and its password, made
        here and shown once; logged as ``actor``'s. :class:`Invalid` naming
        wrong fields, a taken username included."""
        require(actor, Capability.MANAGE_STAFF)
        new = read_new_staff(fields)
        password = new_password()
        try:
            user = await self._storage.accounts.create_staff(
                username=new.username,
                full_name=new.full_name,
                role=new.role,
                password_hash=await self._passwords.hash(password),
                now=self._clock.now(),
                actor_id=actor.id or None,
            )
        except Duplicate:
            raise Invalid({"username": "Tên đăng nhập này đã có."}) from None
        return user, password

    async def disable_with_reason(self, actor: User, user_id: int, reason: object) -> Standing:
        """Disable a staff account with a written reason (:class:`Invalid` without one)."""
        require(actor, Capability.MANAGE_STAFF)
        return await self.disable(actor, user_id, read_reason(reason))

    async def change_role(self, actor: User, user_id: int, role: object) -> Standing:
        """A new staff role read from a form (:func:`~contest.domain.staff.read_role`)."""
        require(actor, Capability.MANAGE_STAFF)
        return await self.set_role(actor, user_id, read_role(role))

    async def reset_password(self, actor: User, user_id: int) -> str:
        """A new password for the account, made here and shown once; its
        sessions and tokens end. A participant's is reset by those who manage
        participants (``Capability.MANAGE_PARTICIPANTS``: organisers and
        admins, from the participant's console page), a staff account's by
        those who manage staff. NotFound when there is no such account."""
        account = await self._storage.accounts.get(user_id)
        if account is None:
            raise NotFound("Không tìm thấy tài khoản.")
        participant = account.role is Role.PARTICIPANT
        capability = Capability.MANAGE_PARTICIPANTS if participant else Capability.MANAGE_STAFF
        password = new_password()
        await self.set_password(actor, user_id, password, capability=capability)
        return password


def new_password() -> str:
    """A password of 16 URL-safe characters (96 random bits), shown once."""
    return secrets.token_urlsafe(12)
