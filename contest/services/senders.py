"""Sending one-time codes by SMS and reset links by email, through a sender
chosen by settings (``CONTEST_SMS_SENDER``, ``CONTEST_EMAIL_SENDER``):

- ``webhook``: an HTTP POST to the province's SMS gateway or a mail service,
  its address, headers and body template given by settings. The template's
  placeholders (``{phone}``, ``{email}``, ``{subject}``, ``{message}``) are
  replaced in one pass by their JSON-escaped values, so a name with quotes or
  a message naming ``{phone}`` can neither break the JSON nor add fields.
- ``log``: the message is written to the log, the phone or address masked
  (development and tests).
- none: :func:`sms_sender` / :func:`email_sender` return None and the
  features that need one say they are not available.

A failed send is :class:`SendFailed` (503, Vietnamese, to retry), logged
with the phone or address masked and never the message (it holds the code).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Protocol

import httpx2

from contest.config import Settings
from contest.domain.codes import mask_email
from contest.domain.publication import mask_phone
from contest.errors import ContestError

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{(phone|email|subject|message)\}")


class SendFailed(ContestError):
    status = 503
    code = "send_failed"
    message = "Chưa gửi được tin nhắn (dịch vụ gửi tin không trả lời). Vui lòng thử lại sau ít phút."


class SmsSender(Protocol):
    async def send_sms(self, phone: str, message: str) -> None:
        """Send ``message`` to ``phone`` (``0xxxxxxxxx``); :class:`SendFailed` when it could not be."""


class EmailSender(Protocol):
    async def send_email(self, email: str, subject: str, message: str) -> None:
        """Send an email; :class:`SendFailed` when it could not be."""


def fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` of ``values`` replaced by the value
    JSON-escaped (without its quotes), in one pass: text inside a value is
    never read as a placeholder."""
    return _PLACEHOLDER.sub(
        lambda m: json.dumps(values[m[1]], ensure_ascii=False)[1:-1] if m[1] in values else m[0], template
    )


class LogSender:
    """Writes each message to the log (``contest.services.senders``), the phone or address masked."""

    async def send_sms(self, phone: str, message: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), message)

    async def send_email(self, email: str, subject: str, message: str) -> None:
        log.info("Email to %s: %s\n%s", mask_email(email), subject, message)


class Webhook:
    """POSTs ``body`` (with placeholders filled) to ``url`` with ``headers``."""

    def __init__(self, *, url: str, headers: str, body: str, timeout: float, name: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"CONTEST_{name}_WEBHOOK_URL must be an http:// or https:// address, not {url!r}")
        try:
            parsed = json.loads(headers or "{}")
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(
            isinstance(v, str) and v.isascii() and v.isprintable() and k.isascii() for k, v in parsed.items()
        ):
            raise ValueError(
                f'CONTEST_{name}_WEBHOOK_HEADERS must be a JSON object of ASCII texts, e.g. {{"X-Key": "…"}}'
            )
        self._headers = {"Content-Type": "application/json; charset=utf-8"}
        if any(k.lower() == "content-type" for k in parsed):
            self._headers = {}
        self._headers.update(parsed)
        if self._headers.get("Content-Type", "").startswith("application/json"):
            sample = fill(body, dict.fromkeys(("phone", "email", "subject", "message"), 'x"\n'))
            try:
                json.loads(sample)
            except ValueError:
                raise ValueError(
                    f"CONTEST_{name}_WEBHOOK_BODY is not JSON once filled in (put each placeholder inside quotes)"
                ) from None
        self._url = url
        self._body = body
        self._timeout = timeout
        self._name = name

    async def post(self, values: Mapping[str, str], *, shown: str) -> None:
        """Send; :class:`SendFailed` on a network error, a timeout or an
        answer other than 2xx (logged naming ``shown``, a masked recipient)."""
        try:
            async with httpx2.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(
                    self._url, content=fill(self._body, values).encode(), headers=self._headers
                )
        except httpx2.HTTPError as exc:
            log.warning("%s webhook to %s failed: %s", self._name, shown, type(exc).__name__)
            raise SendFailed() from None
        if not response.is_success:
            log.warning("%s webhook to %s answered %d", self._name, shown, response.status_code)
            raise SendFailed()


class WebhookSms(Webhook):
    async def send_sms(self, phone: str, message: str) -> None:
        await self.post({"phone": phone, "message": message}, shown=mask_phone(phone))


class WebhookEmail(Webhook):
    async def send_email(self, email: str, subject: str, message: str) -> None:
        await self.post({"email": email, "subject": subject, "message": message}, shown=mask_email(email))


def sms_sender(settings: Settings) -> SmsSender | None:
    """The SMS sender the settings choose, or None; ValueError for a setting that cannot work."""
    if settings.sms_sender == "log":
        return LogSender()
    if settings.sms_sender == "webhook":
        return WebhookSms(
            url=settings.sms_webhook_url,
            headers=settings.sms_webhook_headers,
            body=settings.sms_webhook_body,
            timeout=settings.sender_timeout_seconds,
            name="SMS",
        )
    if settings.sms_sender:
        raise ValueError(f"CONTEST_SMS_SENDER must be webhook, log or empty, not {settings.sms_sender!r}")
    return None


def email_sender(settings: Settings) -> EmailSender | None:
    """The email sender the settings choose, or None; ValueError for a setting that cannot work."""
    if settings.email_sender == "log":
        return LogSender()
    if settings.email_sender == "webhook":
        return WebhookEmail(
            url=settings.email_webhook_url,
            headers=settings.email_webhook_headers,
            body=settings.email_webhook_body,
            timeout=settings.sender_timeout_seconds,
            name="EMAIL",
        )
    if settings.email_sender:
        raise ValueError(f"CONTEST_EMAIL_SENDER must be webhook, log or empty, not {settings.email_sender!r}")
    return None
