"""Two real `contest serve` processes on one PostgreSQL database, as two
nodes behind a proxy: what one node starts the other continues, expired
attempts are closed by whichever node sweeps first, and a change to what
nodes cache reaches both."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pytest

from contest.storage.codec import to_ms
from tests.backends import rows
from tests.e2e.conftest import environment, seed_database, start_server, stop_server
from tests.e2e.test_server import open_round, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

DURATION = 4  # seconds per attempt: time to answer over HTTP, short enough to wait for


def test_two_nodes_share_attempts_sweeping_and_changes(tmp_path: Path, database_url: str) -> None:
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, seed_database(database_url, duration=600)).result()
    rows(database_url, "UPDATE rounds SET duration_seconds = ?", (DURATION,))  # shorter than organisers may set
    env = environment(database_url)
    env.update(CONTEST_SWEEP_INTERVAL_SECONDS="1", CONTEST_GRACE_SECONDS="0")
    node_a = start_server(tmp_path, database_url, env=env)
    node_b = start_server(tmp_path, database_url, env=env)
    try:
        with (
            httpx2.Client(base_url=node_a.url, timeout=10) as on_a,
            httpx2.Client(base_url=node_b.url, timeout=10) as on_b,
        ):
            # Started on A, answered and submitted on B.
            auth = sign_up(on_a, full_name="Trần Thị Hoa", phone="0912000001", birth_year=1995, cccd="082195000001")
            round_id = open_round(on_a, auth)["id"]
            started = on_a.post(f"/api/v1/rounds/{round_id}/attempts", headers=auth)
            assert started.status_code == 201
            attempt = started.json()
            for question in attempt["questions"]:
                saved = on_b.put(
                    f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                    headers=auth,
                    json={"options": [question["options"][0]["id"]]},
                )
                assert saved.status_code == 200, saved.text
            result = on_b.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=auth, json={"prediction": 7})
            assert result.status_code == 200
            assert (result.json()["status"], result.json()["total"]) == ("submitted", 5)
            assert on_a.get(f"/api/v1/attempts/{attempt['id']}", headers=auth).json()["status"] == "submitted"

            # Attempts left to run out, started on both nodes; both nodes sweep every second.
            left = []
            for i, http in enumerate([on_a, on_b] * 3):
                other = sign_up(
                    http, full_name="Lê Văn Bình", phone=f"09130000{i:02d}", birth_year=1990, cccd=f"0820900000{i:02d}"
                )
                left.append(http.post(f"/api/v1/rounds/{round_id}/attempts", headers=other).json()["id"])
            closed = wait_for(
                lambda: rows(
                    database_url,
                    "SELECT id, status, total, duration_ms FROM attempts WHERE status = 'expired' ORDER BY id",
                ),
                until=lambda found: len(found) == len(left),
                seconds=DURATION + 10,
            )
            assert closed == [(i, "expired", 5, DURATION * 1000) for i in sorted(left)]

            # A change to what every node caches (here a round's close time, changed in the
            # database as an organiser's change on either node does) reaches both within seconds.
            closes = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
            rows(database_url, "UPDATE rounds SET closes_at = ? WHERE id = ?", (to_ms(closes), round_id))
            for http in (on_a, on_b):
                seen = wait_for(
                    lambda http=http: open_round(http, auth)["closes_at"],
                    until=lambda value: datetime.fromisoformat(str(value)) == closes,
                    seconds=3,
                )
                assert datetime.fromisoformat(str(seen)) == closes
    finally:
        stop_server(node_a)
        stop_server(node_b)


def wait_for(read, *, until, seconds: float):  # type: ignore[no-untyped-def]
    """``read()`` again every 0.2 s until ``until`` holds of it or ``seconds``
    pass; the last value read."""
    deadline = time.monotonic() + seconds
    value = read()
    while not until(value) and time.monotonic() < deadline:
        time.sleep(0.2)
        value = read()
    return value
