"""Reading what clients send, with a clear 4xx for anything malformed."""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount, Route

from contest.domain.contests import SLUG
from contest.domain.numbers import parse_int


class IdConvertor(Convertor[int]):
    """Path ids: digits that fit a 64-bit integer, so no id in a URL can
    overflow the database; anything else is simply not a route (404)."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return parse_int(value, field="id", label="Mã")

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


def to_the_end(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    """``routes`` matching a path to its very end. Starlette anchors a route's
    pattern with ``$``, which also matches before a final newline, and a
    mount passes on the rest without it: ``/login%0A`` was served as
    ``/login``. ``\\Z`` does not, so such a path is not a route (404)."""
    for route in routes:
        if isinstance(route, Route | Mount) and route.path_regex.pattern.endswith("$"):
            route.path_regex = re.compile(route.path_regex.pattern.removesuffix("$") + r"\Z")
    return list(routes)


class SlugConvertor(Convertor[str]):
    """A contest's address as :data:`contest.domain.contests.SLUG` allows
    it; anything else is not a route (404)."""

    regex = SLUG.pattern

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("slug", SlugConvertor())


class TokenConvertor(Convertor[str]):
    """A random id we handed out (a session's: ``secrets.token_urlsafe``,
    URL-safe base64 letters): anything else, a NUL or a space included, is
    not a route (404), so junk never reaches a query."""

    regex = "[A-Za-z0-9_-]{1,128}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("token", TokenConvertor())


def client_address(request: Request) -> str:
    """The client's IP address as text, the one place every limit and record
    reads it: the connecting peer's, or the address a trusted reverse proxy
    put in ``X-Forwarded-For`` (uvicorn's ``proxy_headers``, believed only
    from ``CONTEST_TRUSTED_PROXIES``, docs/deploy.md); ``"unknown"`` when
    the server gives none (a test client)."""
    return request.client.host if request.client else "unknown"


AGENT_MAX = 300


def client_agent(request: Request) -> str:
    """The browser as it names itself (User-Agent), cut to :data:`AGENT_MAX` characters."""
    return request.headers.get("user-agent", "")[:AGENT_MAX]
