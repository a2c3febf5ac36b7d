"""Every query the hot path runs uses an index: no full scan of a table that
grows with participants (users, attempts, answers, questions)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from contest.clock import FixedClock
from contest.config import Settings
from contest.services.container import Services
from contest.storage import SQLiteStorage
from contest.web.app import create_app
from tests.conftest import NOW, registration, seed
from tests.web.test_organiser import sign_in_staff

pytestmark = pytest.mark.sqlite

GROWING = ("users", "attempts", "answers", "questions", "login_failures")


def test_hot_path_queries_use_indexes(settings: Settings, tmp_path: Path) -> None:
    statements: list[str] = []
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    clock = FixedClock(NOW)
    services = Services.build(SQLiteStorage(path, trace=statements.append), settings, clock)
    with TestClient(create_app(services, sweeper=False)) as client:
        world = client.portal.call(seed, services, clock)
        fields = registration(world)
        client.post("/api/v1/register", json=fields)
        statements.clear()  # from here on: the participant's hot path
        token = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
        client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers)
        for q in attempt["questions"]:
            client.put(
                f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}",
                headers=headers,
                json={"options": [q["options"][0]["id"]]},
            )
        client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers)
        client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 3})
        client.get("/api/v1/rounds", headers=headers)
        clock.advance(hours=1)
        client.portal.call(services.attempts.sweep)
    queries = {s for s in statements if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))}
    assert len(queries) > 10
    scans = []
    with sqlite3.connect(path) as conn:
        for sql in queries:
            for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
                detail = row[3]
                if detail.startswith("SCAN") and any(f"SCAN {table}" in detail for table in GROWING):
                    scans.append((sql, detail))
    assert scans == []


def test_statistics_and_exports_read_by_index_and_batches_walk_keys(settings: Settings, tmp_path: Path) -> None:
    """The statistics page and both exports: no scan of a growing table, and
    no batch query (LIMIT) that sorts its rows again for every batch."""
    statements: list[str] = []
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    clock = FixedClock(NOW)
    services = Services.build(SQLiteStorage(path, trace=statements.append), settings, clock)
    with TestClient(create_app(services, sweeper=False)) as client:
        world = client.portal.call(seed, services, clock)
        fields = registration(world)
        client.post("/api/v1/register", json=fields)
        token = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        attempt = client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers).json()
        client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers, json={"prediction": 3})
        sign_in_staff(client, world)
        statements.clear()
        assert client.get(f"/organiser/rounds/{world.open_round}/stats").status_code == 200
        assert client.get(f"/organiser/rounds/{world.open_round}/attempts/csv").status_code == 200
        assert client.get(f"/organiser/contests/{world.contest_id}/participants/csv").status_code == 200
    queries = {s for s in statements if s.lstrip().upper().startswith("SELECT")}
    problems = []
    with sqlite3.connect(path) as conn:
        for sql in queries:
            for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
                detail = row[3]
                if any(f"SCAN {table}" in detail for table in (*GROWING, "participations")) and "LIMIT" in sql:
                    problems.append((sql, detail))
                if "TEMP B-TREE FOR ORDER BY" in detail and "LIMIT" in sql:
                    problems.append((sql, detail))
    assert len(queries) > 5
    assert problems == []
