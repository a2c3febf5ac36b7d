"""The OpenAPI description of the staff API (``contest/web/staff_api.py``):
banks, making contests and rounds, changing a round. Merged into the one
document by :func:`contest.web.openapi.spec`."""

from __future__ import annotations

from typing import Any

from contest.domain.contests import AREA_MAX, HEADCOUNT_MAX, SLUG, SLUG_MAX, TITLE_MAX, WEEKS_MAX
from contest.domain.models import Counting, ShowScore, TieBreak, TrueFigure
from contest.web.openapi_parts import BAD_JSON as _BAD_JSON
from contest.web.openapi_parts import SECURED as _SECURED
from contest.web.openapi_parts import closed as _closed
from contest.web.openapi_parts import error as _error
from contest.web.openapi_parts import json_body as _json
from contest.web.openapi_parts import ref as _ref
from contest.web.openapi_parts import request_body as _body

_ID = {"type": "integer", "minimum": 1}
_COUNT = {"type": "integer", "minimum": 0}
_TIME = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601; with an offset (+07:00), or without one for Vietnam time.",
}


_UNAUTHORIZED = _error("Missing, malformed, forged, expired or revoked bearer token.")
_ORGANISERS_ONLY = _error("Only organisers and admins (`organisers_only`).")
_INVALID = _error("Settings that cannot work: `errors` maps each field to its Vietnamese message.")

_ROUND_SETTINGS: dict[str, Any] = {
    "title": {"type": "string", "maxLength": TITLE_MAX},
    "description": {"type": "string"},
    "opens_at": _TIME,
    "closes_at": _TIME,
    "duration_seconds": {"type": "integer", "minimum": 1},
    "question_count": {"type": "integer", "minimum": 1},
    "topic_quota": {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 1},
        "description": "So many questions of each topic; the rest are drawn from any topic.",
    },
    "difficulty_quota": {
        "type": "object",
        "properties": {level: {"type": "integer", "minimum": 0} for level in ("easy", "medium", "hard")},
        "additionalProperties": False,
        "description": "So many questions of each difficulty, adding up to `question_count` (a difficulty left out:"
        " none of it; all left out or 0: any difficulty). Drawn together with `topic_quota`: 422 when the bank's"
        " current version cannot supply both (per topic and difficulty).",
    },
    "attempts_allowed": {"type": "integer", "minimum": 1},
    "counting": {"type": "string", "enum": [c.value for c in Counting], "description": "Which attempt counts."},
    "tie_break": {
        "type": "string",
        "enum": [t.value for t in TieBreak],
        "description": "The order after the score: `prediction` (error, time, submission; the default),"
        " `prediction_if_perfect` (error only among perfect scores), `prediction_then_submission` (error,"
        " submission), `no_prediction` (time, submission). Fixed once the round has attempts (409).",
    },
    "true_figure": {
        "type": "string",
        "enum": [f.value for f in TrueFigure],
        "description": "What the prediction predicts: `all_correct` (participants whose counting attempt answered"
        " every question right; the default), `participants`, `attempts`. Fixed once the round has attempts (409).",
    },
    "bank_id": {**_ID, "description": "An id from GET /api/v1/staff/banks; its current version is drawn from."},
    "prediction_question": {"type": "string", "description": "Empty: the round asks no prediction."},
    "show_score": {"type": "string", "enum": [s.value for s in ShowScore]},
    "complaint_window_hours": {"type": "integer", "minimum": 0},
    "prizes": {
        "type": "object",
        "properties": {kind: _COUNT for kind in ("first", "second", "third", "consolation")},
        "description": "How many prizes of each kind (a kind left out: 0, or unchanged by PATCH).",
    },
    "eligible_units": {
        "type": "array",
        "items": _ID,
        "description": "A round kept to these units (ids from the contest's list; empty: no such limit). Not with "
        "`eligible_areas`. Fixed once the round has attempts (409), as every rule on who may enter.",
    },
    "eligible_areas": {
        "type": "array",
        "items": _ID,
        "description": "A round kept to participants living in these areas (ids from the contest's list).",
    },
    "qualify_from": {
        "type": "array",
        "items": _ID,
        "description": "A final: the earlier rounds of the same contest it qualifies from, each closing before it "
        "opens; with exactly one of `qualify_top` and `qualify_min_score`. Only their final results count.",
    },
    "qualify_top": {
        "oneOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
        "description": "The best N of each named round qualify (ties at N included).",
    },
    "qualify_min_score": {
        "oneOf": [{"type": "integer", "minimum": 0}, {"type": "null"}],
        "description": "A score of at least S in any named round qualifies (S up to their question count).",
    },
}

_NAMED: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "maxLength": AREA_MAX}},
}

