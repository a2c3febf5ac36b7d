"""Pieces every part of the OpenAPI document uses (`openapi.py`, `openapi_staff.py`)."""

from __future__ import annotations

from typing import Any

from contest.domain.text import REFUSED

SECURED: list[dict[str, list[str]]] = [{"bearer": []}]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


TEXT_PATTERN = "^[^" + REFUSED.encode("unicode_escape").decode("ascii") + "]*$"
"""Text in a request body: without the characters
:func:`contest.domain.text.refused_character` names (control characters but
line breaks and tab, direction controls)."""


def closed(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` as ``contest/web/bodies.py`` reads a request body: each
    object (the body, and any in it) closed to fields it does not list
    (``additionalProperties: false``: 422 naming each unknown field), each
    text but a password (``format: password``) matching :data:`TEXT_PATTERN`
    unless it has a stricter pattern of its own. A named schema (``$ref``)
    is closed where it is defined."""
    if "$ref" in schema:
        return schema
    result = dict(schema)
    kinds = schema.get("type")
    if "string" in ([kinds] if isinstance(kinds, str) else kinds or []) and schema.get("format") != "password":
        result.setdefault("pattern", TEXT_PATTERN)
    if "properties" in schema:
        result["properties"] = {name: closed(field) for name, field in schema["properties"].items()}
        result.setdefault("additionalProperties", False)
    if isinstance(schema.get("additionalProperties"), dict):
        result["additionalProperties"] = closed(schema["additionalProperties"])
    if "items" in schema:
        result["items"] = closed(schema["items"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            result[key] = [closed(alternative) for alternative in schema[key]]
    return result


def request_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    """A JSON request body of ``schema``, :func:`closed`."""
    return {"required": required, "content": {"application/json": {"schema": closed(schema)}}}


def error(description: str) -> dict[str, Any]:
    return json_body(ref("Error"), description)


BAD_JSON = error("Malformed JSON, or a body that is not a JSON object.")
