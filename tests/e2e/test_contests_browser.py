"""Two contests on one site in Debian's Chromium on a 360 px phone, with and
without JavaScript: the home page lists both, a participant registered under one joins
the other through its "Tham gia cuộc thi" form and starts its round; every
page fits the screen and axe-core finds no WCAG 2.2 AA violation on them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from contest.services.contests import create_contest, create_round
from contest.storage import open_storage
from tests.conftest import RULES
from tests.e2e.conftest import Server, seed_database, start_server, stop_server, url_of
from tests.e2e.test_browser import PASSWORD, axe_violations, browser, fits, phone  # noqa: F401  (the fixtures, shared)

pytestmark = pytest.mark.e2e

SECOND_AREAS = ["Phường Một, Thành phố Cao Lãnh (năm 2026)", "Xã Mỹ Hiệp, Huyện Cao Lãnh (năm 2026)"]


async def add_second_contest(database: Path | str) -> None:
    """A second contest, open since yesterday, with its own areas and one round."""
    storage = open_storage(url_of(database))
    storage.start()
    try:
        now = datetime.now(UTC)
        contest = await create_contest(
            storage,
            slug="chuyen-doi-so-2026",
            title="Tìm hiểu về chuyển đổi số năm 2026",
            rules="Mỗi lượt thi gồm 5 câu hỏi.",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=30),
            areas=SECOND_AREAS,
            now=now,
        )
        bank_id = (await storage.banks.all())[0].id
        await create_round(
            storage,
            contest=contest,
            title="Vòng sơ khảo",
            opens_at=contest.starts_at,
            closes_at=contest.ends_at,
            rules=RULES,
            bank_id=bank_id,
        )
    finally:
        await storage.close()


@pytest.fixture
def two_contests(tmp_path: Path, database_url: str) -> Iterator[Server]:
    with ThreadPoolExecutor(1) as thread:  # the test's own event loop is Playwright's
        thread.submit(asyncio.run, seed_database(database_url, duration=600)).result()
        thread.submit(asyncio.run, add_second_contest(database_url)).result()
    server = start_server(tmp_path, database_url)
    yield server
    stop_server(server)


def checked(page: Page, *, axe: bool) -> None:
    fits(page)
    if axe:  # axe-core runs in the page: only with JavaScript
        assert axe_violations(page) == [], page.url


@pytest.mark.parametrize("javascript", [False, True])
def test_joining_a_second_contest_on_a_phone(
    two_contests: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
    javascript: bool,
) -> None:
    server = two_contests
    with httpx2.Client(base_url=server.url, timeout=10) as http:  # under the contest that started last
        area = http.get("/api/v1/areas").json()[0]["id"]
        person = {"full_name": "Võ Thị Mai", "phone": "0901234077", "birth_year": 1999, "cccd": "082199000577"}
        body = {**person, "password": PASSWORD, "area": area, "consent": True}
        assert http.post("/api/v1/register", json=body).status_code == 201
    page = phone(java_script_enabled=javascript, bypass_csp=True).new_page()
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Các cuộc thi", level=1)).to_be_visible()
    checked(page, axe=javascript)
    page.goto(server.url + "/login?next=/")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(person["phone"])
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Cuộc thi thử").first.click()
    checked(page, axe=javascript)
    page.get_by_role("link", name="Tham gia cuộc thi để vào thi").click()
    expect(page).to_have_url(re.compile(r"/contests/thu/join$"))
    checked(page, axe=javascript)
    page.get_by_role("button", name="Tham gia cuộc thi").click()  # no area chosen
    expect(page.locator("#error-summary")).to_be_visible()
    checked(page, axe=javascript)
    page.get_by_label("Nơi cư trú").select_option(label="Huyện Cái Bè")
    page.get_by_label("Đơn vị công tác").fill("UBND xã Mỹ Hiệp")
    page.get_by_role("button", name="Tham gia cuộc thi").click()
    expect(page.get_by_text("Bạn đã tham gia cuộc thi và có thể vào thi.")).to_be_visible()
    page.get_by_role("button", name="Vào thi").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
