from __future__ import annotations

from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from contest.web import api, api_statistics


def test_openapi_document_is_valid(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    validate(response.json())


def test_every_api_route_is_documented(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for route in api.routes + api_statistics.routes:
        assert isinstance(route, Route)
        path = "/api" + route.path.replace(":id}", "}")
        assert path in paths, path
        for method in route.methods or ():
            if method != "HEAD":
                assert method.lower() in paths[path], (method, path)


def test_prediction_range_is_the_domains(client: TestClient) -> None:
    from contest.domain.answers import PREDICTION_MAX

    paths = client.get("/api/openapi.json").json()["paths"]
    saved = paths["/api/v1/attempts/{attempt_id}/prediction"]["put"]["requestBody"]["content"]["application/json"]
    submitted = paths["/api/v1/attempts/{attempt_id}/submit"]["post"]["requestBody"]["content"]["application/json"]
    for body in (saved, submitted):
        prediction = body["schema"]["properties"]["prediction"]
        assert (prediction["type"], prediction["minimum"], prediction["maximum"]) == ("integer", 0, PREDICTION_MAX)


def test_identification_number_is_described_by_the_2023_law(client: TestClient) -> None:
    registration = client.get("/api/openapi.json").json()["components"]["schemas"]["Registration"]
    description = registration["properties"]["cccd"]["description"]
    assert description.startswith("Số định danh cá nhân (personal identification number)")
    assert "26/2023/QH15" in description and "thẻ căn cước" in description
