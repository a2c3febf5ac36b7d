"""Limits that cannot be aimed: registrations and sign-ins counted per address
and per network in the database, a proof-of-work challenge instead of a
lock-out, each solution accepted once on any node."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from altcha.v1 import Payload, solve_challenge

from contest.clock import FixedClock
from contest.config import Settings
from contest.domain.limits import Rule, address_keys, retry_after
from contest.errors import TooManyRequests, Unauthorized
from contest.services.accounts import AccountTaken
from contest.services.challenges import ChallengeInvalid, ChallengeRequired
from contest.services.container import Services
from contest.storage import open_storage
from tests.conftest import PASSWORD, World, registration, seed

T = TypeVar("T")

STRICT: dict[str, Any] = {
    "challenge": True,
    "challenge_max_number": 20,  # solved in microseconds; the real default is 100,000
    "register_max_per_address": 3,
    "register_max_per_network": 5,
    "signin_max_per_address": 30,
    "signin_max_per_network": 300,
    "nojs_max_per_address": 2,
    "nojs_max_per_network": 3,
}


def solve(challenge: dict[str, Any]) -> str:
    """What the widget sends for ``challenge``: the number found, as base64 JSON."""
    found = solve_challenge(challenge["challenge"], challenge["salt"], "SHA-256", challenge["maxnumber"])
    assert found is not None
    fields = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return Payload(number=found.number, **fields).to_base64()


def guarded(
    settings: Settings, clock: FixedClock, body: Callable[..., Awaitable[T]], *, nodes: int = 1, **overrides: Any
) -> T:
    """Run ``body(world, *services)`` on ``nodes`` nodes sharing one database,
    challenges on and small limits (:data:`STRICT`, then ``overrides``)."""
    strict = replace(settings, **(STRICT | overrides))

    async def run() -> T:
        services = [Services.build(open_storage(strict.database_url), strict, clock) for _ in range(nodes)]
        await asyncio.to_thread(services[0].storage.migrate)
        for s in services:
            s.storage.start()
        try:
            return await body(await seed(services[0], clock), *services)
        finally:
            for s in services:
                await s.storage.close()

    return asyncio.run(run())


async def register(s: Services, world: World, client: str, *, solved: bool = True, **fields: Any) -> Any:
    contest = await s.catalog.contest(world.contest_id)
    solution = solve(s.challenges.issue()) if solved else None
    return await s.accounts.register(contest, registration(world, **fields), client=client, solution=solution)


def test_address_keys_group_ipv4_by_24_and_ipv6_by_64() -> None:
    assert address_keys("203.0.113.7") == ("ip:203.0.113.7", "net:203.0.113.0/24")
    assert address_keys("::ffff:203.0.113.7") == ("ip:203.0.113.7", "net:203.0.113.0/24")
    assert address_keys("2001:db8:1:2:aaaa::1") == ("ip:2001:db8:1:2:aaaa::1", "net:2001:db8:1:2::/64")
    assert address_keys("2001:DB8:1:2::FFFF")[1] == "net:2001:db8:1:2::/64"
    assert address_keys("testclient") == ("ip:testclient", "net:testclient")


def test_retry_after_is_whole_seconds_rounded_up_and_at_least_one() -> None:
    now = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    assert retry_after(now + timedelta(seconds=600), now) == 600
    assert retry_after(now + timedelta(seconds=9, milliseconds=1), now) == 10
    assert retry_after(now, now) == retry_after(now - timedelta(seconds=5), now) == 1


def test_rule_is_reached_by_its_address_or_its_network() -> None:
    rule = Rule("register", per_address=2, per_network=3, window_seconds=60)
    assert rule.keys("203.0.113.7") == ("register|ip:203.0.113.7", "register|net:203.0.113.0/24")
    assert not rule.reached({"register|ip:203.0.113.7": 1, "register|net:203.0.113.0/24": 2}, "203.0.113.7")
    assert rule.reached({"register|ip:203.0.113.7": 2}, "203.0.113.7")
    assert rule.reached({"register|net:203.0.113.0/24": 3}, "203.0.113.99")


def test_registrations_are_capped_per_address_and_per_24(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        for _ in range(3):
            await register(s, world, "203.0.113.7")
        with pytest.raises(TooManyRequests) as refused:
            await register(s, world, "203.0.113.7")
        assert refused.value.retry_after == 600
        assert refused.value.code == "too_many_requests"
        assert refused.value.message.endswith("Vui lòng thử lại sau 10 phút.")  # the wait Retry-After says
        clock.advance(seconds=100)
        with pytest.raises(TooManyRequests) as refused:
            await register(s, world, "203.0.113.7")
        assert refused.value.retry_after == 500  # until the first of the three leaves the window
        clock.advance(seconds=-100)
        await register(s, world, "203.0.113.8")
        await register(s, world, "203.0.113.9")
        with pytest.raises(TooManyRequests):  # the /24 has had its five
            await register(s, world, "203.0.113.10")
        await register(s, world, "198.51.100.1")  # another network
        clock.advance(seconds=601)
        await register(s, world, "203.0.113.7")

    guarded(settings, clock, body)


def test_requests_racing_from_one_address_never_overrun_its_limit(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, a: Services, b: Services) -> None:
        racing = [s.limits.take(s.limits.registration, "203.0.113.7") for s in (a, b) * 10]  # two nodes at once
        assert [wait for wait in await asyncio.gather(*racing) if not wait] == [0, 0, 0]
        racing = [register(s, world, "203.0.113.8") for s in (a, b) * 3]
        refused = [o for o in await asyncio.gather(*racing, return_exceptions=True) if isinstance(o, BaseException)]
        assert len(refused) == 4  # the /24 had room for 2 more
        assert all(isinstance(o, TooManyRequests) for o in refused)

    guarded(settings, clock, body, nodes=2)


def test_ipv6_addresses_in_one_64_share_a_limit(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        for i in range(5):
            await register(s, world, f"2001:db8:1:2::{i + 1:x}")
        with pytest.raises(TooManyRequests):
            await register(s, world, "2001:db8:1:2:ffff::1")
        await register(s, world, "2001:db8:1:3::1")

    guarded(settings, clock, body)


def test_identifier_taken_answers_count_against_the_address(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        await register(s, world, "198.51.100.1", solved=False, phone="0912345678")
        for _ in range(3):  # probing whether phones are registered
            with pytest.raises(AccountTaken):
                await register(s, world, "203.0.113.7", solved=False, phone="0912345678")
        with pytest.raises(TooManyRequests):
            await register(s, world, "203.0.113.7", solved=False, phone="0912345678")

    guarded(settings, clock, body, challenge=False)


def test_registration_without_a_solution_is_held_to_the_stricter_limit(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        for _ in range(2):  # a browser without JavaScript
            await register(s, world, "203.0.113.7", solved=False)
        with pytest.raises(ChallengeRequired) as refused:
            await register(s, world, "203.0.113.7", solved=False)
        assert (refused.value.status, refused.value.code, refused.value.retry_after) == (
            429,
            "challenge_required",
            3600,
        )
        await register(s, world, "203.0.113.7")  # solving the challenge still works

    guarded(settings, clock, body)


def test_challenge_off_accepts_registrations_without_a_solution(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        for _ in range(3):
            await register(s, world, "203.0.113.7", solved=False)
        with pytest.raises(TooManyRequests):  # the address limit stays
            await register(s, world, "203.0.113.7", solved=False)

    guarded(settings, clock, body, challenge=False)


def test_a_solution_is_accepted_once_on_any_node(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, a: Services, b: Services) -> None:
        solution = solve(a.challenges.issue())
        await a.challenges.spend(solution)
        with pytest.raises(ChallengeInvalid):
            await b.challenges.spend(solution)
        with pytest.raises(ChallengeInvalid):
            await a.challenges.spend(solution)
        await b.challenges.spend(solve(b.challenges.issue()))  # a challenge from one node solves on another

    guarded(settings, clock, body, nodes=2)


def forged(solution: str, **changes: Any) -> str:
    data = json.loads(base64.b64decode(solution)) | changes
    return base64.b64encode(json.dumps(data).encode()).decode()


def test_forged_malformed_and_expired_solutions_are_refused(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        good = solve(s.challenges.issue())
        number = json.loads(base64.b64decode(good))["number"]
        wrong = [
            forged(good, number=number + 1),
            forged(good, salt="00?expires=9999999999&"),
            forged(good, number=True),
            forged(good, algorithm="SHA-1"),
            forged(good, signature=None),
            "x",
            "!!!!",
            base64.b64encode(b"[]").decode(),
            base64.b64encode(b"5").decode(),
            base64.b64encode(b"\xff").decode(),
            "A" * 3000,
            12,
            ["a"],
        ]
        for solution in wrong:
            with pytest.raises(ChallengeInvalid):
                await s.challenges.spend(solution)
        await s.challenges.spend(good)  # none of the forgeries spent it
        other = replace(s.settings, secret_key="another-secret-" + "y" * 32)  # another deployment's challenge
        stranger = Services.build(s.storage, other, clock)
        with pytest.raises(ChallengeInvalid):
            await s.challenges.spend(solve(stranger.challenges.issue()))
        late = solve(s.challenges.issue())
        clock.advance(seconds=601)
        with pytest.raises(ChallengeInvalid):
            await s.challenges.spend(late)
        await s.challenges.spend(solve(s.challenges.issue()))

    guarded(settings, clock, body)


def test_owner_signs_in_with_a_solution_after_failures_from_10_addresses(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        fields = registration(world)
        await s.accounts.register(await s.catalog.contest(world.contest_id), fields)
        for i in range(50):  # an aimed lock-out, solving each challenge it is asked for
            with pytest.raises(Unauthorized):
                await s.accounts.authenticate(
                    fields["phone"], "sai", client=f"10.{i % 10}.0.1", solution=solve(s.challenges.issue())
                )
        owner = "198.51.100.20"
        for _ in range(2):  # a browser without JavaScript gets its few tries
            await s.accounts.authenticate(fields["phone"], PASSWORD, client=owner)
        with pytest.raises(ChallengeRequired):
            await s.accounts.authenticate(fields["phone"], PASSWORD, client=owner)
        user = await s.accounts.authenticate(
            fields["phone"], PASSWORD, client=owner, solution=solve(s.challenges.issue())
        )
        assert user.phone == fields["phone"]

    guarded(settings, clock, body)


def test_guesses_without_a_solution_spread_over_many_networks_stay_few(settings: Settings, clock: FixedClock) -> None:
    """Each address of many networks has its allowance without a solution;
    once a login needs a challenge, those allowances together give that
    login only ``nojs_max_per_login`` guesses, and the owner still gets in
    by solving the challenge."""

    async def body(world: World, s: Services) -> None:
        fields = registration(world)
        await s.accounts.register(await s.catalog.contest(world.contest_id), fields)
        for i in range(s.settings.login_max_failures):  # the name now needs a challenge
            with pytest.raises(Unauthorized):
                await s.accounts.authenticate(fields["phone"], "sai", client=f"192.0.{i}.1")
        guessed = refused = 0
        for i in range(40):  # one guess from each of 40 networks, none solving anything
            try:
                await s.accounts.authenticate(fields["phone"], "sai", client=f"10.{i}.0.1")
            except ChallengeRequired:
                refused += 1
            except Unauthorized:
                guessed += 1
        assert guessed == s.settings.nojs_max_per_login
        assert refused == 40 - guessed
        user = await s.accounts.authenticate(
            fields["phone"], PASSWORD, client="10.99.0.1", solution=solve(s.challenges.issue())
        )
        assert user.phone == fields["phone"]

    guarded(settings, clock, body)


def test_failures_from_one_address_only_ask_others_there_for_a_challenge(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        fields = registration(world)
        await s.accounts.register(await s.catalog.contest(world.contest_id), fields)
        carrier = "100.64.0.1"  # one mobile carrier's address, many people behind it
        for i in range(100):
            with pytest.raises(Unauthorized):
                await s.accounts.authenticate(
                    f"09000{i:05d}", "sai", client=carrier, solution=solve(s.challenges.issue())
                )
        for _ in range(2):
            await s.accounts.authenticate(fields["phone"], PASSWORD, client=carrier)
        with pytest.raises(ChallengeRequired):
            await s.accounts.authenticate(fields["phone"], PASSWORD, client=carrier)
        await s.accounts.authenticate(fields["phone"], PASSWORD, client=carrier, solution=solve(s.challenges.issue()))

    guarded(settings, clock, body)


def test_sign_in_needs_no_challenge_before_failures(settings: Settings, clock: FixedClock) -> None:
    async def body(world: World, s: Services) -> None:
        fields = registration(world)
        await s.accounts.register(await s.catalog.contest(world.contest_id), fields)
        for _ in range(4):
            with pytest.raises(Unauthorized):
                await s.accounts.authenticate(fields["phone"], "sai", client="203.0.113.7")
        await s.accounts.authenticate(fields["phone"], PASSWORD, client="203.0.113.7", solution="rác")

    guarded(settings, clock, body, nojs_max_per_address=0, nojs_max_per_network=0)
