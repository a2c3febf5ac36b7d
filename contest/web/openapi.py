"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/openapi.json``.

Written by hand next to the handlers; ``tests/web/test_openapi.py`` checks that
every API route is documented here and that the document is valid.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from contest.domain.answers import PREDICTION_MAX
from contest.domain.judging import ANSWER_MAX, COMPLAINT_MAX, REASON_MAX
from contest.domain.models import Phase
from contest.domain.prizes import Prize
from contest.services.leaderboards import PAGE_MAX
from contest.services.rounds import NOTE_MAX
from contest.web import openapi_account, openapi_staff
from contest.web.openapi_parts import BAD_JSON as _BAD_JSON
from contest.web.openapi_parts import SECURED as _SECURED
from contest.web.openapi_parts import closed as _closed
from contest.web.openapi_parts import error as _error
from contest.web.openapi_parts import json_body as _json
from contest.web.openapi_parts import ref as _ref
from contest.web.openapi_parts import request_body as _body

_ID = {"type": "integer", "minimum": 1}
_PAGE = {
    "name": "page",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
}
_PREDICTION = {"type": "integer", "minimum": 0, "maximum": PREDICTION_MAX}
_TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset (+07:00)."}
_SCORE_SHOWN = {
    "type": "boolean",
    "description": "Whether the participant may see the score and which answers were right: at once when the round"
    " says `show_score: immediately`; with `after_publication`, only once its results are published (provisional"
    " or final). While false, no score, result or keys are sent.",
}


_UNAUTHORIZED = _error("Missing, malformed, forged or expired bearer token.")
_TOO_LARGE = _error("Request body over the configured limit.")
_NOT_FOUND = _error("No such attempt for this participant (another participant's attempt is also 404).")

