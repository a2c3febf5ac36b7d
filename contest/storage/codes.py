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
    sends refused it, and ``free_at`` when every count limit that refused
    it has room again."""

    id: int | None
    last_sent: datetime | None = None
    free_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Tried:
    """What typing a code did: ``payload`` is the code's (now used) when it
    matched; otherwise ``tries_left`` says how many more tries the live code
    takes (0: there is none, it expired, was used or ran out of tries)."""

    payload: str | None
    tries_left: int


def _leaves(
    conn: Conn, rows: str, values: tuple[object, ...], *, most: int, since: datetime, now: datetime
) -> datetime | None:
    """When the request whose leaving the window makes room again among the
    ``rows`` (an SQL condition with ``values``) was made: the ``most``-th
    latest after ``since``; None when fewer than ``most`` were (there
    is room); ``now`` for a most of 0 (no wait makes room: a whole window
    is said)."""
    if most <= 0:
        return now
    row = conn.execute(
        f"SELECT sent_at FROM one_time_codes WHERE {rows} AND sent_at > ? ORDER BY sent_at DESC LIMIT 1 OFFSET ?",
        (*values, to_ms(since), most - 1),
    ).fetchone()
    return None if row is None else from_ms(row[0])


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
        from ``network`` (the wait between sends: :attr:`Issued.last_sent`;
        a count limit: :attr:`Issued.free_at`, the window's length,
        ``now - since``, after the request whose leaving it makes room
        was made); counted in the same
        transaction with the target and the client locked
        (:func:`~contest.storage.sql.lock`), so nodes sending at once never
        both count one short. The codes sent earlier for the same purpose
        and target stop working, and rows older than :data:`KEPT` are
        deleted."""

        def fn(conn: Conn) -> Issued:
            lock(conn, f"code-target:{target}")  # always before the client's: no two senders wait on each other
            lock(conn, f"code-client:{client}")
            counted = (  # each limit's rows, with the most it may have since ``since``
                ("target = ? AND substr(client, 1, ?) = ?", (target, len(network), network), per_target),
                ("target = ? AND digest <> ?", (target, NOT_SENT), per_target_total),
                ("client = ?", (client,), per_client),
            )
            leaving = [_leaves(conn, rows, values, most=most, since=since, now=now) for rows, values, most in counted]
            if full := [at for at in leaving if at is not None]:
                return Issued(None, free_at=max(full) + (now - since))
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
