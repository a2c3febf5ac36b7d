"""One-time codes as sent (``one_time_codes``, migration 0015): each row is
one message sent, with the HMAC of the code it carried (never the code), so
the same rows count the sends per phone or email and per client address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.domain.codes import matches
from contest.storage.codec import to_ms
from contest.storage.sql import Conn, Database, lock

KEPT = timedelta(days=1)
"""How long a sent code's row is kept (longer than any send window)."""


@dataclass(frozen=True, slots=True)
class Tried:
    """What typing a code did: ``payload`` is the code's (now used) when it
    matched; otherwise ``tries_left`` says how many more tries the live code
    takes (0: there is none, it expired, was used or ran out of tries)."""

    payload: str | None
    tries_left: int


class CodeStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def issue(
        self,
        *,
        purpose: str,
        target: str,
        client: str,
        digest: str,
        payload: str,
        now: datetime,
        expires_at: datetime,
        since: datetime,
        per_target: int,
        per_client: int,
    ) -> int | None:
        """Record one message sent to ``target``, unless ``per_target``
        messages went to it or ``per_client`` were asked for from ``client``
        since ``since`` (None then), counted in the same transaction with
        both locked (:func:`~contest.storage.sql.lock`), so nodes sending at
        once never both count one short. The codes sent earlier for the same
        purpose and target stop working, and rows older than :data:`KEPT`
        are deleted. Returns the new row's id."""

        def fn(conn: Conn) -> int | None:
            lock(conn, f"code-target:{target}")  # always before the client's: no two senders wait on each other
            lock(conn, f"code-client:{client}")
            count = "SELECT COUNT(*) FROM one_time_codes WHERE {} = ? AND sent_at >= ?"
            if (
                conn.execute(count.format("target"), (target, to_ms(since))).fetchone()[0] >= per_target
                or conn.execute(count.format("client"), (client, to_ms(since))).fetchone()[0] >= per_client
            ):
                return None
            conn.execute("DELETE FROM one_time_codes WHERE sent_at < ?", (to_ms(now - KEPT),))
            conn.execute(
                "UPDATE one_time_codes SET used_at = ?, payload = '' WHERE purpose = ? AND target = ?"
                " AND used_at IS NULL",
                (to_ms(now), purpose, target),
            )
            row = conn.execute(
                "INSERT INTO one_time_codes (purpose, target, client, digest, payload, sent_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (purpose, target, client, digest, payload, to_ms(now), to_ms(expires_at)),
            ).fetchone()
            return int(row[0])

        return await self.db.write(fn)

    async def live(self, *, purpose: str, target: str, digest: str, now: datetime) -> bool:
        """Whether the live code of ``purpose`` sent to ``target`` is
        ``digest`` (read only: no try is counted), for a
        page that shows a link's form only while the link can work."""

        def fn(conn: Conn) -> bool:
            row = conn.execute(
                "SELECT digest FROM one_time_codes WHERE target = ? AND purpose = ? AND used_at IS NULL"
                " AND expires_at > ? ORDER BY sent_at DESC, id DESC LIMIT 1",
                (target, purpose, to_ms(now)),
            ).fetchone()
            return row is not None and matches(row["digest"], digest)

        return await self.db.read(fn)

    async def try_code(self, *, purpose: str, target: str, digest: str, now: datetime, max_tries: int) -> Tried:
        """Type a code (its ``digest``) against the live code of ``purpose``
        sent to ``target``. The try is counted before the comparison, under
        the row's lock, so concurrent guesses on any node never get more
        than ``max_tries`` comparisons; a match uses the code (once)."""

        def fn(conn: Conn) -> Tried:
            live = conn.execute(
                "SELECT id FROM one_time_codes WHERE target = ? AND purpose = ? AND used_at IS NULL"
                " AND expires_at > ? ORDER BY sent_at DESC, id DESC LIMIT 1",
                (target, purpose, to_ms(now)),
            ).fetchone()
            if live is None:
                return Tried(None, 0)
            row = conn.execute(
                "UPDATE one_time_codes SET tries = tries + 1 WHERE id = ? AND used_at IS NULL AND tries < ?"
                " RETURNING digest, payload, tries",
                (live["id"], max_tries),
            ).fetchone()
            if row is None:
                return Tried(None, 0)
            if not matches(row["digest"], digest):
                return Tried(None, max_tries - row["tries"])
            conn.execute("UPDATE one_time_codes SET used_at = ?, payload = '' WHERE id = ?", (to_ms(now), live["id"]))
            return Tried(row["payload"], max_tries - row["tries"])

        return await self.db.write(fn)
