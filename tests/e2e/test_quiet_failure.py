"""What a real server writes to its log when clients misbehave: a client that
announces a body and hangs up is one line, not a traceback, and no phone,
CCCD, email or password appears anywhere, access log included."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from pathlib import Path

import httpx2
import pytest

from tests.e2e.conftest import environment, seed_database, start_server, stop_server
from tests.e2e.test_server import sign_up
from tests.web.test_pages import csrf

# Once per CI run (the SQLite run): what is logged is decided in the web layer, whatever the database.
pytestmark = [pytest.mark.e2e, pytest.mark.sqlite]

PHONE, CCCD, EMAIL = "0987654321", "082301000777", "chau.pham@example.vn"


def hang_up_mid_body(url: str, path: str, content_type: str) -> None:
    """Announce 10,000 bytes, send 10, close."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: 10000\r\n\r\n"
        sock.sendall(head.encode() + b"0123456789")


def test_hang_ups_are_one_line_each_and_the_log_names_nobody(tmp_path: Path) -> None:
    database = tmp_path / "contest.db"
    asyncio.run(seed_database(database, duration=600))
    server = start_server(tmp_path, database, env={**environment(database), "CONTEST_ACCESS_LOG": "true"})
    try:
        hang_up_mid_body(server.url, "/api/v1/register", "application/json")
        hang_up_mid_body(server.url, "/login", "application/x-www-form-urlencoded")
        with httpx2.Client(base_url=server.url) as http:
            sign_up(http, full_name="Phạm Minh Châu", phone=PHONE, birth_year=2001, cccd=CCCD, email=EMAIL)
            assert http.post("/api/v1/token", json={"login": PHONE, "password": "sai-mat-khau"}).status_code == 401
            form = {"csrf_token": csrf(http.get("/login").text), "login": CCCD, "password": "sai-mat-khau"}
            assert http.post("/login", data=form).status_code == 401
            assert http.get("/healthz").status_code == 200  # the server still answers
    finally:
        stop_server(server)
    log = server.log.read_text(encoding="utf-8")
    assert "Traceback" not in log
    assert log.count("client went away before sending its whole request") == 2
    assert "POST /api/v1/token" in log  # the access log was on
    for personal in (PHONE, CCCD, EMAIL, "sai-mat-khau", "mat-khau-e2e"):
        assert personal not in log, personal


def whole_response(sock: socket.socket) -> bytes:
    """One HTTP response read to the end of its body (by its Content-Length),
    however the server splits it into packets."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head)[1])  # type: ignore[index]
    while len(body) < length:
        body += sock.recv(4096)
    return data


def test_a_client_that_never_finishes_its_header_is_dropped(tmp_path: Path) -> None:
    """Without nginx in front, ``contest serve`` closes a connection whose
    header is not complete within CONTEST_HEADER_TIMEOUT_SECONDS: silent,
    a byte short, or the second request on a kept-alive connection."""
    database = tmp_path / "contest.db"
    server = start_server(tmp_path, database, env={**environment(database), "CONTEST_HEADER_TIMEOUT_SECONDS": "1"})
    host, port = server.url.removeprefix("http://").split(":")
    sockets = [socket.create_connection((host, int(port))) for _ in range(3)]
    _silent, slow, kept = sockets  # the first sends nothing at all
    try:
        slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        assert whole_response(kept).startswith(b"HTTP/1.1 200")
        kept.sendall(b"GET /healthz HTTP/1.1\r\n")
        began = time.monotonic()
        for sock in sockets:
            sock.settimeout(5)
            assert sock.recv(4096) == b""  # closed by the server
        assert time.monotonic() - began < 2.5
        with httpx2.Client(base_url=server.url) as http:
            assert http.get("/healthz").status_code == 200  # and it still answers the rest
    finally:
        for sock in sockets:
            sock.close()
        stop_server(server)
    assert "Traceback" not in server.log.read_text(encoding="utf-8")
