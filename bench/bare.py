"""The reference endpoint of the load benchmark: the least a Starlette app on
uvicorn can do per request. bench/load.py serves it with the same uvicorn
settings as the platform (uvloop, httptools, access log off) and divides every
phase's req/s by this one's, measured in the same run.

    .venv/bin/uvicorn bare:app --app-dir bench --loop uvloop --http httptools --no-access-log
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Hello, world!")


app = Starlette(routes=[Route("/hello", hello, methods=["GET"])])
