"""What a participant gives when registering, checked and normalised.

Contests of this kind ask for a full name, a mobile phone, a birth year, the
12-digit personal identification number (số định danh cá nhân, printed on the
identity card: "thẻ căn cước" since the Law on Identification 26/2023/QH15 took
effect on 01/7/2024, "CCCD" before; the field is still called ``cccd``), the
area of residence and optionally a work unit, plus consent to the processing of
personal data, which the Law on Personal Data Protection (91/2025/QH15) requires
before collecting it. Phone and identification number identify a person: one
person, one account for every contest of the site. The area and the unit
belong to one contest (:class:`Joining`): registering gives them for the
contest registered under, and joining another contest asks them again.
Every message is Vietnamese and names the field it belongs to. Digits are ASCII
only (``[0-9]``: a regex digit class also matches Arabic-Indic and other
digits); whole numbers go through :mod:`contest.domain.numbers`; free text may
not contain control or invisible format characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from contest.domain.models import Contest
from contest.domain.numbers import int_or_none
from contest.domain.text import refused_character
from contest.errors import Invalid

FIELDS = ("full_name", "phone", "password", "email", "birth_year", "cccd", "area", "unit", "unit_id", "consent")
JOIN_FIELDS = ("area", "unit", "unit_id")
"""What a participant gives for each contest they join; the rest is the account's."""

DETAIL_FIELDS = ("full_name", "phone", "email", "birth_year", "cccd")
"""The account's own fields (:class:`Details`)."""

PASSWORD_MIN = 8
PASSWORD_MAX = 128

_MOBILE = re.compile(r"0[35789][0-9]{8}")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")

# Province codes that open an identification number (Thông tư 07/2016/TT-BCA, Phụ lục).
_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 "
    "033 034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 "
    "064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 "
    "094 095 096".split()
)


@dataclass(frozen=True, slots=True)
class Registration:
    full_name: str
    phone: str
    password: str
    email: str | None
    birth_year: int
    cccd: str
    area_id: int
    unit: str
    contest_id: int


@dataclass(frozen=True, slots=True)
class Details:
    """What identifies a person and reaches them: the account's own, the same
    for every contest (:data:`DETAIL_FIELDS`)."""

    full_name: str
    phone: str
    email: str | None
    birth_year: int
    cccd: str


@dataclass(frozen=True, slots=True)
class Joining:
    """What a participant gives for one contest: the area of residence among
    the contest's areas, and optionally a work unit."""

    area_id: int
    unit: str


def normalize_phone(value: object) -> str | None:
    """A Vietnamese mobile number as ``0xxxxxxxxx``, from forms people type:
    ``+84 912 345 678``, ``84912345678``, ``0912.345.678``. None if it is not one."""
    digits = re.sub(r"[\s.\-()]", "", str(value or ""))
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.fullmatch(digits) else None


BAD_PHONE = "Số điện thoại di động không hợp lệ (10 chữ số, ví dụ 0912345678)."
"""Said of a phone that is not a Vietnamese mobile number."""


def normalize_login(value: object) -> str:
    """What someone types to sign in: a phone (normalised), an email (lower
    case) or a staff username; "" for text no login can hold (a control
    character such as NUL, which no database stores: :func:`refused_character`)."""
    text = str(value or "").strip()
    if refused_character(text):
        return ""
    return normalize_phone(text) or text.lower()


def password_error(password: object, *, phone: str | None) -> str | None:
    """Why ``password`` cannot be a new password (at registration, a change
    or a reset), or None: :data:`PASSWORD_MIN` to :data:`PASSWORD_MAX`
    characters, not the account's ``phone``. Passwords are compared NFC-normalised
    (``services/passwords.py``), so the same word typed on any keyboard is
    the same password."""
    if not isinstance(password, str) or not password:
        return "Vui lòng đặt mật khẩu."
    if len(password) < PASSWORD_MIN:
        return f"Mật khẩu cần ít nhất {PASSWORD_MIN} ký tự."
    if len(password) > PASSWORD_MAX:
        return f"Mật khẩu dài tối đa {PASSWORD_MAX} ký tự."
    if phone and password.strip() == phone:
        return "Mật khẩu không được trùng số điện thoại."
    return None


