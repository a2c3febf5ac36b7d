"""Proof-of-work challenges (ALTCHA, https://altcha.org): the server issues a
signed SHA-256 puzzle, the client (the ALTCHA widget in a browser, the
citizen app through the API: docs/api.md) finds the hidden number and sends
the solution back with its form, once. The ``altcha`` package creates and
verifies them (its v1 challenges, which the widget solves too); the HMAC key
is derived from the secret key, so every node agrees."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from altcha.v1 import AlgoType, ChallengeOptions, Payload, PayloadType, create_challenge, verify_solution
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from contest.clock import Clock
from contest.config import Settings
from contest.domain.limits import Rule
from contest.errors import BadRequest, TooManyRequests
from contest.services.limits import Limits
from contest.storage import Storage

ALGORITHM: AlgoType = "SHA-256"
FIELD = "altcha"
"""The form field and JSON member that carries a solution."""
SOLUTION_MAX = 2_000
"""Characters in a solution: what the widget sends is about 300."""


class ChallengeRequired(TooManyRequests):
    code = "challenge_required"
    message = (
        "Cần xác minh chống gửi tự động: hãy bật JavaScript rồi gửi lại (ô xác minh tự hoàn tất trong vài giây), "
        "hoặc thử lại sau {wait}."
    )


class ChallengeInvalid(BadRequest):
    code = "challenge_invalid"
    message = "Kết quả xác minh chống gửi tự động không hợp lệ, đã hết hạn hoặc đã được dùng. Vui lòng xác minh lại."


def _payload(solution: object) -> PayloadType | None:
    """The solution as the widget sends it (base64 of a JSON object with
    ``algorithm``, ``challenge``, ``number``, ``salt``, ``signature``), or
    None when it is not that shape."""
    if not isinstance(solution, str) or len(solution) > SOLUTION_MAX:
        return None
    try:
        data: Any = json.loads(base64.b64decode(solution, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, dict) or data.get("algorithm") != ALGORITHM:
        return None
    if not all(isinstance(data.get(name), str) for name in ("challenge", "salt", "signature")):
        return None
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        return None
    return {k: data[k] for k in ("algorithm", "challenge", "number", "salt", "signature")}  # type: ignore[return-value]


class Challenges:
    def __init__(self, storage: Storage, settings: Settings, clock: Clock, limits: Limits) -> None:
        self.enabled = settings.challenge
        self._storage = storage
        self._clock = clock
        self._limits = limits
        self._max_number = settings.challenge_max_number
        self._lifetime = timedelta(seconds=settings.challenge_seconds)
        key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"contest altcha challenges")
        self._key = key.derive(settings.secret_key.encode()).hex()

    def issue(self) -> dict[str, object]:
        """A new challenge, as the widget and the API take it:
        ``{"algorithm": "SHA-256", "challenge": hex, "maxnumber": int,
        "salt": "hex?expires=unix-seconds&", "signature": hex}``; solvable
        for ``challenge_seconds``."""
        options = ChallengeOptions(
            algorithm=ALGORITHM,
            max_number=self._max_number,
            hmac_key=self._key,
            expires=self._clock.now() + self._lifetime,
        )
        challenge = create_challenge(options)
        return {
            "algorithm": challenge.algorithm,
            "challenge": challenge.challenge,
            "maxnumber": challenge.max_number,
            "salt": challenge.salt,
            "signature": challenge.signature,
        }

    async def spend(self, solution: object) -> None:
        """Accept ``solution`` (the widget's base64 payload) once: signed by
        this server, solved, not expired, never used before on any node;
        else :class:`ChallengeInvalid` (400)."""
        payload = _payload(solution)
        if payload is None or not verify_solution(payload, self._key, check_expires=False)[0]:
            raise ChallengeInvalid()
        _nonce, expires, _params = Payload.from_dict(payload).parse_salt()
        now = self._clock.now()
        if expires is None or expires <= now.timestamp():
            raise ChallengeInvalid()
        expires_at = datetime.fromtimestamp(expires, UTC)
        if not await self._storage.limits.spend(payload["signature"], expires_at=expires_at, now=now):
            raise ChallengeInvalid()

    async def admit(
        self, solution: object, *, client: str, without: Rule, also: Mapping[str, int] | None = None
    ) -> None:
        """Let a request that needs a challenge through: with a ``solution``,
        when it is valid (:meth:`spend`); without one (a browser without
        JavaScript), while ``client`` is within the stricter rule
        ``without`` and each key of ``also`` within its most (e.g. one login
        name's allowance from every address together), counted; else
        :class:`ChallengeRequired` (429)."""
        if solution not in (None, ""):
            await self.spend(solution)
            return
        if wait := await self._limits.take(without, client, also=also):
            raise ChallengeRequired(retry_after=wait)
