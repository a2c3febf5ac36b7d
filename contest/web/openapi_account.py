"""The account routes of the OpenAPI document (``web/account_api.py``): the
token's owner's details, password and sessions, and withdrawing a token."""

from __future__ import annotations

from typing import Any

from contest.domain.registration import PASSWORD_MAX
from contest.services.profiles import LOCKED_FIELDS
from contest.web.openapi_parts import BAD_JSON, SECURED, error, json_body, ref, request_body

_UNAUTHORIZED = error(
    "Missing, malformed, forged or expired bearer token, or one withdrawn or ended (`session_revoked`)."
)
_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset (+07:00)."}
_STAFF = error("Staff accounts have no participant's details (`forbidden`).")
_DETAILS = {
    "full_name": {"type": "string"},
    "phone": {"type": "string", "description": "A Vietnamese mobile number, 0xxxxxxxxx."},
    "email": {"type": ["string", "null"]},
    "birth_year": {"type": "integer"},
    "cccd": {"type": "string", "description": "The 12-digit personal identification number."},
}

WITHDRAW: dict[str, Any] = {
    "summary": "Withdraw the calling token: it stops working at once",
    "security": SECURED,
    "responses": {"204": {"description": "Withdrawn."}, "401": _UNAUTHORIZED},
}
"""``DELETE /api/v1/token``, documented with ``POST`` in ``openapi.py``."""

