"""From a closed round to a certificate, in Debian's Chromium on a 360 px
phone without JavaScript: a round closes, a judge reviews it, disqualifies one
attempt, publishes provisional results, answers a participant's complaint and
publishes final results; the public leaderboard shows the right order with
phones masked; the winner downloads a certificate whose QR address verifies."""

from __future__ import annotations

import asyncio
import io
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from contest.domain.models import Prizes
from contest.services.contests import create_contest, create_round
from contest.storage import open_storage
from tests.backends import rows
from tests.conftest import RULES, make_bank
from tests.e2e.conftest import Server, add_staff, sign_in, start_server, stop_server
from tests.e2e.test_browser import PHONE, browser  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.e2e

OPEN_SECONDS = 15
"""How long the round stays open after seeding: time for three participants to answer through the API."""
PASSWORD = "mat-khau-giam-khao-thu"
PEOPLE = {  # name, phone, how many of the five questions they get right
    "an": ("Nguyễn Văn An", "0912345123", 5),
    "binh": ("Trần Thị Bình", "0987654321", 4),
    "chi": ("Lê Văn Chi", "0911111222", 5),
}


async def seed(database: str, closes_at: datetime) -> int:
    """A contest with one round closing at ``closes_at``; returns the round's id."""
    storage = open_storage(database)
    storage.migrate()
    storage.start()
    now = datetime.now(UTC)
    try:
        bank_id, _ = await storage.banks.create(name="Ngân hàng thử", questions=make_bank(), now=now)
        contest = await create_contest(
            storage,
            slug="chung-ket",
            title="Cuộc thi tìm hiểu pháp luật",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=1),
            areas=["Thành phố Mỹ Tho"],
            now=now,
        )
        rules = replace(RULES, attempts_allowed=1, complaint_window_hours=1, prizes=Prizes(first=1, second=1))
        return await create_round(
            storage,
            contest=contest,
            title="Vòng chung kết",
            opens_at=now - timedelta(minutes=1),
            closes_at=closes_at,
            rules=rules,
            bank_id=bank_id,
        )
    finally:
        await storage.close()


def take_part(server: Server, round_id: int, name: str, phone: str, right: int) -> int:
    """Register, start, answer ``right`` questions right and the rest not at
    all, submit; returns the attempt's id."""
    with httpx2.Client(base_url=server.url, timeout=10) as http:
        area = http.get("/api/v1/areas").json()[0]["id"]
        person = {"full_name": name, "phone": phone, "birth_year": 1990, "cccd": f"082090{phone[-6:]}"}
        registered = http.post("/api/v1/register", json={**person, "password": PASSWORD, "area": area, "consent": True})
        assert registered.status_code == 201, registered.text
        token = http.post("/api/v1/token", json={"login": phone, "password": PASSWORD}).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        attempt = http.post(f"/api/v1/rounds/{round_id}/attempts", headers=bearer).json()["id"]
        (stored,) = rows(server.database, "SELECT questions FROM attempts WHERE id = ?", (attempt,))
        for question, key in enumerate(json.loads(stored[0])[:right], start=1):
            url = f"/api/v1/attempts/{attempt}/answers/{question}"
            assert http.put(url, headers=bearer, json={"options": key[2]}).status_code == 200
        assert http.post(f"/api/v1/attempts/{attempt}/submit", headers=bearer, json={"prediction": 1}).is_success
    return int(attempt)


@pytest.fixture
def closing(tmp_path: Path, database_url: str) -> Iterator[tuple[Server, int, datetime]]:
    closes_at = datetime.now(UTC) + timedelta(seconds=OPEN_SECONDS)
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API owns this thread's event loop
        round_id = thread.submit(asyncio.run, seed(database_url, closes_at)).result()
    server = start_server(tmp_path, database_url)
    yield server, round_id, closes_at
    stop_server(server)


def move(page: Page, phase: str) -> None:
    page.get_by_label(phase).check()
    page.get_by_role("button", name="Chuyển giai đoạn").click()


