"""Registration, the privacy notice and the participant's tables in Debian's
Chromium on a 360 px phone: after a failed registration the focus is on the
error summary (without JavaScript too), whose links lead to the fields; no
page is wider than the screen; table cells never break inside a word."""

from __future__ import annotations

from collections.abc import Callable

import httpx2
import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import Server
from tests.e2e.test_browser import browser, fits, phone  # noqa: F401  (the fixtures, shared)

pytestmark = pytest.mark.e2e

ACTIVE_ID = "document.activeElement && document.activeElement.id"


@pytest.mark.parametrize("javascript", [False, True])
def test_failed_registration_focuses_the_error_summary(
    seeded_server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
    javascript: bool,
) -> None:
    page = phone(java_script_enabled=javascript).new_page()
    page.goto(seeded_server.url + "/register")
    page.get_by_label("Họ và tên").fill("Võ Thị Mai")
    page.get_by_label("Số định danh cá nhân (số thẻ căn cước/CCCD)").fill("0821990005")
    page.get_by_role("button", name="Đăng ký").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    assert page.evaluate(ACTIVE_ID) == "error-summary"
    assert page.title().startswith("Lỗi: ")
    fits(page)
    # Each link leads to its field; the field says it is invalid and what is wrong.
    summary.get_by_role("link", name="Số định danh cá nhân gồm đúng 12 chữ số.").click()
    assert page.evaluate(ACTIVE_ID) == "cccd"
    field = page.locator("#cccd")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        "12 chữ số, in trên thẻ căn cước hoặc thẻ căn cước công dân. Số định danh cá nhân gồm đúng 12 chữ số."
    )
    summary.get_by_role("link", name="Bạn cần đồng ý với việc xử lý dữ liệu cá nhân để tham gia cuộc thi.").click()
    assert page.evaluate(ACTIVE_ID) == "consent"
    expect(page.locator("#consent")).to_have_accessible_description(
        "Bạn cần đồng ý với việc xử lý dữ liệu cá nhân để tham gia cuộc thi."
    )


def test_privacy_notice_fits_a_phone(
    seeded_server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
) -> None:
    page = phone().new_page()
    page.goto(seeded_server.url + "/privacy")
    expect(page.get_by_role("heading", name="Căn cứ pháp lý")).to_be_visible()
    fits(page)


LINES_PER_CELL = """
() => [...document.querySelectorAll("table.attempts th, table.attempts td")].map(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return [cell.textContent.trim(), tops.size];
})
"""


def test_attempt_table_keeps_words_whole_on_a_phone(
    seeded_server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
) -> None:
    with httpx2.Client(base_url=seeded_server.url, timeout=10) as http:
        area = http.get("/api/v1/areas").json()[0]["id"]
        person = {
            "full_name": "Nguyễn Thị Phương Thảo",
            "phone": "0977123456",
            "password": "mat-khau-bang",
            "birth_year": 1999,
            "cccd": "082199000777",
            "area": area,
            "consent": True,
        }
        assert http.post("/api/v1/register", json=person).status_code == 201
        token = http.post("/api/v1/token", json={"login": person["phone"], "password": person["password"]})
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        round_id = next(r["id"] for r in http.get("/api/v1/rounds").json() if r["status"] == "open")
        attempt = http.post(f"/api/v1/rounds/{round_id}/attempts", headers=auth).json()
        assert http.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=auth, json={"prediction": 3}).is_success
    page = phone().new_page()
    page.goto(seeded_server.url + "/login")
    page.locator("#login").fill(person["phone"])
    page.locator("#password").fill(person["password"])
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(seeded_server.url + "/me/attempts")
    cells = page.evaluate(LINES_PER_CELL)
    assert [text for text, _ in cells][:5] == ["Lượt", "Trạng thái", "Đúng", "Điểm", "Thời gian đã làm"]
    broken = [text for text, lines in cells if lines > 1 and " " not in text]
    assert not broken, broken  # a one-word cell on two lines was cut inside the word
    fits(page)
    region = page.get_by_role("region", name="Các lượt thi: Vòng mở")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
