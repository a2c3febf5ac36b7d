"""Reading JSON request bodies: the one typed reader every handler that takes
a JSON body goes through (the JSON API, and the attempt page's script, which
sends the API's bodies).

A body is checked against the request body the OpenAPI document gives for its
route (:func:`contest.web.openapi.spec`), so what the document says is what
the server takes: a field of another JSON type than documented (a number
where a string belongs, ``true`` where an integer belongs, a list, an object)
and a field the document does not list (``additionalProperties: false``:
``question_cout`` for ``question_count``) are 422 ``invalid`` with
``errors`` naming each such field (a problem inside a list or an object is
named by the top-level field, its message giving the path first:
``{"prizes": "prizes.firts: Trường không được hỗ trợ."}``). A number field
takes a JSON number only (``"1990"`` is 422), and no integer beyond
:data:`~contest.domain.numbers.INT_MAX` either way (:data:`OUT_OF_RANGE`),
so none reaches SQL. Text may not hold what
:func:`contest.domain.text.refused_character` names (NUL and other control
characters, direction controls), passwords excepted (``format: password``:
compared as typed). A top-level ``null`` is left to the use case, which
reads it as a field not given. Only the JSON type and that bound are checked here; ranges,
lengths, choices and formats are the use cases' rules, with their messages.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from starlette.requests import Request

from contest.domain.contests import NOT_YES_NO
from contest.domain.numbers import EXACT_FLOAT, INT_MAX
from contest.domain.text import NOT_TEXT, refused_character
from contest.errors import BadRequest, Invalid
from contest.web.openapi import spec

API_PREFIX = "/api"
"""Where ``contest/web/app.py`` mounts the JSON API, as the document's paths begin."""

UNKNOWN = "Trường không được hỗ trợ."
OUT_OF_RANGE = "Số này vượt quá giới hạn cho phép."
"""An integer beyond :data:`~contest.domain.numbers.INT_MAX` either way,
which no database column holds."""
NOT_KIND = {
    "string": NOT_TEXT,
    "integer": 'Mục này cần là một số nguyên (ví dụ 12, không phải "12").',
    "number": "Mục này cần là một số.",
    "boolean": NOT_YES_NO,
    "array": "Mục này cần là một danh sách […].",
    "object": "Mục này cần là một đối tượng {…}.",
    "null": "Mục này cần để trống (null).",
}
"""What a field of each documented JSON type must be, in Vietnamese."""

NOTHING_TO_CHANGE = "Không có gì để thay đổi: hãy gửi ít nhất một mục cần sửa."


async def _read_json(request: Request) -> dict[str, Any]:
    """The body as a JSON object, unchecked: an empty body is ``{}``; 400
    ``malformed_json`` for anything that is not JSON or holds text that is no
    text (``"\\ud800"``, half of a UTF-16 surrogate pair, which UTF-8 cannot
    encode and so cannot be hashed or stored), 400 ``json_not_object`` for
    anything but an object. Handlers use :func:`read_body`."""
    body = await request.body()
    if not body.strip():
        return {}
    try:
        data = json.loads(body, parse_float=_number)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("Nội dung gửi lên không phải JSON hợp lệ.", code="malformed_json") from None
    if not isinstance(data, dict):
        raise BadRequest("Nội dung JSON phải là một đối tượng {…}.", code="json_not_object")
    if b"\\u" in body:  # an escape may leave half of a surrogate pair, which is no character at all
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest("Nội dung gửi lên có ký tự không hợp lệ.", code="malformed_json") from None
    return data


def _number(text: str) -> int | float:
    """A JSON number with a decimal point or an exponent: a whole one
    (``1109.0``, ``1e3``) is the integer it is, as JSON Schema reads it, up
    to :data:`~contest.domain.numbers.EXACT_FLOAT` (beyond, a float has lost
    digits: it stays a float, which no integer field takes)."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < EXACT_FLOAT else value


async def read_body(request: Request, *, path: str | None = None) -> dict[str, Any]:
    """The body (:func:`_read_json`) as the document's request body for this
    route allows it, or :class:`Invalid` (422) naming each field of a wrong
    type, with refused characters, or not documented. ``path`` names the
    API route whose body a page's route takes (``"/api/v1/attempts/{attempt_id}/prediction"``);
    :class:`LookupError` for a route the document gives no body (a mistake in
    the code, never in the request)."""
    schema = body_schema(request.method, path or _api_path(request))
    data = await _read_json(request)
    if errors := _errors(data, schema):
        raise Invalid(errors)
    return data


async def read_changes(request: Request) -> dict[str, Any]:
    """A PATCH body (:func:`read_body`): an empty body or ``{}`` changes
    nothing, and is 400 ``nothing_to_change`` rather than a 200 that did
    nothing."""
    data = await read_body(request)
    if not data:
        raise BadRequest(NOTHING_TO_CHANGE, code="nothing_to_change")
    return data


def _api_path(request: Request) -> str:
    """The document's path of the API route serving ``request``: ``/api/v1/rounds/{round_id}``."""
    route = request.scope["route"]
    return API_PREFIX + re.sub(r":\w+}", "}", route.path)


