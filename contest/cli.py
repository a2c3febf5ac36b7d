"""The ``contest`` command: how operators install, seed, import and serve.

contest serve [--host H] [--port P] [--workers N] [--demo]
contest migrate
contest backup FILE
contest staff add --role organiser|judge|admin --username NAME --name "Full name"
contest staff disable|enable|password USERNAME
contest staff role USERNAME participant|organiser|judge|admin
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import secrets
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from contest.clock import SystemClock
from contest.config import Settings
from contest.domain import publication
from contest.domain.banks.common import BankError, ParsedBank
from contest.domain.banks.export import FORMATS, write_bank
from contest.domain.banks.quality import report as quality_report
from contest.domain.banks.reader import read_bank
from contest.domain.banks.toml_format import load_directory, load_path
from contest.domain.models import Bank, Question, Role
from contest.errors import ContestError, Invalid, NotFound
from contest.progress import ProgressBar
from contest.resources import resource_dir
from contest.services.banks import bank_name
from contest.services.container import Services
from contest.services.facts import reported
from contest.services.senders import email_sender, sms_sender
from contest.services.staff import OPERATOR
from contest.storage import DatabaseUnavailable, Duplicate, UnsupportedDatabase, configured_storage
from contest.storage.migrate import SchemaTooNew
from contest.storage.sqlite import SQLiteStorage

T = TypeVar("T")


ONE_SQLITE_WORKER = (
    "SQLite chỉ chạy với một tiến trình (--workers 1): nhiều tiến trình tranh nhau khóa ghi của tệp, thời gian "
    "chờ bắt đầu bài thi vọt lên hàng giây. Để dùng nhiều tiến trình hoặc nhiều máy, hãy dùng PostgreSQL "
    "(CONTEST_DATABASE_URL=postgresql://…, xem docs/deploy.md).\n"
    "(SQLite runs one worker process: several contend for the file's write lock and starting an attempt takes "
    "seconds at p99, docs/benchmarks.md. For several workers or nodes use PostgreSQL: "
    "CONTEST_DATABASE_URL=postgresql://…, see docs/deploy.md.)"
)
"""Why ``serve --workers N`` (N > 1) is refused on SQLite: measured with
``bench/load.py --workers 2``, throughput rose but p99 reached 5.2 s on start."""


def _fail(message: str) -> int:
    print(f"contest: {message}", file=sys.stderr)
    return 1


async def _with_storage(work: Callable[[Services], Awaitable[T]]) -> T:
    settings = Settings.from_env()
    storage = configured_storage(settings)
    await asyncio.to_thread(storage.migrate)
    storage.start()
    try:
        return await work(Services.build(storage, settings))
    finally:
        await storage.close()


async def _prepare(*, demo: bool) -> None:
    """Migrate, and with ``demo`` seed an empty database, printing the staff
    passwords once."""
    from contest.services.demo import seed_demo

    async def work(services: Services) -> None:
        if not demo:
            return
        if not await services.storage.contests.is_empty():
            print("Cơ sở dữ liệu đã có dữ liệu: không thêm cuộc thi mẫu.")
            print(
                "Mật khẩu quản trị chỉ hiện ở lần chạy đầu. Quên mật khẩu thì đặt mật khẩu mới (in ra một lần):\n"
                "  contest staff password bantochuc   (Ban tổ chức; giamkhao cho Ban giám khảo)"
            )
            return
        accounts = await seed_demo(services)
        print("Đã tạo cuộc thi mẫu. Tài khoản quản trị (mật khẩu chỉ hiện một lần, hãy lưu lại):")
        print(f"  Ban tổ chức:  {accounts.organiser[0]} / {accounts.organiser[1]}")
        print(f"  Ban giám khảo: {accounts.judge[0]} / {accounts.judge[1]}")

    await _with_storage(work)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from contest.web.protocol import HeaderTimeout

    if not os.environ.get("CONTEST_SECRET_KEY"):
        if not args.demo:
            return _fail(
                "CONTEST_SECRET_KEY is not set. Set it to a long random value, e.g.\n"
                "  export CONTEST_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\n"
                "(only `contest serve --demo` runs without it, with a key that changes on every start)."
            )
        os.environ["CONTEST_SECRET_KEY"] = secrets.token_urlsafe(48)
    if args.demo:  # one-time codes and reset links are written to the log
        os.environ.setdefault("CONTEST_SMS_SENDER", "log")
        os.environ.setdefault("CONTEST_EMAIL_SENDER", "log")
        os.environ.setdefault("CONTEST_PUBLIC_URL", f"http://{args.host}:{args.port}")
    try:
        settings = Settings.from_env()
        if args.workers > 1 and settings.database_url.startswith("sqlite:"):
            return _fail(ONE_SQLITE_WORKER)
        proxies = settings.proxies()
        sms_sender(settings)  # ValueError naming a sender setting that cannot work
        email_sender(settings)
        asyncio.run(_prepare(demo=args.demo))
    except (UnsupportedDatabase, DatabaseUnavailable, SchemaTooNew, ValueError) as exc:
        return _fail(str(exc))
    print(f"Hội thi trực tuyến: http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(
        "contest.web.asgi:create",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=settings.access_log or args.access_log,
        log_level="info",
        log_config=_log_config(),
        proxy_headers=bool(proxies),  # X-Forwarded-* believed only from CONTEST_TRUSTED_PROXIES
        forwarded_allow_ips=proxies,
        timeout_keep_alive=settings.keep_alive_seconds,
        http=HeaderTimeout,  # uvicorn's httptools protocol with a header timeout (CONTEST_HEADER_TIMEOUT_SECONDS)
        limit_concurrency=settings.max_concurrency or None,
    )
    return 0


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with the app's own loggers (``contest.*``) at INFO
    through the same handler, so a line such as "client went away" reaches
    stderr as one line like uvicorn's."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["contest"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def migrate(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
        storage = configured_storage(settings)
        applied = storage.migrate()
    except (UnsupportedDatabase, DatabaseUnavailable, SchemaTooNew, ValueError) as exc:
        return _fail(str(exc))
    print(f"Applied migrations: {applied}" if applied else "The schema is up to date.")
    return 0


def backup(args: argparse.Namespace) -> int:
    """A consistent copy of the SQLite database while the server runs; a
    PostgreSQL database is backed up with pg_dump (docs/deploy.md)."""
    try:
        settings = Settings.from_env()
        storage = configured_storage(settings)
    except (UnsupportedDatabase, ValueError) as exc:
        return _fail(str(exc))
    if not isinstance(storage, SQLiteStorage):
        return _fail(
            "contest backup sao lưu cơ sở dữ liệu SQLite; với PostgreSQL hãy dùng pg_dump (xem docs/deploy.md). "
            "(contest backup copies a SQLite database; back PostgreSQL up with pg_dump, see docs/deploy.md.)"
        )
    target = Path(args.file)
    try:
        storage.backup(target)
    except FileExistsError:
        return _fail(f"{target} đã có: hãy chọn tên tệp mới. ({target} exists: choose a new file name.)")
    except OSError as exc:
        return _fail(f"cannot write {target}: {exc.strerror}")
    print(f"Đã sao lưu vào {target}.")
    return 0


def staff_add(args: argparse.Namespace) -> int:
    async def run(services: Services) -> str:
        password = secrets.token_urlsafe(12)
        await services.storage.accounts.create_staff(
            username=args.username,
            full_name=args.name,
            role=Role(args.role),
            password_hash=await services.passwords.hash(password),
            now=services.clock.now(),
        )
        return password

    try:
        password = asyncio.run(_with_storage(run))
    except Duplicate:
        return _fail(f"username {args.username!r} is taken")
    except (UnsupportedDatabase, SchemaTooNew, ValueError) as exc:
        return _fail(str(exc))
    print(f"{args.role} {args.username}: mật khẩu {password} (chỉ hiện một lần)")
    return 0


def staff_change(args: argparse.Namespace) -> int:
    """Disable or enable an account, change its role or give it a new
    password; each ends the account's sessions and tokens on every node."""

    async def run(services: Services) -> str:
        user = await services.staff.account(OPERATOR, args.username)
        if args.staff_command == "disable":
            await services.staff.disable(OPERATOR, user.id)
            return f"{args.username}: đã khoá tài khoản"
        if args.staff_command == "enable":
            await services.staff.enable(OPERATOR, user.id)
            return f"{args.username}: đã mở khoá tài khoản"
        if args.staff_command == "role":
            await services.staff.set_role(OPERATOR, user.id, Role(args.role))
            return f"{args.username}: vai trò mới {args.role}"
        password = secrets.token_urlsafe(12)
        await services.staff.set_password(OPERATOR, user.id, password)
        return f"{args.username}: mật khẩu mới {password} (chỉ hiện một lần)"

    try:
        print(asyncio.run(_with_storage(run)))
    except ContestError as exc:
        return _fail(exc.message)
    except (UnsupportedDatabase, SchemaTooNew, ValueError) as exc:
        return _fail(str(exc))
    return 0


