"""Who may do what, stated once: named capabilities granted to roles.

Every staff page and every service call that needs more than being signed in
asks :func:`require` for one capability; nothing else compares roles. A
participant takes part; a judge judges rounds (correcting a question's key
while reviewing one) and reads their statistics and attempts (without personal data); an organiser runs contests,
rounds and banks, sees personal data and the log and disables participants'
accounts; an admin may do all of that and manage staff accounts. Staff never take part in a contest.
"""

from __future__ import annotations

import enum

from contest.domain.models import Role, User
from contest.errors import Forbidden


class Capability(enum.StrEnum):
    TAKE_PART = "take_part"
    MANAGE_BANKS = "manage_banks"
    MANAGE_ROUNDS = "manage_rounds"
    MANAGE_CONTESTS = "manage_contests"
    VIEW_PERSONAL_DATA = "view_personal_data"
    MANAGE_PARTICIPANTS = "manage_participants"
    VIEW_AUDIT_LOG = "view_audit_log"
    JUDGE_ROUND = "judge_round"
    MANAGE_STAFF = "manage_staff"
    VIEW_STATISTICS = "view_statistics"
    CORRECT_KEYS = "correct_keys"


_ORGANISING = frozenset(
    {
        Capability.MANAGE_BANKS,
        Capability.MANAGE_ROUNDS,
        Capability.MANAGE_CONTESTS,
        Capability.VIEW_PERSONAL_DATA,
        Capability.MANAGE_PARTICIPANTS,
        Capability.VIEW_AUDIT_LOG,
        Capability.VIEW_STATISTICS,
    }
)

GRANTS: dict[Role, frozenset[Capability]] = {
    Role.PARTICIPANT: frozenset({Capability.TAKE_PART}),
    Role.JUDGE: frozenset({Capability.JUDGE_ROUND, Capability.VIEW_STATISTICS, Capability.CORRECT_KEYS}),
    Role.ORGANISER: _ORGANISING,
    Role.ADMIN: _ORGANISING | {Capability.JUDGE_ROUND, Capability.MANAGE_STAFF, Capability.CORRECT_KEYS},
}

ROLE_NAMES: dict[Role, str] = {
    Role.PARTICIPANT: "Thí sinh",
    Role.JUDGE: "Ban Giám khảo",
    Role.ORGANISER: "Ban Tổ chức",
    Role.ADMIN: "Quản trị viên",
}
"""Each role as people name it."""

REFUSALS: dict[Capability, tuple[str, str]] = {
    Capability.TAKE_PART: ("staff_cannot_play", "Tài khoản Ban Tổ chức, Ban Giám khảo không tham gia dự thi."),
    Capability.MANAGE_BANKS: ("organisers_only", "Chỉ Ban Tổ chức được quản lý ngân hàng câu hỏi."),
    Capability.MANAGE_ROUNDS: ("organisers_only", "Chỉ Ban Tổ chức được quản lý vòng thi."),
    Capability.MANAGE_CONTESTS: ("organisers_only", "Chỉ Ban Tổ chức được quản lý cuộc thi."),
    Capability.VIEW_PERSONAL_DATA: ("organisers_only", "Chỉ Ban Tổ chức được xem thông tin cá nhân của thí sinh."),
    Capability.MANAGE_PARTICIPANTS: ("organisers_only", "Chỉ Ban Tổ chức được khoá tài khoản thí sinh."),
    Capability.VIEW_AUDIT_LOG: ("organisers_only", "Chỉ Ban Tổ chức được xem nhật ký thao tác."),
    Capability.JUDGE_ROUND: ("judges_only", "Chỉ Ban Giám khảo được chấm và công bố kết quả vòng thi."),
    Capability.VIEW_STATISTICS: ("staff_only", "Chỉ Ban Tổ chức, Ban Giám khảo được xem thống kê vòng thi."),
    Capability.CORRECT_KEYS: ("judges_only", "Chỉ Ban Giám khảo được sửa đáp án khi chấm vòng thi."),
    Capability.MANAGE_STAFF: ("admins_only", "Chỉ quản trị viên được quản lý tài khoản Ban Tổ chức và Ban Giám khảo."),
}
"""The error code and what someone without the capability reads (a 403)."""


def can(user: User, capability: Capability) -> bool:
    return capability in GRANTS[user.role]


def require(user: User, capability: Capability) -> None:
    """Return if ``user``'s role grants ``capability``; else
    :class:`Forbidden` (403) with the code and Vietnamese reason from
    :data:`REFUSALS`."""
    if not can(user, capability):
        code, message = REFUSALS[capability]
        raise Forbidden(message, code=code)
