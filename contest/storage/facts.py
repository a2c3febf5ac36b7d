"""What storage reports besides the rows it returns: facts, not rules or
messages. Services turn them into typed errors worded for the people who read
them (``contest/services/facts.py``)."""

from __future__ import annotations

from enum import Enum


class Thing(Enum):
    """What a lookup or a change named that is not there."""

    ATTEMPT = "attempt"
    BANK = "bank"
    BANK_VERSION = "bank_version"
    BANK_VERSION_NUMBER = "bank_version_number"
    UPLOAD = "upload"
    ROUND = "round"


class Missing(LookupError):
    """The row a call named is not there (``key``: the id or number asked for)."""

    def __init__(self, thing: Thing, key: object = None) -> None:
        super().__init__(f"no {thing.value} {key!r}")
        self.thing = thing
        self.key = key


class AttemptsUsed(Exception):
    """A start found every attempt the round allows already used, counted in
    the same transaction that would have made the new one."""

    def __init__(self, *, used: int, allowed: int) -> None:
        super().__init__(f"{used} of {allowed} attempts used")
        self.used = used
        self.allowed = allowed
