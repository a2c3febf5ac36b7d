"""The participant in Debian's Chromium on a 360 px phone screen: register,
take a round with the live countdown and autosave, lose the network, get the
answers back, submit, see the result; the same without JavaScript; a page
that is out of date; time running out; keyboard and screen-reader use, and
axe-core's WCAG 2.2 AA rules on every participant page."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import count
from pathlib import Path
from typing import Any

import httpx2
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from tests.backends import rows
from tests.e2e.conftest import Server, seed_database, start_server, stop_server

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core 4.14.1, MPL-2.0 (see vendor/README.md)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "vi-VN"}
PASSWORD = "mat-khau-trinh-duyet"
_PEOPLE = count(10)


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
def phone(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """New 360 px phone contexts (``java_script_enabled``, ``bypass_csp``...)."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        contexts.append(browser.new_context(**PHONE, **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(phone: Callable[..., BrowserContext]) -> Page:
    return phone().new_page()


@pytest.fixture
def short_server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """A server whose attempts last 8 seconds, to see time run out."""
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API owns this thread's event loop
        thread.submit(asyncio.run, seed_database(database_url, duration=8)).result()
    server = start_server(tmp_path, database_url)
    yield server
    stop_server(server)


def status(page: Page, question: int | str) -> Locator:
    return page.locator(f'.qstatus[data-q="{question}"]')


def option(page: Page, question: int, number: int = 1) -> Locator:
    return page.locator(f'#q{question} input[name="q{question}"]').nth(number - 1)


def fits(page: Page) -> None:
    """The page shown (once loaded: a click on a link may return while the next
    page has only just started) is no wider than a 360 px phone."""
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def participant(server: Server) -> dict[str, str]:
    """A new participant registered through the API; returns their bearer header
    and phone number, to sign in on the page and answer from the "app"."""
    n = next(_PEOPLE)
    person = {"full_name": "Võ Thị Mai", "phone": f"09012340{n:02d}", "birth_year": 1999, "cccd": f"0821990005{n:02d}"}
    with httpx2.Client(base_url=server.url, timeout=10) as http:
        area = http.get("/api/v1/areas").json()[0]["id"]
        registered = http.post("/api/v1/register", json={**person, "password": PASSWORD, "area": area, "consent": True})
        assert registered.status_code == 201, registered.text
        token = http.post("/api/v1/token", json={"login": person["phone"], "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}", "phone": person["phone"]}


def sign_in_and_start(page: Page, server: Server) -> tuple[int, dict[str, str]]:
    who = participant(server)
    page.goto(server.url + "/login")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(who.pop("phone"))
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Vào thi").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    return int(page.url.rsplit("/", 1)[1]), who


def app_answers(server: Server, headers: dict[str, str], attempt_id: int, question: int, options: list[int]) -> None:
    """The same participant answers from the citizen app, explicitly."""
    with httpx2.Client(base_url=server.url, timeout=10) as http:
        url = f"/api/v1/attempts/{attempt_id}/answers/{question}"
        saved = http.put(url, headers=headers, json={"options": options})
        assert saved.status_code == 200, saved.text


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A/AA violations on the page as it is (the context
    must bypass the CSP for the injected script)."""
    page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations
             .map((v) => ({id: v.id, nodes: v.nodes.map((n) => n.target.join(" "))}))""",
        WCAG,
    )
    return result


