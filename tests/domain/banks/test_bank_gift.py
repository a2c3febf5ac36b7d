"""GIFT: Moodle's own fixtures (shared/fixtures/moodle/gift) and the syntax
rules of shared/fixtures/EXPECTATIONS.md, section B."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from contest.domain.banks.common import BankError, ParsedBank, Problem, Severity
from contest.domain.banks.gift_format import parse_gift
from contest.domain.banks.reader import read_bank

Fixture = Callable[[str], bytes]


def skipped(bank: ParsedBank) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in bank.warnings if p.message.startswith("Bỏ qua")]


def skip_message(name: str, kind: str) -> str:
    return f"Bỏ qua câu «{name}» (loại {kind}): nền tảng chỉ hỗ trợ câu trắc nghiệm."


def test_gift_questions_fixture_imports_choice_and_true_false(moodle: Fixture) -> None:
    bank = read_bank("questions.gift.txt", moodle("gift/questions.gift.txt"))
    assert [(q.code, q.options, q.answer_letters, q.multiple) for q in bank.questions] == [
        ("Q2", ("yellow", "red", "blue"), "A", False),
        ("colours", ("yellow", "red", "off-beige", "blue"), "A, C", True),
        ("Q1", ("Đúng", "Sai"), "B", False),
        ("2-08-TSL", ("Đúng", "Sai"), "A", False),
        ("2-08-TSL-2", ("Đúng", "Sai"), "A", False),
    ]
    q1 = bank.questions[2]
    assert q1.text == '42 is the Absolute Answer to everything._____";'
    assert q1.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert q1.keep_order is True
    assert bank.questions[0].text == "What's between orange and green in the spectrum?"


def test_gift_questions_fixture_reports_each_unsupported_question(moodle: Fixture) -> None:
    bank = read_bank("questions.gift.txt", moodle("gift/questions.gift.txt"))
    assert skipped(bank) == [
        (2, skip_message("Q8", "essay")),
        (5, skip_message("Moodle activities", "matching")),
        (31, skip_message("Q5", "numerical")),
        (34, skip_message("Shortanswer", "shortanswer")),
    ]
    assert len(bank.questions) + len(skipped(bank)) == 9


def test_gift_questions_fixture_flags_the_repeated_true_false(moodle: Fixture) -> None:
    bank = read_bank("questions.gift.txt", moodle("gift/questions.gift.txt"))
    assert bank.errors == (
        Problem("Câu hỏi trùng hoàn toàn với câu «2-08-TSL».", line=49, column="question", code="2-08-TSL-2"),
    )
    assert (
        Problem(
            "Tên câu «2-08 TSL» trùng với câu trước (dòng 46): đặt mã «2-08-TSL-2».",
            line=49,
            column="code",
            severity=Severity.WARNING,
        )
        in bank.warnings
    )


def test_gift_category_fixture_sets_topic_and_decodes_escaped_html(moodle: Fixture) -> None:
    bank = read_bank("questions_in_category.gift.txt", moodle("gift/questions_in_category.gift.txt"))
    assert bank.ok
    assert bank.topics == ("Default for New Features",)
    greeting, acronym = bank.questions
    assert greeting.code == "Greeting"
    assert greeting.text == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert greeting.options == ("English", "French", "German", "Spanish")
    assert greeting.correct == frozenset({1})
    assert acronym.text == "Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment."
    assert acronym.correct == frozenset({0})
    assert skipped(bank) == [
        (5, skip_message("Moodle activities", "matching")),
        (22, skip_message("Moodle user", "shortanswer")),
    ]


def test_gift_windows_1252_fixture_is_refused_before_parsing(moodle: Fixture) -> None:
    with pytest.raises(BankError) as refused:
        read_bank("questions_encoding_windows-1252.gift.txt", moodle("gift/questions_encoding_windows-1252.gift.txt"))
    assert str(refused.value) == "Tệp không dùng mã hóa UTF-8. Tệp GIFT phải được lưu với mã UTF-8."


def test_gift_examples_fixture_imports_every_choice_question_with_its_key(moodle: Fixture) -> None:
    bank = read_bank("examples.txt", moodle("gift/examples.txt"))
    assert [(q.code, q.answer_letters) for q in bank.questions] == [
        ("Who-s-buried-in-Grant-s-tomb", "C"),
        ("Grant-is-in-Grant-s-tomb", "B"),
        ("Grant-is-buried-in-Grant-s-tomb", "B"),
        ("Who-s-buried-in-Grant-s-tomb-2", "C"),
        ("Grant-is-in-Grant-s-tomb-2", "B"),
        ("The-American-holiday-of-Thanksgiving-is-celebrat", "C"),
        ("Japanese-characters-originally-came-from-what-co", "B"),
        ("Grant-is-buried-in-Grant-s-tomb-2", "B"),
        ("The-sun-rises-in-the-east", "A"),
        ("Thanksgiving-Date", "C"),
        ("What-s-the-answer-to-this-multiple-choice-questi", "C"),
        ("Grant-is-buried-in-Grant-s-tomb-3", "B"),
        ("Difficult-question", "C"),
        ("Jesus-hometown", "D"),
        ("What-two-people-are-entombed-in-Grant-s-tomb", "B, C"),
        ("What-two-people-are-entombed-in-Grant-s-tomb-2", "B, C"),
        ("Which-answer-equals-5", "B"),
        ("GIFT-Control-Characters", "F"),
        ("Who-s-buried-in-Grant-s-tomb-3", "C"),
        ("Grant-is-in-Grant-s-tomb-3", "B"),
        ("Grant-is-buried-in-Grant-s-tomb-4", "B"),
        ("Grant-s-Tomb", "B"),
        ("Difficult-multiple-choice-question", "C"),
    ]


def test_gift_examples_fixture_counts_match_moodle(moodle: Fixture) -> None:
    bank = read_bank("examples.txt", moodle("gift/examples.txt"))
    kinds = Counter(message.split("(loại ")[1].split(")")[0] for _, message in skipped(bank))
    assert kinds == {"shortanswer": 9, "numerical": 8, "matching": 3}
    assert sum(q.options == ("Đúng", "Sai") for q in bank.questions) == 5
    assert sum(q.multiple for q in bank.questions) == 2
    assert len(bank.questions) + sum(kinds.values()) == 43


def test_gift_examples_fixture_reads_special_and_control_characters(moodle: Fixture) -> None:
    bank = {q.code: q for q in read_bank("examples.txt", moodle("gift/examples.txt")).questions}
    assert bank["Which-answer-equals-5"].options == ("= 2 + 2", "= 2 + 3", "= 2 + 4")
    assert bank["GIFT-Control-Characters"].options == ("~", "=", "#", "{", "}", "\\")
    assert bank["Grant-is-in-Grant-s-tomb"].text == "Grant is _____ in Grant's tomb."
    assert bank["Thanksgiving-Date"].text == (
        "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November."
    )


def test_gift_examples_fixture_warns_that_partial_credit_counts_as_wrong(moodle: Fixture) -> None:
    bank = read_bank("examples.txt", moodle("gift/examples.txt"))
    partial = [(p.line, p.column) for p in bank.warnings if "điểm trong Moodle" in p.message]
    assert partial == [(115, "B"), (117, "B"), (117, "C"), (190, "B")]
    assert "Câu «Jesus' hometown»: phương án C được 50% điểm trong Moodle; nền tảng chấm đúng/sai nên tính là sai." in [
        p.message for p in bank.warnings
    ]


def test_gift_examples_fixture_reports_repeated_questions_as_errors(moodle: Fixture) -> None:
    bank = read_bank("examples.txt", moodle("gift/examples.txt"))
    assert [p.line for p in bank.errors] == [25, 27, 49, 93, 113, 136, 167, 169, 171, 184]
    assert all(p.message.startswith("Câu hỏi trùng hoàn toàn") for p in bank.errors)


def test_gift_multi_answer_takes_positive_weights_as_key() -> None:
    bank = parse_gift("::m::Chọn một {~%100%a ~%-50%b ~%-50%c}\n\n::n::Chọn hai {~%50%a ~%-100%b ~%50%c}\n")
    assert [(q.answer_letters, q.multiple) for q in bank.questions] == [("A", True), ("A, C", True)]
    assert bank.problems == ()


def test_gift_weights_that_do_not_add_up_are_errors() -> None:
    bank = parse_gift("::w::Chọn {~%50%a ~%45%b ~%0%c}\n")
    assert bank.questions == ()
    assert bank.errors == (
        Problem(
            "Câu «w»: phương án B có điểm 45%, không thuộc các mức Moodle cho phép (ví dụ 100%, 50%, 33.33333%).",
            line=1,
            column="B",
        ),
        Problem("Câu «w»: tổng điểm các phương án đúng là 95%, phải bằng 100%.", line=1, column="answer"),
    )


def test_gift_two_equals_signs_is_an_error() -> None:
    bank = parse_gift("::d::Chọn {=a =b ~c}\n")
    assert bank.questions == ()
    assert bank.errors == (
        Problem("Câu «d» chọn một đáp án nhưng có 2 phương án được 100% điểm.", line=1, column="answer"),
    )


def test_gift_escapes_comments_and_id_number() -> None:
    text = (
        "// [id:PL\\]01] [tag:luat]\n"
        "::Điều 1\\: phạm vi::[html]<p>Giá trị \\= 5 \\{x\\} \\# \\~ a\\\\b</p>{\n"
        "  =Đúng \\= # phản hồi bị bỏ\n"
        "  ~[plain]<b>Sai</b>\n"
        "  ####[plain]Vì a \\: b\n"
        "}\n"
    )
    (question,) = parse_gift(text).questions
    assert question.code == "PL]01"
    assert question.text == "Giá trị = 5 {x} # ~ a\\b"
    assert question.options == ("Đúng =", "<b>Sai</b>")
    assert question.explanation == "Vì a : b"


def test_gift_category_prefixes_and_top_are_dropped() -> None:
    text = "\n\n".join(
        [
            "$CATEGORY: $module$/top/Luật//Nghị định/Chương 1",
            "::a::A? {=x ~y}",
            "$CATEGORY: $system$/Hệ thống",
            "::b::B? {=x ~y}",
            "$CATEGORY: $cat2$/Khác",
            "::c::C? {=x ~y}",
        ]
    )
    bank = parse_gift(text)
    assert [q.topic for q in bank.questions] == ["Luật/Nghị định/Chương 1", "Hệ thống", "Khác"]


def test_gift_missing_brace_is_an_error() -> None:
    bank = parse_gift("::x::Câu hỏi {=a ~b\n")
    assert bank.errors == (
        Problem(
            "Câu «x»: thiếu dấu «{» hoặc «}» của phần đáp án (dấu ngoặc trong nội dung phải viết \\{ và \\}).", line=1
        ),
    )


def test_gift_description_without_answers_is_skipped() -> None:
    bank = parse_gift("Chỉ là một đoạn giới thiệu.\n\n::q::Hỏi? {=a ~b}\n")
    assert skipped(bank) == [(1, skip_message("Chỉ là một đoạn giới thiệu.", "description"))]
    assert [q.code for q in bank.questions] == ["q"]


def test_gift_general_feedback_takes_its_own_format_marker() -> None:
    text = "::f::[plain]Hỏi <b>đậm</b>? {=a ~b ####[html]<p>Giải&nbsp;thích</p>}\n"
    (question,) = parse_gift(text).questions
    assert (question.text, question.explanation) == ("Hỏi <b>đậm</b>?", "Giải thích")


def test_gift_category_line_directly_followed_by_a_question() -> None:
    bank = parse_gift("$CATEGORY: $course$/Chuyển đổi số\n::c::Hỏi? {=a ~b}\n")
    assert [(q.code, q.topic) for q in bank.questions] == [("c", "Chuyển đổi số")]


def test_gift_two_answer_blocks_are_an_error() -> None:
    parsed = parse_gift("::Q5:: Hỏi {=a ~b} còn {=c ~d}\n")
    assert parsed.questions == ()
    assert [(p.line, p.message) for p in parsed.errors] == [
        (
            1,
            "Câu «Q5» có hơn một phần đáp án {…}: mỗi câu chỉ có một. "
            "Nếu đây là hai câu, hãy ngăn cách chúng bằng một dòng trống.",
        )
    ]


def test_gift_questions_without_a_blank_line_between_are_an_error() -> None:
    parsed = parse_gift("::Q1:: Một? {=a ~b}\n::Q2:: Hai? {=c ~d}\n")
    assert parsed.questions == ()
    assert parsed.errors[0].message.startswith("Câu «Q1» có hơn một phần đáp án")


@pytest.mark.parametrize("weight", ["%abc%", "%nan%", "%inf%", "%%"])
def test_gift_weight_that_is_not_a_number_is_an_error(weight: str) -> None:
    parsed = parse_gift(f"::Q:: Hỏi? {{~%50%a ~%50%b ~{weight}c}}\n")
    assert parsed.questions == ()
    assert [p.message for p in parsed.errors] == [
        f"Câu «Q»: trọng số «{weight}» không phải một số phần trăm (ví dụ ~%50%)."
    ]
