"""What makes a staff account well formed (the console's form; the command
line's ``contest staff add`` takes the same fields)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from contest.domain.models import Role
from contest.domain.permissions import ROLE_NAMES
from contest.domain.text import read_choice, read_text
from contest.errors import Invalid

USERNAME = re.compile(r"[a-z][a-z0-9._-]{2,39}")
NAME_MAX = 200
REASON_MAX = 500


@dataclass(frozen=True, slots=True)
class NewStaff:
    username: str
    full_name: str
    role: Role


def read_role(value: object) -> Role:
    """A staff role from a form (``organiser``, ``judge``, ``admin``);
    :class:`Invalid` ``{"role": …}`` for anything else."""
    return read_choice(value, field="role", choices={r: ROLE_NAMES[r] for r in Role if r.is_staff})


def read_new_staff(fields: Mapping[str, object]) -> NewStaff:
    """A new staff account's fields: a username (3 to 40 lower-case ASCII
    letters, digits, '.', '_' or '-', starting with a letter, so it can never
    be read as a phone number or an email), a full name and a staff role.
    :class:`Invalid` naming each wrong field."""
    errors: dict[str, str] = {}
    username = str(fields.get("username") or "").strip().lower()
    if not USERNAME.fullmatch(username):
        errors["username"] = (
            "Tên đăng nhập gồm 3 đến 40 chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang, "
            "bắt đầu bằng một chữ cái."
        )
    try:
        full_name = read_text(fields.get("full_name"), field="full_name", one_line=True)
    except Invalid as exc:
        errors.update(exc.errors)
        full_name = "-"
    if not full_name or len(full_name) > NAME_MAX:
        errors.setdefault("full_name", f"Vui lòng nhập họ và tên, tối đa {NAME_MAX} ký tự.")
    role = Role.JUDGE
    try:
        role = read_role(fields.get("role"))
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return NewStaff(username=username, full_name=full_name, role=role)


def read_reason(value: object) -> str:
    """Why an account is disabled: written out, so the log says it."""
    reason = read_text(value, field="reason", one_line=True)
    if not reason or len(reason) > REASON_MAX:
        raise Invalid({"reason": f"Vui lòng ghi lý do khoá tài khoản, tối đa {REASON_MAX} ký tự."})
    return reason
