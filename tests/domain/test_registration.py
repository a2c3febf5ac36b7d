from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

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
    starts_at=datetime(2026, 11, 1, tzinfo=UTC),
    ends_at=datetime(2026, 12, 31, tzinfo=UTC),
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
    assert errors(cccd="08219500012")["cccd"] == "Số định danh cá nhân gồm đúng 12 chữ số."
    assert errors(cccd="999195000123")["cccd"].startswith("Ba chữ số đầu")
    assert errors(cccd="082194000123")["cccd"].startswith("Số định danh cá nhân không khớp với năm sinh")
    assert errors(cccd="082295000123")["cccd"].startswith("Số định danh cá nhân không khớp với năm sinh")  # 2095
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
    assert check_choice(option_ids=range(1, 5), multiple=False, chosen=[2.0]) == frozenset({2})  # JSON's integer
    for bad in ([5], [0], ["1"], [1.5], ["²"], "1", None, [True], [None]):
        with pytest.raises(Invalid):
            check_choice(option_ids=range(1, 5), multiple=True, chosen=bad)
    with pytest.raises(Invalid) as caught:
        check_choice(option_ids=range(1, 5), multiple=False, chosen=[1, 2])
    assert caught.value.errors == {"options": "Câu hỏi này chỉ được chọn một phương án."}


def test_check_prediction() -> None:
    assert check_prediction(123) == 123
    assert check_prediction(" 42 ") == 42
    for bad in (-1, 100_000_001, 1.5, "", "nhiều", None, True, "²", "①", "٤٢", "1e3", "4 2", "+5"):
        with pytest.raises(Invalid) as caught:
            check_prediction(bad)
        assert caught.value.errors == {"prediction": "Câu dự đoán cần là một số nguyên từ 0 đến 100.000.000."}, bad


YEAR = "Năm sinh phải là một năm từ 1900 đến 2026 (bốn chữ số)."
AREA = "Vui lòng chọn nơi cư trú trong danh sách."
ID_DIGITS = "Số định danh cá nhân gồm đúng 12 chữ số."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_year", "²", YEAR),  # isdigit() is true, int() fails
        ("birth_year", "①⑨⑨⑤", YEAR),
        ("birth_year", "١٩٩٥", YEAR),  # Arabic-Indic digits, which int() reads as 1995
        ("birth_year", "１９９５", YEAR),  # full-width
        ("birth_year", "1995.0", YEAR),
        ("birth_year", 1995.5, YEAR),
        ("birth_year", "-1995", YEAR),
        ("area", "²", AREA),
        ("area", "٧", AREA),
        ("area", "-7", AREA),
        ("area", 7.5, AREA),
        ("area", True, AREA),
        ("cccd", "٠٨٢١٩٥٠٠٠١٢٣", ID_DIGITS),
        ("cccd", "08219500012³", ID_DIGITS),
        ("phone", "09123456٧٨", "Số điện thoại di động không hợp lệ (10 chữ số, ví dụ 0912345678)."),
    ],
)
def test_registration_numbers_take_ascii_digits_only(field: str, value: object, message: str) -> None:
    assert errors(**{field: value}) == {field: message}


def test_registration_numbers_may_be_json_numbers_or_digits() -> None:
    for year, area in ((1995, 7), (1995.0, 7.0), (" 1995 ", " 7 ")):
        reg = validate_registration(valid(birth_year=year, area=area), contest=CONTEST, today=TODAY)
        assert (reg.birth_year, reg.area_id) == (1995, 7)


def test_registration_text_is_stored_in_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    assert nfd != "Nguyễn Thị Ánh Tuyết"
    reg = validate_registration(
        valid(full_name=nfd, unit=unicodedata.normalize("NFD", "Sở Tư pháp")), contest=CONTEST, today=TODAY
    )
    assert reg.full_name == "Nguyễn Thị Ánh Tuyết"
    assert reg.unit == "Sở Tư pháp"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "Nguyễn\u200bVăn An"),  # zero-width space
        ("full_name", "Nguyễn Văn ①"),
        ("full_name", "Nguye\u0302\u0303\u0301n Văn An"),  # a combining mark left over after NFC
        ("phone", "①⑨①②③④⑤⑥⑦⑧"),
        ("email", "an\u200b@example.vn"),
        ("email", "an\x00@example.vn"),
        ("unit", "Sở\u200bTư pháp"),
        ("unit", "Sở Tư pháp\x00"),
        ("unit", "Sở Tư pháp\u202e"),  # right-to-left override
        ("cccd", "0821950001\u200b23"),
    ],
)
def test_registration_invisible_and_odd_characters_are_field_errors(field: str, value: str) -> None:
    assert set(errors(**{field: value})) == {field}


@pytest.mark.parametrize("field", ["full_name", "phone", "password", "email", "birth_year", "cccd", "area", "unit"])
def test_registration_ten_kilobyte_field_is_a_field_error(field: str) -> None:
    value = "ạ" * 10_240 if field != "email" else "a" * 10_240 + "@example.vn"
    found = errors(**{field: value})
    assert set(found) == {field}
    assert len(found[field]) < 200  # the message, not the input echoed back
