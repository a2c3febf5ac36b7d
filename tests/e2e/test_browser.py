"""The participant's journey in Debian's Chromium on a 360 px phone screen:
register, take a round with the live countdown and autosave, lose the network,
get the answers back, submit, see the result."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: CI must install it (scripts/test does)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def status(page: Page, question: int):  # type: ignore[no-untyped-def]
    return page.locator(f'.qstatus[data-q="{question}"]')


def test_participant_journey_in_a_phone_browser(seeded_server: Server, page: Page) -> None:
    page.goto(seeded_server.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Đăng ký dự thi").first.click()
    page.get_by_label("Họ và tên").fill("Võ Thị Mai")
    page.get_by_label("Số điện thoại di động").fill("0901 234 567")
    page.get_by_label("Mật khẩu").fill("mat-khau-trinh-duyet")
    page.get_by_label("Năm sinh").fill("1999")
    page.get_by_label("Số căn cước công dân (CCCD)").fill("082199000555")
    page.get_by_label("Nơi cư trú").select_option(label="Huyện Cái Bè")
    page.locator('input[name="consent"]').check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("button", name="Vào thi").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    timer = page.locator("#timer")
    expect(timer).to_have_text(re.compile(r"Thời gian còn lại: (10:00|09:\d\d)"))
    first = timer.inner_text()
    page.wait_for_timeout(1500)
    assert timer.inner_text() != first, "the countdown does not tick"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Autosave: choosing an option saves it on the server.
    page.locator('#q1 input[type="radio"], #q1 input[type="checkbox"]').first.check()
    expect(status(page, 1)).to_have_text("Đã lưu")
    expect(page.locator("#save-status")).to_contain_text("Đã lưu 1/5 câu trên máy chủ.")

    # No network: the answer waits in the browser, then goes when the network returns.
    page.context.set_offline(True)
    page.locator("#q2 input").first.check()
    expect(status(page, 2)).to_have_text("Chưa gửi được — sẽ gửi lại khi có mạng")
    expect(page.locator("#save-status")).to_contain_text("1 câu chưa gửi được")
    page.context.set_offline(False)
    expect(status(page, 2)).to_have_text("Đã lưu", timeout=10_000)

    # A save that fails stays in the browser; reopening the attempt restores and resends it.
    page.route("**/answers/3", lambda route: route.abort())
    page.locator("#q3 input").first.check()
    expect(status(page, 3)).to_have_text("Chưa gửi được — sẽ gửi lại khi có mạng")
    page.unroute("**/answers/3")
    page.reload()
    expect(page.locator("#q1 input").first).to_be_checked()
    expect(page.locator("#q2 input").first).to_be_checked()
    expect(page.locator("#q3 input").first).to_be_checked()
    expect(status(page, 3)).to_have_text("Đã lưu", timeout=10_000)
    with sqlite3.connect(seeded_server.database) as conn:
        saved = conn.execute("SELECT COUNT(*) FROM answers WHERE attempt_id = ?", (attempt_id,)).fetchone()[0]
    assert saved == 3

    page.get_by_label("Dự đoán của bạn (số người)").fill("1234")
    expect(status(page, "prediction")).to_have_text("Đã lưu", timeout=10_000)  # type: ignore[arg-type]
    page.once("dialog", lambda dialog: dialog.accept())  # "2 questions unanswered: submit anyway?"
    page.get_by_role("button", name="Nộp bài").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"))
    expect(page.locator("#correct")).to_have_text(re.compile(r"^[0-5]/5$"))
    expect(page.get_by_text("Đây là lượt thi tốt nhất của bạn")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
