"""deploy/nginx.conf in front of a real ``contest serve``: slow clients do not
stop a participant, and the client address the app records is the one nginx
saw, whatever the client claims in ``X-Forwarded-For``."""

from __future__ import annotations

import asyncio
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.backends import rows
from tests.e2e.conftest import Server, environment, free_port, seed_database, start_server, stop_server
from tests.e2e.nginx import Nginx, SlowClients, available, start_nginx
from tests.e2e.test_server import open_round, sign_up

# Once per CI run (the SQLite run): nginx and the client address do not depend on the database.
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.sqlite,
    pytest.mark.skipif(
        not available() and os.environ.get("CI") != "true", reason="nginx is not installed (scripts/test installs it)"
    ),
]

PARTICIPANT = "127.0.0.3"  # the participant's own loopback address; the slow clients use 127.0.0.2
DIRECT = "127.0.0.4"  # someone reaching the app without nginx
SCRIPT = "127.0.0.5"  # a script hammering nginx
FORGED = "203.0.113.9"


@pytest.fixture
def behind_nginx(tmp_path: Path) -> Iterator[tuple[Server, Nginx]]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))
    database = tmp_path / "contest.db"
    asyncio.run(seed_database(database, duration=600))
    server = start_server(tmp_path, database, env={**environment(database), "CONTEST_TRUSTED_PROXIES": "127.0.0.1"})
    port = int(server.url.rsplit(":", 1)[1])
    proxy = start_nginx(tmp_path / "nginx", port=free_port(), redirect_port=free_port(), upstream_port=port)
    yield server, proxy
    proxy.stop()
    stop_server(server)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_participant_answers_through_nginx_while_2000_slow_clients_hold_connections(
    behind_nginx: tuple[Server, Nginx],
) -> None:
    server, proxy = behind_nginx
    began = time.monotonic()
    transport = httpx2.HTTPTransport(local_address=PARTICIPANT)
    with (
        SlowClients(proxy.port, 2000) as slow,
        httpx2.Client(base_url=proxy.url, transport=transport, timeout=10) as http,
    ):
        assert slow.connected == 2000
        auth = sign_up(http, full_name="Phạm Minh Châu", phone="0987654321", birth_year=2001, cccd="082301000777")
        round_ = open_round(http, auth)
        timings = []
        started = http.post(f"/api/v1/rounds/{round_['id']}/attempts", headers={**auth, "X-Forwarded-For": FORGED})
        assert started.status_code == 201
        attempt = started.json()
        for question in attempt["questions"]:
            sent = time.monotonic()
            saved = http.put(
                f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                headers=auth,
                json={"options": [question["options"][0]["id"]]},
            )
            timings.append(time.monotonic() - sent)
            assert saved.status_code == 200
        assert max(timings) < 1.0, timings  # measured: ~5 ms each
        assert slow.closed_by_server == 0  # all 2,000 were still connected meanwhile
        refusals_of_nginx(proxy)
        # nginx's client_header_timeout (10 s) closes every one of them; the app never saw them.
        while slow.closed_by_server < 2000 and time.monotonic() - began < 16:
            time.sleep(0.2)
        assert slow.closed_by_server == 2000
    # Straight to the app, not through nginx, from an address it does not trust: the claim is ignored too.
    direct = httpx2.HTTPTransport(local_address=DIRECT)
    with httpx2.Client(base_url=server.url, transport=direct, timeout=10) as http:
        auth = sign_up(http, full_name="Lê Văn Bình", phone="0912345678", birth_year=2001, cccd="082301000778")
        round_ = open_round(http, auth)
        headers = {**auth, "X-Forwarded-For": FORGED, "X-Forwarded-Proto": "https"}
        assert http.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=headers).status_code == 201
    # The app recorded the address nginx saw, and the direct client's own, never the claimed one.
    assert rows(server.database, "SELECT client_address FROM attempts ORDER BY id") == [(PARTICIPANT,), (DIRECT,)]


def refusals_of_nginx(proxy: Nginx) -> None:
    """The body and rate limits of deploy/nginx.conf, answered by nginx in Vietnamese."""
    with httpx2.Client(base_url=proxy.url, transport=httpx2.HTTPTransport(local_address=SCRIPT)) as http:
        big = http.post("/api/v1/register", content=b"x" * 100_000, headers={"content-type": "application/json"})
        assert big.status_code == 413 and "Dữ liệu gửi lên quá lớn." in big.text
        # The bank upload takes a large file as far as the app (which wants an organiser signed in).
        upload = http.post("/organiser/uploads", files={"file": ("b.json", b"x" * 2_000_000)})
        assert upload.status_code in (303, 403), upload.status_code
        # Sign-ins: a burst of 20, then one a second.
        answers = [http.post("/api/v1/token", json={}) for _ in range(30)]
    refused = [a for a in answers if a.status_code == 429 and "Quá nhiều yêu cầu từ địa chỉ của bạn" in a.text]
    assert answers[0].status_code != 429 and len(refused) >= 5
    assert refused[0].headers["retry-after"] == "10"
