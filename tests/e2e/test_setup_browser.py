"""From an empty database to a running contest, in Debian's Chromium, with no
--demo: an admin made with `contest staff add --role admin` adds an
organiser in the console; the organiser creates the contest, imports its
area list from a file, uploads a bank and creates a round; a participant
registers and takes it; the organiser sees the figures on the round's page,
downloads the round's attempts as xlsx through the browser (read back with
openpyxl: Vietnamese headers, the participant's row) and opens the
contest's statistics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Page, expect

from contest.domain.banks.export import write_bank
from contest.domain.contests import VIETNAM
from tests.conftest import make_bank
from tests.e2e.conftest import Server, add_staff, sign_in, start_server, stop_server
from tests.e2e.test_browser import PHONE, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture
def empty_server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """A server over an empty database (migrated by `contest serve` itself)."""
    server = start_server(tmp_path, database_url)
    yield server
    stop_server(server)


def signed_in(browser: Browser, server: Server, login: str, password: str) -> Page:  # noqa: F811
    """A new phone-sized browser, signed in."""
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, server, login, password)
    return page


def local(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%Y-%m-%dT%H:%M")


def test_a_contest_is_set_up_from_an_empty_database_and_taken(
    browser: Browser,  # noqa: F811
    empty_server: Server,
    tmp_path: Path,
) -> None:
    server = empty_server
    now = datetime.now(UTC)

    admin = signed_in(browser, server, "quantri", add_staff(server, "admin", "quantri", "Quản trị viên tỉnh"))
    admin.get_by_role("link", name="Tài khoản cán bộ").click()
    admin.get_by_label("Tên đăng nhập").fill("btc.tinh")
    admin.get_by_label("Họ và tên").fill("Trần Thị Bình")
    admin.get_by_label("Vai trò", exact=True).last.select_option(label="Ban Tổ chức")
    admin.get_by_role("button", name="Thêm cán bộ").click()
    password = admin.locator("#new-password").inner_text()

    organiser = signed_in(browser, server, "btc.tinh", password)
    organiser.get_by_role("link", name="Tạo cuộc thi").click()
    organiser.get_by_label("Tên cuộc thi").fill("Tìm hiểu pháp luật về chuyển đổi số")
    organiser.get_by_label("Địa chỉ cuộc thi").fill("chuyen-doi-so")
    organiser.get_by_label("Bắt đầu").fill(local(now - timedelta(days=1)))
    organiser.get_by_label("Kết thúc").fill(local(now + timedelta(days=30)))
    organiser.get_by_label("Thể lệ").fill("**Mỗi người** thi tối đa hai lượt.")
    areas = tmp_path / "dia-ban.csv"
    areas.write_text("Tên,Thuộc\nXã Tân Phước,Tỉnh Đồng Tháp\nPhường Mỹ Tho,Tỉnh Đồng Tháp\n", encoding="utf-8-sig")
    organiser.get_by_label("Nhập nơi cư trú từ tệp").set_input_files(str(areas))
    organiser.locator("#units").fill("Sở Tư pháp | 120\nCông an tỉnh")
    organiser.get_by_role("button", name="Tạo cuộc thi").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Tìm hiểu pháp luật về chuyển đổi số")
    expect(organiser.get_by_text("Tỉnh Đồng Tháp > Xã Tân Phước")).to_be_visible()
    contest_page = organiser.url

    bank = tmp_path / "ngan-hang.xlsx"
    bank.write_bytes(write_bank(make_bank(40), "xlsx"))
    organiser.goto(server.url + "/organiser")
    organiser.get_by_label("Tệp ngân hàng câu hỏi").set_input_files(str(bank))
    organiser.get_by_role("button", name="Kiểm tra tệp").click()
    organiser.get_by_label("Tên ngân hàng câu hỏi").fill("Chuyển đổi số 2026")
    warnings = organiser.locator('input[name="accept_warnings"]')
    if warnings.count():
        warnings.check()
    organiser.get_by_role("button", name="Xác nhận lưu ngân hàng").click()

    organiser.goto(contest_page)
    organiser.get_by_role("link", name="Thêm vòng thi").click()
    organiser.get_by_label("Tên vòng thi").fill("Tuần 1")
    organiser.get_by_label("Mở vòng").fill(local(now - timedelta(minutes=5)))
    organiser.get_by_label("Đóng vòng").fill(local(now + timedelta(days=7)))
    organiser.get_by_label("Ngân hàng câu hỏi").select_option(label="Chuyển đổi số 2026 (40 câu)")
    organiser.locator("#question_count").fill("5")
    organiser.get_by_label("Thời gian làm bài (phút)").fill("10")
    organiser.get_by_label("Số lượt thi").fill("2")
    organiser.get_by_role("button", name="Lưu vòng thi").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Tuần 1")
    expect(organiser.locator("#figure-started")).to_have_text("0")
    round_page = organiser.url

    participant = browser.new_context(**PHONE).new_page()
    participant.goto(server.url + "/contests/chuyen-doi-so")
    expect(participant.locator(".markdown strong")).to_have_text("Mỗi người")
    participant.get_by_role("link", name="Đăng ký dự thi").first.click()
    participant.get_by_label("Họ và tên").fill("Võ Thị Mai")
    participant.get_by_label("Số điện thoại di động").fill("0901 234 567")
    participant.get_by_label("Mật khẩu").fill("mat-khau-trinh-duyet")
    participant.get_by_label("Năm sinh").fill("1999")
    participant.get_by_label(re.compile("CCCD")).fill("082199000555")
    participant.get_by_label("Nơi cư trú").select_option(label="Phường Mỹ Tho")  # under «Tỉnh Đồng Tháp»
    participant.get_by_label("Đơn vị công tác").select_option(label="Công an tỉnh")
    participant.locator('input[name="consent"]').check()
    participant.get_by_role("button", name="Đăng ký").click()
    expect(participant.get_by_text("Đăng ký thành công.")).to_be_visible()
    participant.get_by_role("button", name="Vào thi").click()
    expect(participant).to_have_url(re.compile(r"/attempts/\d+$"))
    participant.locator('input[name="q1"]').first.check()
    participant.get_by_role("button", name="Nộp bài").click()
    participant.get_by_role("dialog").get_by_role("button", name="Xác nhận nộp bài").click()
    expect(participant).to_have_url(re.compile(r"/attempts/\d+/result$"))

    organiser.goto(round_page)
    expect(organiser.locator("#figure-started")).to_have_text("1")
    expect(organiser.locator("#figure-submitted")).to_have_text("1")
    expect(organiser.locator("#figure-in-progress")).to_have_text("0")
    expect(organiser.locator("#figure-participants")).to_have_text("1")
    expect(organiser.locator("#figure-left")).to_contain_text("6 ngày 23 giờ")

    organiser.goto(round_page + "/stats")
    with organiser.expect_download() as downloading:
        organiser.get_by_role("link", name="Tải danh sách bài thi (Excel)").click()
    download = downloading.value
    assert download.suggested_filename == "bai-thi-tuan-1.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).active
    assert sheet is not None
    header, *attempts = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:8] == [
        "Mã bài",
        "Họ và tên",
        "Số điện thoại",
        "Số định danh cá nhân",
        "Email",
        "Năm sinh",
        "Nơi cư trú",
        "Đơn vị công tác",
    ]
    assert header[8:] == [
        "Lượt",
        "Trạng thái",
        "Bắt đầu",
        "Nộp bài",
        "Số câu đúng",
        "Số câu",
        "Điểm",
        "Thời gian làm (giây)",
        "Dự đoán",
    ]
    assert len(attempts) == 1
    row = dict(zip(header, attempts[0] + [None] * (len(header) - len(attempts[0])), strict=True))  # blanks left off
    assert (
        row["Họ và tên"],
        row["Số điện thoại"],
        row["Số định danh cá nhân"],
        row["Năm sinh"],
        row["Đơn vị công tác"],
    ) == (
        "Võ Thị Mai",
        "0901234567",
        "082199000555",
        1999,
        "Công an tỉnh",
    )
    assert "Phường Mỹ Tho" in row["Nơi cư trú"]
    assert (row["Lượt"], row["Trạng thái"], row["Số câu"]) == (1, "Đã nộp", 5)

    organiser.goto(contest_page)
    organiser.get_by_role("link", name="Thống kê cuộc thi").click()
    expect(organiser.locator("#participants")).to_have_text("1")
