"""Registration with a verified phone and "Quên mật khẩu?" (and "Gửi lại
mã" on each) in Debian's Chromium on a 360 px phone without JavaScript, against `contest serve` with
the log sender: the codes are read from the server's log, as a developer
would. axe-core finds no WCAG 2.2 AA violation on the reset pages."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from contest.storage import open_storage
from tests.e2e.conftest import Server, environment, seed_database, start_server, stop_server, url_of
from tests.e2e.test_browser import axe_violations, browser, fits, phone  # noqa: F401  (the fixtures, shared)

pytestmark = pytest.mark.e2e

PASSWORD = "mật-khẩu-an-toàn"
NEW_PASSWORD = "mật-khẩu-mới-2026"
RESEND_SECONDS = 10
"""The wait between sends: long enough for a click right after a send to
meet it, short enough to wait out."""


async def verify_phones(database: Path | str) -> None:
    storage = open_storage(url_of(database))
    storage.start()
    try:
        await storage.db.write(lambda c: c.execute("UPDATE contests SET verify_phone = 1"))
    finally:
        await storage.close()


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API owns this thread's event loop
        thread.submit(asyncio.run, seed_database(database_url, duration=600)).result()
        thread.submit(asyncio.run, verify_phones(database_url)).result()
    env = {
        **environment(database_url),
        "CONTEST_SMS_SENDER": "log",
        "CONTEST_SESSION_CHECK_SECONDS": "0",
        "CONTEST_CODE_RESEND_SECONDS": str(RESEND_SECONDS),
        "CONTEST_CODE_SENDS_PER_TARGET": "4",  # one phone's registration, its resend, a reset and its resend
    }
    server = start_server(tmp_path, database_url, env=env)
    yield server
    stop_server(server)


def code_in_log(server: Server, sent_before: int) -> str:
    """The code of the first SMS logged after ``sent_before`` SMS lines."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [line for line in server.log.read_text().splitlines() if "SMS to" in line]
        if len(lines) > sent_before:
            return str(re.findall(r"\b(\d{6})\b", lines[sent_before])[0])
        time.sleep(0.05)
    raise AssertionError(server.log.read_text())


def test_verified_registration_and_reset_without_javascript(
    server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
) -> None:
    page = phone(java_script_enabled=False).new_page()
    page.goto(server.url + "/register")
    page.get_by_label("Họ và tên").fill("Võ Thị Mai")
    page.get_by_label("Số điện thoại di động").fill("0912345678")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_label("Năm sinh").fill("1990")
    page.get_by_label("Số định danh cá nhân (số thẻ căn cước/CCCD)").fill("082190123456")
    page.get_by_label("Nơi cư trú").select_option(label="Thành phố Mỹ Tho")
    page.locator("#consent").check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Chúng tôi đã gửi mã tới số 09xx xxx 678.")).to_be_visible()
    page.get_by_role("button", name="Gửi lại mã").click()  # at once: within the wait
    wait = page.get_by_text(re.compile(r"Bạn có thể gửi lại mã sau \d+ giây\."))
    expect(wait).to_be_visible()
    fits(page)
    time.sleep(int(re.findall(r"\d+", wait.inner_text())[0]))
    page.get_by_role("button", name="Gửi lại mã").click()
    expect(page.get_by_text("Đã gửi mã mới tới số 09xx xxx 678.")).to_be_visible()
    page.get_by_label("Mã xác minh").fill(code_in_log(server, 1))
    page.get_by_role("button", name="Hoàn tất đăng ký").click()
    assert page.url.endswith("?registered=1")

    other = phone(java_script_enabled=False).new_page()
    other.goto(server.url + "/login")
    other.get_by_role("link", name="Quên mật khẩu?").click()
    other.get_by_label("Số điện thoại di động").fill("0912 345 678")
    other.get_by_role("button", name="Gửi mã").click()
    expect(other.get_by_text("Nếu số 09xx xxx 678 có tài khoản")).to_be_visible()
    fits(other)
    other.reload()  # step 2 has its own address: a reload keeps the code's form, sending nothing again
    assert other.url.endswith("/password-reset/code")
    expect(other.get_by_text("Nếu số 09xx xxx 678 có tài khoản")).to_be_visible()
    other.get_by_role("button", name="Gửi lại mã").click()  # within the wait: said on the code's form
    expect(other.get_by_text(re.compile(r"Bạn có thể gửi lại mã sau \d+ giây\."))).to_be_visible()
    other.get_by_label("Mã xác minh").fill(code_in_log(server, 2))
    other.get_by_label("Mật khẩu mới").fill(NEW_PASSWORD)
    other.get_by_role("button", name="Đặt mật khẩu mới").click()
    expect(other.get_by_text("Đã đặt mật khẩu mới.")).to_be_visible()

    page.goto(server.url + "/me/attempts")  # the session from registration has ended
    assert "/login" in page.url
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill("0912345678")
    page.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.url.endswith("/me/attempts")

    checked = phone(bypass_csp=True).new_page()  # the CSP would refuse the injected axe script
    checked.goto(server.url + "/password-reset")
    assert axe_violations(checked) == []
    checked.get_by_label("Số điện thoại di động").fill("0987654321")
    checked.get_by_role("button", name="Gửi mã").click()
    checked.get_by_role("button", name="Đặt mật khẩu mới").click()  # every error of the form shown
    assert axe_violations(checked) == []
