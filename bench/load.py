"""Load benchmark: the participant's hot path (start, save answer, submit)
against a real server, compared with a bare Starlette endpoint measured in the
same run.

    .venv/bin/python bench/load.py            # 3 rounds of 10 s phases, 60,000 participants
    .venv/bin/python bench/load.py --quick    # 1 round of 3 s phases, under a minute

What it does (docs/benchmarks.md explains how to read the output):

1. seeds a fresh database through the platform's storage (bench/seeding.py): a
   SQLite file in a temp dir, or with ``--database postgresql://user@host:port/db``
   a new database on that PostgreSQL server (dropped at the end unless --keep);
   and signs one bearer token per participant with the server's secret key;
2. starts ``contest serve`` (the console script, 1 worker unless --workers)
   and bench/bare.py under uvicorn with the same loop/http settings;
3. drives each phase with wrk and bench/wrk_phase.lua: (a) bare GET /hello,
   (b) start an attempt, each request for a participant who has none,
   (c) save answers, each request for a distinct (attempt, question) of the
   attempts started in (b), (d) submit each attempt of (b) once (then again);
4. after each phase, checks in the database that every write the server
   acknowledged is there (and nothing else), prints a table of medians and
   writes everything to bench/results/<timestamp>.json;
5. stops every process it started, on success, failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if importlib.util.find_spec("contest") is None:  # not installed into this interpreter: use the tree
    sys.path.insert(0, str(ROOT))

import seeding  # noqa: E402  (bench/seeding.py, next to this file)

import contest  # noqa: E402
from contest.config import Settings  # noqa: E402
from contest.domain.models import DrawnKey, Role, User  # noqa: E402
from contest.storage import postgres  # noqa: E402
from contest.storage.codec import keys_from_json  # noqa: E402
from contest.storage.sql import Conn, PgConn  # noqa: E402
from contest.web.auth import Tokens  # noqa: E402

LUA = BENCH_DIR / "wrk_phase.lua"
RESULTS = BENCH_DIR / "results"
BIN = Path(sys.executable).parent
PHASES = ("bare", "start", "save", "submit")
PHASE_LABEL = {
    "bare": "(a) bare GET /hello",
    "start": "(b) start attempt",
    "save": "(c) save answer",
    "submit": "(d) submit",
}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- processes ------------------------------------------------------------------


class Processes:
    """Every process this run starts, each in its own session (process group)
    so that stopping it stops its children (uvicorn workers) too, and a Ctrl-C
    in the terminal reaches only this script, which then stops them in order."""

    def __init__(self) -> None:
        self._running: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, cmd: Sequence[str], *, env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
        with open(log_path, "wb") as out:
            proc = subprocess.Popen(
                list(cmd), env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._running.append((name, proc))
        return proc

    def run(self, cmd: Sequence[str], *, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
        proc = subprocess.Popen(
            list(cmd),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        entry = (cmd[0], proc)
        self._running.append(entry)  # type: ignore[arg-type]
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(proc)
            out, err = proc.communicate()
            raise RuntimeError(f"{cmd[0]} did not finish in {timeout:.0f} s: {err[-2000:]}") from None
        finally:
            with contextlib.suppress(ValueError):
                self._running.remove(entry)  # type: ignore[arg-type]
        return subprocess.CompletedProcess(list(cmd), proc.returncode, out, err)

    @staticmethod
    def stop(proc: subprocess.Popen[Any], timeout: float = 15) -> None:
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        while self._running:
            _name, proc = self._running.pop()
            self.stop(proc)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(proc: subprocess.Popen[bytes], url: str, log_path: Path, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering; log:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s; log:\n{tail(log_path)}")


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# -- /proc: process tree, threads, memory -------------------------------------------


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's workers when --workers > 1)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def thread_ticks(pids: Sequence[int]) -> dict[tuple[int, int], int]:
    """CPU ticks (user + system) of every thread of ``pids``."""
    ticks = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError):
                    stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
                    fields = stat[stat.rindex(")") + 2 :].split()
                    ticks[(pid, int(tid))] = int(fields[11]) + int(fields[12])
    return ticks


def status_kib(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def loaded_modules(pid: int) -> dict[str, bool]:
    """Whether the process has uvloop's and httptools' extension modules mapped."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return {}
    return {"uvloop": "/uvloop/" in maps, "httptools": "/httptools/" in maps}


def py_spy() -> str | None:
    candidate = BIN / "py-spy"
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


def thread_names(procs: Processes, pids: Sequence[int], env: dict[str, str]) -> dict[int, str]:
    """OS thread id -> Python thread name, from ``py-spy dump`` (if installed)."""
    tool = py_spy()
    names: dict[int, str] = {}
    if tool is None:
        return names
    for pid in pids:
        try:
            done = procs.run([tool, "dump", "--pid", str(pid)], env=env, timeout=30)
        except RuntimeError:
            continue
        for match in re.finditer(r'^Thread (\d+) \([^)]*\): "([^"]*)"', done.stdout, re.M):
            names[int(match.group(1))] = match.group(2)
        names.setdefault(pid, "MainThread")
    return names


# -- wrk --------------------------------------------------------------------------


