"""A closed round's item analysis is computed once (by the sweeper, or by the
first statistics page after the close), kept, and served from what was kept;
a re-scoring makes it due again. An open round's is computed live."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from starlette.testclient import TestClient

from contest.domain.models import Role
from tests.backends import rows
from tests.conftest import World, make_bank
from tests.web.test_organiser import sign_in_staff
from tests.web.test_statistics import two_participants


def test_closed_round_analysis_is_kept_once_and_served_from_there(
    client: TestClient, world: World, api_user: Callable[..., dict[str, str]]
) -> None:
    two_participants(client, world, api_user)
    statistics, storage = world.services.statistics, world.services.storage
    sign_in_staff(client, world, Role.ORGANISER, "btc")
    live = client.get(f"/organiser/rounds/{world.open_round}/stats").text
    assert 'id="analysis-source"' not in live  # open, and fewer attempts than the live bound: all of them
    world.clock.advance(days=7, seconds=1)  # closed, within the grace
    assert client.portal.call(lambda: statistics.analyse_closed(grace=timedelta(seconds=30))) == 1  # the old one
    world.clock.advance(minutes=1)
    assert client.portal.call(lambda: statistics.analyse_closed(grace=timedelta(seconds=30))) == 1  # this one
    assert client.portal.call(lambda: statistics.analyse_closed(grace=timedelta(seconds=30))) == 0  # kept: done
    round_ = client.portal.call(world.services.catalog.round, world.open_round)  # type: ignore[union-attr]
    kept = client.portal.call(lambda: storage.statistics.analysis(world.open_round, closes_at=round_.closes_at))
    assert kept is not None and kept.attempts == 2 and not kept.partial
    assert {i.code for i in kept.items} == {i.code for i in kept.items if i.drawn >= 1}

    page = client.get(f"/organiser/rounds/{world.open_round}/stats").text
    assert "Tính trên 2 bài, lúc 04/12/2026 10:01" in page
    rows(
        world.services.settings.database_url,
        "UPDATE round_statistics SET items = ?",
        ('[{"code": "GIU-LAI", "drawn": 7, "facility": 0.5, "discrimination": null, "miskey": ["B"]}]',),
    )
    served = client.get(f"/organiser/rounds/{world.open_round}/stats").text
    assert "GIU-LAI" in served and "Nhóm điểm cao chọn B" in served  # what was kept, not computed again

    bank = {q.code: q for q in make_bank()}
    now = world.clock.now()
    client.portal.call(
        lambda: storage.attempts.rescore(round_id=world.open_round, bank=bank, now=now, actor_id=None, apply=True)
    )
    due = client.portal.call(lambda: storage.statistics.unanalysed(closed_before=now))
    assert [round_id for round_id, _ in due] == [world.open_round]  # re-scored: analysed again
    again = client.get(f"/organiser/rounds/{world.open_round}/stats").text  # the page computes and keeps it
    assert "GIU-LAI" not in again and "Tính trên 2 bài" in again
    assert client.portal.call(lambda: storage.statistics.unanalysed(closed_before=now)) == []
