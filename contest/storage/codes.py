"""One-time codes as sent (``one_time_codes``, migration 0015): each row is
one request for a message, with the HMAC of the code it carried (never the
code), so the same rows count the sends per phone or email, per network and
per client address. ``client`` holds the client's network, a space and its
address (``"net:203.0.113.0/24 ip:203.0.113.7"``): the network is its prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.domain.codes import NOT_SENT, matches
from contest.storage.codec import from_ms, to_ms
from contest.storage.sql import Conn, Database, lock

KEPT = timedelta(days=1)
"""How long a sent code's row is kept (longer than any send window)."""
_LIVE = (
    "SELECT {} FROM one_time_codes WHERE target = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?"
    " ORDER BY sent_at DESC, id DESC LIMIT 1"
)
"""The live code of a purpose sent to a target: the last one sent, if it is unused and unexpired."""


@dataclass(frozen=True, slots=True)
class Issued:
    """What asking for a message got: ``id``, the new row's, or None when it
    was refused; then ``last_sent`` is when the last request of the same
    purpose for the target came from the network, when the wait between
    sends refused it (None: a count limit did)."""

    id: int | None
    last_sent: datetime | None = None


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
        network: str,
        digest: str,
        payload: str,
        now: datetime,
        expires_at: datetime,
        since: datetime,
        per_target: int,
        per_target_total: int,
        per_client: int,
        resend_since: datetime,
    ) -> Issued:
        """Record one request for a message to ``target`` from ``client``
        (stored as it is, beginning with ``network``), unless since ``since``
        ``per_target`` requests for ``target`` came from ``network``,
        ``per_target_total`` messages were really sent to it from anywhere
        (rows whose digest is not :data:`~contest.domain.codes.NOT_SENT`),
        or ``per_client`` were asked for from ``client``, or since
        ``resend_since`` one for the same ``purpose`` and ``target`` came
        from ``network`` (the wait between sends); counted in the same
        transaction with the target and the client locked
        (:func:`~contest.storage.sql.lock`), so nodes sending at once never
        both count one short. The codes sent earlier for the same purpose
        and target stop working, and rows older than :data:`KEPT` are
        deleted."""

        def fn(conn: Conn) -> Issued:
            lock(conn, f"code-target:{target}")  # always before the client's: no two senders wait on each other
            lock(conn, f"code-client:{client}")
            after = to_ms(since)
            count = "SELECT COUNT(*) FROM one_time_codes WHERE {} AND sent_at >= ?"
            from_network = count.format("target = ? AND substr(client, 1, ?) = ?")
            if (
                conn.execute(from_network, (target, len(network), network, after)).fetchone()[0] >= per_target
                or conn.execute(count.format("target = ? AND digest <> ?"), (target, NOT_SENT, after)).fetchone()[0]
                >= per_target_total
                or conn.execute(count.format("client = ?"), (client, after)).fetchone()[0] >= per_client
            ):
                return Issued(None)
            last = conn.execute(
                "SELECT MAX(sent_at) FROM one_time_codes WHERE purpose = ? AND target = ?"
                " AND substr(client, 1, ?) = ? AND sent_at > ?",
                (purpose, target, len(network), network, to_ms(resend_since)),
            ).fetchone()[0]
            if last is not None:
                return Issued(None, from_ms(last))
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
            return Issued(int(row[0]))

        return await self.db.write(fn)

    async def kept(self, *, purpose: str, target: str, now: datetime) -> str | None:
        """The payload kept with the live code of ``purpose`` sent to
        ``target`` (read only), or None when no code is live: it expired or
        was used, or none was sent."""

        def fn(conn: Conn) -> str | None:
            row = conn.execute(_LIVE.format("payload"), (target, purpose, to_ms(now))).fetchone()
            return None if row is None else str(row["payload"])

        return await self.db.read(fn)

    async def live(self, *, purpose: str, target: str, digest: str, now: datetime) -> bool:
        """Whether the live code of ``purpose`` sent to ``target`` is
        ``digest`` (read only: no try is counted), for a
        page that shows a link's form only while the link can work."""

        def fn(conn: Conn) -> bool:
            row = conn.execute(_LIVE.format("digest"), (target, purpose, to_ms(now))).fetchone()
            return row is not None and matches(row["digest"], digest)

        return await self.db.read(fn)

    async def try_code(self, *, purpose: str, target: str, digest: str, now: datetime, max_tries: int) -> Tried:
        """Type a code (its ``digest``) against the live code of ``purpose``
        sent to ``target``. The try is counted before the comparison, under
        the row's lock, so concurrent guesses on any node never get more
        than ``max_tries`` comparisons; a match uses the code (once)."""

        def fn(conn: Conn) -> Tried:
            live = conn.execute(_LIVE.format("id"), (target, purpose, to_ms(now))).fetchone()
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
