"""Every page with a table or buttons, in Debian's Chromium on a 360 px phone:
no table cell hides part of its content, nothing overflows the screen, no
badge, legend item or document number is split across lines, every
button (and link styled as one) is at least 44 px high and 8 px away from the
next one (WCAG 2.5.8 target size, with room to spare), and every field, tick
box or radio label and short link (``a.tap``) is 44 px high."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx2
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Server, add_staff
from tests.e2e.test_browser import PASSWORD, browser, participant, phone, pytestmark  # noqa: F401  (fixtures)

# Faults as text, so that a failure names the page and the element.
LAYOUT_FAULTS = """() => {
  const faults = [], seen = (el) => el.getClientRects().length > 0;
  const name = (el) => el.tagName.toLowerCase()
    + (el.className ? "." + String(el.className).trim().replace(/\\s+/g, ".") : "") + " «"
    + (el.innerText || el.value || "").trim().slice(0, 30) + "»";
  const width = document.documentElement.scrollWidth;
  if (width > 360) faults.push("page wider than 360 px: " + width);
  for (const cell of document.querySelectorAll("td, th")) {
    const head = cell.closest("thead");  // a stacked table's header row stays for screen readers only
    if (!seen(cell) || (head && head.getBoundingClientRect().width <= 1)) continue;
    if (cell.scrollWidth > cell.clientWidth + 1) faults.push("cell clipped: " + name(cell));
    const r = cell.getBoundingClientRect();
    if (r.right > 360.5 || r.left < -0.5) faults.push("cell off-screen: " + name(cell));
  }
  for (const whole of document.querySelectorAll(".badge, .nowrap")) {  // a badge, a legend item, "52-NQ/TW"
    if (seen(whole) && whole.getClientRects().length > 1) faults.push("split across lines: " + name(whole));
  }
  const modal = document.querySelector("dialog[open]") || document;  // what is behind a modal cannot be touched
  const targets = [...modal.querySelectorAll("button:not(.link), .button, input[type=submit], .navigator a")]
    .filter((el) => seen(el) && getComputedStyle(el).visibility !== "hidden");
  const boxes = targets.map((el) => el.getBoundingClientRect());
  targets.forEach((el, i) => {
    if (boxes[i].height < 44 - 0.5) faults.push("lower than 44 px: " + name(el) + " " + boxes[i].height);
    for (let j = i + 1; j < targets.length; j++) {
      const a = boxes[i], b = boxes[j];
      const across = Math.max(b.left - a.right, a.left - b.right), down = Math.max(b.top - a.bottom, a.top - b.bottom);
      if (Math.max(across, down) < 8 - 0.5) faults.push("closer than 8 px: " + name(el) + " / " + name(targets[j]));
    }
  });
  const fields = modal.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, "
    + "a.tap, label:has(> input[type=checkbox]), label:has(> input[type=radio])");
  for (const field of fields) {  // a field, a tick box's label, a short link: 44 px high too
    const high = field.getBoundingClientRect().height;
    if (seen(field) && high < 44 - 0.5) faults.push("lower than 44 px: " + name(field) + " " + high);
  }
  for (const caption of document.querySelectorAll("caption")) {  // a caption keeps to its table's width
    const table = caption.closest("table").getBoundingClientRect(), own = caption.getBoundingClientRect();
    if (seen(caption) && own.width < Math.min(table.width, 300) - 1) faults.push("caption squeezed: " + name(caption));
  }
  for (const label of document.querySelectorAll("svg.chart text")) {  // a chart's words readable on a phone
    const high = label.getBoundingClientRect().height;
    if (seen(label) && high < 12) faults.push("chart text under 12 px: " + name(label) + " " + high);
  }
  return faults;
}"""


def faults(page: Page) -> list[str]:
    page.wait_for_load_state()  # not while a click's navigation is under way
    found: list[str] = page.evaluate(LAYOUT_FAULTS)
    return [f"{page.url}: {fault}" for fault in found]


def test_participant_pages_fit_360_px(seeded_server: Server, phone: Callable[..., BrowserContext]) -> None:  # noqa: F811
    found: list[str] = []
    for scripts in (True, False):
        page = phone(java_script_enabled=scripts).new_page()
        for path in ("/", "/contests/thu", "/register", "/login", "/privacy"):
            page.goto(seeded_server.url + path)
            found += faults(page)
        page.goto(seeded_server.url + "/register")
        page.get_by_role("button", name="Đăng ký").click()  # every error shown
        found += faults(page)
        who = participant(seeded_server)
        page.goto(seeded_server.url + "/login")
        page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(who["phone"])
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        found += faults(page)
        for _ in range(2):  # two attempts: one result offers the next, my attempts lists both
            page.get_by_role("button", name=re.compile("^Vào thi")).click()
            expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
            found += faults(page)
            page.locator('input[name="q1"]').first.check()
            page.get_by_label(re.compile("^(Dự đoán của bạn|Câu hỏi dự đoán)")).fill("1234")
            page.get_by_role("button", name="Nộp bài").click()
            found += faults(page)  # the dialog, or the review page without scripts
            page.get_by_role("button", name="Xác nhận nộp bài").click()
            expect(page).to_have_url(re.compile(r"/result$"))
            found += faults(page)
            page.goto(seeded_server.url + "/contests/thu")
        for path in ("/me/attempts", "/me/account"):
            page.goto(seeded_server.url + path)
            found += faults(page)
        page.get_by_role("button", name="Đổi mật khẩu").click()  # every error of that form shown
        found += faults(page)
    assert found == [], "\n".join(found)


def test_console_pages_fit_360_px(
    seeded_server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
    tmp_path: Path,
) -> None:
    page = phone(java_script_enabled=False).new_page()
    page.goto(seeded_server.url + "/login")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill("bantochuc")
    page.get_by_label("Mật khẩu").fill(add_staff(seeded_server, "organiser", "bantochuc", "Ban Tổ chức"))
    page.get_by_role("button", name="Đăng nhập").click()
    found = faults(page)
    page.get_by_role("link", name="Ngân hàng thử").first.click()
    bank = page.url
    found += faults(page)
    page.get_by_role("link", name="Sửa").first.click()
    found += faults(page)
    page.get_by_label("Đáp án đúng (ví dụ B hoặc A, C)").fill("")
    page.get_by_role("button", name="Lưu thành phiên bản mới").click()  # refused by the server: errors shown
    expect(page.locator("#answer-error")).to_have_text("Thiếu đáp án đúng.")
    found += faults(page)
    page.get_by_label("Đáp án đúng (ví dụ B hoặc A, C)").fill("B")
    page.get_by_role("button", name="Lưu thành phiên bản mới").click()
    found += faults(page)
    page.get_by_role("link", name="So với bản trước").first.click()
    found += faults(page)
    page.goto(bank)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (Excel)").last.click()  # version 1, before the edit
    old = tmp_path / "cu.xlsx"
    download.value.save_as(old)
    page.locator('input[type="file"]').last.set_input_files(old)
    page.get_by_role("button", name="Kiểm tra tệp").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xem trước")
    found += faults(page)
    page.goto(bank)
    page.get_by_role("link", name="Sửa").first.click()
    page.get_by_role("link", name="Bỏ câu hỏi…").click()
    found += faults(page)
    page.goto(seeded_server.url + "/organiser")
    page.get_by_role("link", name="Chấm lại").first.click()
    found += faults(page)
    who = participant(seeded_server)  # one attempt sent from the app: the statistics have charts and tables
    with httpx2.Client(base_url=seeded_server.url, timeout=10) as http:
        bearer = {"Authorization": who["Authorization"]}
        round_id = next(r["id"] for r in http.get("/api/v1/rounds").json() if r["status"] == "open")
        attempt = http.post(f"/api/v1/rounds/{round_id}/attempts", headers=bearer).json()["id"]
        sent = http.post(f"/api/v1/attempts/{attempt}/submit", headers=bearer, json={"prediction": 1234})
        assert sent.status_code == 200, sent.text
    page.goto(f"{seeded_server.url}/organiser/rounds/{round_id}/stats")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thống kê")
    found += faults(page)
    for path in ("/organiser/participants", "/organiser/contests/1/edit", "/organiser/contests/1/rounds/new"):
        page.goto(seeded_server.url + path)  # search, dates and times, tick boxes and radios
        found += faults(page)
    assert found == [], "\n".join(found)
