"""Accounts, and the failed sign-ins counted against them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.domain.models import (
    Role,
    User,
)
from contest.domain.registration import Details, Registration
from contest.storage.audit import record
from contest.storage.codec import (
    from_ms,
    to_ms,
)
from contest.storage.participations import INSERT as INSERT_PARTICIPATION
from contest.storage.sql import Conn, Cursor, Database, IntegrityError, savepoint


@dataclass(frozen=True, slots=True)
class Failures:
    """Failed sign-ins (or password checks) counted against one key within
    the window: ``count`` since ``first_at``, when the count started; it
    starts again a window after that."""

    count: int
    first_at: datetime


class Duplicate(Exception):
    """An account already holds one of these identifying fields."""

    def __init__(self, fields: Sequence[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = tuple(fields)


def _user(row: Any) -> User:
    return User(
        id=row["id"],
        role=Role(row["role"]),
        full_name=row["full_name"],
        phone=row["phone"],
        email=row["email"],
        username=row["username"],
        cccd=row["cccd"],
        birth_year=row["birth_year"],
    )


def _taken(conn: Conn, fields: Sequence[tuple[str, str | None]]) -> list[str]:
    """The columns among ``fields`` (column, value) that an account holds already."""
    return [
        column
        for column, value in fields
        if value is not None and conn.execute(f"SELECT 1 FROM users WHERE {column} = ?", (value,)).fetchone()
    ]


def _insert_user(conn: Conn, fields: Sequence[tuple[str, str | None]], sql: str, params: Sequence[Any]) -> int:
    """Insert an account (``sql`` returns its id) unless another holds one of
    its identifying ``fields`` (:func:`_unique`)."""
    return int(_unique(conn, fields, sql, params).fetchone()[0])


def _unique(conn: Conn, fields: Sequence[tuple[str, str | None]], sql: str, params: Sequence[Any]) -> Cursor:
    """Run ``sql`` (an account's insert or update) unless another account
    holds one of the identifying ``fields`` (column, value) it writes:
    :class:`Duplicate` naming them, also when a registration on another
    connection took them between the check and the write (PostgreSQL;
    SQLite's one writer never lets that happen)."""
    taken = _taken(conn, fields)
    if taken:
        raise Duplicate(taken)
    try:
        with savepoint(conn):
            return conn.execute(sql, params)
    except IntegrityError:
        taken = _taken(conn, fields)
        if not taken:
            raise
        raise Duplicate(taken) from None


class AccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create_participant(self, registration: Registration, *, password_hash: str, now: datetime) -> User:
        """The account and its participation in the contest it registered
        under, in one transaction; :class:`Duplicate` naming the fields
        another account holds."""

        def fn(conn: Conn) -> User:
            user_id = _insert_user(
                conn,
                (("phone", registration.phone), ("cccd", registration.cccd), ("email", registration.email)),
                "INSERT INTO users (role, full_name, phone, email, cccd, password_hash, birth_year, consent_at,"
                " created_at) VALUES ('participant', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    registration.full_name,
                    registration.phone,
                    registration.email,
                    registration.cccd,
                    password_hash,
                    registration.birth_year,
                    to_ms(now),
                    to_ms(now),
                ),
            )
            conn.execute(
                INSERT_PARTICIPATION,
                (user_id, registration.contest_id, registration.area_id, registration.unit, to_ms(now)),
            )
            return User(
                id=user_id,
                role=Role.PARTICIPANT,
                full_name=registration.full_name,
                phone=registration.phone,
                email=registration.email,
                cccd=registration.cccd,
                birth_year=registration.birth_year,
            )

        return await self.db.write(fn)

    async def create_staff(
        self,
        *,
        username: str,
        full_name: str,
        role: Role,
        password_hash: str,
        now: datetime,
        actor_id: int | None = None,
    ) -> User:
        """A new staff account, logged (``account.create``) as ``actor_id``'s
        (None: the command line) in the same transaction; :class:`Duplicate`
        (``username``) when the name is taken."""

        def fn(conn: Conn) -> User:
            user_id = _insert_user(
                conn,
                (("username", username),),
                "INSERT INTO users (role, full_name, username, password_hash, created_at) VALUES (?, ?, ?, ?, ?)"
                " RETURNING id",
                (role.value, full_name, username, password_hash, to_ms(now)),
            )
            details = {"name": username, "full_name": full_name, "after": {"role": role.value}}
            record(
                conn, actor_id=actor_id, action="account.create", subject=f"user:{user_id}", details=details, now=now
            )
            return User(id=user_id, role=role, full_name=full_name, username=username)

        return await self.db.write(fn)

    async def for_login(self, login: str) -> tuple[User, str] | None:
        """The account a login name (phone, email or username) belongs to, with
        its password hash."""

        def fn(conn: Conn) -> tuple[User, str] | None:
            row = conn.execute(
                "SELECT * FROM users WHERE phone = ? UNION ALL SELECT * FROM users WHERE email = ?"
                " UNION ALL SELECT * FROM users WHERE username = ? LIMIT 1",
                (login, login, login),
            ).fetchone()
            return None if row is None else (_user(row), row["password_hash"])

        return await self.db.read(fn)

    async def get(self, user_id: int) -> User | None:
        def fn(conn: Conn) -> User | None:
            row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
            return None if row is None else _user(row)

        return await self.db.read(fn)

    async def password_hash(self, user_id: int) -> str | None:
        """The account's password hash (None: no such account)."""

        def fn(conn: Conn) -> str | None:
            row = conn.execute("SELECT password_hash FROM users WHERE id = ?", (user_id,)).fetchone()
            return None if row is None else str(row["password_hash"])

        return await self.db.read(fn)

    async def update_details(self, user_id: int, details: Details) -> None:
        """The account's own details corrected (its profile page), in one
        statement; :class:`Duplicate` naming the phone or email when another
        account holds it."""

        def fn(conn: Conn) -> None:
            current = conn.execute("SELECT phone, email, cccd FROM users WHERE id = ?", (user_id,)).fetchone()
            changed = [
                (column, value)
                for column, value in (("phone", details.phone), ("cccd", details.cccd), ("email", details.email))
                if current is not None and current[column] != value
            ]
            _unique(
                conn,
                changed,
                "UPDATE users SET full_name = ?, phone = ?, email = ?, birth_year = ?, cccd = ? WHERE id = ?",
                (details.full_name, details.phone, details.email, details.birth_year, details.cccd, user_id),
            )

        await self.db.write(fn)

    async def set_password_hash(self, user_id: int, password_hash: str) -> None:
        await self.db.write(
            lambda c: c.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
        )

    async def login_failures(self, keys: Sequence[str], *, since: datetime) -> dict[str, Failures]:
        """The failures counted against each of ``keys`` since ``since`` (a
        key without any is left out)."""

        def fn(conn: Conn) -> dict[str, Failures]:
            marks = ", ".join("?" for _ in keys)
            rows = conn.execute(
                f"SELECT key, failures, first_at FROM login_failures WHERE key IN ({marks}) AND first_at > ?",
                (*keys, to_ms(since)),
            )
            return {r["key"]: Failures(r["failures"], from_ms(r["first_at"])) for r in rows}

        return await self.db.read(fn)

    async def record_login_failure(self, keys: Sequence[str], *, now: datetime, since: datetime) -> None:
        """Count one failure against each key; a count that started at
        ``since`` or before starts again from one."""

        def fn(conn: Conn) -> None:
            for key in keys:
                conn.execute(
                    "INSERT INTO login_failures (key, failures, first_at) VALUES (?, 1, ?)"
                    " ON CONFLICT (key) DO UPDATE SET"
                    " failures = CASE WHEN login_failures.first_at > ? THEN login_failures.failures + 1 ELSE 1 END,"
                    " first_at = CASE WHEN login_failures.first_at > ? THEN login_failures.first_at ELSE ? END",
                    (key, to_ms(now), to_ms(since), to_ms(since), to_ms(now)),
                )

        await self.db.write(fn)

    async def clear_login_failures(self, key: str) -> None:
        await self.db.write(lambda c: c.execute("DELETE FROM login_failures WHERE key = ?", (key,)))