_UNIT = {
    "type": "string",
    "maxLength": 200,
    "description": "Work unit (optional): typed freely, or, when the contest lists units, one of their exact names "
    "(422 naming `unit` otherwise).",
}
_UNIT_ID = {
    **_ID,
    "description": "A work unit from GET /api/v1/contests/{contest_id}/units, when the contest lists units "
    "(optional; 422 naming `unit_id` for one not in the list).",
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "Stable machine-readable code, e.g. `round_not_open`."},
            "message": {"type": "string", "description": "Vietnamese message to show the user."},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Per-field messages (422, and 409 on registration).",
            },
        },
    },
    "Area": {"type": "object", "required": ["id", "name"], "properties": {"id": _ID, "name": {"type": "string"}}},
    "Unit": {"type": "object", "required": ["id", "name"], "properties": {"id": _ID, "name": {"type": "string"}}},
    "Contest": {
        "type": "object",
        "required": ["id", "slug", "title", "starts_at", "ends_at", "status"],
        "properties": {
            "id": _ID,
            "slug": {"type": "string", "description": "The contest's address on the site: /contests/{slug}."},
            "title": {"type": "string"},
            "starts_at": _TIME,
            "ends_at": _TIME,
            "status": {
                "type": "string",
                "enum": ["upcoming", "open", "past"],
                "description": "By the server's clock: before `starts_at`, until `ends_at`, after.",
            },
        },
    },
    "Joining": _closed(
        {
            "type": "object",
            "required": ["area"],
            "description": "What a participant gives for one contest, as at registration.",
            "properties": {
                "area": {**_ID, "description": "An id from GET /api/v1/contests/{contest_id}/areas."},
                "unit": _UNIT,
                "unit_id": _UNIT_ID,
            },
        }
    ),
    "Registration": _closed(
        {
            "type": "object",
            "required": ["full_name", "phone", "password", "birth_year", "cccd", "area", "consent"],
            "properties": {
                "full_name": {"type": "string", "minLength": 1, "maxLength": 100},
                "phone": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Vietnamese mobile number; +84/84/0 prefixes accepted.",
                },
                "password": {"type": "string", "format": "password", "minLength": 8, "maxLength": 128},
                "email": {"type": ["string", "null"], "format": "email"},
                "birth_year": {"type": "integer", "minimum": 1900, "description": "Not after the current year."},
                "cccd": {
                    "type": "string",
                    "pattern": "^[0-9]{12}$",
                    "description": "Số định danh cá nhân (personal identification number): the 12 digits on the "
                    "thẻ căn cước (identity card, Law on Identification 26/2023/QH15, since 01/7/2024) or on the "
                    "older thẻ căn cước công dân (CCCD). The first three are a province code, the next three the "
                    "century and sex digit and the last two digits of `birth_year`.",
                },
                "area": {
                    **_ID,
                    "description": "An id from GET /api/v1/areas, or from GET /api/v1/contests/{contest_id}/areas when "
                    "registering under that contest.",
                },
                "unit": _UNIT,
                "unit_id": _UNIT_ID,
                "consent": {"type": "boolean", "const": True, "description": "Consent to personal data processing."},
                "altcha": _ref("ChallengeSolution"),
            },
        }
    ),
    "Challenge": {
        "type": "object",
        "description": "An ALTCHA proof-of-work challenge (https://altcha.org, SHA-256): find the whole number "
        "`n` from 0 to `maxnumber` whose SHA-256 of `salt` followed by `n` in decimal, as lowercase hex, is "
        "`challenge`. Solvable for 10 minutes (the `expires` in `salt`), and its solution is accepted once.",
        "required": ["algorithm", "challenge", "maxnumber", "salt", "signature"],
        "properties": {
            "algorithm": {"type": "string", "const": "SHA-256"},
            "challenge": {"type": "string", "description": "Hex SHA-256 of `salt` + the secret number."},
            "maxnumber": {"type": "integer", "minimum": 1},
            "salt": {"type": "string", "description": "Hex nonce, then `?expires=<unix seconds>&`; hash it as is."},
            "signature": {"type": "string", "description": "The server's HMAC of `challenge`; send it back as is."},
        },
        "example": {
            "algorithm": "SHA-256",
            "challenge": "4c5e1f5b3a0d6d1a0a6e2b4d8f0c9e7a1b2c3d4e5f60718293a4b5c6d7e8f901",
            "maxnumber": 100000,
            "salt": "9f2c4e6a8b0d1e3f5a7c9e0b?expires=1796000000&",
            "signature": "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e",
        },
    },
    "ChallengeSolution": _closed(
        {
            "type": "string",
            "maxLength": 2000,
            "description": "The solution of a challenge from GET /api/v1/challenge: base64 of the JSON object "
            "`{algorithm, challenge, number, salt, signature}` (the challenge's fields as "
            "received and the number found), what the ALTCHA widget puts in its `altcha` field. Registration always "
            "needs one while challenges are on (`CONTEST_CHALLENGE`); a sign-in needs one after failures for the "
            "login or many sign-ins from the address (429 `challenge_required`). Without one, a few requests per "
            "address and hour are still accepted (browsers without JavaScript).",
            "example": "eyJhbGdvcml0aG0iOiAiU0hBLTI1NiIsICJjaGFsbGVuZ2UiOiAiLi4uIiwgIm51bWJlciI6IDQyLCAic2FsdCI6ICIu"
            "Li4iLCAic2lnbmF0dXJlIjogIi4uLiJ9",
        }
    ),
    "CodeSent": {
        "type": "object",
        "required": ["verification", "phone", "expires_in"],
        "properties": {
            "verification": {"type": "string", "enum": ["sent"]},
            "phone": {"type": "string", "description": "The phone the code was sent to, masked (09xx xxx 678)."},
            "expires_in": {"type": "integer", "description": "Seconds the code works."},
        },
    },
    "CodeGiven": _closed(
        {
            "type": "object",
            "required": ["phone", "code"],
            "properties": {
                "phone": {"type": "string", "minLength": 1, "description": "The phone registered in step 1."},
                "code": {"type": "string", "minLength": 1, "description": "The 6 digits sent by SMS."},
            },
        }
    ),
    "Token": {
        "type": "object",
        "required": ["access_token", "token_type", "expires_in"],
        "properties": {
            "access_token": {"type": "string"},
            "token_type": {"type": "string", "const": "bearer"},
            "expires_in": {"type": "integer", "description": "Seconds."},
        },
    },
    "Round": {
        "type": "object",
        "required": [
            "id",
            "contest_id",
            "title",
            "opens_at",
            "closes_at",
            "status",
            "phase",
            "duration_seconds",
            "question_count",
            "attempts_allowed",
        ],
        "properties": {
            "id": _ID,
            "contest_id": _ID,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "opens_at": _TIME,
            "closes_at": _TIME,
            "status": {"type": "string", "enum": ["upcoming", "open", "closed"]},
            "phase": {
                "type": "string",
                "enum": [p.value for p in Phase],
                "description": "scheduled, open and closed follow the clock; under_review, provisional and final "
                "are the judges' decisions once the round has closed (results under review, provisional, final).",
            },
            "duration_seconds": {"type": "integer"},
            "question_count": {"type": "integer"},
            "attempts_allowed": {"type": "integer"},
            "prediction_question": {"type": ["string", "null"]},
            "prediction_figure": {
                "enum": ["all_correct", "participants", "attempts"],
                "description": "What the prediction predicts: the participants whose counting attempt answers every"
                " question right, the participants, or the attempts (counted when the round closes).",
            },
            "ranking_rule": {"type": "string", "description": "How the round ranks, in Vietnamese."},
            "attempts_used": {"type": "integer", "description": "Only when a bearer token is sent."},
            "eligibility": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Only for a round not open to every participant: who may enter, in Vietnamese "
                "sentences (some units or areas; a final's qualifying rounds and how one qualifies).",
            },
            "refusal": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                    },
                    {"type": "null"},
                ],
                "description": "With a bearer token, for a round not open to all: why this participant may not "
                "enter it (the 403 that starting it would give), or null when they may.",
            },
        },
    },
    "Option": {"type": "object", "required": ["id", "text"], "properties": {"id": _ID, "text": {"type": "string"}}},
    "Question": {
        "type": "object",
        "required": ["id", "text", "multiple", "options"],
        "properties": {
            "id": _ID,
            "text": {"type": "string"},
            "multiple": {"type": "boolean", "description": "Several options may be chosen (checkboxes)."},
            "options": {"type": "array", "items": _ref("Option")},
            "correct": {"type": "array", "items": _ID, "description": "Only after the round has closed."},
            "explanation": {"type": "string", "description": "Only after the round has closed."},
            "source": {"type": "string", "description": "Only after the round has closed."},
        },
    },
    "Result": {
        "type": "object",
        "required": ["correct", "total", "score", "duration_seconds"],
        "properties": {
            "correct": {"type": "integer"},
            "total": {"type": "integer"},
            "score": {"type": "integer"},
            "duration_seconds": {"type": "number"},
        },
    },
    "Attempt": {
        "type": "object",
        "required": ["id", "status", "deadline", "prediction_question", "questions", "answers"],
        "properties": {
            "id": _ID,
            "round_id": _ID,
            "number": {"type": "integer"},
            "status": {"type": "string", "enum": ["in_progress", "submitted", "expired"]},
            "started_at": _TIME,
            "deadline": {**_TIME, "description": "Answers after this moment are refused."},
            "submitted_at": {"oneOf": [_TIME, {"type": "null"}]},
            "prediction_question": {"type": ["string", "null"]},
            "prediction": {"type": ["integer", "null"]},
            "questions": {"type": "array", "items": _ref("Question")},
            "answers": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _ID},
                "description": "Saved answers: question id -> chosen option ids (questions not answered are absent).",
            },
            "revisions": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
                "description": "Question id -> revision of its saved answer (absent: 0, nothing saved). "
                "Send it back as `base_revision` when saving that answer.",
            },
            "flagged": {
                "type": "array",
                "items": _ID,
                "description": 'Questions the participant flagged "Xem lại sau" (to review later).',
            },
            "result": {
                "oneOf": [_ref("Result"), {"type": "null"}],
                "description": "Null while in progress, and while `score_shown` is false.",
            },
            "score_shown": _SCORE_SHOWN,
        },
    },
    "SavedAnswer": {
        "type": "object",
        "required": ["question_id", "options", "revision", "saved"],
        "properties": {
            "question_id": _ID,
            "options": {"type": "array", "items": _ID, "description": "The answer now stored."},
            "revision": {"type": "integer", "minimum": 0, "description": "Its revision (0: nothing saved)."},
            "saved": {"type": "boolean", "const": True},
        },
    },
    "StaleAnswer": {
        "type": "object",
        "required": ["error", "message", "question_id", "options", "revision", "saved"],
        "description": "A save based on an older revision: not applied. `options` and `revision` are the answer "
        "stored (saved from another device or page), to show the user.",
        "properties": {
            "error": {"type": "string", "const": "stale_answer"},
            "message": {"type": "string", "description": "Vietnamese message to show the user."},
            "question_id": _ID,
            "options": {"type": "array", "items": _ID},
            "revision": {"type": "integer", "minimum": 0},
            "saved": {"type": "boolean", "const": False},
        },
    },
    "SubmitResult": {
        "type": "object",
        "required": ["status", "submitted_at", "score_shown"],
        "description": "The attempt as submitted, with its result (`correct`, `total`, `score`, "
        "`duration_seconds`) when `score_shown`; otherwise say: «Bài thi đã được nộp lúc … Điểm sẽ được công bố "
        "cùng kết quả».",
        "properties": {
            "id": _ID,
            "status": {"type": "string", "enum": ["submitted", "expired"]},
            "submitted_at": {"oneOf": [_TIME, {"type": "null"}]},
            "score_shown": _SCORE_SHOWN,
            "correct": {"type": "integer"},
            "total": {"type": "integer"},
            "score": {"type": "integer"},
            "duration_seconds": {"type": "number"},
        },
    },
    "Complaint": {
        "type": "object",
        "required": ["id", "round_id", "attempt_id", "question_id", "text", "filed_at", "answer", "answered_at"],
        "properties": {
            "id": _ID,
            "round_id": _ID,
            "attempt_id": _ID,
            "question_id": {
                "oneOf": [_ID, {"type": "null"}],
                "description": "The question's place in the attempt (1, 2, …); null: about the result.",
            },
            "text": {"type": "string"},
            "filed_at": _TIME,
            "answer": {"type": ["string", "null"], "description": "The judges' written answer; null until answered."},
            "answered_at": {"oneOf": [_TIME, {"type": "null"}]},
            "user_id": {**_ID, "description": "Staff only."},
            "participant": {"type": "string", "description": "Staff only: the participant's full name."},
            "answered_by": {"type": "string", "description": "Staff only: the judge who answered (empty: nobody yet)."},
        },
    },
    "PrizeDecision": {
        "type": "object",
        "required": ["id", "rank", "tied", "prize", "user_ids", "reason", "decided_by", "decided_at"],
        "properties": {
            "id": _ID,
            "rank": {"type": "integer"},
            "tied": {"type": "array", "items": _ID, "description": "The tie it was made for."},
            "prize": {"type": "string", "enum": [p.value for p in Prize]},
            "user_ids": {"type": "array", "items": _ID, "description": "Those given `prize`."},
            "reason": {"type": "string"},
            "decided_by": {"type": "string"},
            "decided_at": _TIME,
        },
    },
    "CollectivePlace": {
        "type": "object",
        "required": ["rank", "name", "participants", "headcount", "rate"],
        "properties": {
            "rank": {"type": "integer", "minimum": 1},
            "name": {"type": "string"},
            "participants": {"type": "integer", "minimum": 0},
            "headcount": {"type": ["integer", "null"], "description": "The unit's headcount, where given."},
            "rate": {"type": ["number", "null"], "description": "Participants ÷ headcount, in percent (1 decimal)."},
        },
    },
    "Disqualification": {
        "type": "object",
        "required": ["id", "round_id", "user_id", "participant", "attempt_id", "reason", "decided_at", "active"],
        "properties": {
            "id": _ID,
            "round_id": _ID,
            "user_id": _ID,
            "participant": {"type": "string"},
            "attempt_id": {
                "oneOf": [_ID, {"type": "null"}],
                "description": "The attempt put out; null: the participant's whole round.",
            },
            "reason": {"type": "string"},
            "decided_by": {"type": "string"},
            "decided_at": _TIME,
            "active": {"type": "boolean", "description": "False once reinstated."},
            "reinstated_by": {"type": ["string", "null"]},
            "reinstated_at": {"oneOf": [_TIME, {"type": "null"}]},
            "reinstate_reason": {"type": ["string", "null"]},
        },
    },
    "KeyCorrection": {
        "type": "object",
        "description": "What correcting a question's key changes (a preview) or changed (applied).",
        "required": [
            "round_id",
            "code",
            "before",
            "after",
            "attempts_rekeyed",
            "results_changed",
            "skipped",
            "changes",
        ],
        "properties": {
            "round_id": _ID,
            "code": {"type": "string", "description": "The question's code in the bank."},
            "before": {"type": "string", "description": "The key as it was, in bank letters (`A`, or `A, C`)."},
            "after": {"type": "string", "description": "The corrected key, in bank letters."},
            "attempts_rekeyed": {"type": "integer", "minimum": 0, "description": "Attempts that drew the question."},
            "results_changed": {
                "type": "integer",
                "minimum": 0,
                "description": "Finished attempts whose result changes.",
            },
            "skipped": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Codes not corrected: their options changed since the attempts drew them.",
            },
            "changes": {
                "type": "array",
                "description": "Who moves, by new rank: the round ranked with the new scores against its stored "
                "standings. A rank null: not ranked (disqualified).",
                "items": {
                    "type": "object",
                    "required": ["name", "score_before", "score_after", "rank_before", "rank_after"],
                    "properties": {
                        "name": {"type": "string"},
                        "score_before": {"type": "integer"},
                        "score_after": {"type": "integer"},
                        "rank_before": {"type": ["integer", "null"]},
                        "rank_after": {"type": ["integer", "null"]},
                    },
                },
            },
        },
    },
}


