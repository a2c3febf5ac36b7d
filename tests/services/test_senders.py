"""The webhook senders against a real HTTP server started here (the
standard library's, in a thread), and the settings that choose a sender."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from contest.config import Settings
from contest.services.resets import RESET_SMS
from contest.services.senders import LogSender, SendFailed, WebhookEmail, WebhookSms, email_sender, sms_sender
from contest.services.signups import CODE_SMS, HAVE_ACCOUNT, sms_text


class Gateway(ThreadingHTTPServer):
    """Records each request (path, headers, body) and answers ``status`` after ``delay`` seconds."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict[str, Any]] = []
        self.status = 200
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms/send?account=hoithi"


class _Handler(BaseHTTPRequestHandler):
    server: Gateway

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        time.sleep(self.server.delay)
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


TRICKY = 'Chào "Nguyễn Thị Ánh" \\ {phone} }, "admin": true\nmã 004215'


def test_webhook_sms_posts_the_template_with_escaped_values(gateway: Gateway) -> None:
    sender = WebhookSms(
        url=gateway.url,
        headers='{"Authorization": "Bearer s3cr3t", "X-Tinh": "Tien Giang"}',
        body='{"to": "{phone}", "text": "{message}", "brand": "HOITHI", "left": "{subject}"}',
        timeout=5,
        name="SMS",
    )
    asyncio.run(sender.send_sms("0912345678", TRICKY))
    [request] = gateway.received
    assert request["path"] == "/sms/send?account=hoithi"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert (headers["authorization"], headers["x-tinh"]) == ("Bearer s3cr3t", "Tien Giang")
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(request["body"]) == {"to": "0912345678", "text": TRICKY, "brand": "HOITHI", "left": "{subject}"}


def test_webhook_email_posts_subject_and_message(gateway: Gateway) -> None:
    sender = WebhookEmail(
        url=gateway.url,
        headers='{"Content-Type": "application/json"}',
        body=Settings.email_webhook_body,
        timeout=5,
        name="EMAIL",
    )
    asyncio.run(sender.send_email("an@example.vn", "Đặt lại mật khẩu", TRICKY))
    [request] = gateway.received
    assert json.loads(request["body"]) == {"to": "an@example.vn", "subject": "Đặt lại mật khẩu", "text": TRICKY}
    assert {k.lower(): v for k, v in request["headers"].items()}["content-type"] == "application/json"


def test_webhook_refusal_is_a_send_failure_logged_without_the_phone(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.status = 500
    sender = WebhookSms(url=gateway.url, headers="{}", body=Settings.sms_webhook_body, timeout=5, name="SMS")
    with caplog.at_level(logging.WARNING), pytest.raises(SendFailed) as caught:
        asyncio.run(sender.send_sms("0912345678", "Ma 123456"))
    assert caught.value.status == 503
    assert [r.getMessage() for r in caplog.records] == ["SMS webhook to 09xx xxx 678 answered 500"]


def test_webhook_timeout_is_a_send_failure(gateway: Gateway, caplog: pytest.LogCaptureFixture) -> None:
    gateway.delay = 1.0
    sender = WebhookSms(url=gateway.url, headers="{}", body=Settings.sms_webhook_body, timeout=0.2, name="SMS")
    with caplog.at_level(logging.WARNING), pytest.raises(SendFailed):
        asyncio.run(sender.send_sms("0912345678", "Ma 123456"))
    assert "0912345678" not in caplog.text and "123456" not in caplog.text


def test_nobody_listening_is_a_send_failure() -> None:
    sender = WebhookSms(url="http://127.0.0.1:9/", headers="{}", body=Settings.sms_webhook_body, timeout=2, name="SMS")
    with pytest.raises(SendFailed):
        asyncio.run(sender.send_sms("0912345678", "Ma 123456"))


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"sms_sender": "sms"}, "CONTEST_SMS_SENDER"),
        ({"sms_sender": "webhook", "sms_webhook_url": ""}, "CONTEST_SMS_WEBHOOK_URL"),
        ({"sms_sender": "webhook", "sms_webhook_url": "http://x", "sms_webhook_headers": "[1]"}, "HEADERS"),
        ({"sms_sender": "webhook", "sms_webhook_url": "http://x", "sms_webhook_headers": '{"X": "bí"}'}, "HEADERS"),
        ({"sms_sender": "webhook", "sms_webhook_url": "http://x", "sms_webhook_body": '{"to": {phone}}'}, "BODY"),
    ],
)
def test_settings_that_cannot_send_are_refused_at_start(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        sms_sender(dataclasses.replace(Settings(), **changes))


def test_senders_chosen_by_settings() -> None:
    assert sms_sender(Settings()) is None and email_sender(Settings()) is None
    assert isinstance(sms_sender(Settings(sms_sender="log")), LogSender)
    assert isinstance(email_sender(Settings(email_sender="webhook", email_webhook_url="https://mail")), WebhookEmail)


def test_sms_texts_fit_one_part() -> None:
    """GSM 7-bit (ASCII here) and within 160 characters, the longest contest title included."""
    texts = [
        HAVE_ACCOUNT,
        CODE_SMS.format(
            title=sms_text("Tìm hiểu về Chính quyền điện tử hướng tới Chính quyền số " * 2)[:60],
            code="004215",
            minutes=10,
        ),
        sms_text(RESET_SMS.format(code="004215", minutes=10)),
    ]
    assert all(text.isascii() and len(text) <= 160 for text in texts), [len(t) for t in texts]
