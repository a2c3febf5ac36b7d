"""Aiken and Moodle XML: Moodle's own fixtures (shared/fixtures/moodle) and
the rules of shared/fixtures/EXPECTATIONS.md, sections C and D."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contest.domain.banks.aiken_format import parse_aiken
from contest.domain.banks.common import BankError, Problem, Severity
from contest.domain.banks.moodle_xml import parse_moodle_xml
from contest.domain.banks.reader import read_bank

Fixture = Callable[[str], bytes]


def skip_message(name: str, kind: str) -> str:
    return f"Bỏ qua câu «{name}» (loại {kind}): nền tảng chỉ hỗ trợ câu trắc nghiệm."


def media(name: str, count: int, line: int) -> Problem:
    return Problem(
        f"Câu «{name}» có {count} hình ảnh hoặc tệp nhúng: nền tảng chỉ nhập phần chữ, chỗ có hình ghi "
        "«[Hình ảnh]». Hãy kiểm tra câu còn hiểu được khi không có hình.",
        line=line,
        severity=Severity.WARNING,
    )


def test_aiken_fixture_imports_two_questions_as_plain_text(moodle: Fixture) -> None:
    bank = read_bank("questions.aiken.txt", moodle("aiken/questions.aiken.txt"))
    assert bank.problems == ()
    first, second = bank.questions
    assert first.text == "The Moodle project was started by:"
    assert first.options == ("Petr Skoda", "Martin Dougiamas", "Eloy Lafuente", "Tim Hunt")
    assert first.correct == frozenset({1})
    assert second.text == 'Moodle\'s abilities include handling user input that includes <html class="cool"> & images:'
    assert second.options == ("True", "False")
    assert second.correct == frozenset({0})


def test_aiken_errors_fixture_keeps_three_questions_and_reports_lines(moodle: Fixture) -> None:
    bank = read_bank("aiken_errors.txt", moodle("aiken/aiken_errors.txt"))
    assert [(q.text, q.options, q.answer_letters) for q in bank.questions] == [
        ("A good question", ("Correct", "Incorrect"), "A"),
        ("A second good question", ("Incorrect (No space)", "Correct (No space)"), "B"),
        ("A third good question with HTML chars such as > < &", ("Correct (< > &)", "Incorrect (< > &)"), "A"),
    ]
    assert bank.errors == (
        Problem("Câu hỏi cần ít nhất hai phương án.", line=3, column="options"),
        Problem("Dòng phương án hoặc ANSWER nằm ngoài câu hỏi nào.", line=5),
        Problem("Dòng phương án hoặc ANSWER nằm ngoài câu hỏi nào.", line=7),
        Problem("Câu hỏi ở dòng 14 chưa có dòng ANSWER: trước khi sang câu mới.", line=18),
    )


def test_aiken_several_letters_give_a_multi_answer_question() -> None:
    bank = read_bank("b.aiken", "Chọn số chẵn\nA. 2\nB. 3\nC. 4\nANSWER: A, C\n".encode())
    assert [(q.answer_letters, q.multiple) for q in bank.questions] == [("A, C", True)]


def test_xml_multichoice_fixture_imports_greeting_with_image_placeholders(moodle: Fixture) -> None:
    bank = read_bank("multichoice.xml", moodle("xml/multichoice.xml"))
    (greeting,) = bank.questions
    assert greeting.code == "Greeting"
    assert greeting.text == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert greeting.options == (
        "[Hình ảnh: British Flag] English",
        "[Hình ảnh: French flag] French",
        "[Hình ảnh: German flag] German",
        "[Hình ảnh: Denmark flag] Danish",
    )
    assert greeting.correct == frozenset({1})
    assert (greeting.multiple, greeting.keep_order, greeting.points) == (False, False, 1)
    assert greeting.topic == "Default for testhead/Multichoice"
    assert bank.problems == (media("Greeting", 5, 12),)


def test_xml_truefalse_fixture_matches_answers_by_text(moodle: Fixture) -> None:
    bank = read_bank("truefalse.xml", moodle("xml/truefalse.xml"))
    assert [(q.code, q.options, q.answer_letters, q.keep_order) for q in bank.questions] == [
        ("Moodle-acronym-False", ("Đúng", "Sai"), "B", True),
        ("Moodle-acronym-True", ("Đúng", "Sai"), "A", True),
    ]
    assert bank.questions[0].text == (
        "Moodle [Hình ảnh: Moodle logo] is an acronym for Modular Object-Oriented Dynamic Learning Education."
    )
    assert bank.questions[0].explanation == (
        "[Hình ảnh: Informations] For further information, see the documentation about Moodle."
    )
    assert (
        bank.questions[1].explanation
        == "[Hình ảnh: Informations] For further information, see the documentation about Moodle\n."
    )
    assert bank.problems == (media("Moodle acronym (False)", 4, 12), media("Moodle acronym (True)", 4, 40))


def test_xml_cloze_fixture_imports_nothing_and_says_why(moodle: Fixture) -> None:
    bank = read_bank("multianswer.xml", moodle("xml/multianswer.xml"))
    assert bank.questions == ()
    assert bank.problems == (
        Problem(skip_message("cloze with images", "cloze"), line=12, severity=Severity.WARNING),
        Problem("Tệp không có câu hỏi nào nhập được."),
    )


def test_xml_old_image_tag_fixture_imports_the_choice_question(moodle: Fixture) -> None:
    bank = read_bank("sample_questions_with_old_image_tag.xml", moodle("xml/sample_questions_with_old_image_tag.xml"))
    (question,) = bank.questions
    assert question.code == "mcq-with-image"
    assert question.text == (
        'This is a multichoice question with an image in the old "image" field that was used in Moodle 1.9'
    )
    assert question.options == ("wrong answer", "another wrong answer", "right answer")
    assert question.correct == frozenset({2})
    assert question.keep_order is False
    assert bank.problems == (
        Problem(skip_message("cloze question with image", "cloze"), line=16, severity=Severity.WARNING),
        media("mcq with image", 1, 36),
    )


def test_xml_nested_categories_fixture_gives_full_path_topics(moodle: Fixture) -> None:
    bank = read_bank("nested.xml", moodle("xml/nested_categories_with_questions.xml"))
    assert [(q.code, q.topic, q.answer_letters) for q in bank.questions] == [
        ("Iota-Question", "Iota", "A"),
        ("Kappa-Question", "Iota/Kappa", "A"),
        ("Lambda-Question", "Iota/Kappa/Lambda", "A"),
        ("Mu-Question", "Iota/Mu", "A"),
    ]
    assert bank.topics == ("Iota", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu")
    assert bank.problems == (
        Problem(skip_message("Kappa Essay Question", "essay"), line=55, severity=Severity.WARNING),
    )


def test_xml_module_prefix_reads_like_course_prefix(moodle: Fixture) -> None:
    text = moodle("xml/nested_categories_with_questions.xml").decode().replace("$course$/", "$module$/")
    assert parse_moodle_xml(text).topics == ("Iota", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu")


def test_xml_idnumber_with_entities_becomes_the_code(moodle: Fixture) -> None:
    bank = read_bank("ids.xml", moodle("xml/html_chars_in_idnumbers.xml"))
    assert [(q.code, q.topic, q.text, q.answer_letters) for q in bank.questions] == [
        ("T & F", "Alpha", "Testing Alpha Question", "A"),
    ]
    assert bank.problems == ()


def test_xml_broken_cloze_fixture_imports_nothing(moodle: Fixture) -> None:
    bank = read_bank("broken_cloze_questions.xml", moodle("xml/broken_cloze_questions.xml"))
    assert bank.questions == ()
    assert [(p.line, p.message) for p in bank.warnings] == [
        (4, skip_message("Multianswer question without subquestions", "cloze")),
        (20, skip_message("Multichoice subquestion without choices", "cloze")),
        (36, skip_message("Multichoice subquestion with only one choice", "cloze")),
        (52, skip_message("Multichoice subquestion with no completely correct answer", "cloze")),
        (68, skip_message("Numerical subquestion with buggy answer", "cloze")),
    ]
    assert not bank.ok


def test_xml_invalid_grades_fixture_blocks_the_whole_file(moodle: Fixture) -> None:
    bank = read_bank("error_invalid_grades.xml", moodle("xml/error_invalid_grades.xml"))
    assert bank.questions == ()
    assert bank.problems == (
        Problem(
            "Câu «Question with invalid grades : x > 1 & x < 2»: phương án B có điểm 33%, không thuộc các "
            "mức Moodle cho phép (ví dụ 100%, 50%, 33.33333%).",
            line=4,
            column="B",
        ),
    )
    assert not bank.ok


def test_xml_multi_answer_with_valid_thirds_is_imported() -> None:
    answers = "".join(
        f'<answer fraction="{f}"><text>{t}</text></answer>'
        for f, t in (("-50", "1"), ("33.33333", "2"), ("33.33333", "3"), ("-50", "4"), ("33.33333", "5"))
    )
    text = (
        f'<quiz><question type="multichoice"><name><text>Số nguyên tố</text></name>'
        f'<questiontext format="plain_text"><text>Chọn các số nguyên tố</text></questiontext>'
        f"<defaultgrade>2</defaultgrade><single>false</single><shuffleanswers>0</shuffleanswers>"
        f"<idnumber>NT-01</idnumber>{answers}</question></quiz>"
    )
    (question,) = parse_moodle_xml(text).questions
    assert (question.code, question.answer_letters, question.multiple, question.keep_order, question.points) == (
        "NT-01",
        "B, C, E",
        True,
        True,
        2,
    )


def test_xml_with_a_doctype_is_refused() -> None:
    text = '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x "boom">]><quiz>&x;</quiz>'
    with pytest.raises(BankError) as refused:
        parse_moodle_xml(text)
    assert str(refused.value).startswith("Tệp XML có khai báo DTD hoặc thực thể")


def test_xml_that_is_not_well_formed_is_refused_with_the_place() -> None:
    with pytest.raises(BankError) as refused:
        parse_moodle_xml("<quiz>\n<question></quiz>")
    assert str(refused.value) == "Tệp XML không đúng cú pháp ở dòng 2, cột 13."


def test_xml_without_quiz_root_is_refused() -> None:
    with pytest.raises(BankError) as refused:
        parse_moodle_xml("<questions/>")
    assert str(refused.value) == "Tệp XML không phải định dạng Moodle XML (thiếu thẻ <quiz>)."


def test_aiken_options_out_of_letter_order_are_an_error() -> None:
    parsed = parse_aiken("Câu hỏi?\nB. y\nA. x\nANSWER: A\n")
    assert parsed.questions == ()
    assert [(p.line, p.column, p.message) for p in parsed.errors] == [
        (1, "options", "Các phương án ghi chữ B, A, không theo thứ tự A, B: hãy sắp lại để đáp án trỏ đúng phương án.")
    ]