def test_participant_journey_in_a_phone_browser(seeded_server: Server, page: Page) -> None:
    page.goto(seeded_server.url)
    fits(page)
    page.get_by_role("link", name="Đăng ký dự thi").first.click()
    page.get_by_label("Họ và tên").fill("Võ Thị Mai")
    page.get_by_label("Số điện thoại di động").fill("0901 234 567")
    page.get_by_label("Mật khẩu").fill("mat-khau-trinh-duyet")
    page.get_by_label("Năm sinh").fill("1999")
    page.get_by_label(re.compile("CCCD")).fill("082199000555")
    page.get_by_label("Nơi cư trú").select_option(label="Huyện Cái Bè")
    page.locator('input[name="consent"]').check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công.")).to_be_visible()
    fits(page)

    page.get_by_role("button", name="Vào thi").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    timer = page.locator("#timer")
    expect(timer).to_have_text(re.compile(r"^Thời gian còn lại: (10 phút|9 phút \d+ giây)$"))
    first = timer.inner_text()
    page.wait_for_timeout(1500)
    assert timer.inner_text() != first, "the countdown does not tick"
    expect(page.locator("#save-hint")).to_have_text(re.compile("^Câu trả lời được lưu trên máy chủ mỗi khi bạn chọn"))
    fits(page)

    # Autosave: choosing an option saves it on the server; nothing is "not sent" while it travels.
    option(page, 1).check()
    expect(page.locator("#save-status")).not_to_contain_text("chưa gửi được")
    expect(status(page, 1)).to_have_text("Đã lưu")
    expect(page.locator("#save-status")).to_have_text("Trang này đã lưu 1/5 câu trên máy chủ. Danh sách câu")
    expect(page.locator('[data-nav="1"]')).to_have_class("answered")

    # No network: the answer waits in the browser, then goes when the network returns.
    # The bar counts what the server acknowledged, and unsent answers apart from unsent flags.
    page.context.set_offline(True)
    option(page, 2).check()
    page.locator('input[name="f4"]').check()
    expect(status(page, 2)).to_have_text("Chưa gửi được — sẽ gửi lại khi có mạng")
    expect(page.locator("#save-status")).to_have_text(
        "Trang này đã lưu 1/5 câu trên máy chủ. 1 câu chưa gửi được, sẽ tự gửi lại khi có mạng. "
        "1 đánh dấu “Xem lại sau” chưa gửi được, sẽ tự gửi lại khi có mạng. Danh sách câu"
    )
    page.context.set_offline(False)
    expect(status(page, 2)).to_have_text("Đã lưu", timeout=10_000)
    expect(page.locator("#save-status")).to_have_text("Trang này đã lưu 2/5 câu trên máy chủ. Danh sách câu")
    page.locator('input[name="f4"]').uncheck()

    # A save that fails stays in the browser; reopening the attempt restores and resends it.
    page.route("**/answers/3", lambda route: route.abort())
    option(page, 3).check()
    expect(status(page, 3)).to_have_text("Chưa gửi được — sẽ gửi lại khi có mạng")
    page.unroute("**/answers/3")
    page.reload()
    expect(option(page, 1)).to_be_checked()
    expect(option(page, 2)).to_be_checked()
    expect(option(page, 3)).to_be_checked()
    expect(status(page, 3)).to_have_text("Đã lưu", timeout=10_000)
    saved = "SELECT COUNT(*) FROM answers WHERE attempt_id = ? AND options <> '[]'"
    assert rows(seeded_server.database, saved, (attempt_id,)) == [(3,)]

    # A save the server refuses is announced, with the server's message.
    refusal = '{"error": "invalid", "message": "Có phương án không thuộc câu hỏi này."}'
    page.route("**/answers/4", lambda route: route.fulfill(status=422, content_type="application/json", body=refusal))
    option(page, 4).check()
    expect(page.locator("#announce")).to_have_text("Câu 4 — Không lưu được: Có phương án không thuộc câu hỏi này.")
    page.unroute("**/answers/4")

    # A flag "Xem lại sau" is kept on the server and shows in the navigator.
    page.locator('input[name="f5"]').check()
    expect(page.locator('[data-nav="5"]')).to_have_class("unanswered flagged")
    page.get_by_label("Dự đoán của bạn (số người)").fill("1234")
    expect(status(page, "prediction")).to_have_text("Đã lưu", timeout=10_000)
    page.reload()
    expect(page.locator('input[name="f5"]')).to_be_checked()

    # "Nộp bài": the summary dialog lists what is left, then submits.
    page.get_by_role("button", name="Nộp bài").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Bạn còn 2 câu chưa trả lời. Vẫn nộp bài?")
    expect(dialog.locator("#submit-dialog-flagged")).to_contain_text("Câu 5")
    confirm, cancel = dialog.get_by_role("button", name="Xác nhận nộp bài"), dialog.get_by_role("button", name="Hủy")
    a, b = confirm.bounding_box(), cancel.bounding_box()
    assert a and b and a["height"] >= 44 and b["height"] >= 44
    assert b["x"] - (a["x"] + a["width"]) >= 8 or b["y"] - (a["y"] + a["height"]) >= 8, "buttons touch"
    fits(page)
    confirm.click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"))
    expect(page.locator("#correct")).to_have_text(re.compile(r"^[0-5]/5$"))
    expect(page.locator("#duration")).to_have_text(re.compile(r"^(\d+ phút )?\d+ giây$|^\d+ phút$"))
    expect(page.get_by_text("Đây là lượt thi tốt nhất của bạn")).to_be_visible()
    fits(page)


