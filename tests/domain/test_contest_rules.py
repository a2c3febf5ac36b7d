from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contest.domain.contests import Listing, check_contest, check_round
from contest.domain.models import Area, Contest, ContestStatus, RoundRules
from contest.domain.registration import validate_joining
from contest.domain.timing import contest_status
from contest.errors import Invalid

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def contest(id: int, starts: timedelta, ends: timedelta, *, areas: tuple[Area, ...] = ()) -> Contest:
    return Contest(
        id=id,
        slug=f"cuoc-thi-{id}",
        title=f"Cuộc thi {id}",
        description="",
        rules="",
        privacy_notice="",
        min_age=None,
        starts_at=NOW + starts,
        ends_at=NOW + ends,
        areas=areas,
    )


def test_contest_status_follows_the_clock() -> None:
    c = contest(1, DAY, 10 * DAY)
    assert contest_status(c, NOW) is ContestStatus.UPCOMING
    assert contest_status(c, NOW + DAY) is ContestStatus.OPEN
    assert contest_status(c, NOW + 10 * DAY - timedelta(milliseconds=1)) is ContestStatus.OPEN
    assert contest_status(c, NOW + 10 * DAY) is ContestStatus.PAST


def test_listing_groups_contests_and_orders_each_group() -> None:
    old, older = contest(1, -90 * DAY, -60 * DAY), contest(2, -400 * DAY, -300 * DAY)
    early, late = contest(3, -30 * DAY, 30 * DAY), contest(4, -DAY, 5 * DAY)
    soon, later = contest(5, 2 * DAY, 9 * DAY), contest(6, 20 * DAY, 40 * DAY)
    listing = Listing.of([older, later, early, soon, old, late], NOW)
    assert listing.open == (late, early)  # the one that started last first
    assert listing.upcoming == (soon, later)
    assert listing.past == (old, older)  # the one that ended last first
    assert listing.current == late


def test_listing_current_without_an_open_contest() -> None:
    past, upcoming = contest(1, -90 * DAY, -60 * DAY), contest(2, 2 * DAY, 9 * DAY)
    assert Listing.of([past, upcoming], NOW).current == upcoming
    assert Listing.of([past], NOW).current == past
    assert Listing.of([], NOW).current is None


def test_check_contest_names_each_wrong_field() -> None:
    with pytest.raises(Invalid) as caught:
        check_contest(slug="Chính quyền số", title=" ", starts_at=NOW, ends_at=NOW, areas=["A", " a ", "A"], min_age=0)
    assert set(caught.value.errors) == {"slug", "title", "ends_at", "areas", "min_age"}
    assert caught.value.errors["areas"] == "Danh sách nơi cư trú có tên trùng nhau."
    check_contest(
        slug="chinh-quyen-so-2027", title="Cuộc thi", starts_at=NOW, ends_at=NOW + DAY, areas=["A"], min_age=None
    )


@pytest.mark.parametrize("slug", ["-thu", "thu-", "thu--2", "THU", "thử", "a" * 81, ""])
def test_check_contest_slug_refused(slug: str) -> None:
    with pytest.raises(Invalid) as caught:
        check_contest(slug=slug, title="T", starts_at=NOW, ends_at=NOW + DAY, areas=["A"], min_age=None)
    assert list(caught.value.errors) == ["slug"]


def test_check_round_lies_within_its_contest() -> None:
    c = contest(1, 0 * DAY, 10 * DAY)
    rules = RoundRules(question_count=5, duration_seconds=600, attempts_allowed=1)
    check_round(contest=c, title="Vòng 1", opens_at=c.starts_at, closes_at=c.ends_at, rules=rules)
    with pytest.raises(Invalid) as caught:
        check_round(contest=c, title="Vòng 1", opens_at=c.starts_at - DAY, closes_at=c.ends_at, rules=rules)
    assert caught.value.errors == {"opens_at": "Vòng thi phải nằm trong thời gian diễn ra cuộc thi."}
    bad = RoundRules(question_count=0, duration_seconds=0, attempts_allowed=0, topic_quota=(("A", 6),))
    with pytest.raises(Invalid) as caught:
        check_round(contest=c, title="", opens_at=c.ends_at, closes_at=c.starts_at, rules=bad)
    assert set(caught.value.errors) == {
        "title",
        "closes_at",
        "question_count",
        "duration_seconds",
        "attempts_allowed",
        "topic_quota",
    }


def test_joining_takes_an_area_of_this_contest_only() -> None:
    c = contest(1, -DAY, DAY, areas=(Area(7, "Thành phố Mỹ Tho"),))
    joining = validate_joining({"area": "7", "unit": "  Sở   Tư pháp "}, contest=c)
    assert (joining.area_id, joining.unit) == (7, "Sở Tư pháp")
    with pytest.raises(Invalid) as caught:
        validate_joining({"area": 8, "unit": "x" * 201}, contest=c)
    assert caught.value.errors == {
        "area": "Vui lòng chọn nơi cư trú trong danh sách.",
        "unit": "Đơn vị công tác dài tối đa 200 ký tự.",
    }
