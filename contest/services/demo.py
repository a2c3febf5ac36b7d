"""The demo contest: the province's 2020 contest rebuilt on the bundled bank.

Rules as the province ran them in 2020 (30 questions, 25 minutes, at most 3
attempts, the best counts), one round open now for a week, one upcoming round
after it, and an organiser and a judge account with fresh passwords.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from contest.domain.banks.toml_format import load_directory
from contest.domain.models import Contact, Role, RoundRules
from contest.resources import resource_dir
from contest.services.container import Services
from contest.services.contests import create_contest, create_round

TITLE = "Tìm hiểu về Chính quyền điện tử hướng tới Chính quyền số"

DESCRIPTION = (
    "Cuộc thi trắc nghiệm trực tuyến tìm hiểu về Chính phủ điện tử, chính quyền điện tử, chính quyền số "
    "và dịch vụ công trực tuyến.\n\n"
    "Đây là cuộc thi mẫu để bạn dùng thử nền tảng: đăng ký tài khoản, vào thi và xem kết quả. Cuộc thi mẫu "
    "dựng lại Cuộc thi «Tìm hiểu về Chính quyền điện tử hướng tới Chính quyền số tỉnh Tiền Giang năm "
    "2019–2020», tổ chức năm 2020, trước khi tỉnh Tiền Giang sáp nhập vào tỉnh Đồng Tháp (01/7/2025): danh "
    "sách huyện, thị xã, thành phố để chọn nơi cư trú là của tỉnh Tiền Giang năm 2020, và các câu hỏi về "
    "tỉnh Tiền Giang nói về giai đoạn trước sáp nhập."
)

RULES = (
    "Đối tượng dự thi: công dân Việt Nam đang sinh sống hoặc làm việc trên địa bàn tỉnh. Thành viên Ban "
    "Tổ chức, Ban Giám khảo, Tổ Thư ký không tham gia dự thi.\n\n"
    "Mỗi lượt thi gồm 30 câu hỏi trắc nghiệm rút ngẫu nhiên từ ngân hàng câu hỏi, làm trong tối đa 25 phút. "
    "Có câu chỉ có một phương án đúng, có câu có nhiều phương án đúng (phải chọn đủ và đúng các phương án "
    "mới được tính điểm). Hết thời gian, bài thi được nộp tự động với các câu trả lời đã lưu.\n\n"
    "Mỗi người chỉ dùng một tài khoản và được thi tối đa 3 lượt trong mỗi vòng; lượt có kết quả cao nhất "
    "được tính. Nếu bằng điểm, xét câu hỏi dự đoán (dự đoán gần đúng nhất), rồi thời gian làm bài ngắn "
    "hơn, rồi thời điểm nộp bài sớm hơn.\n\n"
    "Khai báo thông tin không đầy đủ, không chính xác, hoặc thi hộ người khác thì kết quả không được công nhận."
)

# What the organisers decide about storing and sharing; the privacy page adds
# the controller, the data collected, the purposes, the rights and the law.
PRIVACY = (
    "Dữ liệu được lưu trên hệ thống của Ban Tổ chức đặt tại Việt Nam; chỉ cán bộ được giao nhiệm vụ tổ chức "
    "cuộc thi được truy cập. Dữ liệu không được cung cấp cho bên thứ ba, trừ cơ quan nhà nước có thẩm quyền "
    "theo quy định của pháp luật. Khi công bố kết quả, Ban Tổ chức chỉ nêu họ và tên, nơi cư trú và đơn vị "
    "công tác của người đoạt giải; không công bố số điện thoại, email, năm sinh hay số định danh cá nhân.\n\n"
    "Dữ liệu được lưu đến hết 06 tháng sau ngày công bố kết quả chung cuộc (thời hạn trao giải và giải quyết "
    "khiếu nại), sau đó được xóa, trừ trường hợp pháp luật yêu cầu lưu giữ lâu hơn. Danh sách người đoạt giải "
    "được lưu theo chế độ lưu trữ hồ sơ khen thưởng."
)

# The organising committee's contact as a province would publish it (demo values).
CONTACT = Contact(
    address="Sở Khoa học và Công nghệ tỉnh, số 1 đường Hùng Vương, phường Mỹ Tho, tỉnh Đồng Tháp",
    phone="0273 3 872 000",
    email="hoithi@example.gov.vn",
)

# Tiền Giang's district-level units in 2020, when the contest was run: one city,
# two towns, eight districts. The province merged into Đồng Tháp on 01/7/2025, so
# each label says whose list it is and when.
AREAS = tuple(
    f"{name} (Tiền Giang, năm 2020)"
    for name in (
        "Thành phố Mỹ Tho",
        "Thị xã Gò Công",
        "Thị xã Cai Lậy",
        "Huyện Cái Bè",
        "Huyện Cai Lậy",
        "Huyện Tân Phước",
        "Huyện Châu Thành",
        "Huyện Chợ Gạo",
        "Huyện Gò Công Tây",
        "Huyện Gò Công Đông",
        "Huyện Tân Phú Đông",
    )
)

PREDICTION = "Theo bạn, vòng thi này sẽ có bao nhiêu người trả lời đúng tất cả các câu hỏi?"

RULES_2020 = RoundRules(question_count=30, duration_seconds=25 * 60, attempts_allowed=3, prediction_question=PREDICTION)


@dataclass(frozen=True)
class DemoAccounts:
    organiser: tuple[str, str]
    judge: tuple[str, str]


async def seed_demo(services: Services, *, now: datetime | None = None) -> DemoAccounts:
    """Fill an empty database with the demo contest; returns the staff logins
    and their passwords (shown once, stored only as hashes)."""
    now = now or services.clock.now()
    storage = services.storage
    bank = load_directory(resource_dir("questions"))
    if not bank.ok:
        raise RuntimeError("the bundled bank has errors: " + "; ".join(str(p) for p in bank.errors))
    bank_id, _version = await storage.banks.create(
        name="Ngân hàng câu hỏi Chính quyền điện tử", questions=bank.questions, now=now, note="Ngân hàng kèm theo"
    )
    opens = now.replace(minute=0, second=0, microsecond=0)
    contest = await create_contest(
        storage,
        slug="chinh-quyen-so",
        title=TITLE,
        description=DESCRIPTION,
        rules=RULES,
        privacy_notice=PRIVACY,
        starts_at=opens,
        ends_at=opens + timedelta(days=14),
        areas=AREAS,
        now=now,
        contact=CONTACT,
    )
    for title, description, week in (
        ("Vòng 1 (tuần thi thứ nhất)", "Thi tự do, mở cho mọi thí sinh.", 0),
        ("Vòng 2 (tuần thi thứ hai)", "Mở sau khi vòng 1 kết thúc.", 1),
    ):
        await create_round(
            storage,
            contest=contest,
            title=title,
            description=description,
            opens_at=opens + timedelta(days=7 * week),
            closes_at=opens + timedelta(days=7 * (week + 1)),
            rules=RULES_2020,
            bank_id=bank_id,
        )
    accounts = {}
    for username, name, role in (
        ("bantochuc", "Ban Tổ chức", Role.ORGANISER),
        ("giamkhao", "Ban Giám khảo", Role.JUDGE),
    ):
        password = secrets.token_urlsafe(12)
        await storage.accounts.create_staff(
            username=username, full_name=name, role=role, password_hash=await services.passwords.hash(password), now=now
        )
        accounts[role] = (username, password)
    return DemoAccounts(organiser=accounts[Role.ORGANISER], judge=accounts[Role.JUDGE])