def _read(path: str) -> tuple[ParsedBank | None, str]:
    """Parse a bank file, printing a progress bar on large files; a folder of
    ``.toml`` files or one ``.toml`` file is read as the bundled bank is
    (``toml_format.load_path``). Returns the bank, or None and the reason it
    could not be read."""
    try:
        if Path(path).is_dir() or path.lower().endswith(".toml"):
            return load_path(Path(path)), ""
        data = Path(path).read_bytes()
    except BankError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"cannot read {path}: {exc.strerror}"
    bar = ProgressBar(sys.stderr)
    try:
        return read_bank(Path(path).name, data, max_bytes=Settings.from_env().max_upload_bytes, progress=bar), ""
    except BankError as exc:
        return None, str(exc)
    finally:
        bar.close()


def _report(bank: ParsedBank) -> None:
    topics = Counter(q.topic for q in bank.questions)
    print(f"{len(bank.questions)} câu hỏi, {len(bank.errors)} lỗi, {len(bank.warnings)} cảnh báo")
    for topic, count in topics.items():
        print(f"  {topic or '(không có chủ đề)'}: {count}")
    for problem in bank.problems:
        print(f"  {problem}")


def _print_quality(bank: ParsedBank) -> None:
    """The bank's quality report (``domain/banks/quality.py``), sources judged
    as of today: warnings to read, which never change the exit code."""
    warnings = quality_report(bank.questions, on=SystemClock().now().date()).warnings
    print(f"Báo cáo chất lượng: {len(warnings)} cảnh báo")
    for warning in warnings:
        print(f"  Cảnh báo: {warning}")


