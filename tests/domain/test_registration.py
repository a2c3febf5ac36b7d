from __future__ import annotations

from datetime import date

import pytest

from contest.domain.answers import check_choice, check_prediction
from contest.domain.models import Area, Contest
from contest.domain.registration import normalize_login, normalize_phone, validate_registration
from contest.errors import Invalid

CONTEST = Contest(
    id=1,
    slug="c",
    title="C",
    description="",
    rules="",
    privacy_notice="",
    min_age=14,
    areas=(Area(7, "Thành phố Mỹ Tho"),),
)
TODAY = date(2026, 11, 27)


def valid(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "full_name": "  Lê   Thị  Hồng ",
        "phone": "0912 345 678",
        "password": "mat-khau-dai",
        "email": "Hong@Example.VN",
        "birth_year": "1995",
        "cccd": "082195000123",
        "area": "7",
        "unit": "",
        "consent": "on",
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(091) 234-5678", "0912345678"),
        ("0312345678", "0312345678"),
        ("0212345678", None),
        ("091234567", None),
        ("09123456789", None),
        ("abc", None),
        ("", None),
    ],
)
def test_normalize_phone(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_normalize_login_accepts_phone_email_or_username() -> None:
    assert normalize_login(" +84912345678 ") == "0912345678"
    assert normalize_login("An@Example.VN") == "an@example.vn"
    assert normalize_login("BanToChuc") == "bantochuc"


def test_valid_registration_is_normalised() -> None:
    reg = validate_registration(valid(), contest=CONTEST, today=TODAY)
    assert reg.full_name == "Lê Thị Hồng"
    assert reg.phone == "0912345678"
    assert reg.email == "hong@example.vn"
    assert reg.birth_year == 1995 and reg.area_id == 7 and reg.cccd == "082195000123"


def errors(**overrides: object) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        validate_registration(valid(**overrides), contest=CONTEST, today=TODAY)
    return caught.value.errors


def test_minimum_age_is_enforced() -> None:
    assert errors(birth_year="2013", cccd="082213000123") == {
        "birth_year": "Cuộc thi dành cho người từ 14 tuổi trở lên."
    }
    validate_registration(valid(birth_year="2012", cccd="082212000123"), contest=CONTEST, today=TODAY)


def test_cccd_checks_digits_province_and_birth_year() -> None:
    assert errors(cccd="08219500012")["cccd"] == "Số CCCD gồm đúng 12 chữ số."
    assert errors(cccd="999195000123")["cccd"].startswith("Ba chữ số đầu")
    assert errors(cccd="082194000123")["cccd"].startswith("Số CCCD không khớp với năm sinh")
    assert errors(cccd="082295000123")["cccd"].startswith("Số CCCD không khớp với năm sinh")  # 2095, not 1995
    validate_registration(valid(cccd="082095000123"), contest=CONTEST, today=TODAY)  # male, 1995
    validate_registration(valid(birth_year="2005", cccd="001305000123"), contest=CONTEST, today=TODAY)


def test_every_missing_field_has_its_message() -> None:
    with pytest.raises(Invalid) as caught:
        validate_registration({}, contest=CONTEST, today=TODAY)
    assert set(caught.value.errors) == {"full_name", "phone", "password", "birth_year", "cccd", "area", "consent"}


def test_wrong_types_are_field_errors() -> None:
    found = errors(full_name=["x"], phone=5, birth_year=True, area=[7], consent="yes please", unit={"a": 1})
    assert set(found) == {"full_name", "phone", "birth_year", "area", "consent", "unit"}


def test_password_rules() -> None:
    assert errors(password="short")["password"] == "Mật khẩu cần ít nhất 8 ký tự."
    assert errors(password="0912345678")["password"] == "Mật khẩu không được trùng số điện thoại."
    assert errors(password="x" * 129)["password"] == "Mật khẩu dài tối đa 128 ký tự."


def test_check_choice() -> None:
    assert check_choice(option_ids=range(1, 5), multiple=True, chosen=[3, 1, 3]) == frozenset({1, 3})
    assert check_choice(option_ids=range(1, 5), multiple=False, chosen=[]) == frozenset()
    for bad in ([5], [0], ["1"], [1.0], "1", None, [True]):
        with pytest.raises(Invalid):
            check_choice(option_ids=range(1, 5), multiple=True, chosen=bad)
    with pytest.raises(Invalid) as caught:
        check_choice(option_ids=range(1, 5), multiple=False, chosen=[1, 2])
    assert caught.value.errors == {"options": "Câu hỏi này chỉ được chọn một phương án."}


def test_check_prediction() -> None:
    assert check_prediction(123) == 123
    assert check_prediction(" 42 ") == 42
    for bad in (-1, 100_000_001, 1.5, "", "nhiều", None, True):
        with pytest.raises(Invalid):
            check_prediction(bad)