def test_core_flow_without_javascript(seeded_server: Server, phone: Callable[..., BrowserContext]) -> None:
    page = phone(java_script_enabled=False).new_page()
    attempt_id, _ = sign_in_and_start(page, seeded_server)
    expect(page.locator("#save-hint")).to_have_text(re.compile("^Câu trả lời được lưu khi bạn bấm “Lưu bài”"))
    option(page, 1).check()
    page.locator('input[name="f2"]').check()
    page.get_by_role("button", name="Lưu bài").click()  # the prediction is empty: saving does not need it
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}\?notice=saved#actions$"))
    expect(page.get_by_text("Đã lưu các câu trả lời của bạn.")).to_be_in_viewport()
    expect(page.locator('[data-nav="2"]')).to_have_class("unanswered flagged")
    fits(page)
    page.get_by_role("button", name="Nộp bài").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/review$"))
    expect(page.locator("#unanswered")).to_have_text("Câu 2Câu 3Câu 4Câu 5")
    expect(page.locator("#flagged")).to_have_text("Câu 2")
    fits(page)
    page.get_by_role("button", name="Xác nhận nộp bài").click()  # no prediction yet: asked for it
    expect(page.get_by_role("alert")).to_have_text("Vui lòng trả lời câu hỏi dự đoán trước khi nộp bài.")
    prediction = page.get_by_label(re.compile("^Câu hỏi dự đoán"))
    prediction.fill("1.5")
    page.get_by_role("button", name="Xác nhận nộp bài").click()  # not a whole number: the summary again, kept
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra trước khi nộp bài")
    expect(prediction).to_have_value("1.5")
    expect(prediction).to_have_attribute("aria-invalid", "true")
    expect(prediction).to_have_accessible_description("Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000.")
    prediction.fill("77")
    page.get_by_role("button", name="Xác nhận nộp bài").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"))


def test_page_out_of_date_is_told_with_and_without_javascript(
    seeded_server: Server, phone: Callable[..., BrowserContext]
) -> None:
    page = phone().new_page()
    attempt_id, app = sign_in_and_start(page, seeded_server)
    plain = phone(java_script_enabled=False)
    plain.add_cookies(page.context.cookies())
    old = plain.new_page()
    old.goto(f"{seeded_server.url}/attempts/{attempt_id}")
    app_answers(seeded_server, app, attempt_id, 1, [2])  # from the app, after both pages were opened
    expect(page.locator("#save-status")).to_contain_text("Trang này đã lưu 0/5 câu")  # what this page knows
    # With JavaScript: choosing on the old page is refused, shown and announced; the app's answer shows.
    option(page, 1, 3).click()  # not .check(): the page puts the app's answer back at once
    expect(status(page, 1)).to_contain_text("Câu 1 đã được trả lời ở nơi khác")
    expect(page.locator("#announce")).to_contain_text("Câu 1 đã được trả lời ở nơi khác")
    expect(option(page, 1, 2)).to_be_checked()
    expect(page.locator("#save-status")).to_contain_text("Trang này đã lưu 1/5 câu")  # the refusal tells what is saved
    # Without JavaScript: "Lưu bài" keeps the app's answer and names the question.
    option(old, 2).check()
    old.get_by_role("button", name="Lưu bài").click()
    expect(old.get_by_role("alert")).to_contain_text("Trang của bạn chưa cập nhật")
    expect(old.get_by_role("alert").get_by_role("link", name="Câu 1")).to_be_visible()
    expect(option(old, 1, 2)).to_be_checked()
    expect(option(old, 2)).to_be_checked()
    fits(old)


def test_time_out_with_empty_prediction_ends_on_the_result(short_server: Server, page: Page) -> None:
    attempt_id, _ = sign_in_and_start(page, short_server)
    option(page, 1).check()
    expect(status(page, 1)).to_have_text("Đã lưu")
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"), timeout=20_000)
    expect(page.locator("#correct")).to_have_text(re.compile(r"^[01]/5$"))


def test_time_out_without_network_keeps_trying_and_says_so(short_server: Server, page: Page) -> None:
    attempt_id, _ = sign_in_and_start(page, short_server)
    page.context.set_offline(True)
    expect(page.locator("#timer")).to_have_text("Đã hết giờ. Mất kết nối mạng: đang thử nộp bài lại…", timeout=15_000)
    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"), timeout=10_000)


def test_offline_submit_asks_the_same_confirmation(seeded_server: Server, page: Page) -> None:
    attempt_id, _ = sign_in_and_start(page, seeded_server)
    option(page, 1).check()
    page.get_by_label("Dự đoán của bạn (số người)").fill("5")
    expect(status(page, "prediction")).to_have_text("Đã lưu", timeout=10_000)
    page.context.set_offline(True)
    page.get_by_role("button", name="Nộp bài").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Bạn còn 4 câu chưa trả lời. Vẫn nộp bài?")
    dialog.get_by_role("button", name="Xác nhận nộp bài").click()
    expect(dialog).to_contain_text("Mất kết nối mạng. Bài sẽ được nộp ngay khi có mạng trở lại.")
    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"), timeout=10_000)