def _text(fields: Mapping[str, object], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return "\x00"  # a list or object where text belongs: caught as invalid below
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _cccd_error(cccd: str, birth_year: int | None) -> str | None:
    """The 12 digits: province code, then the century and sex digit (0/1 for
    the 1900s, 2/3 for the 2000s) and the last two digits of the birth year."""
    if not re.fullmatch(r"[0-9]{12}", cccd):
        return "Số định danh cá nhân gồm đúng 12 chữ số."
    if cccd[:3] not in _PROVINCE_CODES:
        return "Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh, thành phố nào."
    if birth_year is not None and 1900 <= birth_year <= 2099:
        century = (birth_year // 100 - 19) * 2
        if cccd[3] not in (str(century), str(century + 1)) or cccd[4:6] != f"{birth_year % 100:02d}":
            return "Số định danh cá nhân không khớp với năm sinh (chữ số thứ 4 đến 6 ghi thế kỷ và năm sinh)."
    return None


def _details(fields: Mapping[str, object], errors: dict[str, str], *, today: date, min_age: int) -> Details | None:
    """The account's own details in ``fields``, or None with their messages
    added to ``errors``; ``min_age`` the contest's (0: none)."""
    full_name = _text(fields, "full_name")
    if not full_name:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    elif len(full_name) > 100 or not _NAME.match(full_name) or not re.sub(r"[ '\-.]", "", full_name).isalpha():
        errors["full_name"] = "Họ và tên chỉ gồm chữ cái và khoảng trắng, tối đa 100 ký tự."

    phone = normalize_phone(_text(fields, "phone"))
    if not _text(fields, "phone"):
        errors["phone"] = "Vui lòng nhập số điện thoại di động."
    elif phone is None:
        errors["phone"] = BAD_PHONE

    email = _text(fields, "email").lower() or None
    if email is not None and (len(email) > 254 or not email.isprintable() or not _EMAIL.match(email)):
        errors["email"] = "Địa chỉ email không hợp lệ."

    birth_year = int_or_none(fields.get("birth_year"), minimum=1900, maximum=today.year)
    if not _text(fields, "birth_year"):
        errors["birth_year"] = "Vui lòng nhập năm sinh."
    elif birth_year is None:
        errors["birth_year"] = f"Năm sinh phải là một năm từ 1900 đến {today.year} (bốn chữ số)."
    else:
        if min_age and today.year - birth_year < min_age:
            errors["birth_year"] = f"Cuộc thi dành cho người từ {min_age} tuổi trở lên."

    cccd = re.sub(r"\s", "", _text(fields, "cccd"))
    if not cccd:
        errors["cccd"] = "Vui lòng nhập số định danh cá nhân (số thẻ căn cước/CCCD)."
    elif (message := _cccd_error(cccd, birth_year)) is not None:
        errors["cccd"] = message

    if any(name in errors for name in DETAIL_FIELDS):
        return None
    assert phone is not None and birth_year is not None
    return Details(full_name=full_name, phone=phone, email=email, birth_year=birth_year, cccd=cccd)


def validate_details(fields: Mapping[str, object], *, today: date) -> Details:
    """Check the account's own details (:data:`DETAIL_FIELDS`, as at
    registration but for any contest's minimum age: a participant
    correcting them on their profile page) and return them normalised, or
    raise :class:`~contest.errors.Invalid` with one message per wrong field."""
    errors: dict[str, str] = {}
    details = _details(fields, errors, today=today, min_age=0)
    if details is None:
        raise Invalid(errors)
    return details


def validate_registration(fields: Mapping[str, object], *, contest: Contest, today: date) -> Registration:
    """Check every field and return a normalised :class:`Registration`, or raise
    :class:`~contest.errors.Invalid` with one message per wrong field."""
    errors: dict[str, str] = {}
    details = _details(fields, errors, today=today, min_age=contest.min_age or 0)

    password = fields.get("password")
    phone = details.phone if details else normalize_phone(_text(fields, "phone"))
    if (message := password_error(password, phone=phone)) is not None:
        errors["password"] = message

    joining = _joining(fields, contest, errors)

    consent = fields.get("consent")
    if consent not in (True, "on", "true", "1", "yes"):
        errors["consent"] = "Bạn cần đồng ý với việc xử lý dữ liệu cá nhân để tham gia cuộc thi."

    if errors:  # in the form's order (FIELDS), which the page's summary of errors follows
        order = {name: i for i, name in enumerate(FIELDS)}
        raise Invalid(dict(sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))))
    assert details is not None and joining is not None
    assert isinstance(password, str)
    return Registration(
        full_name=details.full_name,
        phone=details.phone,
        password=password,
        email=details.email,
        birth_year=details.birth_year,
        cccd=details.cccd,
        area_id=joining.area_id,
        unit=joining.unit,
        contest_id=contest.id,
    )


def _joining(fields: Mapping[str, object], contest: Contest, errors: dict[str, str]) -> Joining | None:
    """The area and unit in ``fields``, or None with their messages added to
    ``errors``. The area is an id of the contest's list. When the contest has
    a list of units, the unit is one of them: by id (``unit_id``, what the
    page's list sends) or by its exact name (``unit``, what the API always
    took); without a list it is typed freely. It stays optional either way."""
    area_id = int_or_none(fields.get("area"), minimum=1)
    area = None if area_id is None else contest.area(area_id)
    if area is None:
        errors["area"] = "Vui lòng chọn nơi cư trú trong danh sách."

    unit = _text(fields, "unit")
    raw_unit_id = fields.get("unit_id")
    if contest.units and raw_unit_id not in (None, ""):
        unit_id = int_or_none(raw_unit_id, minimum=1)
        chosen = next((u for u in contest.units if u.id == unit_id), None)
        if chosen is None:
            errors["unit_id"] = "Vui lòng chọn đơn vị công tác trong danh sách."
        unit = chosen.name if chosen else ""
    elif contest.units and unit and all(u.name != unit for u in contest.units):
        errors["unit"] = "Đơn vị công tác không có trong danh sách đơn vị của cuộc thi; vui lòng chọn trong danh sách."
    elif len(unit) > 200:
        errors["unit"] = "Đơn vị công tác dài tối đa 200 ký tự."
    elif not unit.isprintable():
        errors["unit"] = "Đơn vị công tác có ký tự điều khiển hoặc ký tự ẩn; vui lòng gõ lại."
    if area is None or "unit" in errors or "unit_id" in errors:
        return None
    return Joining(area_id=area.id, unit=unit)


def validate_joining(fields: Mapping[str, object], *, contest: Contest) -> Joining:
    """Check what a participant gives to join ``contest`` (``area``, ``unit``,
    as at registration), or raise :class:`~contest.errors.Invalid` naming each
    wrong field."""
    errors: dict[str, str] = {}
    joining = _joining(fields, contest, errors)
    if joining is None:
        raise Invalid(errors)
    return joining