SCHEMAS: dict[str, Any] = {
    "StaffBank": {
        "type": "object",
        "required": ["id", "name", "version", "question_count", "topics", "difficulties"],
        "properties": {
            "id": _ID,
            "name": {"type": "string"},
            "version": {"oneOf": [_ID, {"type": "null"}], "description": "The current version's number."},
            "question_count": _COUNT,
            "topics": {"type": "object", "additionalProperties": _COUNT, "description": "Questions per topic."},
            "difficulties": {
                "type": "object",
                "additionalProperties": _COUNT,
                "description": "Questions per difficulty (`easy`, `medium`, `hard`).",
            },
        },
    },
    "NewContest": _closed(
        {
            "type": "object",
            "required": ["title", "slug", "starts_at", "ends_at", "areas"],
            "properties": {
                "title": {"type": "string", "maxLength": TITLE_MAX},
                "slug": {
                    "type": "string",
                    "maxLength": SLUG_MAX,
                    "pattern": f"^{SLUG.pattern}$",
                    "not": {"pattern": "^[0-9]+$"},
                    "description": "The contest's address, `/contests/{slug}`; not digits only (`1` reads as an id).",
                },
                "starts_at": _TIME,
                "ends_at": _TIME,
                "description": {"type": "string"},
                "rules": {"type": "string", "description": "Thể lệ, as Markdown."},
                "privacy_notice": {"type": "string"},
                "min_age": {"type": "integer", "minimum": 1, "maximum": 119},
                "verify_phone": {
                    "type": "boolean",
                    "description": "Registration proves the phone with a code sent by SMS (`POST /api/v1/register` "
                    "answers 202, then `POST /api/v1/register/verify`).",
                },
                "collective_by": {
                    "type": "string",
                    "enum": ["participants", "rate"],
                    "description": "What collective prizes go by: the most participants (default), or the highest "
                    "participation rate (participants ÷ headcount, units with a headcount only). "
                    "`GET /api/v1/contests/{id_or_slug}/collective-prizes` lists them once results are published.",
                },
                "areas": {"type": "array", "minItems": 1, "items": _NAMED},
                "units": {
                    "type": "array",
                    "items": {
                        **_NAMED,
                        "properties": {
                            **_NAMED["properties"],
                            "headcount": {"type": "integer", "minimum": 1, "maximum": HEADCOUNT_MAX},
                        },
                    },
                },
            },
        }
    ),
    "NewRound": _closed(
        {
            "type": "object",
            "description": "With `weeks` over 1, a weekly series: each round a week after the one before, "
            "its title ending with its week (`– tuần 2`).",
            "required": [
                "title",
                "opens_at",
                "closes_at",
                "duration_seconds",
                "question_count",
                "attempts_allowed",
                "bank_id",
            ],
            "properties": {**_ROUND_SETTINGS, "weeks": {"type": "integer", "minimum": 1, "maximum": WEEKS_MAX}},
        }
    ),
    "RoundChange": _closed(
        {
            "type": "object",
            "description": "Only the settings to change. Once the round has attempts: the title, the description "
            "and a later close only. An empty body or `{}` is 400 `nothing_to_change`.",
            "minProperties": 1,
            "properties": _ROUND_SETTINGS,
        }
    ),
}

_CREATED = {"type": "object", "required": ["id"], "properties": {"id": _ID}}

PATHS: dict[str, Any] = {
    "/api/v1/staff/banks": {
        "get": {
            "summary": "Organisers: the question banks, with counts by topic and difficulty",
            "security": _SECURED,
            "responses": {
                "200": _json({"type": "array", "items": _ref("StaffBank")}, "Every bank."),
                "401": _UNAUTHORIZED,
                "403": _ORGANISERS_ONLY,
            },
        }
    },
    "/api/v1/staff/contests": {
        "post": {
            "summary": "Organisers: make a contest with its areas and units",
            "description": "Logged (`contest.create`).",
            "security": _SECURED,
            "requestBody": _body(_ref("NewContest")),
            "responses": {
                "201": _json(
                    {
                        "type": "object",
                        "required": ["id", "slug"],
                        "properties": {"id": _ID, "slug": {"type": "string"}},
                    },
                    "Made.",
                ),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _ORGANISERS_ONLY,
                "422": _INVALID,
            },
        }
    },
    "/api/v1/staff/contests/{contest_id}/rounds": {
        "post": {
            "summary": "Organisers: make a round of this contest",
            "description": "Refused beside the field (422) when it cannot work: a close before the open, a round "
            "outside the contest's dates, a draw asking for more questions (or more of a topic) than the bank's "
            "current version has. Logged (`round.create`).",
            "security": _SECURED,
            "parameters": [{"name": "contest_id", "in": "path", "required": True, "schema": _ID}],
            "requestBody": _body(_ref("NewRound")),
            "responses": {
                "201": _json(
                    {
                        "type": "object",
                        "required": ["id", "ids"],
                        "properties": {"id": _ID, "ids": {"type": "array", "items": _ID}},
                    },
                    "Made: the first round's id, and every round's of a series.",
                ),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _ORGANISERS_ONLY,
                "404": _error("No such contest."),
                "422": _INVALID,
            },
        }
    },
    "/api/v1/staff/rounds/{round_id}": {
        "patch": {
            "summary": "Organisers: change a round",
            "description": "What the body leaves out stays. Logged with the values before and after "
            "(`round.update`); a change to nothing is not logged.",
            "security": _SECURED,
            "parameters": [{"name": "round_id", "in": "path", "required": True, "schema": _ID}],
            "requestBody": _body(_ref("RoundChange")),
            "responses": {
                "200": _json(_CREATED, "Changed (or the settings given were already so)."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _ORGANISERS_ONLY,
                "404": _error("No such round."),
                "409": _error(
                    "`round_judged`: judges have taken the round up (under review, provisional or final), so "
                    "only its title and description may change; `message` names the settings and `errors` gives "
                    "the reason beside each. `phase_moved`: the judges moved the round's phase meanwhile; nothing "
                    "was saved. `round_has_attempts`: the round has attempts and the change could alter a result; "
                    "`message` names the settings."
                ),
                "422": _INVALID,
            },
        }
    },
}
