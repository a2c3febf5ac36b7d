"""The organiser in Debian's Chromium on a 360 px phone: signs in and lands on
the console; every console page fits the screen (tables scroll inside their
own focusable region), passes axe-core's WCAG 2.2 AA rules, and editing,
comparing and retiring work without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server, add_staff
from tests.e2e.test_browser import PHONE, axe_violations, browser, fits  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture
def console(browser: Browser, seeded_server: Server) -> Iterator[Page]:  # noqa: F811
    """A phone without JavaScript (what works there works everywhere), signed
    in as an organiser."""
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(seeded_server.url + "/login")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill("bantochuc")
    page.get_by_label("Mật khẩu").fill(add_staff(seeded_server, "organiser", "bantochuc", "Ban Tổ chức"))
    page.get_by_role("button", name="Đăng nhập").click()
    yield page
    context.close()


def check(page: Page) -> None:
    """The page fits 360 px, and axe finds nothing on it (in a context with
    scripts on, since axe is one, signed in with the same cookies)."""
    fits(page)
    chromium = page.context.browser
    assert chromium is not None
    context = chromium.new_context(**PHONE, bypass_csp=True)
    try:
        context.add_cookies(page.context.cookies())
        probe = context.new_page()
        probe.goto(page.url)
        assert axe_violations(probe) == []
    finally:
        context.close()


def test_organiser_console_on_a_phone_without_javascript(console: Page, seeded_server: Server) -> None:
    page = console
    expect(page).to_have_url(seeded_server.url + "/organiser")
    check(page)
    page.get_by_role("link", name="Ngân hàng thử").first.click()
    check(page)
    history = page.get_by_role("region", name="Lịch sử phiên bản")
    history.focus()
    expect(history).to_be_focused()

    page.get_by_role("link", name="Sửa").first.click()
    check(page)
    page.get_by_label("Đáp án đúng (ví dụ B hoặc A, C)").fill("B")
    page.get_by_role("button", name="Lưu thành phiên bản mới").click()
    expect(page.locator(".notice.ok")).to_contain_text("Đã lưu câu hỏi thành một phiên bản mới.")

    page.get_by_role("link", name="So với bản trước").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("So sánh phiên bản 1 → 2")
    expect(page.locator(".field-changes")).to_contain_text("Cũ: A")
    check(page)

    page.go_back()
    page.get_by_role("link", name="Sửa").first.click()
    page.get_by_role("link", name="Bỏ câu hỏi…").click()
    check(page)
    page.get_by_role("button", name="Xác nhận bỏ câu hỏi").click()
    expect(page.locator(".notice.ok")).to_contain_text("Đã bỏ câu hỏi")
    page.goto(seeded_server.url + "/organiser")
    expect(page.locator("ul.log")).to_contain_text("Bỏ câu T-001 khỏi ngân hàng «Ngân hàng thử» (phiên bản 3)")
