"""The whole participant journey through the JSON API of a real uvicorn
process on a real SQLite file, and the server's start-up rules."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from tests.backends import rows
from tests.e2e.conftest import CONTEST, Server, environment, seed_database, start_server, stop_server

pytestmark = pytest.mark.e2e


def sign_up(http: httpx2.Client, **person: object) -> dict[str, str]:
    """Register through the API and return the bearer header."""
    area = http.get("/api/v1/areas").json()[0]["id"]
    fields = {**person, "password": "mat-khau-e2e", "area": area, "consent": True}
    assert http.post("/api/v1/register", json=fields).status_code == 201
    token = http.post("/api/v1/token", json={"login": person["phone"], "password": "mat-khau-e2e"}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def open_round(http: httpx2.Client, auth: dict[str, str]) -> dict[str, object]:
    (found,) = [r for r in http.get("/api/v1/rounds", headers=auth).json() if r["status"] == "open"]
    return found


def test_api_journey_on_a_real_server(seeded_server: Server) -> None:
    with httpx2.Client(base_url=seeded_server.url, timeout=10) as http:
        auth = sign_up(http, full_name="Phạm Minh Châu", phone="0987654321", birth_year=2001, cccd="082301000777")
        round_ = open_round(http, auth)
        assert round_["attempts_used"] == 0
        attempt = http.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=auth)
        assert attempt.status_code == 201
        body = attempt.json()
        for question in body["questions"]:
            saved = http.put(
                f"/api/v1/attempts/{body['id']}/answers/{question['id']}",
                headers=auth,
                json={"options": [question["options"][0]["id"]]},
            )
            assert saved.status_code == 200
        result = http.post(f"/api/v1/attempts/{body['id']}/submit", headers=auth, json={"prediction": 10})
        assert result.status_code == 200
        assert result.json()["status"] == "submitted" and result.json()["total"] == 5
    # What the server said was saved is on disk.
    assert rows(seeded_server.database, "SELECT COUNT(*) FROM answers") == [(5,)]
    assert rows(seeded_server.database, "SELECT status FROM attempts") == [("submitted",)]


def test_serve_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    env = environment(tmp_path / "x.db")
    del env["CONTEST_SECRET_KEY"]
    done = subprocess.run([CONTEST, "serve", "--port", "1"], env=env, cwd=tmp_path, capture_output=True, timeout=30)
    assert done.returncode == 1
    assert b"CONTEST_SECRET_KEY is not set" in done.stderr


def test_serve_refuses_a_newer_database(tmp_path: Path) -> None:
    database = tmp_path / "newer.db"
    env = environment(database)
    assert subprocess.run([CONTEST, "migrate"], env=env, cwd=tmp_path, capture_output=True).returncode == 0
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    done = subprocess.run([CONTEST, "serve", "--port", "1"], env=env, cwd=tmp_path, capture_output=True, timeout=30)
    assert done.returncode == 1
    assert "phiên bản lược đồ 999" in done.stderr.decode()


def test_demo_seeds_once_and_prints_passwords_once(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    env = {k: v for k, v in environment(database).items() if k != "CONTEST_SECRET_KEY"}
    server = start_server(tmp_path, database, "--demo", env=env)
    try:
        with httpx2.Client(base_url=server.url, timeout=10) as http:
            rounds = http.get("/api/v1/rounds").json()
            assert [r["status"] for r in rounds] == ["open", "upcoming"]
            assert rounds[0]["question_count"] == 30 and rounds[0]["duration_seconds"] == 1500
            assert rounds[0]["attempts_allowed"] == 3
            assert len(http.get("/api/v1/areas").json()) == 11
            assert "Tìm hiểu về Chính quyền điện tử hướng tới Chính quyền số" in http.get("/").text
    finally:
        stop_server(server)
    first_log = server.log.read_text()
    assert "bantochuc / " in first_log and "giamkhao / " in first_log
    password = first_log.split("bantochuc / ")[1].split()[0]
    server = start_server(tmp_path, database, "--demo", env=env)
    stop_server(server)
    assert password not in server.log.read_text()
    assert "không thêm cuộc thi mẫu" in server.log.read_text()
    assert "contest staff password bantochuc" in server.log.read_text()
    assert os.path.exists(database)


def test_attempt_nobody_comes_back_to_is_closed_by_the_server(tmp_path: Path, database_url: str) -> None:
    """The sweeper in a real server closes an attempt whose time ran out, with
    the answers saved before the deadline, without any further request."""
    database = database_url
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, seed_database(database, duration=2)).result()
    env = environment(database)
    env.update(CONTEST_SWEEP_INTERVAL_SECONDS="1", CONTEST_GRACE_SECONDS="0")
    server = start_server(tmp_path, database, env=env)
    try:
        with httpx2.Client(base_url=server.url, timeout=10) as http:
            auth = sign_up(http, full_name="Lý Văn Tâm", phone="0356789012", birth_year=1980, cccd="082080000999")
            round_id = open_round(http, auth)["id"]
            attempt = http.post(f"/api/v1/rounds/{round_id}/attempts", headers=auth).json()
            question = attempt["questions"][0]
            saved = http.put(
                f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                headers=auth,
                json={"options": [question["options"][0]["id"]]},
            )
            assert saved.status_code == 200
        status = "in_progress"
        deadline = time.monotonic() + 15
        while status == "in_progress" and time.monotonic() < deadline:
            time.sleep(0.5)
            [(status, total, duration)] = rows(
                database, "SELECT status, total, duration_ms FROM attempts WHERE id = ?", (attempt["id"],)
            )
        assert (status, total, duration) == ("expired", 5, 2000)
    finally:
        stop_server(server)


def test_serve_and_migrate_say_when_postgresql_cannot_be_reached(tmp_path: Path) -> None:
    env = environment("postgresql://postgres@127.0.0.1:1/hoithi")  # nothing listens on port 1
    for command in (["migrate"], ["serve", "--port", "1"]):
        done = subprocess.run([CONTEST, *command], env=env, cwd=tmp_path, capture_output=True, timeout=60)
        assert done.returncode == 1
        assert "Không kết nối được cơ sở dữ liệu PostgreSQL hoithi tại 127.0.0.1:1" in done.stderr.decode()
        assert b"Traceback" not in done.stderr
