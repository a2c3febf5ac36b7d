"""Settings, declared once with their default and help text, loaded once from
the environment (``CONTEST_<NAME>``) and passed explicitly to what needs them.

``docs/settings.md`` lists every setting; a test fails when one is missing there.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PREFIX = "CONTEST_"


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "sqlite:///contest.db",
        "Where data lives: `sqlite:///path/to/file.db` (relative to the working directory), "
        "`sqlite:////absolute/path.db`, or PostgreSQL, `postgresql://user:password@host:5432/database` "
        "(several workers and nodes share one database; `deploy.md`).",
    )
    sqlite_synchronous: str = _setting(
        "FULL",
        "SQLite only: `FULL` syncs every commit to disk, so an answer acknowledged as saved survives a power "
        "cut; `NORMAL` is a little faster but an OS crash or power cut may lose the last commits (the file "
        "never corrupts). One sync covers a whole group commit, so FULL costs nothing visible in the benchmark.",
    )
    postgres_pool_size: int = _setting(
        8,
        "PostgreSQL only: connections each app process keeps open (and the threads that use them). "
        "A connection is checked before each use, so a database restart costs no failed request.",
    )
    secret_key: str = _setting(
        "",
        "Signs session cookies and API tokens. Required outside `--demo`; use 32+ random bytes, "
        "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
    )
    grace_seconds: int = _setting(
        10,
        "Seconds after an attempt's deadline during which answers and submissions still count "
        "(covers network latency; participants never see it).",
    )
    token_ttl_seconds: int = _setting(86_400, "Lifetime of a bearer token issued by `POST /api/v1/token`.")
    session_max_age_seconds: int = _setting(7 * 86_400, "Lifetime of a signed-in browser session.")
    cookie_secure: bool = _setting(False, "Send the session cookie over HTTPS only. Turn on in production behind TLS.")
    max_body_bytes: int = _setting(
        64 * 1024, "Largest request body accepted by forms and the JSON API (bank uploads excepted)."
    )
    max_upload_bytes: int = _setting(10 * 1024 * 1024, "Largest question-bank file an organiser may upload.")
    max_pending_uploads: int = _setting(
        3,
        "Uploaded bank files one organiser keeps waiting for confirmation; one more forgets their oldest (its "
        "preview then says so), so unconfirmed files hold at most this many times `max_upload_bytes` each.",
    )
    pending_upload_seconds: int = _setting(
        86_400, "How long an unconfirmed bank upload is kept; the sweeper deletes older ones, freeing their bytes."
    )
    trusted_proxies: str = _setting(
        "",
        "Addresses or networks (comma-separated, e.g. `127.0.0.1` or `10.0.0.5, 10.0.1.0/24`) whose "
        "`X-Forwarded-For` and `X-Forwarded-Proto` headers are believed: the reverse proxy in front "
        "(`deploy.md`). Empty: believed from nobody, the connecting address is the client.",
    )
    keep_alive_seconds: int = _setting(
        5, "Seconds `contest serve` keeps an idle connection open between requests before closing it."
    )
    header_timeout_seconds: int = _setting(
        10,
        "Seconds a client has to send a request's whole header to `contest serve`, from connecting or from "
        "starting the request; then the connection is closed (idle and slow clients cannot hold every file "
        "descriptor). nginx's `client_header_timeout` does the same in front (`deploy.md`).",
    )
    body_timeout_seconds: int = _setting(
        30,
        "Seconds a client has to send a form's or JSON request's whole body, from the end of its header; then "
        "the answer is 408 and the connection is closed. nginx's `client_body_timeout` does it in front (`deploy.md`).",
    )
    upload_body_timeout_seconds: int = _setting(
        300, "As `body_timeout_seconds`, for the routes that take a file (a bank, a document)."
    )
    max_concurrency: int = _setting(
        0,
        "Connections and requests in progress one `contest serve` process takes at once before it answers 503 "
        "(0: no limit). Sheds load behind nginx, which then tries another node; it counts idle connections too "
        "(1,500 idle ones made a node answer 503 to everyone, `benchmarks.md`), so leave it off on a node "
        "reachable without nginx.",
    )
    login_max_failures: int = _setting(
        5,
        "Failed sign-ins for one login name within `login_window_seconds` after which signing in to it needs a "
        "proof-of-work challenge (`challenge`), so the owner with the right password always gets in. With "
        "challenges off, counted per login name and address together, and that pair waits out the window.",
    )
    login_ip_max_failures: int = _setting(
        100,
        "Failed sign-ins from one client address for all names together after which its sign-ins need a "
        "challenge (with challenges off: wait out the window). Mobile carriers put many people behind one "
        "address, so keep it well above the per-name limit.",
    )
    login_window_seconds: int = _setting(900, "Window over which failed sign-ins are counted.")
    challenge: bool = _setting(
        True,
        "Ask for an ALTCHA proof-of-work challenge (solved by the browser, or by the citizen app: `api.md`) at "
        "every registration and at sign-ins after failures. `off` for a deployment that verifies phones "
        "instead; the per-address limits stay.",
    )
    challenge_max_number: int = _setting(
        100_000,
        "The largest secret number a challenge hides: a client tries half as many SHA-256 hashes on average "
        "(well under a second in a phone's browser).",
    )
    challenge_seconds: int = _setting(600, "How long a challenge stays solvable and its solution usable, once.")
    limit_window_seconds: int = _setting(
        600, "Window over which registrations and sign-ins are counted per address and per network."
    )
    register_max_per_address: int = _setting(
        5,
        "Registrations (and answers that a phone, CCCD or email is taken) from one client address within "
        "`limit_window_seconds`; then 429 until the window passes.",
    )
    register_max_per_network: int = _setting(
        30,
        "The same from one network (IPv4 /24, IPv6 /64). A school or office registering together behind one "
        "address needs both raised for that day.",
    )
    signin_max_per_address: int = _setting(
        30,
        "Sign-ins from one client address within `limit_window_seconds` after which its sign-ins need a "
        "challenge (with challenges off: 429 until the window passes).",
    )
    signin_max_per_network: int = _setting(300, "The same from one network (IPv4 /24, IPv6 /64).")
    nojs_max_per_address: int = _setting(
        2,
        "Registrations, and sign-ins that need a challenge, accepted without a solution (a browser without "
        "JavaScript cannot solve one) from one client address within `nojs_window_seconds`.",
    )
    nojs_max_per_network: int = _setting(10, "The same from one network (IPv4 /24, IPv6 /64).")
    nojs_window_seconds: int = _setting(3_600, "Window over which submissions without a solution are counted.")
    nojs_max_per_login: int = _setting(
        10,
        "Sign-ins without a solution for one login name, from all addresses together, once that name needs a "
        "challenge: guesses spread over many networks stay few. Its owner still gets in by solving the challenge.",
    )
    argon2_time_cost: int = _setting(3, "Argon2id passes when hashing a password.")
    argon2_memory_kib: int = _setting(65_536, "Argon2id memory in KiB when hashing a password.")
    sweep_interval_seconds: int = _setting(
        30,
        "How often the server finalises attempts whose time ran out without a submission, and ranks rounds "
        "whose close has passed (once per close, by one node).",
    )
    access_log: bool = _setting(False, "Log every request (halves throughput; off by default).")
    catalog_check_seconds: int = _setting(
        1,
        "How often each process reads the database's data version and reloads its cached contests, rounds and "
        "banks when it moved: a change made on any node is seen everywhere within this many seconds.",
    )
    attempt_cache_size: int = _setting(
        20_000,
        "Attempts whose guard (owner, deadline, option counts; never the key) each process keeps in memory, "
        "and as many (participant, contest) pairs it knows have joined.",
    )
    session_check_seconds: int = _setting(
        2,
        "How often each process reads the data version to learn whether an account changed (disabled, new role "
        "or password): such an account loses its sessions and tokens on every node within this many seconds. "
        "0 reads it on every signed-in request.",
    )
    sms_sender: str = _setting(
        "",
        "How one-time codes reach phones (registration with a verified phone, a forgotten password): `webhook` "
        "posts each message to the province's SMS gateway (`sms_webhook_*`); `log` writes it to the server's log "
        "(development, tests; `--demo` uses it); empty: none, and what needs one says it is not available.",
    )
    sms_webhook_url: str = _setting("", "The SMS gateway's address that `sms_sender=webhook` posts to.")
    sms_webhook_headers: str = _setting(
        "{}",
        'Headers sent with each SMS webhook request, as a JSON object, e.g. `{"Authorization": "Bearer …"}`.',
    )
    sms_webhook_body: str = _setting(
        '{"to": "{phone}", "text": "{message}"}',
        "The SMS webhook's request body: `{phone}` (0xxxxxxxxx) and `{message}` are replaced by their values, "
        "JSON-escaped (so put them inside quotes); sent as `application/json` unless `sms_webhook_headers` "
        "names another Content-Type.",
    )
    email_sender: str = _setting(
        "",
        "How password-reset links reach email addresses: `webhook` posts each message to a mail service "
        "(`email_webhook_*`); `log` writes it to the server's log; empty: none (resetting by phone still works).",
    )
    email_webhook_url: str = _setting("", "The mail service's address that `email_sender=webhook` posts to.")
    email_webhook_headers: str = _setting("{}", "Headers sent with each email webhook request, as a JSON object.")
    email_webhook_body: str = _setting(
        '{"to": "{email}", "subject": "{subject}", "text": "{message}"}',
        "The email webhook's request body: `{email}`, `{subject}` and `{message}` replaced, JSON-escaped.",
    )
    sender_timeout_seconds: int = _setting(
        10, "Seconds to wait for the SMS gateway or mail service before telling the person to try again."
    )
    public_url: str = _setting(
        "",
        "The site's address as participants reach it, e.g. `https://hoithi.example.gov.vn`: the start of the "
        "links in emails. Emailed reset links are off without it (a link is never built from the request's "
        "Host header, which anyone can forge).",
    )
    code_ttl_seconds: int = _setting(600, "How long a one-time code sent by SMS works.")
    code_max_tries: int = _setting(
        5, "Codes that may be typed against one sent code (right or wrong); then it stops working."
    )
    code_sends_per_target: int = _setting(
        3,
        "Messages with a code asked for one phone or email from one network (IPv4 /24, IPv6 /64) within "
        "`code_window_seconds`, counted whether or not one was sent.",
    )
    code_sends_per_target_total: int = _setting(
        10,
        "Messages with a code really sent to one phone or email from all networks within `code_window_seconds`: "
        "higher than `code_sends_per_target`, so a script on one network cannot use it up and block the owner.",
    )
    code_sends_per_address: int = _setting(
        20, "Messages with a code asked for from one client address within `code_window_seconds`."
    )
    code_window_seconds: int = _setting(3_600, "Window over which messages with a code are counted.")
    code_resend_seconds: int = _setting(
        60,
        "Seconds before another message of the same kind (a registration code, a reset code or link, a phone "
        "change code) may be asked for one phone or email from one network: how long «Gửi lại mã» waits.",
    )
    reset_link_ttl_seconds: int = _setting(3_600, "How long an emailed password-reset link works (once).")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``CONTEST_*`` variables; ``overrides`` win (used by the CLI)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _parse(f.name, raw, type(f.default))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def proxies(self) -> list[str]:
        """``trusted_proxies`` as a list of networks (``"10.0.0.5"`` is
        ``10.0.0.5/32``), as uvicorn's ``forwarded_allow_ips`` takes them; empty
        when none. ``ValueError`` naming the entry that is no address or network
        (uvicorn would silently trust nothing for it)."""
        found = []
        for entry in self.trusted_proxies.split(","):
            if not entry.strip():
                continue
            try:
                found.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
            except ValueError:
                raise ValueError(
                    f"{PREFIX}TRUSTED_PROXIES: {entry.strip()!r} is not an address or network "
                    "(e.g. 10.0.0.5 or 10.0.1.0/24)"
                ) from None
        return found

    @classmethod
    def documented(cls) -> list[tuple[str, Any, str]]:
        return [(PREFIX + f.name.upper(), f.default, f.metadata["help"]) for f in dataclasses.fields(cls)]


def _parse(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        if raw.strip().lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.strip().lower() in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"{PREFIX}{name.upper()} must be true or false, not {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{PREFIX}{name.upper()} must be a whole number, not {raw!r}") from None
    return raw
