"""Abuse benchmark: what an attacker with a script gets from a real server,
and what a participant feels meanwhile. Loopback only, bounded in time.

    .venv/bin/python bench/abuse.py            # 60 s per registration window, ~3.5 min in all
    .venv/bin/python bench/abuse.py --quick    # 10 s windows, ~1 min

It starts ``contest serve`` on a fresh SQLite file (production settings,
argon2 included, ``CONTEST_TRUSTED_PROXIES=127.0.0.1``) and Debian's nginx
with deploy/nginx.conf in front of it (tests/e2e/nginx.py), then measures:

1. registrations accepted from one address in the window: the script sends
   ``X-Forwarded-For: 198.51.100.7`` straight to the app, which believes it
   from 127.0.0.1 as it would from nginx; 8 at once, each solving the
   proof-of-work challenge first when the server issues one (ALTCHA, the
   ``altcha`` package), waiting 0.5 s after a 429;
2. the same from one /24, each request from another of its 254 addresses;
3. an aimed lock-out: 300 wrong passwords for one participant's phone from
   300 addresses in 50 networks, then the owner signs in from their own
   address with the right password (solving a challenge if asked): the time
   it takes, or that they could not;
4. a participant's answer saves through nginx (25 a second, from 127.0.0.3)
   without and then with 2,000 clients sending their headers a byte a
   second: p50/p95/max, and ``GET /healthz`` through nginx as the yardstick;
5. 1,500 idle connections straight to the app (no nginx), each having sent
   one byte: whether ``GET /healthz`` still answers while they are held and
   how soon the app closes them (CONTEST_HEADER_TIMEOUT_SECONDS), with the
   default settings and with CONTEST_MAX_CONCURRENCY=1000 (a second server).

Prints a table and writes bench/results/abuse-<UTC timestamp>.json; docs/benchmarks.md
has the figures. Every process it starts is stopped on success, failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:0] = [str(BENCH_DIR), str(ROOT)]  # bench/load.py and bench/seeding.py; tests/e2e/nginx.py

import httpx2  # noqa: E402
import seeding  # noqa: E402
from altcha.v1 import Payload, solve_challenge  # noqa: E402
from load import BIN, RESULTS, Processes, _raise_interrupt, free_port, log, machine, versions, wait_ready  # noqa: E402

from contest.config import Settings  # noqa: E402
from tests.e2e.nginx import SlowClients, available, start_nginx  # noqa: E402

PASSWORD = "mat-khau-do-lam-dung"
ONE_ADDRESS = "198.51.100.7"
ONE_NETWORK = "203.0.113.{}"
OWNER_ADDRESS = "192.0.2.10"
PARTICIPANT = "127.0.0.3"
_serial = itertools.count(1)


def person(area: int) -> dict[str, Any]:
    """A new registration: a unique mobile number and a CCCD consistent
    with its birth year (province 082, a man born in 1990)."""
    n = next(_serial)
    return {
        "full_name": "Nguyễn Văn Thử",
        "phone": f"091{n:07d}",
        "cccd": f"082090{n:06d}",
        "birth_year": 1990,
        "password": PASSWORD,
        "area": area,
        "consent": True,
    }


def solve(challenge: dict[str, Any]) -> str:
    found = solve_challenge(challenge["challenge"], challenge["salt"], "SHA-256", challenge["maxnumber"])
    assert found is not None, "a challenge without a solution below its maxnumber"
    fields = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return str(Payload(number=found.number, **fields).to_base64())


async def solution(http: httpx2.AsyncClient) -> dict[str, str]:
    """``{"altcha": …}`` solved, or ``{}`` when the server issues no challenge."""
    issued = await http.get("/api/v1/challenge")
    if issued.status_code != 200 or "challenge" not in issued.json():
        return {}
    return {"altcha": await asyncio.to_thread(solve, issued.json())}


async def registrations(url: str, area: int, address: Callable[[int], str], seconds: float) -> dict[str, Any]:
    """Scripted registrations for ``seconds``, 8 at once, request ``i`` from ``address(i)``."""
    statuses: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    first_refusal: float | None = None
    sent = itertools.count()
    began = time.monotonic()

    async def worker(http: httpx2.AsyncClient) -> None:
        nonlocal first_refusal
        while time.monotonic() - began < seconds:
            i = next(sent)
            body = {**person(area), **await solution(http)}
            r = await http.post("/api/v1/register", json=body, headers={"X-Forwarded-For": address(i)})
            statuses[r.status_code] += 1
            if r.status_code != 201:
                codes[r.json().get("error", "?")] += 1
            if r.status_code == 429:
                first_refusal = first_refusal or time.monotonic() - began
                await asyncio.sleep(0.5)

    async with httpx2.AsyncClient(base_url=url, timeout=30) as http:
        await asyncio.gather(*(worker(http) for _ in range(8)))
    return {
        "seconds": seconds,
        "accepted": statuses[201],
        "statuses": dict(statuses),
        "errors": dict(codes),
        "first_refusal_s": first_refusal and round(first_refusal, 1),
    }


async def lockout(url: str, area: int, *, attempts: int = 300) -> dict[str, Any]:
    """Wrong passwords for one phone from many addresses, then its owner."""
    owner = person(area)
    async with httpx2.AsyncClient(base_url=url, timeout=30) as http:
        body = {**owner, **await solution(http)}
        r = await http.post("/api/v1/register", json=body, headers={"X-Forwarded-For": OWNER_ADDRESS})
        assert r.status_code == 201, r.text
        statuses: Counter[int] = Counter()
        queue = iter(range(attempts))

        async def attacker() -> None:
            for i in queue:
                address = f"100.{64 + i % 50}.{i % 7}.{1 + i % 250}"  # 300 addresses in 50 networks (/24)
                wrong = {"login": owner["phone"], "password": f"sai-{i}"}
                r = await http.post("/api/v1/token", json=wrong, headers={"X-Forwarded-For": address})
                statuses[r.status_code] += 1

        began = time.monotonic()
        await asyncio.gather(*(attacker() for _ in range(8)))
        attack_s = time.monotonic() - began
        began, tries, answer = time.monotonic(), 0, None
        extra: dict[str, str] = {}
        while time.monotonic() - began < 10:
            tries += 1
            right = {"login": owner["phone"], "password": PASSWORD, **extra}
            answer = await http.post("/api/v1/token", json=right, headers={"X-Forwarded-For": OWNER_ADDRESS})
            if answer.status_code == 429 and answer.json().get("error") == "challenge_required" and not extra:
                extra = await solution(http)
                continue
            break
    assert answer is not None
    return {
        "attack_requests": attempts,
        "attack_seconds": round(attack_s, 1),
        "attack_statuses": dict(statuses),
        "owner_status": answer.status_code,
        "owner_error": None if answer.status_code == 200 else answer.json().get("error"),
        "owner_ms": round((time.monotonic() - began) * 1000),
        "owner_requests": tries,
        "owner_solved_challenge": bool(extra),
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1),
        "max_ms": round(ms[-1], 1),
    }


def saves(http: httpx2.Client, auth: dict[str, str], attempt: dict[str, Any], count: int) -> dict[str, Any]:
    """``count`` answer saves at 25 a second, and as many ``/healthz``."""
    questions = attempt["questions"]
    timings, bare, failed = [], [], 0
    for k in range(count):
        question = questions[k % len(questions)]
        option = question["options"][k % len(question["options"])]["id"]
        sent = time.monotonic()
        r = http.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", headers=auth, json={"options": [option]}
        )
        timings.append(time.monotonic() - sent)
        failed += r.status_code != 200
        sent = time.monotonic()
        http.get("/healthz")
        bare.append(time.monotonic() - sent)
        time.sleep(max(0.0, 0.04 - (time.monotonic() - sent)))
    return {"save": percentiles(timings), "healthz": percentiles(bare), "failed": failed}


def idle(url: str, port: int, *, count: int) -> dict[str, Any]:
    """``count`` connections that send one byte and wait; ``/healthz`` meanwhile."""
    statuses: Counter[int | str] = Counter()
    timings = []
    with SlowClients(port, count, every=3600) as clients, httpx2.Client(base_url=url, timeout=5) as http:
        for _ in range(20):
            sent = time.monotonic()
            try:
                statuses[http.get("/healthz").status_code] += 1
            except httpx2.HTTPError as exc:
                statuses[type(exc).__name__] += 1
            timings.append(time.monotonic() - sent)
        began = time.monotonic()
        while clients.closed_by_server < clients.connected and time.monotonic() - began < 30:
            time.sleep(0.1)
        return {
            "idle": count,
            "connected": clients.connected,
            "healthz": dict(statuses),
            "healthz_ms": percentiles(timings),
            "closed_by_server": clients.closed_by_server,
            "all_closed_after_s": round(time.monotonic() - began, 1),
        }


def through_nginx(
    server_url: str, proxy_url: str, proxy_port: int, area: int, *, slow: int, count: int
) -> dict[str, Any]:
    owner = person(area)
    with httpx2.Client(base_url=server_url, timeout=30) as direct:
        body = {**owner, **asyncio.run(_solution_once(server_url))}
        r = direct.post("/api/v1/register", json=body, headers={"X-Forwarded-For": "192.0.2.20"})
        assert r.status_code == 201, r.text
    transport = httpx2.HTTPTransport(local_address=PARTICIPANT)
    with httpx2.Client(base_url=proxy_url, transport=transport, timeout=30) as http:
        token = http.post("/api/v1/token", json={"login": owner["phone"], "password": PASSWORD})
        assert token.status_code == 200, token.text
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        (round_,) = [r for r in http.get("/api/v1/rounds", headers=auth).json() if r["status"] == "open"]
        started = http.post(f"/api/v1/rounds/{round_['id']}/attempts", headers=auth)
        assert started.status_code == 201, started.text
        attempt = started.json()
        quiet = saves(http, auth, attempt, count)
        with SlowClients(proxy_port, slow) as clients:
            loaded = saves(http, auth, attempt, count)
            held = clients.connected - clients.closed_by_server
        return {"without": quiet, "with": loaded, "slow_clients": slow, "slow_still_connected_after": held}


async def _solution_once(url: str) -> dict[str, str]:
    async with httpx2.AsyncClient(base_url=url, timeout=30) as http:
        return await solution(http)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="10 s registration windows")
    p.add_argument("--seconds", type=float, help="seconds per registration window (60; quick 10)")
    p.add_argument("--slow", type=int, default=2000, help="slow clients held open through nginx (2000)")
    p.add_argument("--saves", type=int, default=100, help="answer saves measured with and without them (100)")
    p.add_argument("--idle", type=int, default=1500, help="idle connections straight to the app (1500)")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (database, logs, nginx.conf)")
    args = p.parse_args(argv)
    seconds = args.seconds or (10 if args.quick else 60)
    if not available():
        print("nginx is not installed: apt-get install -y nginx", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _raise_interrupt)
    workdir = Path(tempfile.mkdtemp(prefix="abuse-"))
    procs = Processes()
    proxy = None
    try:
        settings = Settings(secret_key="abuse-bench-" + "k" * 40, database_url=f"sqlite:///{workdir / 'contest.db'}")
        seeded = asyncio.run(
            seeding.seed(settings.database_url, settings, participants=1, questions=300, now=datetime.now(UTC))
        )
        area = seeded.area_ids[0]
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CONTEST_")},
            "CONTEST_DATABASE_URL": settings.database_url,
            "CONTEST_SECRET_KEY": settings.secret_key,
            "CONTEST_TRUSTED_PROXIES": "127.0.0.1",
        }
        server = procs.start(
            "contest",
            [str(BIN / "contest"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            log_path=workdir / "server.log",
        )
        url = f"http://127.0.0.1:{port}"
        wait_ready(server, url + "/healthz", workdir / "server.log")
        proxy = start_nginx(workdir / "nginx", port=free_port(), redirect_port=free_port(), upstream_port=port)
        challenge = httpx2.get(url + "/api/v1/challenge").status_code == 200
        log(f"server {url}, nginx {proxy.url}; challenges {'issued' if challenge else 'not issued'}")
        result: dict[str, Any] = {"challenges": challenge, "machine": machine(), "versions": versions()}
        result["load_average_before"] = os.getloadavg()  # the machine may be shared: say how busy it was
        log(f"registrations from one address for {seconds:.0f} s")
        result["one_address"] = asyncio.run(registrations(url, area, lambda i: ONE_ADDRESS, seconds))
        log(f"registrations from one /24 for {seconds:.0f} s")
        result["one_network"] = asyncio.run(
            registrations(url, area, lambda i: ONE_NETWORK.format(1 + i % 254), seconds)
        )
        log("aimed lock-out, then the owner signs in")
        result["lockout"] = asyncio.run(lockout(url, area))
        log(f"answer saves through nginx, without and with {args.slow} slow clients")
        result["nginx"] = through_nginx(url, proxy.url, proxy.port, area, slow=args.slow, count=args.saves)
        log(f"{args.idle} idle connections straight to the app")
        result["idle"] = idle(url, port, count=args.idle)
        limited_port = free_port()
        limited = procs.start(
            "contest-limited",
            [str(BIN / "contest"), "serve", "--host", "127.0.0.1", "--port", str(limited_port)],
            env={**env, "CONTEST_MAX_CONCURRENCY": "1000"},
            log_path=workdir / "server-limited.log",
        )
        wait_ready(limited, f"http://127.0.0.1:{limited_port}/healthz", workdir / "server-limited.log")
        log("the same with CONTEST_MAX_CONCURRENCY=1000")
        result["idle_limited"] = idle(f"http://127.0.0.1:{limited_port}", limited_port, count=args.idle)
        result["load_average_after"] = os.getloadavg()
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        if proxy is not None:
            proxy.stop()
        procs.stop_all()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log(f"kept {workdir}")
    report(result)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"abuse-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"wrote {out.relative_to(ROOT)}")
    return 0


def report(r: dict[str, Any]) -> None:
    for key, label in (("one_address", "one address"), ("one_network", "one /24")):
        x = r[key]
        print(
            f"registrations from {label}: {x['accepted']} accepted in {x['seconds']:.0f} s "
            f"(first refusal at {x['first_refusal_s']} s; statuses {x['statuses']}; {x['errors']})"
        )
    lock = r["lockout"]
    print(
        f"aimed lock-out: {lock['attack_requests']} wrong passwords from 300 addresses in {lock['attack_seconds']} s "
        f"({lock['attack_statuses']}); the owner then got {lock['owner_status']} {lock['owner_error'] or ''} "
        f"in {lock['owner_ms']} ms ({lock['owner_requests']} requests, challenge: {lock['owner_solved_challenge']})"
    )
    n = r["nginx"]
    for key in ("without", "with"):
        s, h = n[key]["save"], n[key]["healthz"]
        print(
            f"through nginx {key} {n['slow_clients']} slow clients: save p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, "
            f"max {s['max_ms']} ms ({n[key]['failed']} failed); /healthz p50 {h['p50_ms']} ms, p95 {h['p95_ms']} ms"
        )
    print(f"slow clients still connected when the last save returned: {n['slow_still_connected_after']}")
    for key, label in (("idle", "default settings"), ("idle_limited", "CONTEST_MAX_CONCURRENCY=1000")):
        i = r[key]
        print(
            f"{i['connected']} idle connections straight to the app ({label}): /healthz {i['healthz']}, "
            f"p50 {i['healthz_ms']['p50_ms']} ms; all closed by the app {i['all_closed_after_s']} s later"
        )
    print(f"load average before {r['load_average_before'][0]:.1f}, after {r['load_average_after'][0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