def body_schema(method: str, path: str) -> dict[str, Any]:
    """The JSON schema of the request body the document gives ``method`` on
    ``path`` (``"POST"``, ``"/api/v1/register"``), references followed;
    :class:`LookupError` when it gives none."""
    found = _bodies().get((method.lower(), path))
    if found is None:
        raise LookupError(f"the OpenAPI document gives {method} {path} no JSON request body")
    return found


@cache
def _bodies() -> dict[tuple[str, str], dict[str, Any]]:
    document = spec()
    return {
        (method, path): _resolve(operation["requestBody"]["content"]["application/json"]["schema"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema``, or the component its ``$ref`` names."""
    if "$ref" not in schema:
        return schema
    found: dict[str, Any] = _components()[schema["$ref"].rsplit("/", 1)[-1]]
    return found


@cache
def _components() -> dict[str, Any]:
    found: dict[str, Any] = spec()["components"]["schemas"]
    return found


def _kinds(schema: dict[str, Any]) -> list[str]:
    """The JSON types ``schema`` allows (its ``type``, or its alternatives'
    in ``oneOf``/``anyOf``); empty when it says none (any value)."""
    schema = _resolve(schema)
    given = schema.get("type")
    if given is not None:
        return [given] if isinstance(given, str) else list(given)
    kinds: list[str] = []
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
        alternatives = _kinds(alternative)
        if not alternatives:
            return []
        kinds += alternatives
    return kinds


def _is(value: object, kind: str) -> bool:
    """Whether ``value``, as :func:`json.loads` gives it, is of the JSON type ``kind``."""
    match kind:
        case "string":
            return isinstance(value, str)
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "boolean":
            return isinstance(value, bool)
        case "array":
            return isinstance(value, list)
        case "object":
            return isinstance(value, dict)
        case _:
            return value is None


def _problem(value: object, schema: dict[str, Any]) -> tuple[str, str] | None:
    """The first thing wrong with ``value`` by ``schema``: where, as a path
    inside ``value`` (``""``: the value itself; ``"0.name"``), and why in
    Vietnamese; None when nothing is."""
    schema = _resolve(schema)
    kinds = _kinds(schema)
    if kinds and not any(_is(value, kind) for kind in kinds):
        return "", NOT_KIND[next((k for k in kinds if k != "null"), "null")]
    if isinstance(value, int) and not isinstance(value, bool) and not -INT_MAX - 1 <= value <= INT_MAX:
        return "", OUT_OF_RANGE
    if isinstance(value, str):
        reason = None if schema.get("format") == "password" else refused_character(value)
        return None if reason is None else ("", reason)
    if isinstance(value, list):
        inner = ((str(i), _problem(item, schema.get("items", {}))) for i, item in enumerate(value))
    elif isinstance(value, dict):
        inner = ((name, _member_problem(name, item, schema)) for name, item in value.items())
    else:
        return None
    for where, found in inner:
        if found is not None:
            path, reason = found
            return f"{where}.{path}" if path else where, reason
    return None


def _member_problem(name: str, value: object, schema: dict[str, Any]) -> tuple[str, str] | None:
    """What is wrong with the member ``name`` of an object of ``schema``: a
    member its ``properties`` list is read by its schema, any other by
    ``additionalProperties`` (``false``: :data:`UNKNOWN`; none: anything)."""
    rule = schema.get("properties", {}).get(name, schema.get("additionalProperties", True))
    if rule is False:
        return "", UNKNOWN
    return _problem(value, rule) if isinstance(rule, dict) else None


def _errors(body: dict[str, Any], schema: dict[str, Any]) -> dict[str, str]:
    """Each top-level field of ``body`` that ``schema`` does not allow, with
    why (a problem inside it: its path first, ``"areas.0.name: …"``). A
    ``null`` is left to the use case, which reads it as a field not given."""
    errors = {}
    for name, value in body.items():
        if value is None and name in schema.get("properties", {}):
            continue
        found = _member_problem(name, value, schema)
        if found is not None:
            path, reason = found
            errors[name] = f"{name}.{path}: {reason}" if path else reason
    return errors
