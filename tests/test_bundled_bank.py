"""The bundled bank, whole: every question parses and has a key, a source,
an explanation; codes and texts are unique; the Excel template ships the same bank."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from contest.domain.banks.reader import read_bank
from contest.domain.banks.toml_format import load_directory
from contest.domain.models import Difficulty

QUESTIONS = Path(__file__).resolve().parent.parent / "questions"


def test_bundled_bank_is_valid_and_complete() -> None:
    bank = load_directory(QUESTIONS)
    assert bank.problems == ()
    assert len(bank.questions) >= 250
    for q in bank.questions:
        assert q.correct, q.code
        assert q.source is not None and q.source.citation, q.code
        assert q.explanation, q.code
    assert len({q.code for q in bank.questions}) == len(bank.questions)
    assert len({" ".join(q.text.casefold().split()) for q in bank.questions}) == len(bank.questions)


def test_bundled_bank_mixes_topics_levels_and_kinds() -> None:
    bank = load_directory(QUESTIONS).questions
    topics = Counter(q.topic for q in bank)
    assert len(topics) >= 8 and min(topics.values()) >= 20
    assert set(Counter(q.difficulty for q in bank)) == set(Difficulty)
    assert sum(q.multiple for q in bank) >= 30
    assert sum(not q.multiple for q in bank) >= 150


def test_excel_template_holds_the_same_bank() -> None:
    template = read_bank("ngan-hang-cau-hoi.xlsx", (QUESTIONS / "ngan-hang-cau-hoi.xlsx").read_bytes())
    assert template.problems == ()
    assert template.questions == load_directory(QUESTIONS).questions, (
        "questions/ngan-hang-cau-hoi.xlsx is out of date: run "
        "`contest bank export --bundled --format xlsx -o questions/ngan-hang-cau-hoi.xlsx`"
    )
