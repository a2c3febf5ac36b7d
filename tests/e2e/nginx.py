"""Debian's nginx running ``deploy/nginx.conf`` in a temp dir, and clients
that send their headers a byte at a time. Used by tests/e2e/test_nginx.py and
bench/abuse.py (loopback only).

The configuration is the shipped file with only what a test must change:
ports on 127.0.0.1 instead of 80 and 443 (no TLS: the ``ssl_`` lines go),
the upstream's port, the static files' folder, and logs, pid and temp files
in the temp dir."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from contest.web.render import STATIC_DIR

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def available() -> bool:
    return Path(NGINX).exists()


def derive_config(*, port: int, redirect_port: int, upstream_port: int, workdir: Path) -> str:
    """deploy/nginx.conf with the test's ports and paths; each replaced
    line must be found exactly once, so the file cannot drift away from
    what the test runs."""
    text = CONFIG.read_text(encoding="utf-8")
    user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the temp dir
    for old, new in (
        ("user www-data;", user),
        ("pid /run/nginx.pid;", f"pid {workdir}/nginx.pid;"),
        ("error_log /var/log/nginx/error.log warn;", f"error_log {workdir}/error.log warn;"),
        ("access_log /var/log/nginx/access.log hoithi;", f"access_log {workdir}/access.log hoithi;"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80;", f"listen 127.0.0.1:{redirect_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{port};"),
        ("alias /srv/hoithi/static/;", f"alias {STATIC_DIR}/;"),
        (
            "http {\n",
            "http {\n"
            + "".join(f"    {kind}_temp_path {workdir}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi"))
            + f"    uwsgi_temp_path {workdir}/uwsgi;\n    scgi_temp_path {workdir}/scgi;\n",
        ),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return re.sub(r"^\s*ssl_\w+ .*;.*\n", "", text, flags=re.M)


@dataclass
class Nginx:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_nginx(workdir: Path, *, port: int, redirect_port: int, upstream_port: int) -> Nginx:
    """nginx in the foreground (``daemon off``) in front of 127.0.0.1:``upstream_port``;
    returns once ``/healthz`` answers through it."""
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(
        derive_config(port=port, redirect_port=redirect_port, upstream_port=upstream_port, workdir=workdir),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(workdir / 'error.log').read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return Nginx(url, port, process, workdir)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"nginx did not answer: {(workdir / 'error.log').read_text(errors='replace')}")


class SlowClients:
    """``count`` connections from ``source`` to ``port`` that each send a
    request header one byte every ``every`` seconds and never finish it,
    in their own thread and event loop. Counts how many connected and how
    many the server closed."""

    HEADER = b"GET / HTTP/1.1\r\nHost: hoithi\r\nX-Slow: " + b"a" * 100_000

    def __init__(self, port: int, count: int, *, every: float = 1.0, source: str = "127.0.0.2") -> None:
        self.port = port
        self.count = count
        self.every = every
        self.source = source
        self.connected = 0
        self.refused = 0
        self.closed_by_server = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._run(),), daemon=True)

    def __enter__(self) -> SlowClients:
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("slow clients did not connect")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        opened: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        for start in range(0, self.count, 250):  # in batches, as a script would, without a SYN flood
            batch = await asyncio.gather(
                *(self._connect() for _ in range(start, min(start + 250, self.count))), return_exceptions=True
            )
            opened += [pair for pair in batch if isinstance(pair, tuple)]
        self.connected = len(opened)
        self.refused = self.count - self.connected
        tasks = [asyncio.create_task(self._dribble(reader, writer)) for reader, writer in opened]
        self._ready.set()
        await self._stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for _, writer in opened:
            writer.close()
        await asyncio.gather(*(writer.wait_closed() for _, writer in opened), return_exceptions=True)

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port, local_addr=(self.source, 0))

    async def _dribble(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for index in range(len(self.HEADER)):
            writer.write(self.HEADER[index : index + 1])
            try:
                await writer.drain()
                if not await asyncio.wait_for(reader.read(4096), self.every):
                    break  # the server closed the connection
            except TimeoutError:
                continue
            except OSError:
                break
        self.closed_by_server += 1
