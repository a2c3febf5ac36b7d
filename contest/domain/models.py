"""The nouns of a contest, as frozen dataclasses.

Everything here is plain Python: no HTTP, no SQL. Storage maps rows to these
objects and back; services pass them to the domain functions in this package.
Times are always timezone-aware datetimes in UTC; pages convert them to
Asia/Ho_Chi_Minh only when they render.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

LETTERS = "ABCDEF"
"""Option letters as organisers write them; a question has two to six options."""

MAX_OPTIONS = len(LETTERS)


class Difficulty(enum.StrEnum):
    """Three levels, as Vietnamese banks label them (dễ, trung bình, khó)."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"

    @property
    def label(self) -> str:
        return {"easy": "Dễ", "medium": "Trung bình", "hard": "Khó"}[self.value]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a question's answer comes from.

    ``citation`` is what a participant or judge reads ("Khoản 4 Điều 3 Nghị định
    43/2011/NĐ-CP"). The structured part lets the platform warn when a round runs
    on dates after the cited document stopped applying.
    """

    citation: str
    document: str = ""
    issued: date | None = None
    expired: date | None = None
    replaced_by: str = ""
    url: str = ""

    def applies_on(self, day: date) -> bool:
        """Whether the cited document was still in force on ``day``."""
        return self.expired is None or day < self.expired


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a bank, in the single model every importer produces.

    ``correct`` holds zero-based indexes into ``options``. ``multiple`` says
    whether participants choose with checkboxes; it defaults to "more than one
    option is correct" but a bank may ask for checkboxes on a single-key
    question so that the widget does not give the answer away.
    """

    code: str
    text: str
    options: tuple[str, ...]
    correct: frozenset[int]
    topic: str = ""
    difficulty: Difficulty = Difficulty.MEDIUM
    multiple: bool = False
    keep_order: bool = False
    points: int = 1
    explanation: str = ""
    source: Source | None = None

    @property
    def answer_letters(self) -> str:
        return ", ".join(LETTERS[i] for i in sorted(self.correct))


@dataclass(frozen=True, slots=True)
class Area:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Unit:
    """A work unit a participant of one contest picks from; ``headcount``
    (how many people work there), when the committee gave it, lets
    statistics give the unit's participation rate."""

    id: int
    name: str
    headcount: int | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach the contest's organising committee, the controller of the
    participants' personal data: the privacy notice names it, as the Law on
    Personal Data Protection (91/2025/QH15) requires. Empty when not set."""

    address: str = ""
    phone: str = ""
    email: str = ""


class ContestStatus(enum.StrEnum):
    """Where a contest stands at a moment (:func:`contest.domain.timing.contest_status`)."""

    UPCOMING = "upcoming"
    OPEN = "open"
    PAST = "past"


class CollectiveBy(enum.StrEnum):
    """What a contest's collective prizes go by: the most participants, or
    the highest participation rate (participants ÷ headcount, for units
    that have one)."""

    PARTICIPANTS = "participants"
    RATE = "rate"

    @property
    def label(self) -> str:
        return "Nhiều thí sinh tham gia nhất" if self is CollectiveBy.PARTICIPANTS else "Tỉ lệ tham gia cao nhất"


@dataclass(frozen=True, slots=True)
class Contest:
    """One contest of the site, running from ``starts_at`` to ``ends_at``,
    with its own rules, privacy notice, contact and areas; its rounds refer to it."""

    id: int
    slug: str
    title: str
    description: str
    rules: str
    privacy_notice: str
    min_age: int | None
    starts_at: datetime
    ends_at: datetime
    areas: tuple[Area, ...] = ()
    contact: Contact = Contact()
    units: tuple[Unit, ...] = ()
    verify_phone: bool = False
    """Registration proves the phone with a code sent by SMS (``services/signups.py``)."""
    collective_by: CollectiveBy = CollectiveBy.PARTICIPANTS
    """What its collective prizes go by (``domain/prizes.collective``)."""

    def area(self, area_id: int) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)


@dataclass(frozen=True, slots=True)
class Participation:
    """A participant's part in one contest: what they gave for it (the area,
    the work unit) the first time they joined it. The account itself (name,
    phone, identification number) is one per person for the whole site."""

    user_id: int
    contest_id: int
    area_id: int
    unit: str
    joined_at: datetime


class RoundStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class Phase(enum.StrEnum):
    """Where a round stands, in order (``domain/phases.py`` moves it): the
    clock makes it scheduled, open and closed; judges' decisions make it
    under review, provisional and final."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    UNDER_REVIEW = "under_review"
    PROVISIONAL = "provisional"
    FINAL = "final"


