"""Staff management: disabling and enabling accounts, changing a role,
setting a new password. Each change ends the account's sessions and tokens on
every node (``services/sessions.py``). Only those who may manage staff
(``Capability.MANAGE_STAFF``) make these changes, and never to their own
account, so an admin cannot lock the site out by mistake."""

from __future__ import annotations

from typing import Any

from contest.clock import Clock
from contest.domain.models import Role, User
from contest.domain.permissions import Capability, require
from contest.domain.registration import normalize_login
from contest.errors import Conflict, NotFound
from contest.services.passwords import Passwords
from contest.storage import Storage
from contest.storage.standing import Standing

OPERATOR = User(id=0, role=Role.ADMIN, full_name="Quản trị máy chủ")
"""Who acts through the ``contest`` command on the server itself (logged as
the system: no account)."""


def _found(standing: Standing | None) -> Standing:
    if standing is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return standing


class Staff:
    def __init__(self, storage: Storage, passwords: Passwords, clock: Clock) -> None:
        self._storage = storage
        self._passwords = passwords
        self._clock = clock

    async def account(self, actor: User, login: str) -> User:
        """The account a login name (username, phone or email) belongs to."""
        require(actor, Capability.MANAGE_STAFF)
        found = await self._storage.accounts.for_login(normalize_login(login))
        if found is None:
            raise NotFound(f"Không có tài khoản «{login}».")
        return found[0]

    def _who(self, actor: User, user_id: int) -> dict[str, Any]:
        """Check ``actor`` may change account ``user_id``; who and when, for the log."""
        require(actor, Capability.MANAGE_STAFF)
        if actor.id == user_id:
            raise Conflict("Bạn không thể khoá, đổi vai trò hay đặt mật khẩu cho chính tài khoản của mình ở đây.")
        return {"actor_id": actor.id or None, "now": self._clock.now()}

    async def disable(self, actor: User, user_id: int) -> Standing:
        return _found(await self._storage.standing.disable(user_id, **self._who(actor, user_id)))

    async def enable(self, actor: User, user_id: int) -> Standing:
        return _found(await self._storage.standing.enable(user_id, **self._who(actor, user_id)))

    async def set_role(self, actor: User, user_id: int, role: Role) -> Standing:
        return _found(await self._storage.standing.set_role(user_id, role, **self._who(actor, user_id)))

    async def set_password(self, actor: User, user_id: int, password: str) -> Standing:
        who = self._who(actor, user_id)
        password_hash = await self._passwords.hash(password)
        return _found(await self._storage.standing.set_password(user_id, password_hash, **who))