def bank_check(args: argparse.Namespace) -> int:
    bank, reason = _read(args.file)
    if bank is None:
        return _fail(reason)
    _report(bank)
    _print_quality(bank)
    return 0 if bank.ok else 1


def bank_import(args: argparse.Namespace) -> int:
    bank, reason = _read(args.file)
    if bank is None:
        return _fail(reason)
    _report(bank)
    if not bank.ok or not bank.questions:
        return _fail("the bank has errors: nothing was imported")
    if bank.warnings and not args.accept_warnings:
        return _fail("the bank has warnings: read them, then run again with --accept-warnings")
    note = f"Nhập từ tệp {Path(args.file).name} (dòng lệnh)"
    if args.bank is None:
        try:
            name = bank_name(args.name)
        except Invalid as exc:
            return _fail(exc.errors["name"])

    async def work(services: Services) -> tuple[int, int]:
        """The bank's id and the new version's number (as the console shows it)."""
        now = services.clock.now()
        print(f"Đang lưu {len(bank.questions)} câu hỏi…", file=sys.stderr)
        banks = services.storage.banks
        if args.bank is not None:
            bank_id = args.bank
            await services.banks.check_rounds(bank_id, bank.questions, change=note)
            version_id = await banks.add_version(bank_id, bank.questions, now=now, note=note, created_by=None)
        else:
            bank_id, version_id = await banks.create(name=name, questions=bank.questions, now=now, note=note)
        return bank_id, next(v.number for v in await banks.versions(bank_id) if v.id == version_id)

    try:
        bank_id, number = asyncio.run(_with_storage(work))
    except Duplicate:
        return _fail(f"a bank named {args.name!r} exists: use --bank ID to add a version to it")
    except (ContestError, UnsupportedDatabase, SchemaTooNew) as exc:
        return _fail(str(exc))
    print(f"Đã nhập: ngân hàng {bank_id}, phiên bản {number}.")
    return 0


def bank_export(args: argparse.Namespace) -> int:
    async def work(services: Services) -> tuple[Question, ...]:
        with reported():
            version = args.version or await services.storage.banks.current_version(args.bank)
            return await services.storage.banks.questions(version)

    try:
        if args.bundled:
            questions: tuple[Question, ...] = load_directory(resource_dir("questions")).questions
        else:
            questions = asyncio.run(_with_storage(work))
    except (NotFound, UnsupportedDatabase, SchemaTooNew, BankError) as exc:
        return _fail(str(exc))
    data = write_bank(questions, args.format)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"{len(questions)} câu hỏi → {args.output}", file=sys.stderr)
    return 0


def bank_list(args: argparse.Namespace) -> int:
    async def work(services: Services) -> list[Bank]:
        return await services.storage.banks.all()

    try:
        banks = asyncio.run(_with_storage(work))
    except (UnsupportedDatabase, SchemaTooNew) as exc:
        return _fail(str(exc))
    for b in banks:
        current = b.current
        print(
            f"{b.id}\t{b.name}\tphiên bản {current.number if current else '-'}\t"
            f"{current.question_count if current else 0} câu"
        )
    return 0


