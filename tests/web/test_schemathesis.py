"""The OpenAPI document and the server agree: requests generated from the
document by schemathesis are replayed against the real app (the whole ASGI
stack, a real SQLite file, a seeded contest, a signed-in participant), and
every response is checked against the document: no 5xx, a documented status,
the documented content type, headers and body schema.

Bounded and deterministic: a fixed number of examples per operation, derived
from the operation (``derandomize``), no example database."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from tests.conftest import World

EXAMPLES = 25
"""Per operation and mode: about 500 requests in all, under 10 s."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

STATE_DEPENDENT = {
    "POST /api/v1/register": "a valid body may still be refused: names of letters only, a real province code, "
    "the identification number matching the birth year",
    "POST /api/v1/contests/{contest_id}/register": "as POST /api/v1/register",
    "PUT /api/v1/attempts/{attempt_id}/answers/{question_id}": "option ids depend on the question",
    "POST /api/v1/attempts/{attempt_id}/submit": "the prediction is required when the round asks one",
    "POST /api/v1/register/verify": "the code must be the one sent to the phone",
    "POST /api/v1/password-reset": "the login must be a mobile phone or an email",
    "POST /api/v1/password-reset/confirm": "the code or token must be one sent",
}
"""Operations where a request the document allows may still get 422 for a rule
the document states in words only: every other operation must accept every
request the document allows (positive_data_acceptance)."""


def replay(client: TestClient, operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    """Send the operation's generated requests and check each answer."""
    if mode is GenerationMode.NEGATIVE:
        checks = [*CHECKS, negative_data_rejection]
    elif operation.label in STATE_DEPENDENT:
        checks = CHECKS
    else:
        checks = [*CHECKS, positive_data_acceptance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def send(case: schemathesis.Case) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        assert not kwargs.pop("cookies", None)  # the API takes none
        if isinstance(kwargs.get("data"), bytes | str):  # raw bodies (negative mode): httpx's name
            kwargs["content"] = kwargs.pop("data")
        case.validate_response(client.request(**kwargs), checks=checks)

    send()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_answers_as_its_openapi_document_says(
    client: TestClient, world: World, api_user: Any, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_dict(client.get("/api/openapi.json").json())
    headers = api_user()
    # An attempt in progress, so generated ids sometimes name a real one.
    client.post(f"/api/v1/rounds/{world.open_round}/attempts", headers=headers)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        try:
            replay(client, operation, mode, headers)
        except Unsatisfiable:  # nothing to negate: no parameters, no body
            assert mode is GenerationMode.NEGATIVE
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