_ATTEMPT_ID = {"name": "attempt_id", "in": "path", "required": True, "schema": _ID}
_CONTEST_ID = {"name": "contest_id", "in": "path", "required": True, "schema": _ID}
_ROUND_ID = {"name": "round_id", "in": "path", "required": True, "schema": _ID}
_JUDGES_ONLY = _error("Only judges and admins (`judges_only`).")
_NO_ROUND = _error("No such round.")
_WRITTEN = {"type": "string", "pattern": "\\S", "description": "Text people write: not empty or only spaces."}
_KEY_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_KEY_NOT_FOUND = _error("No such round, or no question of this code in the round's bank.")
_NOT_CORRECTING = _error("`not_correcting`: the round is not under review or provisional.")
_BAD_KEY = _error(
    "`errors.answer`, in Vietnamese: no letter, a letter (or part) that is not one of the question's options "
    "(named), several letters for a single-answer question, or the key the round's attempts already hold."
)

PATHS: dict[str, Any] = {
    "/api/v1/areas": {
        "get": {
            "summary": "Localities a participant may choose when registering",
            "description": "The areas of the contest `POST /api/v1/register` registers under: the open contest "
            "that started last, else the next upcoming one, else the one that ended last.",
            "responses": {
                "200": _json({"type": "array", "items": _ref("Area")}, "The contest's areas."),
                "404": _error("The site has no contest yet."),
            },
        }
    },
    "/api/v1/contests": {
        "get": {
            "summary": "The site's contests: open now, then upcoming, then past",
            "responses": {"200": _json({"type": "array", "items": _ref("Contest")}, "Every contest.")},
        }
    },
    "/api/v1/contests/{contest_id}/rounds": {
        "get": {
            "summary": "A contest's rounds (past contests too); with a token, also attempts used",
            "security": [{}, {"bearer": []}],
            "parameters": [_CONTEST_ID],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Round")}, "Rounds in opening order."),
                "401": _UNAUTHORIZED,
                "404": _error("No such contest."),
            },
        }
    },
    "/api/v1/contests/{contest_id}/areas": {
        "get": {
            "summary": "Localities a participant may choose when joining this contest",
            "parameters": [_CONTEST_ID],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Area")}, "The contest's areas."),
                "404": _error("No such contest."),
            },
        }
    },
    "/api/v1/contests/{contest_id}/units": {
        "get": {
            "summary": "Work units a participant may choose when registering under or joining this contest",
            "description": "Empty when the contest lists no units: the unit is then typed freely.",
            "parameters": [_CONTEST_ID],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Unit")}, "The contest's units, in the list's order."),
                "404": _error("No such contest."),
            },
        }
    },
    "/api/v1/contests/{contest_id}/join": {
        "post": {
            "summary": "Join a contest (a participant registered under another one)",
            "description": "One account serves every contest of the site; the area and work unit are given "
            "per contest, once. Registering joins the contest registered under; starting a round of a contest "
            "not joined is refused with 409 `not_joined`.",
            "security": _SECURED,
            "parameters": [_CONTEST_ID],
            "requestBody": _body(_ref("Joining")),
            "responses": {
                "201": _json(
                    {
                        "type": "object",
                        "required": ["contest_id", "area", "unit"],
                        "properties": {"contest_id": _ID, "area": _ID, "unit": {"type": "string"}},
                    },
                    "Joined.",
                ),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _error("Staff accounts do not take part."),
                "404": _error("No such contest."),
                "409": _error("`already_joined` (what was given then is kept), or `contest_over`."),
                "413": _TOO_LARGE,
                "422": _error("Invalid fields; `errors` maps each field to a Vietnamese message."),
            },
        }
    },
    "/api/v1/challenge": {
        "get": {
            "summary": "A proof-of-work challenge to solve before registering or signing in",
            "description": "Solve it (docs/api.md shows how) and send the solution as `altcha` with "
            "POST /api/v1/register or POST /api/v1/token. Never cached: fetch one per request.",
            "responses": {"200": _json(_ref("Challenge"), "A new challenge.")},
        }
    },
    "/api/v1/register": {
        "post": {
            "summary": "Register a participant",
            "description": "Limited per client address and per network (IPv4 /24, IPv6 /64): a few registrations "
            "every 10 minutes, where an answer that a phone, CCCD or email is taken counts too. Needs `altcha`, "
            "the solution of GET /api/v1/challenge, while challenges are on.",
            "requestBody": _body(_ref("Registration")),
            "responses": {
                "201": _json({"type": "object"}, "Registered."),
                "202": _json(
                    _ref("CodeSent"),
                    "The contest verifies phones (`verify_phone`): a code was sent by SMS, to be given to "
                    "POST /api/v1/register/verify. The same answer whether or not the phone has an account (its "
                    "owner is told so by SMS instead).",
                ),
                "503": _error("The SMS gateway did not take the message (`send_failed`): try again later."),
                "400": _error(
                    "Malformed JSON (`malformed_json`, `json_not_object`), or an `altcha` solution that is "
                    "wrong, expired or already used (`challenge_invalid`): solve a new challenge."
                ),
                "429": _error(
                    "Too many registrations from this address or network (`too_many_requests`), or "
                    "`challenge_required`: send `altcha`; with phone verification, also too many codes or one "
                    "asked again within `CONTEST_CODE_RESEND_SECONDS`. See the Retry-After header."
                ),
                "409": _error(
                    "Phone, personal identification number or email already registered (`account_exists`; "
                    "`errors` names the field), or `contest_over` when the contest has ended, or the contest "
                    "verifies phones but the site has no SMS sender (`sender_unavailable`)."
                ),
                "413": _TOO_LARGE,
                "422": _error("Invalid fields; `errors` maps each field to a Vietnamese message."),
            },
        }
    },
    "/api/v1/contests/{contest_id}/register": {
        "post": {
            "summary": "Register a participant under this contest",
            "description": "As POST /api/v1/register, under the contest in the address (its areas and units), "
            "whichever contest is the current one.",
            "parameters": [_CONTEST_ID],
            "requestBody": _body(_ref("Registration")),
            "responses": {
                "201": _json({"type": "object"}, "Registered, as POST /api/v1/register answers."),
                "202": _json(_ref("CodeSent"), "A code was sent, as POST /api/v1/register answers."),
                "400": _error("Malformed JSON or an invalid `altcha`, as POST /api/v1/register."),
                "404": _error("No such contest."),
                "409": _error("As POST /api/v1/register (`account_exists`, `contest_over`, `sender_unavailable`)."),
                "413": _TOO_LARGE,
                "422": _error("Invalid fields; `errors` maps each field to a Vietnamese message."),
                "429": _error("As POST /api/v1/register. See the Retry-After header."),
                "503": _error("The SMS gateway did not take the message (`send_failed`): try again later."),
            },
        }
    },
    "/api/v1/register/verify": {
        "post": {
            "summary": "Finish a registration with the code sent to the phone",
            "description": "Step 2 when POST /api/v1/register answered 202. A code works for "
            "`CONTEST_CODE_TTL_SECONDS`, once, for `CONTEST_CODE_MAX_TRIES` tries.",
            "requestBody": _body(_ref("CodeGiven")),
            "responses": {
                "201": _json({"type": "object"}, "Registered, as POST /api/v1/register answers."),
                "400": _error("Malformed JSON (`malformed_json`, `json_not_object`)."),
                "409": _error(
                    "The personal identification number or email was registered since step 1 (`account_exists`)."
                ),
                "413": _TOO_LARGE,
                "422": _error(
                    "Invalid `phone` or `code`: a wrong code says how many tries are left; an expired, used or "
                    "spent one asks for a new one."
                ),
            },
        }
    },
    "/api/v1/password-reset": {
        "post": {
            "summary": "Forgot password: send a code to a phone or a link to an email",
            "description": "The same answer whether or not an account has this phone or email; only an account's "
            "own phone or email is sent anything. Limited per phone or email and per client address.",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["login"],
                    "properties": {
                        "login": {"type": "string", "minLength": 1, "description": "A mobile phone or an email."}
                    },
                }
            ),
            "responses": {
                "202": _json(
                    {
                        "type": "object",
                        "required": ["sent", "to"],
                        "properties": {
                            "sent": {"type": "string", "enum": ["phone", "email"]},
                            "to": {"type": "string", "description": "The phone or email, masked."},
                        },
                    },
                    "Sent, if an account has it.",
                ),
                "400": _error("Malformed JSON (`malformed_json`, `json_not_object`)."),
                "413": _TOO_LARGE,
                "422": _error("`login` is neither a mobile phone nor an email."),
                "429": _error(
                    "Too many codes sent to this phone or email, or from this address, or asked again within "
                    "`CONTEST_CODE_RESEND_SECONDS` of the last from the same network; see Retry-After."
                ),
                "409": _error("The site has no SMS or email sender for this (`sender_unavailable`)."),
                "503": _error("The SMS gateway or mail service did not take the message (`send_failed`)."),
            },
        }
    },
    "/api/v1/password-reset/confirm": {
        "post": {
            "summary": "Set a new password with the code sent to the phone, or an emailed link's token",
            "description": "Every session and token of the account ends.",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["password"],
                    "anyOf": [{"required": ["phone", "code"]}, {"required": ["token"]}],
                    "properties": {
                        "phone": {"type": "string", "minLength": 1},
                        "code": {"type": "string", "minLength": 1},
                        "token": {
                            "type": "string",
                            "minLength": 1,
                            "description": "From the emailed link, instead of phone and code.",
                        },
                        "password": {
                            "type": "string",
                            "format": "password",
                            "description": "The new password: 8 to 128 characters.",
                        },
                    },
                }
            ),
            "responses": {
                "204": {"description": "The password is set; sign in with it."},
                "400": _error("Malformed JSON (`malformed_json`, `json_not_object`)."),
                "413": _TOO_LARGE,
                "422": _error(
                    "Invalid `phone`, `code`, `token` or `password` (`errors` names it): a wrong code says how many "
                    "tries are left; an expired or used code or link asks for a new one."
                ),
            },
        }
    },
    "/api/v1/token": {
        "post": {
            "summary": "Exchange a phone or email and password for a bearer token",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["login", "password"],
                    "properties": {
                        "login": {"type": "string"},
                        "password": {"type": "string", "format": "password"},
                        "altcha": _ref("ChallengeSolution"),
                    },
                }
            ),
            "responses": {
                "200": _json(_ref("Token"), "A signed token."),
                "400": _error(
                    "Malformed JSON (`malformed_json`, `json_not_object`), or an `altcha` solution that is "
                    "wrong, expired or already used (`challenge_invalid`)."
                ),
                "401": _error("Wrong login or password."),
                "422": _error("A field that is not text, or not documented (`errors` names it)."),
                "429": _error(
                    "`challenge_required`: after failures for this login or many sign-ins from this address, "
                    "send `altcha` (the right password with a solution always gets in). With challenges off "
                    "(`too_many_requests`): too many failed sign-ins; see the Retry-After header."
                ),
            },
        },
        "delete": openapi_account.WITHDRAW,
    },
    "/api/v1/rounds": {
        "get": {
            "summary": "The rounds of the contests open now; with a token, also attempts used",
            "security": [{}, {"bearer": []}],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Round")}, "Rounds in opening order."),
                "401": _UNAUTHORIZED,
            },
        }
    },
    "/api/v1/rounds/{round_id}/attempts": {
        "post": {
            "summary": "Start an attempt (or get the one in progress)",
            "security": _SECURED,
            "parameters": [{"name": "round_id", "in": "path", "required": True, "schema": _ID}],
            "responses": {
                "201": _json(_ref("Attempt"), "A new attempt: questions drawn and shuffled."),
                "200": _json(_ref("Attempt"), "The attempt already in progress (a repeated start)."),
                "401": _UNAUTHORIZED,
                "403": _error(
                    "Staff accounts do not take part (`forbidden`), or this participant may not enter the round, "
                    "the message saying why in Vietnamese: `not_eligible_unit` or `not_eligible_area` (a round "
                    "kept to some units or areas), `qualifying_not_final` (a final whose qualifying rounds' "
                    "results are not final yet), `not_qualified`."
                ),
                "404": _error("No such round."),
                "409": _error(
                    "`round_not_open` (not yet open, closed, or taken up by the judges whatever its close "
                    "says), `no_attempts_left`, or `not_joined` (join the round's contest first: "
                    "POST /api/v1/contests/{contest_id}/join)."
                ),
            },
        }
    },
    "/api/v1/attempts/{attempt_id}": {
        "get": {
            "summary": "An attempt with its saved answers",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID],
            "responses": {
                "200": _json(_ref("Attempt"), "The attempt."),
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
            },
        }
    },
    "/api/v1/attempts/{attempt_id}/answers/{question_id}": {
        "put": {
            "summary": "Save (or replace) the answer to one question",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID, {"name": "question_id", "in": "path", "required": True, "schema": _ID}],
            "description": "Send `base_revision`, the revision of this answer the app last saw (from the "
            "attempt's `revisions`, or the last save's response; 0 when it saw none), so that an answer saved "
            "meanwhile from another device or page is not overwritten: such a save is refused with 409 "
            "`stale_answer` and the stored answer. Without `base_revision` the save is applied whatever is "
            "stored. Sending the stored options again changes nothing and succeeds.",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["options"],
                    "properties": {
                        "options": {"type": "array", "items": _ID, "description": "Empty clears."},
                        "base_revision": {
                            "type": ["integer", "null"],
                            "minimum": 0,
                            "maximum": 1_000_000_000,
                            "description": "The revision this answer is based on; absent or null: answer anyway.",
                        },
                    },
                }
            ),
            "responses": {
                "200": _json(_ref("SavedAnswer"), "Saved on the server (or already stored as sent)."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
                "409": {
                    "description": "`stale_answer` (a StaleAnswer body) when `base_revision` is older than the "
                    "stored answer; `time_up` after the deadline, `attempt_closed` after submission.",
                    "content": {"application/json": {"schema": {"oneOf": [_ref("StaleAnswer"), _ref("Error")]}}},
                },
                "413": _TOO_LARGE,
                "422": _error(
                    "Options not in this question, several for a single-answer question, "
                    "or `base_revision` not a whole number from 0."
                ),
            },
        }
    },
    "/api/v1/attempts/{attempt_id}/flags/{question_id}": {
        "put": {
            "summary": 'Flag a question "Xem lại sau" (review later), or clear the flag',
            "description": "Kept with the attempt, so the flag shows on every device; see `flagged` in the attempt.",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID, {"name": "question_id", "in": "path", "required": True, "schema": _ID}],
            "requestBody": _body(
                {"type": "object", "required": ["flagged"], "properties": {"flagged": {"type": "boolean"}}}
            ),
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["question_id", "flagged"],
                        "properties": {"question_id": _ID, "flagged": {"type": "boolean"}},
                    },
                    "Stored.",
                ),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
                "409": _error("`time_up` after the deadline, `attempt_closed` after submission."),
                "422": _error("`flagged` is not true or false."),
            },
        }
    },
    "/api/v1/attempts/{attempt_id}/prediction": {
        "put": {
            "summary": "Save the answer to the prediction question before submitting",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID],
            "requestBody": _body(
                {"type": "object", "required": ["prediction"], "properties": {"prediction": _PREDICTION}}
            ),
            "responses": {
                "200": _json({"type": "object"}, "Saved."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
                "409": _error("After the deadline or after submission."),
                "422": _error("Not an integer from 0 to 100,000,000."),
            },
        }
    },
    "/api/v1/attempts/{attempt_id}/submit": {
        "post": {
            "summary": "Submit the attempt and get its result",
            "description": "Submitting twice returns the first result. After the deadline the attempt "
            "closes as `expired` with the answers saved in time.",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID],
            "requestBody": _body(
                {
                    "type": "object",
                    "properties": {
                        "prediction": {
                            **_PREDICTION,
                            "description": "Required when the round has a prediction question and none was saved.",
                        }
                    },
                },
                required=False,
            ),
            "responses": {
                "200": _json(_ref("SubmitResult"), "The result."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
                "422": _error("Prediction missing or invalid."),
            },
        }
    },
    "/api/v1/attempts/{attempt_id}/complaints": {
        "post": {
            "summary": "Complain about a question of this attempt, or about its result",
            "description": "While the round's results are provisional and its complaint window "
            "(`complaint_window_hours` after publication) is open.",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "question_id": {
                            **_ID,
                            "description": "The question's place in the attempt; omit for the result.",
                        },
                        "text": {**_WRITTEN, "maxLength": COMPLAINT_MAX},
                    },
                }
            ),
            "responses": {
                "201": _json(_ref("Complaint"), "Filed; the judges answer it in writing."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _error("Staff accounts do not take part."),
                "404": _NOT_FOUND,
                "409": _error("`complaints_closed`: results not provisional, or the window has closed."),
                "422": _error("Empty or overlong text, or a question the attempt did not draw."),
            },
        },
        "get": {
            "summary": "This attempt's complaints with the judges' answers",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Complaint")}, "Oldest first."),
                "401": _UNAUTHORIZED,
                "404": _NOT_FOUND,
            },
        },
    },
    "/api/v1/staff/rounds/{round_id}/phase": {
        "get": {
            "summary": "Judges: the round's phase, and why each move from it would be refused now",
            "description": "Every move the phase machine knows from the current phase (none before the round "
            "closes, none once final), each with the Vietnamese `reason` that `POST` would refuse it for now "
            "(409): final results while the complaint window is open (until when, Vietnam time), while "
            "complaints are unanswered, or while a tie across a prize boundary is undecided. `reason` null: "
            "allowed now.",
            "security": _SECURED,
            "parameters": [_ROUND_ID],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["phase", "moves"],
                        "properties": {
                            "phase": {"type": "string", "enum": [p.value for p in Phase]},
                            "moves": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["phase", "allowed", "reason"],
                                    "properties": {
                                        "phase": {"type": "string", "enum": [p.value for p in Phase]},
                                        "allowed": {"type": "boolean"},
                                        "reason": {"type": ["string", "null"]},
                                    },
                                },
                            },
                        },
                    },
                    "The phase and the moves from it, in the phases' order.",
                ),
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _NO_ROUND,
            },
        },
        "post": {
            "summary": "Judges: move a round on (closed → under_review → provisional → final)",
            "description": "Logged with the note. Provisional may go back under review; final is refused while "
            "the complaint window is open or a complaint is unanswered.",
            "security": _SECURED,
            "parameters": [_ROUND_ID],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["phase"],
                    "properties": {
                        "phase": {"type": "string", "enum": ["under_review", "provisional", "final"]},
                        "note": {"type": "string", "maxLength": NOTE_MAX},
                    },
                }
            ),
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["round_id", "phase"],
                        "properties": {"round_id": _ID, "phase": {"type": "string", "enum": [p.value for p in Phase]}},
                    },
                    "Moved.",
                ),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _NO_ROUND,
                "409": _error(
                    "Not allowed yet, the reason in `message`: `phase_move_refused`, `complaint_window_open`, "
                    "`complaints_unanswered` or `prize_ties_undecided` (a tie across a prize boundary the judges "
                    "have not decided: `POST /api/v1/staff/rounds/{round_id}/prize-decisions`)."
                ),
                "422": _error("Unknown phase or overlong note."),
            },
        },
    },
    "/api/v1/staff/rounds/{round_id}/keys/{code}": {
        "get": {
            "summary": "Judges: preview correcting a question's key",
            "description": "What correcting the key of the question `code` (of the round's bank) to `answer` "
            "would change, nothing written: how many attempts and results, and who moves from which score and "
            "rank to which. Only while the round is under review or provisional.",
            "security": _SECURED,
            "parameters": [
                _ROUND_ID,
                _KEY_CODE,
                {
                    "name": "answer",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "The corrected key in bank letters, read whole as the bank editor reads a "
                    "key: `B`; `CD`, `C, D`, `c;d` (or `answer` repeated) is the set {C, D}, for a question with "
                    "several right answers.",
                },
            ],
            "responses": {
                "200": _json(_ref("KeyCorrection"), "What would change."),
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _KEY_NOT_FOUND,
                "409": _NOT_CORRECTING,
                "422": _BAD_KEY,
            },
        },
        "post": {
            "summary": "Judges: correct a question's key and re-score the round",
            "description": "As the preview showed, with a written reason: the bank's next version (none when "
            "the bank has that key already, corrected in another round of the same bank), the round "
            "re-scored and logged (`round.rescore`, the key before and after and the reason with it). Under "
            "review the standings are ranked again at once; provisional results stay as published until the "
            "judges publish again, which logs who moved.",
            "security": _SECURED,
            "parameters": [_ROUND_ID, _KEY_CODE],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["answer", "reason"],
                    "properties": {
                        "answer": {
                            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                            "description": "The corrected key in bank letters, read whole: `B`, `CD`, `C, D` or "
                            '`["C", "D"]`.',
                        },
                        "reason": {**_WRITTEN, "maxLength": REASON_MAX},
                    },
                }
            ),
            "responses": {
                "200": _json(_ref("KeyCorrection"), "Corrected and re-scored; what changed."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _KEY_NOT_FOUND,
                "409": _NOT_CORRECTING,
                "422": _error(
                    "No reason, or an overlong one (`errors.reason`), or a key that cannot be (`errors.answer`)."
                ),
            },
        },
    },
    "/api/v1/staff/rounds/{round_id}/complaints": {
        "get": {
            "summary": "Judges: the round's complaints, answered or not",
            "security": _SECURED,
            "parameters": [_ROUND_ID],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Complaint")}, "Oldest first, with the participant."),
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _NO_ROUND,
            },
        }
    },
    "/api/v1/staff/rounds/{round_id}/ranking": {
        "get": {
            "summary": "Judges: the review leaderboard, with flags and every attempt of each participant",
            "description": "From the stored standings (ranked when the round moved under review and at each "
            "decision since). Flags are hints: `fast` (under 3 s per right answer), `shared_address` (another "
            "account started from the same address within 10 minutes), `same_person` (another account in the "
            "round with the same name and year of birth), `identical_answers` (another account's finished attempt "
            "answered the same questions with the same options in the same order of saving, at least 5 and one "
            "of them wrong; the reason names them). Phones stay masked.",
            "security": _SECURED,
            "parameters": [
                _ROUND_ID,
                _PAGE,
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Name, unit or area; diacritics optional.",
                },
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["round_id", "phase", "rule", "found", "page", "pages", "entries"],
                        "properties": {
                            "round_id": _ID,
                            "phase": {"type": "string", "enum": [p.value for p in Phase]},
                            "rule": {"type": "string"},
                            "true_figure": {"type": ["integer", "null"]},
                            "found": {"type": "integer", "minimum": 0},
                            "page": {"type": "integer", "minimum": 1},
                            "pages": {"type": "integer", "minimum": 1},
                            "entries": {"type": "array", "items": {"type": "object"}},
                        },
                    },
                    "50 participants a page, best first.",
                ),
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _error("No such round, or not ranked yet (move it under review first)."),
                "422": _error("A page that is not a whole number from 1."),
            },
        }
    },
    "/api/v1/staff/attempts/{attempt_id}": {
        "get": {
            "summary": "Judges: one attempt in detail",
            "description": "Each question as drawn, the options chosen and the correct ones (ids of the "
            "attempt's options), when each answer was last saved, the result, the flags, and the `address` and "
            "`browser` it was started from. `account` (phone, "
            "email, CCCD, year of birth) only when a flag was raised, else null.",
            "security": _SECURED,
            "parameters": [_ATTEMPT_ID],
            "responses": {
                "200": _json({"type": "object"}, "The attempt."),
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _error("No such attempt."),
            },
        }
    },
    "/api/v1/staff/complaints/{complaint_id}/answer": {
        "post": {
            "summary": "Judges: answer a complaint in writing (the participant reads it)",
            "security": _SECURED,
            "parameters": [{"name": "complaint_id", "in": "path", "required": True, "schema": _ID}],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {**_WRITTEN, "maxLength": ANSWER_MAX}},
                }
            ),
            "responses": {
                "200": _json(_ref("Complaint"), "Answered; logged."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _error("No such complaint."),
                "409": _error("`already_answered`."),
                "422": _error("Empty or overlong answer."),
            },
        }
    },
    "/api/v1/staff/rounds/{round_id}/disqualifications": {
        "post": {
            "summary": "Judges: put one attempt, or a participant's whole round, out of the ranking",
            "description": "Only while the round is under review; logged with the reason.",
            "security": _SECURED,
            "parameters": [_ROUND_ID],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["reason"],
                    "properties": {
                        "attempt_id": {**_ID, "description": "One attempt; or give `user_id`."},
                        "user_id": {**_ID, "description": "The participant's whole round; or give `attempt_id`."},
                        "reason": {**_WRITTEN, "maxLength": REASON_MAX},
                    },
                }
            ),
            "responses": {
                "201": _json(_ref("Disqualification"), "Disqualified; logged."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _NO_ROUND,
                "409": _error("`not_under_review`, or `already_disqualified`."),
                "422": _error("Not exactly one of attempt_id and user_id, one not of this round, or no reason."),
            },
        },
        "get": {
            "summary": "Judges: the round's disqualifications, reinstated ones included",
            "security": _SECURED,
            "parameters": [_ROUND_ID],
            "responses": {
                "200": _json({"type": "array", "items": _ref("Disqualification")}, "Oldest first."),
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _NO_ROUND,
            },
        },
    },
    "/api/v1/staff/rounds/{round_id}/prize-decisions": {
        "post": {
            "summary": "Judges: decide a tie across a prize boundary",
            "description": "Participants who share a rank across a prize boundary get no prize until the judges "
            "decide: `prize` (one the tie's places give) to `user_ids` (some or all of one tie; all: the quota is "
            "exceeded), the rest of the tie the lowest prize its places give (possibly none), for a written "
            "`reason`. Only while the round is under review or provisional; a later decision on the same rank "
            "replaces it; logged with the one it replaces. A re-ranking that changes the tie leaves the decision "
            "stale. Final results are refused (409 `prize_ties_undecided`) while a tie is undecided.",
            "security": _SECURED,
            "parameters": [_ROUND_ID],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["prize", "user_ids", "reason"],
                    "properties": {
                        "prize": {"type": "string", "enum": [p.value for p in Prize]},
                        "user_ids": {"type": "array", "items": _ID, "minItems": 1},
                        "reason": {**_WRITTEN, "maxLength": REASON_MAX},
                    },
                }
            ),
            "responses": {
                "201": _json(_ref("PrizeDecision"), "Decided; logged."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _NO_ROUND,
                "409": _error("`not_deciding`: the round is not under review or provisional."),
                "422": _error("A prize or participants that fit no tie across a prize boundary, or no reason."),
            },
        },
        "get": {
            "summary": "Judges: the round's ties across a prize boundary, each with the decision in force",
            "description": "From the stored standings (empty before the round is under review). `decision` "
            "null: undecided (final results are refused). `stale`: decisions whose tie the standings no longer "
            "show (a re-ranking changed it): the judges decide again.",
            "security": _SECURED,
            "parameters": [_ROUND_ID],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["ties", "stale"],
                        "properties": {
                            "ties": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["rank", "user_ids", "names", "places", "prizes", "decision"],
                                    "properties": {
                                        "rank": {"type": "integer", "minimum": 1},
                                        "user_ids": {"type": "array", "items": _ID},
                                        "names": {"type": "array", "items": {"type": "string"}},
                                        "places": {
                                            "type": "string",
                                            "description": "The places each prize gives them, in Vietnamese.",
                                        },
                                        "prizes": {
                                            "type": "array",
                                            "items": {"type": "string", "enum": [p.value for p in Prize]},
                                            "description": "The prizes a decision may give.",
                                        },
                                        "decision": {"oneOf": [_ref("PrizeDecision"), {"type": "null"}]},
                                    },
                                },
                            },
                            "stale": {"type": "array", "items": _ref("PrizeDecision")},
                        },
                    },
                    "By rank.",
                ),
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _NO_ROUND,
            },
        },
    },
    "/api/v1/staff/disqualifications/{disqualification_id}/reinstate": {
        "post": {
            "summary": "Judges: lift a disqualification, with a written reason",
            "description": "Only while the round is under review; logged.",
            "security": _SECURED,
            "parameters": [{"name": "disqualification_id", "in": "path", "required": True, "schema": _ID}],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["reason"],
                    "properties": {"reason": {**_WRITTEN, "maxLength": REASON_MAX}},
                }
            ),
            "responses": {
                "200": _json(_ref("Disqualification"), "Reinstated; logged."),
                "400": _BAD_JSON,
                "401": _UNAUTHORIZED,
                "403": _JUDGES_ONLY,
                "404": _error("No such disqualification."),
                "409": _error("`not_under_review`, or `already_reinstated`."),
                "422": _error("No reason."),
            },
        }
    },
    "/api/v1/rounds/{round_id}/leaderboard": {
        "get": {
            "summary": "A page of a round's published leaderboard",
            "description": "404 until the judges publish the round's results (provisional or final). Read from "
            "the stored standings; phones are masked (`09xx xxx 123`). `digest` is the SHA-256 of the canonical "
            "serialisation of the whole leaderboard, `signature` its Ed25519 signature (base64) by the key at "
            "`/public-key.pem`.",
            "parameters": [
                {"name": "round_id", "in": "path", "required": True, "schema": _ID},
                _PAGE,
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": [
                            "round_id",
                            "phase",
                            "rule",
                            "true_figure",
                            "entries",
                            "page",
                            "pages",
                            "digest",
                            "signature",
                        ],
                        "properties": {
                            "round_id": _ID,
                            "phase": {"enum": ["provisional", "final"]},
                            "rule": {"type": "string", "description": "The ranking rule in Vietnamese."},
                            "true_figure": {"type": ["integer", "null"]},
                            "entries": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": [
                                        "rank",
                                        "name",
                                        "phone",
                                        "area",
                                        "unit",
                                        "score",
                                        "correct",
                                        "prediction",
                                        "duration_seconds",
                                    ],
                                    "properties": {
                                        "rank": _ID,
                                        "name": {"type": "string"},
                                        "phone": {"type": "string"},
                                        "area": {"type": "string"},
                                        "unit": {"type": "string"},
                                        "score": {"type": "integer"},
                                        "correct": {"type": "integer"},
                                        "prediction": {"type": ["integer", "null"]},
                                        "duration_seconds": {"type": "number"},
                                    },
                                },
                            },
                            "page": _ID,
                            "pages": _ID,
                            "digest": {"type": "string"},
                            "signature": {"type": "string"},
                        },
                    },
                    "One page (50 entries).",
                ),
                "404": _error("No such round, or its results are not published."),
                "422": _error("The page is not a whole number from 1."),
            },
        }
    },
    "/api/v1/contests/{contest}/collective-prizes": {
        "get": {
            "summary": "A contest's collective prizes: its units and areas by participants or participation rate",
            "description": "For one round (`round`) or the whole contest. 404 until the round's results are "
            "published (provisional or final), and for the whole contest until every round's are. Participants "
            "are distinct accounts that started an attempt, by the unit and area they gave. Units are ranked as "
            "the contest's `by` says: `participants` (the most first) or `rate` (participants ÷ headcount, units "
            "with a headcount only); areas by participants. Ties share a rank.",
            "parameters": [
                {
                    "name": "contest",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "description": "The contest's id, or its address (slug).",
                },
                {
                    "name": "round",
                    "in": "query",
                    "required": False,
                    "schema": _ID,
                    "description": "One of the contest's rounds; omitted: the whole contest.",
                },
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["contest_id", "round_id", "by", "units", "areas"],
                        "properties": {
                            "contest_id": _ID,
                            "round_id": {"type": ["integer", "null"]},
                            "by": {"type": "string", "enum": ["participants", "rate"]},
                            "units": {"type": "array", "items": _ref("CollectivePlace")},
                            "areas": {"type": "array", "items": _ref("CollectivePlace")},
                        },
                    },
                    "Best first.",
                ),
                "404": _error("No such contest or round, or not published yet."),
            },
        }
    },
    "/api/v1/contests/{contest}/leaderboard": {
        "get": {
            "summary": "A page of a contest's overall leaderboard across its published rounds",
            "description": "404 until one of the contest's rounds has published results. Each participant's "
            "counting scores of the published rounds (provisional or final; `provisional` true while any is) "
            "summed; ties broken as `rule` says (summed prediction error, summed time, the latest submission). "
            "Stored when a round's standings are; phones are masked (`09xx xxx 123`).",
            "parameters": [
                {
                    "name": "contest",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "description": "The contest's id, or its address (slug).",
                },
                _PAGE,
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["contest_id", "provisional", "rule", "rounds", "entries", "page", "pages"],
                        "properties": {
                            "contest_id": _ID,
                            "provisional": {"type": "boolean"},
                            "rule": {"type": "string", "description": "The overall rule in Vietnamese."},
                            "rounds": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["round_id", "title", "phase"],
                                    "properties": {
                                        "round_id": _ID,
                                        "title": {"type": "string"},
                                        "phase": {"enum": ["provisional", "final"]},
                                    },
                                },
                            },
                            "entries": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": [
                                        "rank",
                                        "name",
                                        "phone",
                                        "area",
                                        "unit",
                                        "rounds",
                                        "score",
                                        "prediction_error",
                                        "duration_seconds",
                                    ],
                                    "properties": {
                                        "rank": _ID,
                                        "name": {"type": "string"},
                                        "phone": {"type": "string"},
                                        "area": {"type": "string"},
                                        "unit": {"type": "string"},
                                        "rounds": _ID,
                                        "score": {"type": "integer"},
                                        "prediction_error": {"type": "integer", "minimum": 0},
                                        "duration_seconds": {"type": "number"},
                                    },
                                },
                            },
                            "page": _ID,
                            "pages": _ID,
                        },
                    },
                    "One page (50 entries).",
                ),
                "404": _error("No such contest, or none of its rounds has published results."),
                "422": _error("The page is not a whole number from 1."),
            },
        }
    },
    "/api/v1/me/results": {
        "get": {
            "summary": "The participant's rank in each published round",
            "security": _SECURED,
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["results"],
                        "properties": {
                            "results": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["round_id", "phase", "rank", "of", "score", "prize"],
                                    "properties": {
                                        "round_id": _ID,
                                        "phase": {"enum": ["provisional", "final"]},
                                        "rank": _ID,
                                        "of": _ID,
                                        "score": {"type": "integer"},
                                        "prize": {
                                            "enum": ["first", "second", "third", "consolation", None],
                                            "description": "The prize the round's quotas give (null: none, or a"
                                            " tie across a prize boundary the judges have not settled).",
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "Published rounds the participant is ranked in.",
                ),
                "401": _UNAUTHORIZED,
            },
        }
    },
    "/api/openapi.json": {
        "get": {"summary": "This document", "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")}}
    },
}

