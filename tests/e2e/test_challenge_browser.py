"""Registration with the proof-of-work challenge on, in Debian's Chromium: the
ALTCHA widget served from our own static files fetches the challenge, solves
it in its worker under our Content-Security-Policy and sends the solution
with the form, which the server accepts."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import Server, environment, seed_database, start_server, stop_server
from tests.e2e.test_browser import axe_violations, browser, fits, phone  # noqa: F401  (the fixtures, shared)

pytestmark = pytest.mark.e2e


@pytest.fixture
def guarded_server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """A seeded server asking for a challenge (a small one: 5,000 numbers at most)."""
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API owns this thread's event loop
        thread.submit(asyncio.run, seed_database(database_url, duration=600)).result()
    env = {**environment(database_url), "CONTEST_CHALLENGE": "on", "CONTEST_CHALLENGE_MAX_NUMBER": "5000"}
    server = start_server(tmp_path, database_url, env=env)
    yield server
    stop_server(server)


def test_widget_solves_the_challenge_and_registration_goes_through(
    guarded_server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
) -> None:
    page = phone().new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(guarded_server.url + "/register")
    page.get_by_label("Họ và tên").fill("Võ Thị Mai")
    page.get_by_label("Số điện thoại di động").fill("0901234599")
    page.get_by_label("Mật khẩu").fill("mat-khau-trinh-duyet")
    page.get_by_label("Năm sinh").fill("1999")
    page.get_by_label("Số định danh cá nhân (số thẻ căn cước/CCCD)").fill("082199000599")
    page.locator("#area").select_option(index=1)
    page.locator("#consent").check()
    solution = page.locator('input[name="altcha"]')
    expect(solution).to_have_value(re.compile(r"^[A-Za-z0-9+/=]{40,}$"), timeout=20_000)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page).to_have_url(re.compile(r"registered=1"))
    assert blocked == []


def test_register_page_with_the_widget_fits_a_phone_and_passes_axe(
    guarded_server: Server,
    phone: Callable[..., BrowserContext],  # noqa: F811
) -> None:
    page = phone(bypass_csp=True).new_page()  # axe is injected as a script
    page.goto(guarded_server.url + "/register")
    expect(page.locator('input[name="altcha"]')).to_have_value(re.compile(r".{40,}"), timeout=20_000)
    fits(page)
    assert axe_violations(page) == []