@dataclass
class WrkRun:
    phase: str
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    duration_s: float
    non2xx: int
    socket_errors: dict[str, int]
    statuses: dict[int, int]
    sent: int
    answered: int
    wrapped: int
    thread_sent: dict[int, int]
    thread_items: dict[int, int]
    ids: list[int] = field(default_factory=list)
    error_bodies: list[str] = field(default_factory=list)
    stdout: str = ""

    @property
    def unanswered(self) -> int:
        """Requests sent whose response wrk never read: in flight when the
        duration ran out (at most one per connection), or lost to a socket error."""
        return self.sent - self.answered

    @property
    def errors(self) -> int:
        return self.non2xx + sum(self.socket_errors.values())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unknown latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(phase: str, stdout: str, report: str) -> WrkRun:
    """Req/s, percentiles, non-2xx and socket errors as wrk prints them; the
    status histogram, requests sent and attempt ids from the Lua report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", stdout).group(1))  # type: ignore[union-attr]
    pct = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+(\S+)", stdout, re.M)}
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),", stdout)
    assert total is not None, stdout
    non2xx_match = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", stdout)
    socket_errors = dict.fromkeys(("connect", "read", "write", "timeout"), 0)
    if sock:
        socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True))
    values: dict[str, float] = {}
    statuses: Counter[int] = Counter()
    sent: dict[int, int] = {}
    items: dict[int, int] = {}
    wrapped = 0
    ids: list[int] = []
    bodies: list[str] = []
    for line in report.splitlines():
        parts = line.split(" ")
        if parts[0] == "thread":
            t = int(parts[1])
            sent[t], wrapped, items[t] = int(parts[3]), wrapped + int(parts[5]), int(parts[7])
        elif parts[0] == "status":
            statuses[int(parts[2])] += int(parts[3])
        elif parts[0] == "ids":
            ids.extend(int(x) for x in parts[2].split(",") if x)
        elif parts[0] == "error_body":
            bodies.append(" ".join(parts[2:]))
        elif len(parts) == 2:
            values[parts[0]] = float(parts[1])
    answered = sum(statuses.values())
    return WrkRun(
        phase=phase,
        rps=rps,
        p50_ms=pct.get("50", values.get("latency_p50", 0) / 1000),
        p90_ms=pct.get("90", values.get("latency_p90", 0) / 1000),
        p99_ms=pct.get("99", values.get("latency_p99", 0) / 1000),
        max_ms=values.get("latency_max", 0) / 1000,
        requests=int(total.group(1)),
        duration_s=values.get("duration_us", 0) / 1e6,
        non2xx=int(non2xx_match.group(1)) if non2xx_match else 0,
        socket_errors=socket_errors,
        statuses=dict(sorted(statuses.items())),
        sent=sum(sent.values()),
        answered=answered,
        wrapped=wrapped,
        thread_sent=sent,
        thread_items=items,
        ids=ids,
        error_bodies=bodies,
        stdout=stdout,
    )


# -- the benchmark -------------------------------------------------------------------


@dataclass
class Config:
    quick: bool
    repeat: int
    duration: int
    threads: int
    connections: int
    timeout: int
    workers: int
    participants: int
    questions: int
    profile: bool
    keep: bool
    settle: float
    database: str


@dataclass
class AttemptInfo:
    id: int
    user_id: int
    questions: tuple[DrawnKey, ...]


class Bench:
    def __init__(self, config: Config, procs: Processes, workdir: Path) -> None:
        self.config = config
        self.procs = procs
        self.workdir = workdir
        self.db_path = workdir / "contest.db"
        self.postgres = config.database.startswith(("postgresql://", "postgres://"))
        url = f"sqlite:///{self.db_path}"
        if self.postgres:  # a database of its own on that server, for this run
            self.pg_name = f"contest_bench_{secrets.token_hex(6)}"
            url = urlunsplit(urlsplit(config.database)._replace(path="/" + self.pg_name))
        self.secret = secrets.token_urlsafe(48)
        self.settings = Settings(database_url=url, secret_key=self.secret)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CONTEST_")}
        self.env.update(CONTEST_DATABASE_URL=self.settings.database_url, CONTEST_SECRET_KEY=self.secret)
        self.tokens: dict[int, str] = {}
        self.round_id = 0
        self.rng = random.Random(20201127)
        self.runs: list[dict[str, Any]] = []
        self.checks: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.server: subprocess.Popen[bytes] | None = None
        self.server_log = workdir / "server.log"
        self.stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.profiles: dict[str, Any] = {}

    # -- set-up ---------------------------------------------------------------

    def seed(self) -> None:
        started = time.monotonic()
        if self.postgres:
            with psycopg.connect(self.config.database, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.pg_name}"'.encode())
        seeded = asyncio.run(
            seeding.seed(
                self.settings.database_url,
                self.settings,
                participants=self.config.participants,
                questions=self.config.questions,
                now=datetime.now(UTC),
            )
        )
        self.round_id = seeded.round_id
        seeded_at = time.monotonic()
        tokens = Tokens(self.secret, ttl=self.settings.token_ttl_seconds)
        self.tokens = {
            uid: tokens.issue(User(id=uid, role=Role.PARTICIPANT, full_name=name), seeding.session_id(uid))
            for uid, name in seeded.users
        }
        log(
            f"seeded {len(seeded.users):,} participants, {self.config.questions} questions, round"
            f" {seeded.round_id} in {seeded_at - started:.1f} s; signed {len(self.tokens):,} tokens in"
            f" {time.monotonic() - seeded_at:.1f} s"
        )

    def start_servers(self) -> None:
        self.port = free_port()
        contest = BIN / "contest"
        if not contest.exists():
            raise RuntimeError(f"{contest} is missing: install the project into the venv (pip install -e .)")
        self.server = self.procs.start(
            "contest",
            [
                str(contest),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.config.workers),
            ],
            env=self.env,
            log_path=self.server_log,
        )
        self.bare_port = free_port()
        self.bare_log = self.workdir / "bare.log"
        self.bare = self.procs.start(
            "bare",
            [
                str(BIN / "uvicorn"),
                "bare:app",
                "--app-dir",
                str(BENCH_DIR),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.bare_port),
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--no-access-log",
                "--workers",
                str(self.config.workers),
                "--log-level",
                "info",
            ],
            env=self.env,
            log_path=self.bare_log,
        )
        wait_ready(self.server, f"http://127.0.0.1:{self.port}/api/v1/areas", self.server_log)
        wait_ready(self.bare, f"http://127.0.0.1:{self.bare_port}/hello", self.bare_log)
        # The tokens we signed are the server's: a signed-in call answers 200.
        any_user = next(iter(self.tokens))
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/rounds", headers={"Authorization": f"Bearer {self.tokens[any_user]}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            rounds = json.load(response)
        if not rounds or "attempts_used" not in rounds[0]:
            raise RuntimeError(f"the server did not accept a bench token: {rounds!r}")
        time.sleep(0.5)  # let the workers (if several) finish starting
        self.server_pids = process_tree(self.server.pid)
        self.bare_pids = process_tree(self.bare.pid)
        log(
            f"contest serve on :{self.port} (pids {self.server_pids}, log {self.server_log}); "
            f"bare on :{self.bare_port} (pids {self.bare_pids})"
        )

    # -- database reads --------------------------------------------------------

    @contextlib.contextmanager
    def db(self) -> Iterator[Conn]:
        """A connection outside the server, for the checks (the same SQL on both backends)."""
        if self.postgres:
            with postgres.connect(self.settings.database_url) as pg:
                yield PgConn(pg)
            return
        conn = sqlite3.connect(self.db_path, timeout=30)
        try:
            yield conn
        finally:
            conn.close()

    def drop_database(self) -> None:
        if self.postgres and not self.config.keep:
            with psycopg.connect(self.config.database, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'.encode())

    def database_bytes(self) -> dict[str, int]:
        if self.postgres:
            with self.db() as conn:
                return {self.pg_name: conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]}
        return {p.name: p.stat().st_size for p in self.workdir.glob("contest.db*")}

    def fresh_users(self) -> list[int]:
        with self.db() as conn:
            return [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM users u WHERE role = 'participant'"
                    " AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.user_id = u.id) ORDER BY id"
                )
            ]

    def max_attempt_id(self) -> int:
        with self.db() as conn:
            return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM attempts").fetchone()[0])

    def attempts(self, ids: Sequence[int]) -> dict[int, AttemptInfo]:
        wanted = set(ids)
        found = {}
        with self.db() as conn:
            for attempt_id, user_id, questions in conn.execute(
                "SELECT id, user_id, questions FROM attempts WHERE id BETWEEN ? AND ?", (min(ids), max(ids))
            ):
                if attempt_id in wanted:
                    found[attempt_id] = AttemptInfo(attempt_id, user_id, keys_from_json(questions))
        return found

    def settle(self) -> None:
        """Let the server finish the requests that were in flight when wrk
        stopped, so the checks see their writes."""
        time.sleep(self.config.settle)

    # -- phases ---------------------------------------------------------------------

    def write_items(self, name: str, lines: Sequence[str]) -> str:
        prefix = self.workdir / name
        for t in range(self.config.threads):
            (prefix.parent / f"{prefix.name}.{t}").write_text("\n".join(lines[t :: self.config.threads]) + "\n")
        return str(prefix)

    def wrk(self, phase: str, round_no: int, *, data: str | None = None) -> tuple[WrkRun, dict[str, Any]]:
        c = self.config
        port = self.bare_port if phase == "bare" else self.port
        url = f"http://127.0.0.1:{port}/hello" if phase == "bare" else f"http://127.0.0.1:{port}/"
        out = self.workdir / f"wrk-{phase}-{round_no}.txt"
        env = dict(self.env, BENCH_PHASE=phase, BENCH_OUT=str(out), BENCH_ROUND=str(self.round_id))
        if data:
            env["BENCH_DATA"] = data
        pids = self.bare_pids if phase == "bare" else self.server_pids
        profiler = None
        if c.profile and round_no == c.repeat and phase != "bare" and py_spy():
            raw = self.workdir / f"profile-{phase}.txt"
            profiler = self.procs.start(
                "py-spy",
                [
                    py_spy(),
                    "record",
                    "--pid",
                    str(pids[0]),
                    "--duration",
                    str(max(1, c.duration - 1)),  # type: ignore[list-item]
                    "--rate",
                    "200",
                    "--nonblocking",
                    "--threads",
                    "--format",
                    "raw",
                    "-o",
                    str(raw),
                    *(["--subprocesses"] if c.workers > 1 else []),
                ],
                env=self.env,
                log_path=self.workdir / f"profile-{phase}.log",
            )
        before = thread_ticks(pids)
        wrk_before = os.times()
        started = time.monotonic()
        done = self.procs.run(
            [
                "wrk",
                f"-t{c.threads}",
                f"-c{c.connections}",
                f"-d{c.duration}s",
                f"--timeout={c.timeout}s",
                "--latency",
                "-s",
                str(LUA),
                url,
            ],
            env=env,
            timeout=c.duration + 60,
        )
        elapsed = time.monotonic() - started
        wrk_after = os.times()
        after = thread_ticks(pids)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"wrk failed ({done.returncode}) in phase {phase}:\n{done.stdout}\n{done.stderr}")
        result = parse_wrk(phase, done.stdout, out.read_text())
        cpu = {
            "server_cpu_pct": round(100 * sum(after.get(k, 0) - v for k, v in before.items()) / CLK_TCK / elapsed, 1),
            "threads_cpu_pct": {
                f"{pid}/{tid}": round(100 * (after.get((pid, tid), 0) - v) / CLK_TCK / elapsed, 1)
                for (pid, tid), v in before.items()
                if after.get((pid, tid), 0) - v > 0
            },
            "wrk_cpu_pct": round(
                100
                * (
                    (wrk_after.children_user + wrk_after.children_system)
                    - (wrk_before.children_user + wrk_before.children_system)
                )
                / elapsed,
                1,
            ),
        }
        if profiler is not None:
            profiler.wait(timeout=c.duration + 30)
            raw = self.workdir / f"profile-{phase}.txt"
            if raw.exists():  # keep the collapsed stacks (flamegraph.pl / speedscope read them)
                RESULTS.mkdir(exist_ok=True)
                raw = Path(shutil.copy(raw, RESULTS / f"{self.stamp}-profile-{phase}.txt"))
            self.profiles[phase] = summarize_profile(raw)
        return result, cpu

    def record(self, round_no: int, run: WrkRun, cpu: dict[str, Any], check: dict[str, Any] | None) -> None:
        entry = {
            "round": round_no,
            "phase": run.phase,
            "rps": run.rps,
            "p50_ms": run.p50_ms,
            "p90_ms": run.p90_ms,
            "p99_ms": run.p99_ms,
            "max_ms": run.max_ms,
            "requests": run.requests,
            "duration_s": run.duration_s,
            "non2xx": run.non2xx,
            "socket_errors": run.socket_errors,
            "statuses": run.statuses,
            "sent": run.sent,
            "unanswered": run.unanswered,
            "wrapped": run.wrapped,
            "error_bodies": run.error_bodies,
            **cpu,
            "check": check,
        }
        self.runs.append(entry)
        if run.errors:
            self.problems.append(
                f"round {round_no} {run.phase}: {run.non2xx} non-2xx, socket errors {run.socket_errors}; "
                f"statuses {run.statuses}; first bodies {run.error_bodies[:2]}"
            )
        if check is not None and not check.get("ok", True):
            self.problems.append(f"round {round_no} {run.phase}: check failed: {check}")
        extra = ""
        if check is not None:
            extra = "  " + check.get("summary", "")
        log(
            f"round {round_no} {run.phase:6}: {run.rps:9,.0f} req/s  p50 {run.p50_ms:7.2f} ms  p99 {run.p99_ms:7.2f} ms"
            f"  non-2xx {run.non2xx}  socket errors {sum(run.socket_errors.values())}"
            f"  server CPU {cpu['server_cpu_pct']}%  wrk CPU {cpu['wrk_cpu_pct']}%{extra}"
        )

    def phase_bare(self, round_no: int) -> None:
        run, cpu = self.wrk("bare", round_no)
        self.record(round_no, run, cpu, None)

    def phase_start(self, round_no: int) -> list[int]:
        fresh = self.fresh_users()
        if not fresh:
            raise RuntimeError("no participant without an attempt is left: raise --participants")
        data = self.write_items(f"start-{round_no}", [self.tokens[u] for u in fresh])
        before_max = self.max_attempt_id()
        run, cpu = self.wrk("start", round_no, data=data)
        self.settle()
        with self.db() as conn:
            rows = conn.execute("SELECT id, user_id, status FROM attempts WHERE id > ?", (before_max,)).fetchall()
        in_db = {r[0] for r in rows}
        acknowledged = run.ids
        lost = sorted(set(acknowledged) - in_db)
        unacknowledged = len(in_db - set(acknowledged))
        users = Counter(r[1] for r in rows)
        check = {
            "fresh_participants": len(fresh),
            "created_201": run.statuses.get(201, 0),
            "existing_200": run.statuses.get(200, 0),
            "acknowledged_ids": len(acknowledged),
            "distinct_acknowledged_ids": len(set(acknowledged)),
            "new_attempts_in_db": len(in_db),
            "acknowledged_missing_from_db": len(lost),
            "in_db_not_acknowledged": unacknowledged,
            "unanswered_requests": run.unanswered,
            "participants_with_two_new_attempts": sum(1 for n in users.values() if n > 1),
            "wrapped": run.wrapped,
        }
        check["ok"] = (
            not lost
            and len(set(acknowledged)) == len(acknowledged) == run.statuses.get(201, 0)
            and unacknowledged <= run.unanswered
            and check["participants_with_two_new_attempts"] == 0
            and run.wrapped == 0
        )
        check["summary"] = (
            f"[check {'OK' if check['ok'] else 'FAILED'}: {len(acknowledged):,} attempts acknowledged, all in the DB"
            if not lost
            else f"[check FAILED: {len(lost)} acknowledged attempts missing from the DB"
        ) + f"; {unacknowledged} more in the DB from the {run.unanswered} requests in flight at the end]"
        if run.wrapped:
            self.problems.append(
                f"round {round_no} start: ran out of fresh participants ({run.wrapped} reused): raise --participants"
            )
        self.record(round_no, run, cpu, check)
        return sorted(set(acknowledged) & in_db)

    def phase_save(self, round_no: int, attempt_ids: list[int], attempts: dict[int, AttemptInfo]) -> None:
        # Question-major: every attempt's question 1, then every attempt's
        # question 2, ...: many participants each answering the next question,
        # and every request a distinct (attempt, question) pair.
        items: list[tuple[int, int, list[int]]] = []
        question_count = max(len(a.questions) for a in attempts.values())
        for position in range(question_count):
            for attempt_id in attempt_ids:
                q = attempts[attempt_id].questions[position]
                option_ids = list(range(1, len(q.letters) + 1))
                if self.rng.random() < 0.5:
                    chosen = sorted(q.correct)
                elif q.multiple:
                    chosen = sorted(self.rng.sample(option_ids, self.rng.randint(1, 3)))
                else:
                    chosen = [self.rng.choice(option_ids)]
                items.append((attempt_id, q.id, chosen))
        lines = [f"{self.tokens[attempts[a].user_id]} {a} {q} {','.join(map(str, chosen))}" for a, q, chosen in items]
        data = self.write_items(f"save-{round_no}", lines)
        run, cpu = self.wrk("save", round_no, data=data)
        self.settle()
        # The items each thread sent are the first `sent` lines of its file.
        threads = self.config.threads
        sent: dict[tuple[int, int], list[int]] = {}
        for t in range(threads):
            mine = items[t::threads]
            for a, q, chosen in mine[: min(run.thread_sent.get(t, 0), len(mine))]:
                sent[(a, q)] = chosen
        with self.db() as conn:
            rows = conn.execute(
                "SELECT attempt_id, question_id, options FROM answers WHERE attempt_id BETWEEN ? AND ?",
                (min(attempt_ids), max(attempt_ids)),
            ).fetchall()
        wanted = set(attempt_ids)
        stored = {(r[0], r[1]): json.loads(r[2]) for r in rows if r[0] in wanted}
        missing = [p for p in sent if p not in stored]
        unexpected = [p for p in stored if p not in sent]
        wrong = [p for p, chosen in sent.items() if p in stored and stored[p] != chosen]
        ok_200 = run.statuses.get(200, 0)
        check = {
            "distinct_pairs_available": len(items),
            "requests_sent": run.sent,
            "saved_200": ok_200,
            "rows_in_db": len(stored),
            "sent_pairs_missing_from_db": len(missing),
            "rows_not_sent": len(unexpected),
            "rows_with_other_options": len(wrong),
            "unanswered_requests": run.unanswered,
            "wrapped": run.wrapped,
        }
        # Every pair is distinct, so each 200 is one row: no acknowledged save
        # is lost when every row sent is there (exact), or at worst when the
        # missing ones are no more than the requests never answered.
        check["exact"] = not missing and run.wrapped == 0
        check["ok"] = (
            run.wrapped == 0
            and not unexpected
            and not wrong
            and len(stored) >= ok_200
            and len(missing) <= run.unanswered
            and len(stored) <= run.sent
        )
        verdict = "OK" if check["ok"] else "FAILED"
        check["summary"] = (
            f"[check {verdict}: {ok_200:,} saves acknowledged, {len(stored):,} rows = every request sent"
            f" ({run.unanswered} unanswered at the end), options identical]"
            if check["exact"] and check["ok"]
            else f"[check {verdict}: {ok_200:,} acknowledged, {len(stored):,} rows, {len(missing)} sent pairs missing"
            f" (<= {run.unanswered} unanswered?), {len(unexpected)} unexpected, {len(wrong)} different]"
        )
        if run.wrapped:
            self.problems.append(f"round {round_no} save: pairs ran out ({run.wrapped} repeated): counts are not exact")
        self.record(round_no, run, cpu, check)

    def phase_submit(self, round_no: int, attempt_ids: list[int], attempts: dict[int, AttemptInfo]) -> None:
        predictions = {a: self.rng.randint(0, 5000) for a in attempt_ids}
        lines = [f"{self.tokens[attempts[a].user_id]} {a} {predictions[a]}" for a in attempt_ids]
        data = self.write_items(f"submit-{round_no}", lines)
        run, cpu = self.wrk("submit", round_no, data=data)
        self.settle()
        threads = self.config.threads
        expected: set[int] = set()
        for t in range(threads):
            mine = attempt_ids[t::threads]
            expected.update(mine[: min(run.thread_sent.get(t, 0), len(mine))])
        wanted = set(attempt_ids)
        with self.db() as conn:
            rows = conn.execute(
                "SELECT id, status, prediction, correct, total FROM attempts WHERE id BETWEEN ? AND ?",
                (min(attempt_ids), max(attempt_ids)),
            ).fetchall()
            answers: dict[int, dict[int, frozenset[int]]] = {}
            for a, q, options in conn.execute(
                "SELECT attempt_id, question_id, options FROM answers WHERE attempt_id BETWEEN ? AND ?",
                (min(attempt_ids), max(attempt_ids)),
            ):
                answers.setdefault(a, {})[q] = frozenset(json.loads(options))
        status = {r[0]: r for r in rows if r[0] in wanted}
        submitted = {a for a, r in status.items() if r[1] == "submitted"}
        other = Counter(r[1] for a, r in status.items() if r[1] not in ("submitted", "in_progress"))
        missing = expected - submitted
        unexpected = submitted - expected
        # The score the server stored must be the one the saved answers give.
        wrong_score = 0
        wrong_prediction = 0
        for a in submitted:
            questions = attempts[a].questions
            right = sum(1 for q in questions if q.correct and answers.get(a, {}).get(q.id) == q.correct)
            if status[a][3] != right or status[a][4] != len(questions):
                wrong_score += 1
            if status[a][2] != predictions[a]:
                wrong_prediction += 1
        ok_2xx = sum(n for s, n in run.statuses.items() if 200 <= s < 300)
        check = {
            "attempts": len(attempt_ids),
            "requests_sent": run.sent,
            "ok_2xx": ok_2xx,
            "first_submissions": len(submitted),
            "repeat_submissions": max(0, ok_2xx - len(submitted)),
            "sent_attempts_not_submitted": len(missing),
            "submitted_not_sent": len(unexpected),
            "other_statuses": dict(other),
            "wrong_scores": wrong_score,
            "wrong_predictions": wrong_prediction,
            "unanswered_requests": run.unanswered,
        }
        check["ok"] = (
            not unexpected and not other and not wrong_score and not wrong_prediction and len(missing) <= run.unanswered
        )
        check["summary"] = (
            f"[check {'OK' if check['ok'] else 'FAILED'}: {len(submitted):,} first submissions"
            f" + {check['repeat_submissions']:,} repeats; scores and predictions match"
            f"{'' if not missing else f'; {len(missing)} sent not submitted'}]"
        )
        self.record(round_no, run, cpu, check)

    # -- the run ----------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        c = self.config
        self.seed()
        self.start_servers()
        modules = {
            name: {
                module: any(loaded_modules(pid).get(module, False) for pid in pids)
                for module in ("uvloop", "httptools")
            }
            for name, pids in (("contest", self.server_pids), ("bare", self.bare_pids))
        }
        log(f"extension modules mapped (in any process of the server): {modules}")
        for round_no in range(1, c.repeat + 1):
            self.phase_bare(round_no)
            attempt_ids = self.phase_start(round_no)
            if not attempt_ids:
                raise RuntimeError("the start phase created no attempt; see the server log")
            attempts = self.attempts(attempt_ids)
            self.phase_save(round_no, attempt_ids, attempts)
            self.phase_submit(round_no, attempt_ids, attempts)
        pids = process_tree(self.server.pid) if self.server else []  # type: ignore[union-attr]
        memory = {
            str(pid): {"VmHWM_kib": status_kib(pid, "VmHWM"), "VmRSS_kib": status_kib(pid, "VmRSS")} for pid in pids
        }
        names = thread_names(self.procs, pids, self.env)
        db_files = self.database_bytes()
        with self.db() as conn:
            counts = {
                t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("users", "attempts", "answers")
            }
        # Stop the server (it checkpoints the WAL on close) and measure again.
        if self.server is not None:
            Processes.stop(self.server)
        db_after = self.database_bytes()
        integrity = "n/a (PostgreSQL)"
        if not self.postgres:
            with self.db() as conn:
                integrity = conn.execute("PRAGMA quick_check").fetchone()[0]
        errors_in_log = [
            line
            for line in self.server_log.read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line or "Exception" in line
        ]
        for run in self.runs:
            run["threads_cpu_pct"] = {
                f"{key} {names.get(int(key.split('/')[1]), '?')}": pct for key, pct in run["threads_cpu_pct"].items()
            }
        return {
            "memory": memory,
            "peak_rss_mib": round(sum(m["VmHWM_kib"] for m in memory.values()) / 1024, 1),
            "largest_process_peak_rss_mib": round(max((m["VmHWM_kib"] for m in memory.values()), default=0) / 1024, 1),
            "db_bytes_running": db_files,
            "db_bytes_after_close": db_after,
            "db_rows": counts,
            "db_quick_check": integrity,
            "extension_modules": modules,
            "server_log_error_lines": errors_in_log[:50],
            "thread_names": {str(k): v for k, v in names.items()},
        }


def summarize_profile(raw: Path, top: int = 15) -> dict[str, Any]:
    """Samples per thread and the functions on top of the stack most often
    (self time), from py-spy's raw (collapsed) output."""
    if not raw.exists():
        return {}
    per_thread: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        # With --threads a "thread (tid): name" frame comes before the Python
        # frames; with --subprocesses "process pid:"<command line>"" frames
        # come first (a command line may itself contain ";").
        named = re.search(r"(?:^|;)thread \((\d+)\): ([^;]*)", stack)
        processes = re.findall(r"(?:^|;)process (\d+):", stack[: named.start()] if named else stack)
        process = processes[-1] if processes else ""
        rest = stack[named.end() :] if named else stack
        frames = [f for f in rest.split(";") if f]
        if not frames:
            continue
        thread = (f"process {process} " if process else "") + (named.group(2) if named else "?")
        per_thread[thread] += count
        leaf[f"{thread}: {frames[-1]}"] += count
        for frame in set(frames):
            inclusive[f"{thread}: {frame}"] += count
        total += count
    return {
        "samples": total,
        "threads_pct": {k: round(100 * v / total, 1) for k, v in per_thread.most_common()} if total else {},
        "top_self_pct": {k: round(100 * v / total, 1) for k, v in leaf.most_common(top)} if total else {},
        "top_inclusive_pct": (
            {k: round(100 * v / total, 1) for k, v in inclusive.most_common(top * 3)} if total else {}
        ),
        "raw": str(raw),
    }


