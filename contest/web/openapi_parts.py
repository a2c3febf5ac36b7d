"""Pieces every part of the OpenAPI document uses (`openapi.py`, `openapi_staff.py`)."""

from __future__ import annotations

from typing import Any

SECURED: list[dict[str, list[str]]] = [{"bearer": []}]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def request_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body of ``schema``."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict[str, Any]:
    return json_body(ref("Error"), description)


BAD_JSON = error("Malformed JSON, or a body that is not a JSON object.")