class Counting(enum.StrEnum):
    """Which of a participant's attempts at a round counts for its results."""

    BEST = "best"
    FIRST = "first"
    LAST = "last"


class TieBreak(enum.StrEnum):
    """The order after the score, as the round chooses (``domain/ranking.py`` states each)."""

    PREDICTION = "prediction"
    PREDICTION_IF_PERFECT = "prediction_if_perfect"
    PREDICTION_THEN_SUBMISSION = "prediction_then_submission"
    NO_PREDICTION = "no_prediction"

    @property
    def label(self) -> str:
        return {
            "prediction": "điểm cao hơn, rồi dự đoán sát hơn, rồi thời gian làm bài ngắn hơn, rồi nộp bài sớm hơn",
            "prediction_if_perfect": (
                "điểm cao hơn; với bài đúng hết mọi câu, dự đoán sát hơn; rồi thời gian làm bài ngắn hơn,"
                " rồi nộp bài sớm hơn"
            ),
            "prediction_then_submission": "điểm cao hơn, rồi dự đoán sát hơn, rồi nộp bài sớm hơn",
            "no_prediction": "điểm cao hơn, rồi thời gian làm bài ngắn hơn, rồi nộp bài sớm hơn",
        }[self.value]

    @property
    def uses_prediction(self) -> bool:
        return self is not TieBreak.NO_PREDICTION


class TrueFigure(enum.StrEnum):
    """What the prediction question asks participants to guess."""

    ALL_CORRECT = "all_correct"
    PARTICIPANTS = "participants"
    ATTEMPTS = "attempts"

    @property
    def label(self) -> str:
        return {
            "all_correct": "số người có lượt được tính trả lời đúng tất cả các câu",
            "participants": "số người tham gia",
            "attempts": "số lượt thi",
        }[self.value]


class ShowScore(enum.StrEnum):
    """When a participant sees the score of a submitted attempt."""

    IMMEDIATELY = "immediately"
    AFTER_PUBLICATION = "after_publication"


