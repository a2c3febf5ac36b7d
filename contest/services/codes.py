"""Sending and checking one-time codes, within the send limits.

Every message that carries (or could carry) a code is one row
(``storage/codes.py``), so the limits are counted in the database and shared
by every node: at most ``CONTEST_CODE_SENDS_PER_TARGET`` messages to one phone
or email and ``CONTEST_CODE_SENDS_PER_ADDRESS`` asked for from one client
address per ``CONTEST_CODE_WINDOW_SECONDS``. A code works for
``CONTEST_CODE_TTL_SECONDS`` (a link's nonce for ``CONTEST_RESET_LINK_TTL_SECONDS``),
once, for ``CONTEST_CODE_MAX_TRIES`` tries; sending a new one ends the last.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain.codes import UNUSABLE, Purpose, digest, new_code
from contest.errors import ContestError, Invalid, TooManyRequests
from contest.services.senders import EmailSender, SmsSender
from contest.storage import Storage

WRONG = "Mã xác minh không đúng. Bạn còn {left} lần thử."
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

    async def issue(self, purpose: Purpose, target: str, *, client: str, payload: str = "", usable: bool = True) -> str:
        """A new code (six digits; a link's nonce for RESET_LINK) for
        ``purpose`` sent to ``target``, stored as its HMAC with ``payload``;
        with ``usable`` false the row counts as a send but no code matches it
        (a message that carries none). :class:`TooManyRequests` past a send
        limit, before anything is stored."""
        s = self._settings
        now = self._clock.now()
        link = purpose is Purpose.RESET_LINK
        code = secrets.token_urlsafe(24) if link else new_code(secrets)
        ttl = s.reset_link_ttl_seconds if link else s.code_ttl_seconds
        issued = await self._storage.codes.issue(
            purpose=purpose.value,
            target=target,
            client=client,
            digest=digest(self._key, purpose=purpose, target=target, code=code) if usable else UNUSABLE,
            payload=payload,
            now=now,
            expires_at=now + timedelta(seconds=ttl),
            since=now - timedelta(seconds=s.code_window_seconds),
            per_target=s.code_sends_per_target,
            per_client=s.code_sends_per_address,
        )
        if issued is None:
            minutes = max(1, s.code_window_seconds // 60)
            raise TooManyRequests(
                f"Đã gửi nhiều mã trong thời gian ngắn. Vui lòng thử lại sau {minutes} phút.",
                retry_after=s.code_window_seconds,
            )
        return code

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
