from __future__ import annotations

from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from contest.web import api


def test_openapi_document_is_valid(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    validate(response.json())


def test_every_api_route_is_documented(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for route in api.routes:
        assert isinstance(route, Route)
        path = "/api" + route.path.replace(":id}", "}")
        assert path in paths, path
        for method in route.methods or ():
            if method != "HEAD":
                assert method.lower() in paths[path], (method, path)