# -- report --------------------------------------------------------------------------


def summarize(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bare_by_round = {r["round"]: r["rps"] for r in runs if r["phase"] == "bare"}
    table = []
    for phase in PHASES:
        mine = [r for r in runs if r["phase"] == phase]
        if not mine:
            continue
        ratios = [r["rps"] / bare_by_round[r["round"]] for r in mine if bare_by_round.get(r["round"])]
        table.append(
            {
                "phase": phase,
                "label": PHASE_LABEL[phase],
                "runs": len(mine),
                "rps": statistics.median(r["rps"] for r in mine),
                "p50_ms": statistics.median(r["p50_ms"] for r in mine),
                "p99_ms": statistics.median(r["p99_ms"] for r in mine),
                "non2xx": sum(r["non2xx"] for r in mine),
                "socket_errors": sum(sum(r["socket_errors"].values()) for r in mine),
                "ratio": statistics.median(ratios) if ratios else None,
                "server_cpu_pct": statistics.median(r["server_cpu_pct"] for r in mine),
                "wrk_cpu_pct": statistics.median(r["wrk_cpu_pct"] for r in mine),
                "all_rps": [round(r["rps"]) for r in mine],
            }
        )
    return table


def print_table(table: list[dict[str, Any]], repeat: int) -> None:
    what = "median of " + str(repeat) if repeat > 1 else "one run"
    print()
    print(
        f"{'phase':22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8} {'× bare':>7}"
        f" {'srv CPU':>8}   ({what})"
    )
    for row in table:
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.3f}"
        print(
            f"{row['label']:22} {row['rps']:9,.0f} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} {row['non2xx']:8}"
            f" {row['socket_errors']:8} {ratio:>7} {row['server_cpu_pct']:7.0f}%"
        )
    print()


