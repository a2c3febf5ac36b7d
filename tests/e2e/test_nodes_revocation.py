"""A token withdrawn on one of two real `contest serve` nodes on one
PostgreSQL database is refused by the other, and a participant disabled from
the command line loses their access on both, within
CONTEST_SESSION_CHECK_SECONDS, whichever node signed them in."""

from __future__ import annotations

import asyncio
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from tests.e2e.conftest import CONTEST, environment, seed_database, start_server, stop_server
from tests.e2e.test_nodes import wait_for
from tests.e2e.test_server import sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_disabled_account_is_refused_on_every_node(tmp_path: Path, database_url: str) -> None:
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, seed_database(database_url, duration=600)).result()
    env = environment(database_url)
    node_a = start_server(tmp_path, database_url, env=env)
    node_b = start_server(tmp_path, database_url, env=env)
    try:
        with (
            httpx2.Client(base_url=node_a.url, timeout=10) as on_a,
            httpx2.Client(base_url=node_b.url, timeout=10) as on_b,
        ):
            auth = sign_up(on_a, full_name="Trần Thị Hoa", phone="0912000001", birth_year=1995, cccd="082195000001")
            for http in (on_a, on_b):
                assert http.get("/api/v1/rounds", headers=auth).status_code == 200
            withdrawn = on_b.post("/api/v1/token", json={"login": "0912000001", "password": "mat-khau-e2e"}).json()
            other = {"Authorization": f"Bearer {withdrawn['access_token']}"}
            assert on_b.get("/api/v1/rounds", headers=other).status_code == 200  # node B has read its session
            assert on_a.delete("/api/v1/token", headers=other).status_code == 204  # withdrawn on node A
            refused = wait_for(
                lambda: on_b.get("/api/v1/rounds", headers=other),
                until=lambda response: response.status_code == 401,
                seconds=3,  # CONTEST_SESSION_CHECK_SECONDS (2) and a margin
            )
            assert (refused.status_code, refused.json()["error"]) == (401, "session_revoked")
            assert on_b.get("/api/v1/rounds", headers=auth).status_code == 200  # only that token ended
            done = subprocess.run(
                [CONTEST, "staff", "disable", "0912000001"], env=env, capture_output=True, text=True, timeout=60
            )
            assert (done.returncode, done.stdout) == (0, "0912000001: đã khoá tài khoản\n"), done.stderr
            for http in (on_a, on_b):
                refused = wait_for(
                    lambda http=http: http.get("/api/v1/rounds", headers=auth),
                    until=lambda response: response.status_code == 401,
                    seconds=3,  # CONTEST_SESSION_CHECK_SECONDS (2) and a margin
                )
                assert (refused.status_code, refused.json()["error"]) == (401, "session_revoked")
            again = on_b.post("/api/v1/token", json={"login": "0912000001", "password": "mat-khau-e2e"})
            assert (again.status_code, again.json()["error"]) == (401, "account_disabled")
    finally:
        stop_server(node_a)
        stop_server(node_b)
