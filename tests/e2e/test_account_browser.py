"""The account page in Debian's Chromium on a 360 px phone (axe finds no
WCAG 2.2 A/AA violation); without JavaScript, changing the password there signs the same account out of
another browser (within CONTEST_SESSION_CHECK_SECONDS) and keeps this one."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Server
from tests.e2e.test_browser import (  # noqa: F401  (fixtures)
    PASSWORD,
    axe_violations,
    browser,
    participant,
    phone,
    pytestmark,
)

NEW = "mat-khau-moi-2026"


def sign_in(page: Page, server: Server, login: str, password: str = PASSWORD) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("link", name="Tài khoản")).to_be_visible()


def test_password_change_signs_the_other_browser_out(
    seeded_server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
) -> None:
    who = participant(seeded_server)
    here, there = phone(java_script_enabled=False).new_page(), phone(bypass_csp=True).new_page()
    for page in (here, there):
        sign_in(page, seeded_server, who["phone"])
    there.goto(seeded_server.url + "/me/account")
    assert axe_violations(there) == []
    here.get_by_role("link", name="Tài khoản").click()
    expect(here.locator("#sessions tbody tr")).to_have_count(3)  # two browsers and the app's token
    here.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
    here.get_by_label("Mật khẩu mới").fill(NEW)
    here.get_by_role("button", name="Đổi mật khẩu").click()
    expect(here.get_by_role("status")).to_contain_text("Đã đổi mật khẩu.")
    expect(here.locator("#sessions tbody tr")).to_have_count(1)
    deadline = time.monotonic() + 3  # CONTEST_SESSION_CHECK_SECONDS (2) and a margin
    while True:
        there.goto(seeded_server.url + "/me/attempts")
        if "/login" in there.url or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    expect(there).to_have_url(seeded_server.url + "/login?next=/me/attempts")
    sign_in(there, seeded_server, who["phone"], NEW)