def test_closed_round_to_certificate(browser: Browser, closing: tuple[Server, int, datetime]) -> None:  # noqa: F811
    server, round_id, closes_at = closing
    attempts = {who: take_part(server, round_id, *person) for who, person in PEOPLE.items()}
    time.sleep(max(0.0, (closes_at - datetime.now(UTC)).total_seconds()) + 1)

    judge_context = browser.new_context(**PHONE, java_script_enabled=False)
    judge = judge_context.new_page()
    sign_in(judge, server, "giamkhao", add_staff(server, "judge", "giamkhao", "Trần Giám Khảo"))
    judge.goto(server.url + "/judging")
    judge.get_by_role("link", name="Vòng chung kết").click()
    move(judge, "Đang chấm")
    expect(judge.locator(".notice.ok")).to_have_text("Đã chuyển giai đoạn của vòng thi.")
    # Every attempt came from one address: each row carries a flag, wrapped within 360 px.
    expect(judge.locator("#ranking .badge.flag", has_text="Cùng địa chỉ mạng").first).to_be_visible()
    row = judge.locator("#ranking tr", has_text="Lê Văn Chi")
    row.get_by_text("Loại…").click()  # a <details>: opens without JavaScript
    badges = judge.locator("#ranking .badge.flag").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right).concat([document.documentElement.scrollWidth])"
    )
    assert max(badges) <= 360, badges
    row.get_by_label("Lý do loại").fill("Trùng đáp án với một tài khoản khác")
    row.get_by_role("button", name="Loại bài thi này").click()
    expect(judge.locator(".notice.ok")).to_have_text("Đã loại và ghi vào nhật ký thao tác.")
    move(judge, "Kết quả tạm thời")
    expect(judge.locator(".notice.ok")).to_have_text("Đã chuyển giai đoạn của vòng thi.")

    public = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    public.goto(f"{server.url}/rounds/{round_id}/leaderboard")
    text = public.locator("main").inner_text()
    assert text.index("Nguyễn Văn An") < text.index("Trần Thị Bình") and "Lê Văn Chi" not in text
    assert "09xx xxx 123" in text and "0912345123" not in text and "0987654321" not in text

    participant_context = browser.new_context(**PHONE, java_script_enabled=False)
    binh = participant_context.new_page()
    sign_in(binh, server, PEOPLE["binh"][1], PASSWORD)
    binh.goto(f"{server.url}/attempts/{attempts['binh']}/result")
    binh.get_by_label("Khiếu nại về").select_option(label="Câu 5")
    binh.get_by_label("Nội dung khiếu nại").fill("Câu 5 tôi chọn đúng theo Luật nhưng bị chấm sai.")
    binh.get_by_role("button", name="Gửi khiếu nại").click()
    expect(binh.locator("#complaints .notice.ok")).to_contain_text("Đã gửi khiếu nại.")

    judge.reload()
    judge.get_by_label("Trả lời").fill("Câu 5 bạn chưa trả lời; giữ nguyên kết quả.")
    judge.get_by_role("button", name="Gửi trả lời").click()
    expect(judge.locator(".notice.ok")).to_have_text("Đã gửi câu trả lời khiếu nại.")
    # Final results are offered disabled while the window is open, the reason beside them.
    expect(judge.get_by_label("Kết quả chính thức")).to_be_disabled()
    expect(judge.locator("#refused-final")).to_contain_text("Thời hạn khiếu nại chưa hết")
    # The hour of the complaint window passes: the publication moved back by two hours.
    rows(
        server.database,
        "UPDATE round_phase_changes SET changed_at = changed_at - 7200000 WHERE round_id = ? AND to_phase = ?",
        (round_id, "provisional"),
    )
    judge.reload()
    move(judge, "Kết quả chính thức")
    expect(judge.locator(".notice.ok")).to_have_text("Đã chuyển giai đoạn của vòng thi.")
    binh.reload()
    expect(binh.locator("#complaints")).to_contain_text("Câu 5 bạn chưa trả lời; giữ nguyên kết quả.")

    public.reload()
    text = public.locator("main").inner_text()
    assert text.index("Nguyễn Văn An") < text.index("Trần Thị Bình") and "Lê Văn Chi" not in text

    an = browser.new_context(**PHONE, java_script_enabled=False, accept_downloads=True).new_page()
    sign_in(an, server, PEOPLE["an"][1], PASSWORD)
    an.goto(f"{server.url}/attempts/{attempts['an']}/result")
    with an.expect_download() as downloaded:
        an.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    path = downloaded.value.path()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)
    assert "Nguyễn Văn An" in text and "đạt Giải Nhất Vòng chung kết" in text
    found = re.search(r"Kiểm tra: (\S+)", text)
    assert found and found.group(1).startswith(server.url + "/certificates/")
    public.goto(found.group(1))
    expect(public.locator("#name")).to_have_text("Nguyễn Văn An")
    expect(public.locator("#prize")).to_have_text("Giải Nhất")
    expect(public.locator("#round")).to_have_text("Vòng chung kết")
