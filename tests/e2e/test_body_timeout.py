"""Without nginx in front, ``contest serve`` answers 408 and closes the
connection when a request's body is not whole within
CONTEST_BODY_TIMEOUT_SECONDS of its header: a client trickling a byte at a
time cannot hold a connection for minutes. An answer given before the whole
body came (a 404) closes the connection too, or the rest could trickle in."""

from __future__ import annotations

import contextlib
import select
import socket
import time
from pathlib import Path

import httpx2
import pytest

from tests.e2e.conftest import environment, start_server, stop_server

# Once per CI run (the SQLite run): the timeout lives in the ASGI layer, whatever the database.
pytestmark = [pytest.mark.e2e, pytest.mark.sqlite]


def trickle(url: str, path: str, content_type: str, *, seconds: float) -> tuple[bytes, float]:
    """Announce 10,000 bytes, then send one every 0.1 s for at most
    ``seconds``: what the server answered (until it closed) and when it closed."""
    host, port = url.removeprefix("http://").split(":")
    answer = b""
    began = time.monotonic()
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: 10000\r\n\r\n"
            .encode()
        )
        while time.monotonic() - began < seconds:
            with contextlib.suppress(OSError):  # closed by the server
                sock.sendall(b"x")
            if select.select([sock], [], [], 0.1)[0]:
                try:
                    part = sock.recv(65536)
                except ConnectionResetError:  # closed with a byte of ours unread
                    part = b""
                if not part:
                    return answer, time.monotonic() - began
                answer += part
    return answer, time.monotonic() - began


def test_a_body_that_trickles_is_refused_with_408_and_closed(tmp_path: Path) -> None:
    database = tmp_path / "contest.db"
    server = start_server(tmp_path, database, env={**environment(database), "CONTEST_BODY_TIMEOUT_SECONDS": "1"})
    try:
        for path, content_type in (
            ("/api/v1/token", "application/json"),
            ("/login", "application/x-www-form-urlencoded"),
        ):
            answer, closed_after = trickle(server.url, path, content_type, seconds=10)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408"), answer[:300]
            assert b"connection: close" in head.lower()
            assert "quá chậm".encode() in body
            assert closed_after < 4
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as sock:  # answered before its body: closed
            sock.sendall(f"POST /api/v1/khong-co HTTP/1.1\r\nHost: {host}\r\nContent-Length: 10000\r\n\r\n".encode())
            sock.settimeout(3)
            answer = b""
            while part := sock.recv(65536):
                answer += part
            assert answer.startswith(b"HTTP/1.1 404") and b"connection: close" in answer.lower()
        with httpx2.Client(base_url=server.url) as http:
            assert http.get("/healthz").status_code == 200  # the server still answers the rest
            assert http.get("/healthz").status_code == 200  # on one kept-alive connection
    finally:
        stop_server(server)
    assert "Traceback" not in server.log.read_text(encoding="utf-8")