def print_checks(runs: list[dict[str, Any]]) -> None:
    """One line per phase: what the database says about the writes."""
    checked = [r for r in runs if r.get("check")]
    if not checked:
        return
    ok = all(r["check"]["ok"] for r in checked)
    print(f"write checks: {'all OK' if ok else 'FAILED (see PROBLEM lines)'}")
    starts = [r["check"] for r in checked if r["phase"] == "start"]
    saves = [r["check"] for r in checked if r["phase"] == "save"]
    submits = [r["check"] for r in checked if r["phase"] == "submit"]
    if starts:
        print(
            f"  start:  {sum(c['acknowledged_ids'] for c in starts):,} attempts acknowledged (201), all in the DB;"
            f" {sum(c['in_db_not_acknowledged'] for c in starts)} more created by requests still in flight when wrk"
            " stopped"
        )
    if saves:
        exact = all(c["exact"] for c in saves)
        print(
            f"  save:   {sum(c['saved_200'] for c in saves):,} answers acknowledged (200);"
            f" {sum(c['rows_in_db'] for c in saves):,} rows ="
            f" {'every' if exact else 'NOT every'} distinct (attempt, question) sent, with the options sent"
        )
    if submits:
        print(
            f"  submit: {sum(c['first_submissions'] for c in submits):,} first submissions"
            f" + {sum(c['repeat_submissions'] for c in submits):,} repeats (which return the stored result);"
            f" {sum(c['wrong_scores'] for c in submits)} scores differ from the saved answers"
        )


