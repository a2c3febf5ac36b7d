"""What every bank format shares: problems found while reading, and the one
function that turns loosely typed fields into a :class:`Question`.

Each format's parser only knows how to find the fields (a spreadsheet row, a
GIFT block, a TOML table); the rules for what makes a valid question live here
once, so a bank reads the same whichever format it came in.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from contest.domain.banks.diacritics import strip_accents
from contest.domain.banks.references import refers_to_others
from contest.domain.models import LETTERS, MAX_OPTIONS, Difficulty, Question, Source
from contest.domain.numbers import int_or_none, parse_int
from contest.domain.text import INVISIBLE, clean_text, refused_character
from contest.errors import Invalid


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in an uploaded bank, said in Vietnamese, with where it is.

    ``line`` is a spreadsheet row or a text line (1-based); ``column`` a column
    name or a field name. Errors block confirming the bank; warnings can be
    accepted.
    """

    message: str
    line: int | None = None
    column: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""

    @property
    def where(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"dòng {self.line}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        label = "Lỗi" if self.severity is Severity.ERROR else "Cảnh báo"
        where = f" ({self.where})" if self.where else ""
        return f"{label}{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedBank:
    """The outcome of reading one file: the questions that parsed and every
    problem found. A bank with any error must not be stored."""

    questions: tuple[Question, ...]
    problems: tuple[Problem, ...] = ()
    topics: tuple[str, ...] = field(default=())

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        return not self.errors


class BankError(ValueError):
    """A file that cannot be read as a bank at all (wrong format, undecodable)."""


def text_field(value: object, *, column: str, line: int | None, problems: list[Problem], code: str = "") -> str:
    """One text field of a question read from a file or a form, cleaned
    (:func:`clean_text`). A value that is not text (a list or table in JSON
    or TOML) and a character :func:`refused_character` names are errors
    naming ``column``; invisible characters removed are a warning, since the
    text shown may differ from the file's."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | date):
        problems.append(
            Problem(
                f"Phải là một đoạn chữ, không phải {_KINDS.get(type(value).__name__, 'giá trị khác')}.",
                line=line,
                column=column,
                code=code,
            )
        )
        return ""
    raw = str(value)
    if reason := refused_character(raw):
        problems.append(Problem(reason, line=line, column=column, code=code))
    if found := INVISIBLE.search(raw):
        problems.append(
            Problem(
                f"Đã bỏ ký tự vô hình U+{ord(found[0]):04X} (không hiện trên màn hình).",
                line=line,
                column=column,
                severity=Severity.WARNING,
                code=code,
            )
        )
    return clean_text(raw)


_KINDS = {"list": "một danh sách", "dict": "một bảng", "bool": "giá trị đúng/sai"}


_DIFFICULTY_WORDS = {
    "easy": Difficulty.EASY,
    "de": Difficulty.EASY,
    "dễ": Difficulty.EASY,
    "1": Difficulty.EASY,
    "medium": Difficulty.MEDIUM,
    "trung bình": Difficulty.MEDIUM,
    "trung binh": Difficulty.MEDIUM,
    "tb": Difficulty.MEDIUM,
    "2": Difficulty.MEDIUM,
    "hard": Difficulty.HARD,
    "khó": Difficulty.HARD,
    "kho": Difficulty.HARD,
    "3": Difficulty.HARD,
}


def parse_difficulty(value: object) -> Difficulty | None:
    word = clean_text(value).lower().replace("_", " ")
    if not word:
        return Difficulty.MEDIUM
    return _DIFFICULTY_WORDS.get(word)


_TRUE_WORDS = {"1", "x", "true", "yes", "có", "co", "đúng", "giữ", "giu"}
_FALSE_WORDS = {"", "0", "false", "no", "không", "khong", "sai"}


def parse_flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    word = clean_text(value).lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def letter_words(value: object) -> list[str]:
    """What is written in a key, upper-cased, one item a letter: ``"B"``,
    ``"A, C"``, ``"a;c"`` or ``"AC"`` -> ``["A", "C"]``; a part that is not
    one letter (``"A1"`` in ``"A1, C"``) stays whole, for the caller to refuse."""
    text = clean_text(value).upper()
    letters = [c for c in re.split(r"[\s,;/+&]+", text) if c]
    if len(letters) == 1 and len(letters[0]) > 1 and letters[0].isalpha():
        letters = list(letters[0])
    return letters


def parse_letters(value: object) -> list[int] | None:
    """``"B"``, ``"A, C"``, ``"a;c"`` or ``"AC"`` (:func:`letter_words`) ->
    zero-based indexes; None when something other than letters A–F is there."""
    letters = letter_words(value)
    if not letters or any(len(c) != 1 or c not in LETTERS for c in letters):
        return None
    return [LETTERS.index(c) for c in letters]


_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_date(value: object) -> date | str | None:
    """A date from a cell or text (dd/mm/yyyy, also with "-" or "."; or
    yyyy-mm-dd); None when empty; otherwise the Vietnamese reason it is not a
    date: a shape other than these, or a day that does not exist (31/02/2020,
    30/13/2024)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if not text:
        return None
    if found := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = found.groups()
    elif found := _ISO_DATE.fullmatch(text):
        year, month, day = found.groups()
    else:
        return f"Ngày «{text}» không đúng dạng dd/mm/yyyy."
    try:
        return date(*(parse_int(n, field="", label="") for n in (year, month, day)))
    except ValueError:
        return f"Ngày «{text}» không có thật (ngày/tháng vượt quá lịch)."


QUESTION_FIELDS = frozenset(
    {"code", "topic", "difficulty", "text", "options", "answer", "multiple", "keep_order", "points"}
    | {"explanation", "source"}
)
"""The fields of a question as the text formats name them (JSON, TOML): a
key outside these is warned about, never dropped without a word."""

SOURCE_FIELDS = ("citation", "document", "issued", "expired", "replaced_by", "url")
"""The fields of a source, as every format names them (see :func:`source_fields`)."""

_SOURCE_LABELS = {
    "citation": "Nguồn",
    "document": "Số văn bản",
    "issued": "Ngày ban hành",
    "expired": "Ngày hết hiệu lực",
    "replaced_by": "Thay thế bởi",
    "url": "Đường dẫn",
}


def build_source(
    fields: Mapping[str, object], *, line: int | None, problems: list[Problem], code: str = ""
) -> Source | None:
    """A :class:`Source` from ``citation``, ``document``, ``issued``,
    ``expired``, ``replaced_by`` and ``url``; None when all are empty.

    Dates are checked strictly (:func:`parse_date`): a date that is not one is
    an error naming its field, and so is an expiry before the issue date. A
    source without a citation is still a source: its citation is the document
    number, or else the address. Only when neither is there are the other
    fields dropped, with a warning; unknown fields are warned about too.
    """
    for name in fields:
        if name not in SOURCE_FIELDS:
            problems.append(
                Problem(
                    f"Nguồn có trường «{name}» không được hỗ trợ: bỏ qua (dùng {', '.join(SOURCE_FIELDS)}).",
                    line=line,
                    column="source",
                    severity=Severity.WARNING,
                    code=code,
                )
            )
    text = {
        name: text_field(fields.get(name), column=name, line=line, problems=problems, code=code)
        for name in ("citation", "document", "replaced_by", "url")
    }
    dates: dict[str, date | None] = {}
    for name in ("issued", "expired"):
        parsed = parse_date(fields.get(name))
        if isinstance(parsed, str):
            problems.append(Problem(parsed, line=line, column=name, code=code))
            parsed = None
        dates[name] = parsed
    issued, expired = dates["issued"], dates["expired"]
    if issued is not None and expired is not None and expired <= issued:
        problems.append(
            Problem(
                f"Ngày hết hiệu lực {expired:%d/%m/%Y} không sau ngày ban hành {issued:%d/%m/%Y}.",
                line=line,
                column="expired",
                code=code,
            )
        )
    citation = text["citation"] or text["document"] or text["url"]
    if not citation:
        left = [name for name in ("replaced_by", "issued", "expired") if text.get(name) or dates.get(name)]
        if left:
            names = ", ".join(f"«{_SOURCE_LABELS[n]}»" for n in left)
            problems.append(
                Problem(
                    f"Có {names} nhưng không có «Nguồn» hay «Số văn bản»: bỏ qua các ô này. "
                    "Hãy ghi văn bản được trích dẫn để nền tảng cảnh báo khi văn bản hết hiệu lực.",
                    line=line,
                    column=left[0],
                    severity=Severity.WARNING,
                    code=code,
                )
            )
        return None
    return Source(
        citation=citation,
        document=text["document"],
        issued=issued,
        expired=expired,
        replaced_by=text["replaced_by"],
        url=text["url"],
    )


def source_from(value: object, *, line: int | None, problems: list[Problem], code: str = "") -> Source | None:
    """The ``source`` of a question in the text formats (JSON, TOML, GIFT's
    comment): a table of :data:`SOURCE_FIELDS`, a plain string (the
    citation), or nothing; anything else is an error, never dropped."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return build_source({"citation": value}, line=line, problems=problems, code=code)
    if isinstance(value, Mapping):
        return build_source(value, line=line, problems=problems, code=code)
    problems.append(
        Problem(
            "«source» phải là một bảng (citation, document, issued, expired, replaced_by, url) hoặc một chuỗi.",
            line=line,
            column="source",
            code=code,
        )
    )
    return None


def build_question(
    *,
    code: object,
    text: object,
    options: Iterable[object],
    answer: object,
    topic: object = "",
    difficulty: object = "",
    multiple: object = None,
    keep_order: object = None,
    points: object = None,
    explanation: object = "",
    source: Source | None = None,
    line: int | None = None,
    problems: list[Problem],
) -> Question | None:
    """Check one question's fields and build it, or append why it cannot be.

    ``options`` are the option cells in order A, B, …; empty cells at the end
    are dropped, an empty cell between two filled ones is an error (the letters
    after it would shift). ``answer`` is letters ("B", "A, C") or a list of
    zero-based indexes.
    """
    before = len(problems)
    code_text = text_field(code, column="code", line=line, problems=problems)
    question_text = text_field(text, column="question", line=line, problems=problems, code=code_text)
    if not question_text:
        problems.append(Problem("Thiếu nội dung câu hỏi.", line=line, column="question", code=code_text))

    cells = [
        text_field(
            o, column=LETTERS[i] if i < MAX_OPTIONS else str(i + 1), line=line, problems=problems, code=code_text
        )
        for i, o in enumerate(options)
    ]
    while cells and not cells[-1]:
        cells.pop()
    for i, cell in enumerate(cells):
        if not cell:
            problems.append(
                Problem(
                    f"Phương án {LETTERS[i] if i < MAX_OPTIONS else i + 1} để trống nhưng có phương án sau nó.",
                    line=line,
                    column=LETTERS[i] if i < MAX_OPTIONS else str(i + 1),
                    code=code_text,
                )
            )
    if len(cells) < 2:
        problems.append(Problem("Cần ít nhất hai phương án.", line=line, column="options", code=code_text))
    if len(cells) > MAX_OPTIONS:
        problems.append(
            Problem(f"Nhiều nhất {MAX_OPTIONS} phương án (A–F).", line=line, column="options", code=code_text)
        )
    if len({c.casefold() for c in cells if c}) < len([c for c in cells if c]):
        problems.append(Problem("Hai phương án trùng nhau.", line=line, column="options", code=code_text))

    listed = isinstance(answer, list | tuple | set | frozenset)
    indexes = _answer_indexes(answer)
    shown = ", ".join(clean_text(a) for a in answer) if isinstance(answer, list | tuple) else clean_text(answer)
    if not shown and not (listed and answer):
        problems.append(Problem("Thiếu đáp án đúng.", line=line, column="answer", code=code_text))
    elif not indexes:
        problems.append(
            Problem(
                f"Đáp án «{shown}» không hợp lệ: ghi chữ cái A–F, ví dụ «B» hoặc «A, C».",
                line=line,
                column="answer",
                code=code_text,
            )
        )
    else:
        for i in indexes:
            if i >= len(cells) or not cells[i]:
                problems.append(
                    Problem(
                        f"Đáp án {LETTERS[i] if i < MAX_OPTIONS else i + 1} trỏ tới phương án trống.",
                        line=line,
                        column="answer",
                        code=code_text,
                    )
                )

    level = parse_difficulty(difficulty)
    if level is None:
        problems.append(
            Problem(
                f"Mức độ «{clean_text(difficulty)}» không hợp lệ: dùng Dễ, Trung bình hoặc Khó.",
                line=line,
                column="difficulty",
                code=code_text,
            )
        )

    flags: dict[str, bool] = {}
    for name, value in (("keep_order", keep_order), ("multiple", multiple)):
        if value is None or value == "":
            continue
        flag = parse_flag(value)
        if flag is None:
            problems.append(
                Problem(f"Giá trị «{clean_text(value)}» không phải có/không.", line=line, column=name, code=code_text)
            )
        else:
            flags[name] = flag

    score = _points(points, line=line, code=code_text, problems=problems)

    correct = frozenset(indexes or ())
    if flags.get("multiple") is False and len(correct) > 1:
        letters = ", ".join(LETTERS[i] for i in sorted(correct))
        problems.append(
            Problem(
                f"Câu chọn một đáp án («Chọn nhiều»: Không) nhưng có {len(correct)} đáp án đúng ({letters}): "
                "không ai trả lời đúng được. Hãy để một đáp án, hoặc cho chọn nhiều.",
                line=line,
                column="multiple",
                code=code_text,
            )
        )

    topic_text = text_field(topic, column="topic", line=line, problems=problems, code=code_text)
    explanation_text = text_field(explanation, column="explanation", line=line, problems=problems, code=code_text)

    if not code_text:
        problems.append(Problem("Thiếu mã câu hỏi.", line=line, column="code"))

    if any(p.severity is Severity.ERROR for p in problems[before:]) or indexes is None or level is None:
        return None
    keep = flags.get("keep_order", False)
    pointing = [i for i, cell in enumerate(cells) if refers_to_others(cell)]
    if pointing and not keep:
        keep = True
        named = "; ".join(f"{LETTERS[i]} «{cells[i]}»" for i in pointing)
        problems.append(
            Problem(
                f"Phương án {named} nhắc tới phương án khác theo chữ cái hoặc vị trí: "
                "câu này được giữ nguyên thứ tự phương án khi thi (không đảo).",
                line=line,
                column="keep_order",
                severity=Severity.WARNING,
                code=code_text,
            )
        )
    return Question(
        code=code_text,
        text=question_text,
        options=tuple(cells),
        correct=correct,
        topic=topic_text,
        difficulty=level,
        multiple=flags.get("multiple", len(correct) > 1),
        keep_order=keep,
        points=score,
        explanation=explanation_text,
        source=source,
    )


def _answer_indexes(answer: object) -> list[int] | None:
    """Zero-based indexes from letters ("B", "A, C") or a list of letters or
    indexes (a Moodle reader's key); None when anything else is there."""
    if not isinstance(answer, list | tuple | set | frozenset):
        return parse_letters(answer)
    indexes: list[int] = []
    for item in answer:
        if isinstance(item, str):
            found = parse_letters(item)
            if found is None:
                return None
            indexes += found
        else:
            index = int_or_none(item, minimum=0, maximum=99)
            if index is None:
                return None
            indexes.append(index)
    return indexes or None


def _points(value: object, *, line: int | None, code: str, problems: list[Problem]) -> int:
    """A question's points: a whole number from 1 to 100, 1 when empty. A
    spreadsheet number (2.0) counts as the whole number it shows; "1,5", "²"
    or "hai" are errors."""
    if value is None or clean_text(value) == "":
        return 1
    try:
        return parse_int(value, field="points", label="Điểm", minimum=1, maximum=100)
    except Invalid as exc:
        problems.append(
            Problem(f"«{clean_text(value)}»: {exc.errors['points']}", line=line, column="points", code=code)
        )
        return 1


def _text_key(text: str) -> str:
    return " ".join(text.casefold().split())


def check_bank(questions: Iterable[tuple[Question, int | None]]) -> list[Problem]:
    """Problems that only show across questions, given each question with the
    line it came from: a duplicate code or the same question twice is an error;
    the same wording with other options is only a warning (banks sometimes ask
    "Phát biểu nào đúng?" more than once)."""
    problems: list[Problem] = []
    codes: dict[str, int | None] = {}
    texts: dict[str, str] = {}
    whole: dict[tuple[str, ...], str] = {}
    for question, line in questions:
        if question.code in codes:
            first = codes[question.code]
            problems.append(
                Problem(
                    f"Mã câu hỏi «{question.code}» trùng" + (f" với dòng {first}." if first is not None else "."),
                    line=line,
                    column="code",
                    code=question.code,
                )
            )
        else:
            codes[question.code] = line
        key = _text_key(question.text)
        full = (key, *sorted(_text_key(o) for o in question.options))
        if full in whole:
            problems.append(
                Problem(
                    f"Câu hỏi trùng hoàn toàn với câu «{whole[full]}».",
                    line=line,
                    column="question",
                    code=question.code,
                )
            )
        elif key in texts:
            problems.append(
                Problem(
                    f"Nội dung câu hỏi trùng với câu «{texts[key]}» (phương án khác).",
                    line=line,
                    column="question",
                    severity=Severity.WARNING,
                    code=question.code,
                )
            )
        whole.setdefault(full, question.code)
        texts.setdefault(key, question.code)
    return problems


def fold(text: str) -> str:
    """A key for matching words the way people type them: without diacritics,
    lower case, punctuation as spaces. "Đáp án đúng", "dap an dung" and
    "ĐÁP ÁN ĐÚNG:" all fold to ``"dap an dung"``."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", strip_accents(text).casefold()).split())


def finish_bank(parsed: Iterable[tuple[Question, int | None]], problems: list[Problem]) -> ParsedBank:
    """Close one file's reading the same way for every format: run the checks
    across questions (:func:`check_bank`), refuse a file that yielded nothing,
    and list the topics in the order they first appear."""
    pairs = list(parsed)
    problems.extend(check_bank(pairs))
    if not pairs and not any(p.severity is Severity.ERROR for p in problems):
        problems.append(Problem("Tệp không có câu hỏi nào nhập được."))
    return ParsedBank(
        questions=tuple(q for q, _ in pairs),
        problems=tuple(problems),
        topics=tuple(dict.fromkeys(q.topic for q, _ in pairs if q.topic)),
    )


def source_fields(source: Source) -> dict[str, str | None]:
    """A source as the text formats write it (the inverse of
    :func:`build_source`): dates as ISO ``YYYY-MM-DD`` or None."""
    return {
        "citation": source.citation,
        "document": source.document,
        "issued": source.issued.isoformat() if source.issued else None,
        "expired": source.expired.isoformat() if source.expired else None,
        "replaced_by": source.replaced_by,
        "url": source.url,
    }


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while a large file is read (rows of a
spreadsheet), so that a command line or a page can show how far it got."""
