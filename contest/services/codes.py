"""Sending and checking one-time codes, within the send limits.

Every request for a message that carries (or could carry) a code is one row
(``storage/codes.py``), so the limits are counted in the database and shared
by every node. Per ``CONTEST_CODE_WINDOW_SECONDS``: at most
``CONTEST_CODE_SENDS_PER_TARGET`` requests for one phone or email from one
network (IPv4 /24, IPv6 /64, :func:`~contest.domain.limits.address_keys`),
``CONTEST_CODE_SENDS_PER_TARGET_TOTAL`` messages really sent to it from
anywhere, and ``CONTEST_CODE_SENDS_PER_ADDRESS`` requests from one client
address; and ``CONTEST_CODE_RESEND_SECONDS`` pass between two requests of
the same purpose for one phone or email from one network ("Gửi lại mã").
The limits cannot be aimed at the owner: a script on one network (one
address or a whole /24) uses up only that network's allowance (and wait)
for the phone, never the owner's, and it cannot reach the higher total alone;
requests that send nothing (a reset for no account, a phone another account
holds) count for the network but not in the total, so they cannot spend it
either. Only someone sending from several networks at once can block a
phone's codes for a window; the owner behind the same carrier gateway as a
script shares its allowance. A code works for
``CONTEST_CODE_TTL_SECONDS`` (a link's nonce for ``CONTEST_RESET_LINK_TTL_SECONDS``),
once, for ``CONTEST_CODE_MAX_TRIES`` tries; sending a new one ends the last.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain.codes import NOT_SENT, SENT_WITHOUT_CODE, Purpose, digest, new_code
from contest.domain.limits import address_keys, retry_after
from contest.errors import ContestError, Invalid, TooManyRequests
from contest.services.senders import EmailSender, SmsSender
from contest.storage import Storage

WRONG = "Mã xác minh không đúng. Bạn còn {left} lần thử."
RESEND_WAIT = "Bạn có thể gửi lại mã sau {wait}."
NO_CODE = "Mã xác minh không đúng, đã dùng hoặc đã hết hạn. Vui lòng yêu cầu gửi mã mới."


class Unavailable(ContestError):
    """A feature needs a sender the site has not configured: 409, a state of
    the site that retrying does not change (unlike a gateway that did not
    answer, ``SendFailed``, 503)."""

    status = 409
    code = "sender_unavailable"
    message = "Trang web chưa được cấu hình để gửi tin nhắn. Vui lòng liên hệ Ban Tổ chức."


class Codes:
    def __init__(
        self,
        storage: Storage,
        settings: Settings,
        clock: Clock,
        *,
        sms: SmsSender | None,
        email: EmailSender | None,
    ) -> None:
        self._storage = storage
        self._settings = settings
        self._clock = clock
        self._key = settings.secret_key.encode()
        self.sms = sms
        self.email = email

    def need_sms(self) -> SmsSender:
        """The SMS sender, or :class:`Unavailable`."""
        if self.sms is None:
            raise Unavailable("Trang web chưa được cấu hình để gửi tin nhắn SMS. Vui lòng liên hệ Ban Tổ chức.")
        return self.sms

    async def issue(
        self, purpose: Purpose, target: str, *, client: str, payload: str = "", usable: bool = True, sent: bool = True
    ) -> str:
        """A new code (six digits; a link's nonce for RESET_LINK) for
        ``purpose`` sent to ``target``, stored as its HMAC with ``payload``;
        with ``usable`` false no code matches the row (a message that carries
        none); with ``sent`` false the caller sends nothing, and the row
        counts only for ``client``'s network and address. :class:`TooManyRequests`
        past a send limit, or with :data:`RESEND_WAIT` within the wait between
        sends, with the seconds left until a send is allowed (rounded up),
        before anything is stored."""
        s = self._settings
        now = self._clock.now()
        link = purpose is Purpose.RESET_LINK
        code = secrets.token_urlsafe(24) if link else new_code(secrets)
        address, network = address_keys(client)
        if usable:
            stored = digest(self._key, purpose=purpose, target=target, code=code)
        else:
            stored = SENT_WITHOUT_CODE if sent else NOT_SENT
        ttl = s.reset_link_ttl_seconds if link else s.code_ttl_seconds
        issued = await self._storage.codes.issue(
            purpose=purpose.value,
            target=target,
            client=f"{network} {address}",
            network=f"{network} ",
            digest=stored,
            payload=payload,
            now=now,
            expires_at=now + timedelta(seconds=ttl),
            since=now - timedelta(seconds=s.code_window_seconds),
            per_target=s.code_sends_per_target,
            per_target_total=s.code_sends_per_target_total,
            per_client=s.code_sends_per_address,
            resend_since=now - timedelta(seconds=s.code_resend_seconds),
        )
        if issued.last_sent is not None:
            free_at = issued.last_sent + timedelta(seconds=s.code_resend_seconds)
            raise TooManyRequests(RESEND_WAIT, retry_after=retry_after(free_at, now))
        if issued.id is None:
            raise TooManyRequests(
                "Đã gửi nhiều mã trong thời gian ngắn. Vui lòng thử lại sau {wait}.",
                retry_after=retry_after(issued.free_at or now, now),
            )
        return code

    async def kept(self, purpose: Purpose, target: str) -> str | None:
        """The payload kept with the live code of ``purpose`` sent to
        ``target`` (to send it again with a new code), or None when none is
        live (expired, used or never sent)."""
        return await self._storage.codes.kept(purpose=purpose.value, target=target, now=self._clock.now())

    async def live(self, purpose: Purpose, target: str, code: str) -> bool:
        """Whether ``code`` is the live code of ``purpose`` sent to ``target``
        (nothing is spent: a page may show a form only while it can work)."""
        return await self._storage.codes.live(
            purpose=purpose.value,
            target=target,
            digest=digest(self._key, purpose=purpose, target=target, code=code),
            now=self._clock.now(),
        )

    async def use(self, purpose: Purpose, target: str, code: str, *, field: str = "code") -> str:
        """The payload of the live code of ``purpose`` sent to ``target`` when
        ``code`` is it (the code is then used up); otherwise :class:`Invalid`
        naming ``field``, saying how many tries are left."""
        tried = await self._storage.codes.try_code(
            purpose=purpose.value,
            target=target,
            digest=digest(self._key, purpose=purpose, target=target, code=code),
            now=self._clock.now(),
            max_tries=self._settings.code_max_tries,
        )
        if tried.payload is not None:
            return tried.payload
        raise Invalid({field: WRONG.format(left=tried.tries_left) if tried.tries_left else NO_CODE})

    @property
    def minutes(self) -> int:
        """How long a code works, in whole minutes (for messages)."""
        return max(1, self._settings.code_ttl_seconds // 60)
