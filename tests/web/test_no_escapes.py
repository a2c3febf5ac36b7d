"""No exception but a typed contest error escapes a handler.

The app's test client re-raises any exception that reaches the server's
error middleware (``raise_server_exceptions``, on in every fixture), so every
request any test makes already fails the test on an escape; the schemathesis
test sends generated requests to every API operation. This test adds the
catalogue that reaches what neither covers: EVERY route of the app, read from
its route table (a new route is walked without being listed), with each
method it takes, each path parameter as an id that exists, one that does not
and the largest an id may be, and each body a browser or a client might send
(none, a form with a valid CSRF token and odd fields, odd JSON, a NUL in
every text field and query parameter, which PostgreSQL cannot store), as someone
signed out, a participant with an attempt in progress and an organiser with an
upload waiting. Each answer must be below 500."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from tests.conftest import World
from tests.web.test_organiser import sign_in_staff
from tests.web.test_pages import csrf, register

VALUES = {
    "id": ("1", "2", "999999", "999999999999999999"),
    "slug": ("thu", "khong-co"),
    "fmt": ("xlsx", "pdf"),
    "lang": ("en", "xx"),
}
"""Values for each kind of path parameter (by convertor, else by name)."""

ODD_FIELDS = {"option_1": "x", "prediction": "-1", "action": "submit", "name": "\u0000", "area": "999", "bank_id": "0"}
TEXT_FIELDS = (
    *("login", "password", "text", "reason", "title", "phone", "code", "q", "note", "name", "email"),
    *("description", "prediction_question", "rules", "privacy_notice", "body", "answer", "full_name", "unit"),
    *("slug", "of_login", "username", "token"),
)
NUL_TEXT = {k: "a\u0000b" for k in TEXT_FIELDS}
ODD_QUERY = {k: "a\u0000b" for k in ("page", "q", "code", "round", "format", "next", "version", "contest", "token")}
"""A NUL in any text a client sends (PostgreSQL cannot store one)."""


def endpoints(app: Any) -> Iterator[tuple[str, str, Route]]:
    """(method, path template, route) for every route the app serves, read
    from its route table: the middleware around it unwrapped, each mount
    entered (a static mount has no routes)."""
    while not hasattr(app, "routes"):
        app = app.app
    stack: list[tuple[str, list[BaseRoute]]] = [("", list(app.routes))]
    while stack:
        prefix, routes = stack.pop()
        for route in routes:
            if isinstance(route, Mount):
                stack.append((prefix + route.path, list(route.routes)))
                continue
            assert isinstance(route, Route), route
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, prefix + route.path, route


def paths(template: str, route: Route) -> list[str]:
    names = re.findall(r"{(\w+)(?::(\w+))?}", template)
    choices = [VALUES.get(kind or name, VALUES.get(name, ("1",))) for name, kind in names]
    found = []
    for combination in itertools.product(*choices):
        path = template
        for (name, _kind), value in zip(names, combination, strict=True):
            path = re.sub(r"{" + name + r"(:\w+)?}", value, path)
        found.append(path)
    return found


def bodies(client: TestClient, method: str) -> list[dict[str, Any]]:
    if method == "GET":
        return [{}, {"params": ODD_QUERY}]
    token = csrf(client.get("/login").text)
    return [
        {},
        {"data": {"csrf_token": token, **ODD_FIELDS}},
        {"data": {**NUL_TEXT, "csrf_token": token}},
        {"json": {"options": [1, "x"], "flagged": "có", "prediction": [], "csrf_token": token}},
        {"json": {**NUL_TEXT, "csrf_token": token}},
    ]


def walk(client: TestClient, who: str, headers: dict[str, str]) -> list[str]:
    escaped = []
    for method, template, route in endpoints(client.app):
        for path in paths(template, route):
            for body in bodies(client, method):
                sent = f"{who}: {method} {path} {sorted(body) or ''}"
                try:
                    response = client.request(method, path, headers=headers, follow_redirects=False, **body)
                except Exception as exc:  # an escape: the test client re-raises it
                    escaped.append(f"{sent}: {type(exc).__name__}: {exc}")
                else:
                    if response.status_code >= 500:
                        escaped.append(f"{sent}: {response.status_code}")
    return escaped


def test_no_route_lets_an_untyped_exception_escape(client: TestClient, world: World, api_user: Any) -> None:
    escaped = walk(client, "signed out", {})
    fields = register(client, world)
    token = client.post("/api/v1/token", json={"login": fields["phone"], "password": fields["password"]}).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=bearer).status_code == 201
    escaped += walk(client, "participant", bearer)
    client.cookies.clear()
    sign_in_staff(client, world)
    token = csrf(client.get("/organiser").text)
    upload = client.post(
        "/organiser/uploads",
        data={"csrf_token": token, "bank_id": str(world.bank_id)},
        files={"file": ("nh.json", b'{"format": "hoithi-bank", "version": 1, "questions": []}')},
    )
    assert upload.status_code < 500
    escaped += walk(client, "organiser", {})
    assert not escaped, "\n".join(escaped)