@dataclass(frozen=True, slots=True)
class Prizes:
    """How many prizes of each kind a round awards (0: none of that kind)."""

    first: int = 0
    second: int = 0
    third: int = 0
    consolation: int = 0


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Who may enter a round (``domain/eligibility.py`` decides and words it):
    everyone when all is empty; else only participants of these ``units`` or
    living in these ``areas`` (ids from the contest's lists; at most one of
    the two), and, for a final, only those who qualified from the earlier
    ``rounds``: ranked within the ``top`` of one of them, or scoring at least
    ``min_score`` in one of them (exactly one of the two is set)."""

    units: frozenset[int] = frozenset()
    areas: frozenset[int] = frozenset()
    rounds: tuple[int, ...] = ()
    top: int | None = None
    min_score: int | None = None

    @property
    def open_to_all(self) -> bool:
        return not (self.units or self.areas or self.rounds)


@dataclass(frozen=True, slots=True)
class RoundRules:
    """What the server enforces for every attempt in a round, and the
    committee's settings for its results (which attempt counts, when scores
    are shown, how long complaints stay open, the prize quotas)."""

    question_count: int
    duration_seconds: int
    attempts_allowed: int
    topic_quota: tuple[tuple[str, int], ...] = ()
    """Optional "so many questions per topic"; the rest is drawn from any topic."""
    difficulty_quota: tuple[tuple[Difficulty, int], ...] = ()
    """Optional "so many questions per difficulty", adding up to ``question_count``
    (:func:`contest.domain.contests.check_round`); the draw honours it and the
    topic quota together (:func:`contest.domain.draw.draw`)."""
    prediction_question: str = ""
    counting: Counting = Counting.BEST
    tie_break: TieBreak = TieBreak.PREDICTION
    """The order after the score (``domain/ranking.py``)."""
    true_figure: TrueFigure = TrueFigure.ALL_CORRECT
    """What the prediction question predicts."""
    show_score: ShowScore = ShowScore.IMMEDIATELY
    complaint_window_hours: int = 0
    """Hours complaints stay open after provisional results (0: none)."""
    prizes: Prizes = Prizes()
    eligibility: Eligibility = Eligibility()
    """Who may enter (a qualifying round's units or areas, a final's earlier rounds)."""
    excluded: frozenset[str] = frozenset()
    """Codes of the bank's questions this round never draws (their cited
    document was not in force on its dates); attempts already drawn keep theirs."""


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    contest_id: int
    title: str
    opens_at: datetime
    closes_at: datetime
    rules: RoundRules
    bank_id: int
    description: str = ""
    stored_phase: Phase = Phase.SCHEDULED
    """The phase people last decided (``scheduled`` until then); what it is
    now is :func:`contest.domain.phases.effective`."""


@dataclass(frozen=True, slots=True)
class DrawnOption:
    """An option as one attempt shows it.

    ``id`` is the option's place in the attempt (1, 2, …), so it tells nothing
    about the key; ``letter`` is its letter in the bank, kept so that a key
    corrected in the bank can be re-applied to the attempt.
    """

    id: int
    text: str
    letter: str


@dataclass(frozen=True, slots=True)
class DrawnQuestion:
    """A question as one attempt drew it: text, options and key are frozen here,
    so a later edit of the bank never changes the attempt."""

    id: int
    code: str
    text: str
    multiple: bool
    options: tuple[DrawnOption, ...]
    correct: frozenset[int]
    points: int = 1
    topic: str = ""
    explanation: str = ""
    citation: str = ""

    @property
    def option_count(self) -> int:
        return len(self.options)


@dataclass(frozen=True, slots=True)
class DrawnKey:
    """What an attempt stores of each question it drew: the order its options
    were shown in (bank letters), the key in shown ids, and the points. The
    text lives in the bank version the attempt drew from, which never changes;
    only a re-scoring rewrites ``correct`` and ``points``."""

    id: int
    code: str
    letters: str
    correct: frozenset[int]
    points: int
    multiple: bool

    @property
    def option_count(self) -> int:
        return len(self.letters)


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Result:
    correct: int
    total: int
    score: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """What lists, rankings and results need of an attempt: no questions."""

    id: int
    round_id: int
    user_id: int
    number: int
    status: AttemptStatus
    started_at: datetime
    deadline: datetime
    submitted_at: datetime | None = None
    prediction: int | None = None
    result: Result | None = None

    @property
    def finished(self) -> bool:
        return self.status is not AttemptStatus.IN_PROGRESS


@dataclass(frozen=True, slots=True)
class Attempt(AttemptSummary):
    """An attempt with the questions it drew and the answers saved so far
    (question id -> chosen option ids), each answer's revision (question id ->
    revision; absent means 0, nothing saved) and the questions the participant
    flagged "Xem lại sau"."""

    questions: tuple[DrawnQuestion, ...] = ()
    answers: dict[int, frozenset[int]] = field(default_factory=dict)
    revisions: dict[int, int] = field(default_factory=dict)
    flagged: frozenset[int] = frozenset()

    @property
    def answered(self) -> frozenset[int]:
        """The questions with at least one option chosen."""
        return frozenset(q for q, options in self.answers.items() if options)

    def question(self, question_id: int) -> DrawnQuestion | None:
        if 1 <= question_id <= len(self.questions):
            return self.questions[question_id - 1]
        return None


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    """What a save of one answer came to.

    A save names the revision of the answer it was based on (``None``: the
    client answers explicitly, whatever is stored). It is applied when that is
    the stored revision, and changes nothing when the stored options are
    already the ones sent; otherwise it is *stale*: ``applied`` is False and
    ``options``/``revision`` are the answer stored, which the client had not
    seen. Revision 0 is "nothing saved"; each applied change adds one."""

    options: frozenset[int]
    revision: int
    applied: bool = True


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    ORGANISER = "organiser"
    JUDGE = "judge"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.PARTICIPANT


@dataclass(frozen=True, slots=True)
class User:
    """An account. Personal data (phone, CCCD, birth year) is here so that the
    participant and organisers can see it; public pages never render it."""

    id: int
    role: Role
    full_name: str
    phone: str | None = None
    email: str | None = None
    username: str | None = None
    cccd: str | None = None
    birth_year: int | None = None
    generation: int = 0
    """Raised by one whenever the account is disabled, changes role or
    password: sessions and tokens issued at an older generation stop working."""
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class BankVersion:
    """One immutable state of a bank: every upload or edit makes a new one."""

    id: int
    bank_id: int
    number: int
    created_at: datetime
    note: str = ""
    created_by: str = ""
    question_count: int = 0


@dataclass(frozen=True, slots=True)
class Bank:
    id: int
    name: str
    created_at: datetime
    current: BankVersion | None = None
    version_count: int = 0
    archived_at: datetime | None = None
    """When it was set aside (no round used it then); None while in use."""
