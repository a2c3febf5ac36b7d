"""Registrations and sign-ins counted per client address and per network
(:mod:`contest.domain.limits`), in the database, so every node shares the
counts. What a request counts against is where it comes from, never the
account it names, so no one can spend somebody else's allowance."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from contest.clock import Clock
from contest.config import Settings
from contest.domain.limits import Rule, retry_after
from contest.errors import TooManyRequests
from contest.storage import Storage


class Limits:
    """The rules (from settings) and their counts. ``registration``: every
    registration accepted or refused because an identifier is taken;
    ``sign_in``: every sign-in; ``*_without_solution``: those let through
    without a proof-of-work solution while one is asked for (a browser
    without JavaScript cannot solve one)."""

    def __init__(self, storage: Storage, settings: Settings, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock
        window, nojs = settings.limit_window_seconds, settings.nojs_window_seconds
        self.registration = Rule(
            "register", settings.register_max_per_address, settings.register_max_per_network, window
        )
        self.sign_in = Rule("signin", settings.signin_max_per_address, settings.signin_max_per_network, window)
        self.registration_without_solution = Rule(
            "register-nojs", settings.nojs_max_per_address, settings.nojs_max_per_network, nojs
        )
        self.sign_in_without_solution = Rule(
            "signin-nojs", settings.nojs_max_per_address, settings.nojs_max_per_network, nojs
        )
        self._longest = max(window, nojs)

    async def take(self, rule: Rule, client: str, *, also: Mapping[str, int] | None = None) -> int:
        """Count one more request under ``rule`` from ``client`` and its
        network (and under each key of ``also``, with the most it may count
        within the rule's window) if there is room, answering 0, in one step
        however many nodes race; else count nothing and answer the seconds
        until there is room (a Retry-After, at least 1)."""
        now = self._clock.now()
        since, forget = now - timedelta(seconds=rule.window_seconds), now - timedelta(seconds=self._longest)
        keys = {**rule.limits(client), **(also or {})}
        free_at = await self._storage.limits.take(keys, since=since, now=now, forget_before=forget)
        return 0 if free_at is None else retry_after(free_at, now)

    async def claim(self, rule: Rule, client: str, *, message: str) -> None:
        """:meth:`take`, else TooManyRequests (429, ``message`` and
        Retry-After: the seconds until there is room)."""
        if wait := await self.take(rule, client):
            raise TooManyRequests(message, retry_after=wait)
