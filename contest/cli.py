"""The ``contest`` command: how operators install, seed, import and serve.

contest serve [--host H] [--port P] [--workers N] [--demo]
contest migrate
contest staff add --role organiser|judge|admin --username NAME --name "Full name"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from collections.abc import Sequence

from contest.config import Settings
from contest.domain.models import Role
from contest.services.container import Services
from contest.storage import Duplicate, UnsupportedDatabase, open_storage
from contest.storage.migrate import SchemaTooNew


def _fail(message: str) -> int:
    print(f"contest: {message}", file=sys.stderr)
    return 1


async def _prepare(settings: Settings, *, demo: bool) -> None:
    """Migrate, and with ``demo`` seed an empty database, printing the staff
    passwords once."""
    from contest.services.demo import seed_demo

    storage = open_storage(settings.database_url)
    await asyncio.to_thread(storage.migrate)
    storage.start()
    try:
        if demo:
            if await storage.is_empty():
                accounts = await seed_demo(Services.build(storage, settings))
                print("Đã tạo cuộc thi mẫu. Tài khoản quản trị (mật khẩu chỉ hiện một lần, hãy lưu lại):")
                print(f"  Ban tổ chức:  {accounts.organiser[0]} / {accounts.organiser[1]}")
                print(f"  Ban giám khảo: {accounts.judge[0]} / {accounts.judge[1]}")
            else:
                print("Cơ sở dữ liệu đã có dữ liệu: không thêm cuộc thi mẫu.")
    finally:
        await storage.close()


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    if not os.environ.get("CONTEST_SECRET_KEY"):
        if not args.demo:
            return _fail(
                "CONTEST_SECRET_KEY is not set. Set it to a long random value, e.g.\n"
                "  export CONTEST_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\n"
                "(only `contest serve --demo` runs without it, with a key that changes on every start)."
            )
        os.environ["CONTEST_SECRET_KEY"] = secrets.token_urlsafe(48)
    try:
        settings = Settings.from_env()
        asyncio.run(_prepare(settings, demo=args.demo))
    except (UnsupportedDatabase, SchemaTooNew, ValueError) as exc:
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
        proxy_headers=True,
    )
    return 0


def migrate(args: argparse.Namespace) -> int:
    try:
        storage = open_storage(Settings.from_env().database_url)
        applied = storage.migrate()
    except (UnsupportedDatabase, SchemaTooNew, ValueError) as exc:
        return _fail(str(exc))
    print(f"Applied migrations: {applied}" if applied else "The schema is up to date.")
    return 0


def staff_add(args: argparse.Namespace) -> int:
    async def run() -> str:
        settings = Settings.from_env()
        storage = open_storage(settings.database_url)
        await asyncio.to_thread(storage.migrate)
        storage.start()
        try:
            services = Services.build(storage, settings)
            password = secrets.token_urlsafe(12)
            await storage.create_staff(
                username=args.username,
                full_name=args.name,
                role=Role(args.role),
                password_hash=await services.passwords.hash(password),
                now=services.clock.now(),
            )
            return password
        finally:
            await storage.close()

    try:
        password = asyncio.run(run())
    except Duplicate:
        return _fail(f"username {args.username!r} is taken")
    except (UnsupportedDatabase, SchemaTooNew, ValueError) as exc:
        return _fail(str(exc))
    print(f"{args.role} {args.username}: mật khẩu {password} (chỉ hiện một lần)")
    return 0


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

    staff = commands.add_parser("staff", help="staff accounts").add_subparsers(dest="staff_command", required=True)
    p = staff.add_parser("add", help="add an organiser, judge or admin; prints a new password once")
    p.add_argument("--role", choices=[r.value for r in Role if r.is_staff], required=True)
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True, help="full name shown in the console")
    p.set_defaults(run=staff_add)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