PATHS: dict[str, Any] = {
    "/api/v1/me": {
        "get": {
            "summary": "The participant's own details, and which are locked",
            "security": SECURED,
            "responses": {
                "200": json_body(ref("Me"), "The details."),
                "401": _UNAUTHORIZED,
                "403": _STAFF,
            },
        },
        "patch": {
            "summary": "Correct one's own details (those given; the others stay)",
            "description": "Once the participant has an attempt, the name, birth year and identification number "
            "are locked (results and prizes are awarded to them); the phone and email stay editable. An empty "
            "body or `{}` is 400 `nothing_to_change`.",
            "security": SECURED,
            "requestBody": request_body(
                {
                    "type": "object",
                    "minProperties": 1,
                    "properties": _DETAILS,
                }
            ),
            "responses": {
                "200": json_body(ref("Me"), "The details as corrected."),
                "400": BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _STAFF,
                "409": error("A phone, email or identification number another account holds (`account_exists`)."),
                "413": error("Request body over the configured limit."),
                "422": error(
                    "Per-field messages: a value that is not valid, a locked field changed, or a new phone where "
                    "`phone_needs_code` (use POST /api/v1/me/phone)."
                ),
                "429": error(
                    "Too many answers that an identifier is taken from this address or network (they count with "
                    "registrations); see the Retry-After header."
                ),
            },
        },
    },
    "/api/v1/me/contests/{contest_id}": {
        "patch": {
            "summary": "Change the area and unit given for a contest joined, before any attempt in it",
            "description": "The area by `area_id` (or `area`), the unit by `unit_id` or its exact name `unit` from "
            "the contest's list (typed freely when the contest has none), checked as when joining; one left out "
            "stays. Collective prizes and who may enter a round kept to some units or areas are counted by them, "
            "so once the participant has an attempt in the contest it is 409.",
            "security": SECURED,
            "parameters": [{"name": "contest_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": request_body(
                {
                    "type": "object",
                    "minProperties": 1,
                    "properties": {
                        "area_id": {"type": "integer"},
                        "area": {"type": "integer"},
                        "unit_id": {"type": ["integer", "null"]},
                        "unit": {"type": "string"},
                    },
                }
            ),
            "responses": {
                "200": json_body(
                    {
                        "type": "object",
                        "required": ["contest_id", "area_id", "unit"],
                        "properties": {
                            "contest_id": {"type": "integer"},
                            "area_id": {"type": "integer"},
                            "unit": {"type": "string"},
                        },
                    },
                    "The participation as changed.",
                ),
                "400": BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _STAFF,
                "404": error("A contest the participant has not joined."),
                "409": error("The participant has an attempt in this contest (`conflict`)."),
                "413": error("Request body over the configured limit."),
                "422": error("Per-field messages: an area or unit not in the contest's lists."),
            },
        }
    },
    "/api/v1/me/phone": {
        "post": {
            "summary": "Send a code to a new phone (when a contest joined verifies phones)",
            "description": "The answer is the same whether or not another account holds the phone; for a taken "
            "phone nothing is sent and no code matches.",
            "security": SECURED,
            "requestBody": request_body(
                {
                    "type": "object",
                    "required": ["phone"],
                    "properties": {"phone": {"type": "string", "minLength": 1}},
                }
            ),
            "responses": {
                "202": json_body(
                    {"type": "object", "required": ["phone"], "properties": {"phone": {"type": "string"}}},
                    "A code was sent to the phone (normalised).",
                ),
                "400": BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _STAFF,
                "409": error("The site has no SMS sender (`sender_unavailable`)."),
                "413": error("Request body over the configured limit."),
                "422": error("`phone` not a mobile number, or already the participant's."),
                "429": error(
                    "Too many codes sent to this phone or from this address, or asked again within "
                    "`CONTEST_CODE_RESEND_SECONDS`; see the Retry-After header."
                ),
                "503": error("The SMS gateway did not take the message (`send_failed`)."),
            },
        }
    },
    "/api/v1/me/phone/confirm": {
        "post": {
            "summary": "Make the new phone the participant's with the code sent to it",
            "security": SECURED,
            "requestBody": request_body(
                {
                    "type": "object",
                    "required": ["phone", "code"],
                    "properties": {
                        "phone": {"type": "string", "minLength": 1},
                        "code": {"type": "string", "minLength": 1},
                    },
                }
            ),
            "responses": {
                "200": json_body(ref("Me"), "The details with the new phone."),
                "400": BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _STAFF,
                "409": error("Another account took the phone since (`account_exists`)."),
                "413": error("Request body over the configured limit."),
                "422": error("`phone` or `code` wrong (a wrong code says how many tries are left)."),
            },
        }
    },
    "/api/v1/me/password": {
        "post": {
            "summary": "Change one's password: every other session and token ends, the calling token stays",
            "security": SECURED,
            "requestBody": request_body(
                {
                    "type": "object",
                    "required": ["current_password", "password"],
                    "properties": {
                        "current_password": {"type": "string", "format": "password"},
                        "password": {"type": "string", "format": "password", "minLength": 8, "maxLength": PASSWORD_MAX},
                    },
                }
            ),
            "responses": {
                "204": {"description": "Changed."},
                "400": BAD_JSON,
                "401": _UNAUTHORIZED,
                "413": error("Request body over the configured limit."),
                "422": error("`current_password` wrong, or `password` not allowed (per-field messages)."),
                "429": error("Too many wrong current passwords; see the Retry-After header."),
            },
        }
    },
    "/api/v1/me/sessions": {
        "get": {
            "summary": "The account's open sessions (browsers and tokens), the most recently used first",
            "security": SECURED,
            "responses": {
                "200": json_body({"type": "array", "items": ref("AccountSession")}, "Open sessions."),
                "401": _UNAUTHORIZED,
            },
        },
        "delete": {
            "summary": "Sign out everywhere: every session and token of the account ends, the calling one too",
            "security": SECURED,
            "responses": {
                "200": json_body(
                    {"type": "object", "required": ["ended"], "properties": {"ended": {"type": "integer"}}},
                    "How many sessions ended.",
                ),
                "401": _UNAUTHORIZED,
            },
        },
    },
    "/api/v1/me/sessions/{session_id}": {
        "delete": {
            "summary": "End one of the account's sessions",
            "security": SECURED,
            "parameters": [{"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "204": {"description": "Ended."},
                "401": _UNAUTHORIZED,
                "404": error("The account has no such session open."),
            },
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "Me": {
        "type": "object",
        "required": [*_DETAILS, "locked", "phone_needs_code", "contests"],
        "properties": {
            **_DETAILS,
            "locked": {
                "type": "array",
                "items": {"type": "string", "enum": list(LOCKED_FIELDS)},
                "description": "Fields the participant may no longer change (they have an attempt).",
            },
            "phone_needs_code": {
                "type": "boolean",
                "description": "A contest joined verifies phones: change the phone with POST /api/v1/me/phone.",
            },
            "contests": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["contest_id", "area_id", "unit"],
                    "properties": {
                        "contest_id": {"type": "integer"},
                        "area_id": {"type": "integer"},
                        "unit": {"type": "string"},
                    },
                },
                "description": "The contests joined, with the area and unit given (changed with PATCH "
                "/api/v1/me/contests/{contest_id} until an attempt in that contest).",
            },
        },
    },
    "AccountSession": {
        "type": "object",
        "required": ["id", "kind", "device", "created_at", "last_used_at", "current"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["browser", "app"]},
            "device": {"type": "string", "description": "Browser and system, e.g. `Chrome, Android`; may be empty."},
            "created_at": _TIME,
            "last_used_at": {**_TIME, "description": "To within a few minutes."},
            "current": {"type": "boolean", "description": "The session of the calling token."},
        },
    },
}