_STAFF_ROUND = {"name": "round_id", "in": "path", "required": True, "schema": _ID}
_COUNT = {"type": "integer", "minimum": 0}
_NAMED_COUNT: dict[str, Any] = {
    "type": "object",
    "required": ["name", "participants"],
    "properties": {"name": {"type": "string"}, "participants": _COUNT},
}
_STATISTICS_ONLY = _error("Only organisers, judges and admins (`staff_only`).")
_PARTICIPATION: dict[str, Any] = {
    "type": "object",
    "required": ["by_day", "by_area", "by_unit"],
    "properties": {
        "by_day": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "participants"],
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "participants": _COUNT,
                },
            },
        },
        "by_area": {"type": "array", "items": _NAMED_COUNT},
        "by_unit": {
            "type": "array",
            "items": {
                **_NAMED_COUNT,
                "properties": {
                    **_NAMED_COUNT["properties"],
                    "headcount": {"type": ["integer", "null"], "minimum": 1},
                    "rate": {"type": ["number", "null"], "minimum": 0},
                },
            },
        },
    },
}

PATHS.update(
    {
        "/api/v1/staff/rounds/{round_id}/stats": {
            "get": {
                "summary": "Staff: a round's live figures and its participation by day, area and unit",
                "description": "Participants are distinct accounts that started an attempt; days are Vietnam "
                "dates; areas and units come from each participant's part in the round's contest, the most "
                "participants first. A unit's `rate` is participants ÷ `headcount` where the contest gives one.",
                "security": _SECURED,
                "parameters": [_STAFF_ROUND],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["round_id", "title", "attempts", "participants", "participation"],
                            "properties": {
                                "round_id": _ID,
                                "title": {"type": "string"},
                                "attempts": {
                                    "type": "object",
                                    "required": ["started", "in_progress", "submitted", "expired"],
                                    "properties": {
                                        k: _COUNT for k in ("started", "in_progress", "submitted", "expired")
                                    },
                                },
                                "participants": _COUNT,
                                "seconds_left": {
                                    "type": ["integer", "null"],
                                    "description": "Until the round closes; null unless it is open.",
                                },
                                "participation": _PARTICIPATION,
                            },
                        },
                        "Figures now (not cached).",
                    ),
                    "401": _UNAUTHORIZED,
                    "403": _STATISTICS_ONLY,
                    "404": _error("No such round."),
                },
            }
        },
        "/api/v1/staff/contests/{contest_id}/stats": {
            "get": {
                "summary": "Staff: a contest's participation by day, area and unit, all its rounds together",
                "description": "As a round's participation, over every round of the contest: each participant once"
                " a day, once in their area and unit whatever the rounds they took; the most participants first"
                " (the units and areas collective prizes are decided on). `participants`: distinct accounts that"
                " started an attempt in any of its rounds.",
                "security": _SECURED,
                "parameters": [{"name": "contest_id", "in": "path", "required": True, "schema": _ID}],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["contest_id", "title", "participants", "participation"],
                            "properties": {
                                "contest_id": _ID,
                                "title": {"type": "string"},
                                "participants": _COUNT,
                                "participation": _PARTICIPATION,
                            },
                        },
                        "Figures now (not cached).",
                    ),
                    "401": _UNAUTHORIZED,
                    "403": _STATISTICS_ONLY,
                    "404": _error("No such contest."),
                },
            }
        },
        "/api/v1/staff/rounds/{round_id}/export": {
            "get": {
                "summary": "Staff: the round's attempts as a spreadsheet (xlsx or CSV), streamed",
                "description": "Vietnamese headers, one attempt a row in id order, times in Vietnam time. A text "
                "cell beginning with =, +, -, @, tab or carriage return is text: behind a ' in CSV, a string "
                "cell in xlsx. Phone, identification number, email and birth year only for organisers and admins.",
                "security": _SECURED,
                "parameters": [
                    _STAFF_ROUND,
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["xlsx", "csv"], "default": "xlsx"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "An attachment (Content-Disposition names the file).",
                        "content": {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                                "schema": {"type": "string", "format": "binary"}
                            },
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "400": _error("`unknown_format`: neither xlsx nor csv."),
                    "401": _UNAUTHORIZED,
                    "403": _STATISTICS_ONLY,
                    "404": _error("No such round."),
                },
            }
        },
    }
)


@cache
def spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hội thi trực tuyến API",
            "version": "1",
            "description": "JSON API for taking part in a contest from another app. Times are ISO 8601 "
            "with offset; messages are Vietnamese. Every JSON request body is read as documented: a field of "
            "another JSON type (a number where text belongs, text where an integer belongs), a field not "
            "documented, or text with a control or direction-control character is 422 `invalid`, `errors` "
            "naming each such field; the request changes nothing.",
        },
        "paths": {**PATHS, **openapi_staff.PATHS, **openapi_account.PATHS},
        "components": {
            "schemas": {**SCHEMAS, **openapi_staff.SCHEMAS, **openapi_account.SCHEMAS},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