def versions() -> dict[str, str]:
    found = {}
    for name in ("starlette", "uvicorn", "uvloop", "httptools", "itsdangerous"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[name] = importlib.metadata.version(name)
    try:
        first = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        found["wrk"] = (first.stdout or first.stderr).splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        pass
    return found


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": sys.version.split()[0]}


def git_commit() -> dict[str, Any]:
    """The commit measured and whether the code under test differs from it
    (read-only git calls)."""
    source = Path(contest.__file__).resolve().parent
    found: dict[str, Any] = {"contest_package": str(source)}
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=source, capture_output=True, text=True, timeout=10
        )
        found["head"] = head.stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "."], cwd=source, capture_output=True, text=True, timeout=10
        )
        found["uncommitted_changes_in_contest"] = len(dirty.stdout.splitlines())
    except (OSError, subprocess.TimeoutExpired):
        pass
    return found


# -- main ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> Config:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="smoke test: 3 s phases, 1 round, 20,000 participants")
    p.add_argument("--repeat", type=int, help="rounds of the four phases; medians are reported (default 3, quick 1)")
    p.add_argument("--duration", type=int, help="seconds per phase (default 10, quick 3)")
    p.add_argument("--participants", type=int, help="participants to seed (default 60,000, quick 20,000)")
    p.add_argument("--workers", type=int, default=1, help="server worker processes, for both servers (default 1)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    p.add_argument("--timeout", type=int, default=10, help="wrk request timeout in seconds (default 10)")
    p.add_argument("--questions", type=int, default=300, help="questions in the bank (default 300)")
    p.add_argument(
        "--profile",
        action="store_true",
        help="also run py-spy record on the server during the last round's app phases (perturbs those runs)",
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs, wrk inputs)")
    p.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (default: a file in the temp dir) or postgresql://user@host:port/db, a server on which"
        " the run creates a database of its own (dropped at the end unless --keep)",
    )
    args = p.parse_args(argv)
    quick = args.quick
    config = Config(
        quick=quick,
        repeat=args.repeat or (1 if quick else 3),
        duration=args.duration or (3 if quick else 10),
        threads=args.threads,
        connections=args.connections,
        timeout=args.timeout,
        workers=args.workers,
        participants=args.participants or (20_000 if quick else 60_000),
        questions=args.questions,
        profile=args.profile,
        keep=args.keep,
        settle=0.5 if quick else 1.0,
        database=args.database,
    )
    if not config.questions >= 30:
        p.error("--questions must be at least 30 (the round draws 30)")
    if not 1 <= config.participants < 1_000_000:
        p.error("--participants must be between 1 and 999,999")
    return config


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    if shutil.which("wrk") is None:
        print(
            "bench: wrk is not installed. On Debian/Ubuntu: sudo apt-get install -y wrk\n"
            "(macOS: brew install wrk), then run this again.",
            file=sys.stderr,
        )
        return 2
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    procs = Processes()
    workdir = Path(tempfile.mkdtemp(prefix="contest-bench-"))
    bench = Bench(config, procs, workdir)
    started = time.monotonic()
    status = 0
    extra: dict[str, Any] = {}
    failure = ""
    try:
        log(f"temp dir {workdir}; {config}")
        extra = bench.run()
    except KeyboardInterrupt:
        failure = "interrupted"
        status = 130
        log("interrupted: stopping the servers")
    except Exception as exc:  # report, clean up, exit non-zero
        failure = f"{type(exc).__name__}: {exc}"
        status = 1
        log(f"failed: {failure}")
        log(f"server log tail:\n{tail(bench.server_log)}")
    finally:
        procs.stop_all()
        bench.drop_database()
    table = summarize(bench.runs)
    if table:
        print_table(table, config.repeat)
        print_checks(bench.runs)
    RESULTS.mkdir(exist_ok=True)
    result_path = RESULTS / f"{bench.stamp}.json"
    if bench.problems or status:
        shutil.copy(bench.server_log, RESULTS / f"{bench.stamp}-server.log") if bench.server_log.exists() else None
    document = {
        "command": " ".join([".venv/bin/python", "bench/load.py", *(argv if argv is not None else sys.argv[1:])]),
        "timestamp": bench.stamp,
        "commit": git_commit(),
        "machine": machine(),
        "versions": versions(),
        "config": config.__dict__,
        "wrk": (
            f"wrk -t{config.threads} -c{config.connections} -d{config.duration}s --timeout={config.timeout}s --latency"
        ),
        "summary": table,
        "runs": bench.runs,
        "problems": bench.problems,
        "failure": failure,
        "elapsed_s": round(time.monotonic() - started, 1),
        "profiles": bench.profiles,
        **extra,
    }
    result_path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    if extra:
        mib = 1024 * 1024
        running = sum(extra["db_bytes_running"].values()) / mib
        closed = sum(extra["db_bytes_after_close"].values()) / mib
        print(
            f"server peak RSS (VmHWM): {extra['peak_rss_mib']} MiB over {len(extra['memory'])} process(es),"
            f" largest {extra['largest_process_peak_rss_mib']} MiB; database {running:.1f} MiB with WAL while running,"
            f" {closed:.1f} MiB after close; rows {extra['db_rows']}; quick_check {extra['db_quick_check']}"
        )
        lines = extra["server_log_error_lines"]
        if lines:
            print(f"server log has {len(lines)} error lines, e.g. {lines[:3]}")
    for problem in bench.problems:
        print(f"PROBLEM: {problem}")
    if bench.problems and status == 0:
        status = 1
    print(f"results: {result_path.relative_to(ROOT)} ({time.monotonic() - started:.0f} s)")
    if config.keep or status == 1:
        print(f"kept temp dir: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