def test_submit_dialog_offers_no_confirmation_without_the_prediction(seeded_server: Server, page: Page) -> None:
    attempt_id, _ = sign_in_and_start(page, seeded_server)
    option(page, 1).check()
    expect(status(page, 1)).to_have_text("Đã lưu")
    dialog = page.get_by_role("dialog")
    confirm = dialog.get_by_role("button", name="Xác nhận nộp bài")
    prediction = page.get_by_label("Dự đoán của bạn (số người)")
    for offline in (False, True):
        page.context.set_offline(offline)
        page.get_by_role("button", name="Nộp bài").click()
        expect(dialog).to_contain_text("Bạn còn 4 câu chưa trả lời.")
        expect(dialog).not_to_contain_text("Vẫn nộp bài?")
        expect(dialog).to_contain_text("Bạn chưa trả lời câu hỏi dự đoán: cần trả lời trước khi nộp bài.")
        expect(confirm).to_be_hidden()
        dialog.get_by_role("link", name="Trả lời câu hỏi dự đoán").click()
        expect(dialog).to_be_hidden()
        expect(prediction).to_be_focused()
    prediction.fill("5")
    page.get_by_role("button", name="Nộp bài").click()
    expect(dialog).to_contain_text("Bạn còn 4 câu chưa trả lời. Vẫn nộp bài?")
    confirm.click()
    expect(dialog).to_contain_text("Mất kết nối mạng. Bài sẽ được nộp ngay khi có mạng trở lại.")
    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/result$"), timeout=10_000)


def test_countdown_tells_screen_readers_at_five_minutes_one_minute(seeded_server: Server, page: Page) -> None:
    page.clock.install()
    sign_in_and_start(page, seeded_server)
    announce = page.locator("#announce")
    expect(announce).to_have_attribute("aria-live", "polite")
    page.clock.fast_forward("04:00")
    page.wait_for_timeout(200)
    expect(announce).to_have_text("")  # not every second
    page.clock.fast_forward("01:05")
    expect(announce).to_have_text("Còn 5 phút.")
    page.clock.fast_forward("04:00")
    expect(announce).to_have_text("Còn 1 phút.")


def test_tabbing_backwards_never_hides_focus_under_the_timer_bar(seeded_server: Server, page: Page) -> None:
    sign_in_and_start(page, seeded_server)
    page.get_by_role("button", name="Nộp bài").focus()
    hidden, stops = [], set()
    for _ in range(45):
        page.keyboard.press("Shift+Tab")
        stops.add(page.evaluate("document.activeElement.outerHTML"))
        covered = page.evaluate(
            """() => {
                const el = document.activeElement, bar = document.getElementById("status-bar");
                if (!el || el === document.body || bar.contains(el)) return null;
                const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
                return r.top < b.bottom && r.bottom > b.top ? el.outerHTML.slice(0, 80) : null;
            }"""
        )
        if covered:
            hidden.append(covered)
    assert len(stops) >= 25
    assert hidden == []


def test_axe_finds_no_violation_on_participant_pages(
    seeded_server: Server, phone: Callable[..., BrowserContext]
) -> None:
    page = phone(bypass_csp=True).new_page()  # the CSP would refuse the injected axe script
    page.goto(seeded_server.url + "/register")
    assert axe_violations(page) == []
    attempt_id, _ = sign_in_and_start(page, seeded_server)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Nộp bài").click()
    assert axe_violations(page) == []  # with the summary dialog open
    page.keyboard.press("Escape")
    page.goto(f"{seeded_server.url}/attempts/{attempt_id}/review")
    assert axe_violations(page) == []
    page.goto(seeded_server.url + "/")
    assert axe_violations(page) == []
    page.goto(f"{seeded_server.url}/attempts/{attempt_id}")
    page.get_by_label("Dự đoán của bạn (số người)").fill("3")
    expect(status(page, "prediction")).to_have_text("Đã lưu", timeout=10_000)
    page.get_by_role("button", name="Nộp bài").click()
    page.get_by_role("button", name="Xác nhận nộp bài").click()
    expect(page).to_have_url(re.compile(r"/result$"))
    assert axe_violations(page) == []
    page.goto(seeded_server.url + "/me/attempts")
    assert axe_violations(page) == []
