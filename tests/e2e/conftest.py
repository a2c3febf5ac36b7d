"""A real server: `contest serve` in its own process, on a real SQLite file or
on the suite's PostgreSQL database (tests/backends.py)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page

from contest.storage import open_storage
from tests.conftest import FAST_HASHING, OPEN_DOORS, RULES, seed_contest

CONTEST = shutil.which("contest", path=str(Path(sys.executable).parent)) or "contest"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    database: str
    """Its ``CONTEST_DATABASE_URL``."""


def url_of(database: Path | str) -> str:
    """A SQLite file's URL, or the URL given."""
    return f"sqlite:///{database}" if isinstance(database, Path) else database


def environment(database: Path | str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTEST_")}
    env.update(
        CONTEST_DATABASE_URL=url_of(database),
        CONTEST_SECRET_KEY="e2e-secret-" + "k" * 40,
        CONTEST_ARGON2_TIME_COST=str(FAST_HASHING["argon2_time_cost"]),
        CONTEST_ARGON2_MEMORY_KIB=str(FAST_HASHING["argon2_memory_kib"]),
        **{f"CONTEST_{name.upper()}": str(value) for name, value in OPEN_DOORS.items()},
    )
    return env


def start_server(workdir: Path, database: Path | str, *args: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = workdir / f"server-{port}.log"
    with log.open("wb") as out:  # the child keeps its own handle
        process = subprocess.Popen(
            [CONTEST, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            cwd=workdir,
            env=env or environment(database),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return Server(url, process, log, url_of(database))
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server did not start: {log.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


async def seed_database(database: Path | str, *, duration: int) -> None:
    """The test contest around the real clock, with attempts of ``duration`` seconds."""
    storage = open_storage(url_of(database))
    storage.migrate()
    storage.start()
    try:
        await seed_contest(storage, now=datetime.now(UTC), rules=replace(RULES, duration_seconds=duration))
    finally:
        await storage.close()


@pytest.fixture
def seeded_server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    """A server over a contest with one open round of 5 questions, 10 minutes."""
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API owns this thread's event loop
        thread.submit(asyncio.run, seed_database(database_url, duration=600)).result()
    server = start_server(tmp_path, database_url)
    yield server
    stop_server(server)


def add_staff(server: Server, role: str, username: str, name: str) -> str:
    """A staff account made as an operator would, with `contest staff add`;
    returns the password it prints once."""
    made = subprocess.run(
        [CONTEST, "staff", "add", "--role", role, "--username", username, "--name", name],
        env=environment(server.database),
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"mật khẩu (\S+)", made.stdout)
    assert found, made.stdout
    return found.group(1)


def sign_in(page: Page, server: Server, login: str, password: str) -> None:
    """Fill in and send the sign-in form, as a person does."""
    page.goto(server.url + "/login")
    page.get_by_label("Số điện thoại, email hoặc tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