def _shown_url(url: str) -> str:
    """A database URL as a message may show it: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def verify(args: argparse.Namespace) -> int:
    """Check an exported leaderboard copy against the site's public key (the
    PEM file given, else the one in the database): exit 0 when intact, 1 when
    altered or unreadable, saying which in Vietnamese."""
    try:
        copy = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _fail(f"không đọc được tệp {args.file}: {exc}")
    if not isinstance(copy, dict):
        return _fail("tệp không phải bản xuất bảng xếp hạng")
    if args.key:
        try:
            key = Path(args.key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"không đọc được khoá {args.key}: {exc}")
    else:
        url = Settings.from_env().database_url
        where = _shown_url(url)
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            # Never create an empty database here: a copy is checked against a site that exists.
            return _fail(
                f"không có cơ sở dữ liệu tại {where} (thư mục hiện tại: {Path.cwd()}): chạy lệnh với"
                " CONTEST_DATABASE_URL của máy chủ, hoặc đưa khoá công khai của trang bằng --key khoa.pem"
            )
        try:
            stored = asyncio.run(_with_storage(lambda services: services.storage.leaderboards.public_key()))
        except (UnsupportedDatabase, SchemaTooNew, DatabaseUnavailable) as exc:
            return _fail(f"{where}: {exc}")
        if stored is None:
            return _fail(f"cơ sở dữ liệu {where} chưa có khoá ký: chưa bảng xếp hạng nào được công bố ở đó")
        key = stored
    try:
        verdict = publication.verify(copy, key)
    except ValueError as exc:
        return _fail(f"khoá công khai không đọc được: {exc}")
    print(verdict.message)
    return 0 if verdict.ok else 1


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="contest", description="Hội thi trực tuyến")
    commands = root.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the web server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="worker processes (one per core)")
    p.add_argument("--demo", action="store_true", help="seed the demo contest into an empty database")
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.set_defaults(run=serve)

    p = commands.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(run=migrate)

    p = commands.add_parser("backup", help="copy the SQLite database to a new file while the server runs")
    p.add_argument("file", help="the copy to write (must not exist)")
    p.set_defaults(run=backup)

    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(dest="staff_command", required=True)
    p = staff.add_parser("add", help="add an organiser, judge or admin; prints a new password once")
    p.add_argument("--role", choices=[r.value for r in Role if r.is_staff], required=True)
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True, help="full name shown in the console")
    p.set_defaults(run=staff_add)
    for name, help_text in (
        ("disable", "disable an account: its sessions and tokens stop working on every node"),
        ("enable", "enable a disabled account again"),
        ("password", "give an account a new password (printed once); its sessions and tokens end"),
        ("role", "change an account's role; its sessions and tokens end"),
    ):
        p = staff.add_parser(name, help=help_text)
        p.add_argument("username", help="the staff username, or a participant's phone or email")
        if name == "role":
            p.add_argument("role", choices=[r.value for r in Role])
        p.set_defaults(run=staff_change)

    bank = commands.add_parser("bank", help="question banks").add_subparsers(dest="bank_command", required=True)
    p = bank.add_parser(
        "check", help="validate a bank file, a .toml file or a folder of them; exit code 1 when it has errors"
    )
    p.add_argument("file")
    p.set_defaults(run=bank_check)
    p = bank.add_parser("import", help="validate and store a bank file as a new bank or a new version")
    p.add_argument("file")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--name", help="create a new bank with this name")
    target.add_argument("--bank", type=int, help="add a version to the bank with this id")
    p.add_argument("--accept-warnings", action="store_true")
    p.set_defaults(run=bank_import)
    p = bank.add_parser("export", help="write a bank as xlsx, json or gift")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--bank", type=int)
    source.add_argument("--bundled", action="store_true", help="the bank shipped in questions/")
    p.add_argument("--version", type=int, help="a version id (default: the current one)")
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(run=bank_export)
    p = bank.add_parser("list", help="list banks")
    p.set_defaults(run=bank_list)

    p = commands.add_parser("verify", help="check a downloaded leaderboard copy: exit code 1 when it was altered")
    p.add_argument("file", help="the copy (bang-xep-hang-vong-N.json)")
    p.add_argument("--key", help="the site's public key, a PEM file (default: the one in the database)")
    p.set_defaults(run=verify)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
