"""The bank quality report: each check on a small bank that trips it and one
that does not, with the exact findings; the statistics against exact figures;
the fast candidate searches against brute force."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

from contest.domain.banks.quality import (
    ALPHA,
    MAX_GIVING,
    MAX_NEAR_DUPLICATES,
    MIN_QUESTIONS,
    NEAR_DUPLICATE,
    GiveAway,
    NearDuplicate,
    chance_test,
    distribution,
    give_aways,
    near_duplicate_search,
    near_duplicates,
    report,
    words,
)
from contest.domain.banks.sources import Outdated
from contest.domain.banks.toml_format import load_directory
from contest.domain.models import Question, Source

SOURCE = Source(citation="Điều 1 Luật Thử nghiệm")
SAME_LENGTH = ("Một", "Hai", "Tư", "Bốn")
"""Options with no single longest one, so that length says nothing."""


def question(
    code: str,
    text: str = "",
    options: tuple[str, ...] = SAME_LENGTH,
    correct: tuple[int, ...] = (0,),
    source: Source | None = SOURCE,
) -> Question:
    return Question(
        code=code,
        text=text or f"Câu hỏi thử số {code}?",
        options=options,
        correct=frozenset(correct),
        multiple=len(correct) > 1,
        source=source,
    )


def keyed(keys: list[tuple[int, ...]], options: tuple[str, ...] = SAME_LENGTH) -> list[Question]:
    return [question(f"Q{n}", options=options, correct=key) for n, key in enumerate(keys, start=1)]


def flagged(questions: list[Question]) -> list[tuple[bool, str, int, float]]:
    return [
        (c.several_keys, c.letter, c.test.observed, c.test.expected)
        for c in report(questions).positions
        if c.test.flagged
    ]


# -- key positions ---------------------------------------------------------------------


def test_positions_key_always_a_is_flagged_with_every_other_letter() -> None:
    bank = keyed([(0,)] * 40)
    assert flagged(bank) == [
        (False, "A", 40, 10.0),
        (False, "B", 0, 10.0),
        (False, "C", 0, 10.0),
        (False, "D", 0, 10.0),
    ]
    assert report(bank).warnings[:2] == (
        "Câu một đáp án: phương án A là đáp án đúng ở quá nhiều câu: 40/40 câu, trong khi nếu ngẫu nhiên thì "
        "khoảng 10,0 câu (p < 0,0001; ngưỡng cảnh báo: kiểm định hai phía, mức ý nghĩa 0,001). "
        "Hãy đổi vị trí đáp án ở một số câu.",
        "Câu một đáp án: phương án B là đáp án đúng ở quá ít câu: 0/40 câu, trong khi nếu ngẫu nhiên thì "
        "khoảng 10,0 câu (p < 0,0001; ngưỡng cảnh báo: kiểm định hai phía, mức ý nghĩa 0,001). "
        "Hãy đổi vị trí đáp án ở một số câu.",
    )


def test_positions_balanced_keys_are_not_flagged() -> None:
    bank = keyed([(n % 4,) for n in range(40)])
    assert flagged(bank) == []
    assert [c.test.p_value for c in report(bank).positions] == [1.0, 1.0, 1.0, 1.0]
    assert report(bank).warnings == ()


def test_positions_too_few_questions_are_not_judged() -> None:
    checks = report(keyed([(0,)] * (MIN_QUESTIONS - 1))).positions
    assert [(c.letter, c.test.p_value) for c in checks] == [("A", None), ("B", None), ("C", None), ("D", None)]
    assert not any(c.test.flagged for c in checks)


def test_positions_several_keys_are_judged_apart_with_k_over_n() -> None:
    # Multiple-answer questions keyed A and B: chance puts each letter in 2 of 4 keys.
    bank = keyed([(0, 1)] * 20) + keyed([(n % 4,) for n in range(40)])
    bank = [replace(q, code=f"{q.code}-{i}") for i, q in enumerate(bank)]
    assert flagged(bank) == [(True, "A", 20, 10.0), (True, "B", 20, 10.0), (True, "C", 0, 10.0), (True, "D", 0, 10.0)]


def test_positions_count_a_letter_only_where_the_question_has_it() -> None:
    five = ("Một", "Hai", "Tư", "Bốn", "Năm")
    bank = keyed([(n % 4,) for n in range(40)]) + [
        replace(q, code=f"E{i}") for i, q in enumerate(keyed([(4,)] * 10, five))
    ]
    e = next(c.test for c in report(bank).positions if c.letter == "E")
    assert (e.observed, e.questions, e.expected) == (10, 10, 2.0)


# -- the statistics ------------------------------------------------------------------------


def _exact_upper_tail(observed: int, n: int, p: float) -> float:
    return math.fsum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(observed, n + 1))


def test_chance_test_matches_the_exact_binomial_tail() -> None:
    for n, p in ((20, 0.25), (40, 0.25), (230, 0.25), (54, 0.6), (300, 1 / 6)):
        for observed in range(n + 1):
            test = chance_test([True] * observed + [False] * (n - observed), [p] * n)
            assert test.p_value is not None
            assert math.isclose(test.p_value, min(1.0, _exact_upper_tail(observed, n, p)), abs_tol=1e-12)


def test_distribution_of_mixed_probabilities_matches_step_by_step() -> None:
    rng = random.Random(7)
    probabilities = [rng.choice((1 / 2, 1 / 4, 2 / 4, 3 / 4, 1 / 5, 2 / 5, 1 / 6, 0.0, 1.0)) for _ in range(120)]
    exact = [1.0]
    for p in probabilities:  # the textbook recurrence, one draw at a time
        exact = [a * (1 - p) + b * p for a, b in zip([*exact, 0.0], [0.0, *exact], strict=True)]
    first, masses = distribution(probabilities)
    for k, mass in enumerate(exact):
        got = masses[k - first] if 0 <= k - first < len(masses) else 0.0
        assert math.isclose(got, mass, abs_tol=1e-15), k


def test_chance_test_two_sided_doubles_the_smaller_tail() -> None:
    low = chance_test([False] * 40, [0.25] * 40, two_sided=True)
    assert low.p_value is not None and math.isclose(low.p_value, 2 * 0.75**40)
    middle = chance_test([True] * 10 + [False] * 30, [0.25] * 40, two_sided=True)
    assert middle.p_value == 1.0


def test_chance_test_flags_below_alpha_only() -> None:
    # 40 questions at 1/4: 19 hits has p = 0.0017, 20 has p = 0.00054.
    assert not chance_test([True] * 19 + [False] * 21, [0.25] * 40).flagged
    assert chance_test([True] * 20 + [False] * 20, [0.25] * 40).flagged
    assert _exact_upper_tail(19, 40, 0.25) > ALPHA > _exact_upper_tail(20, 40, 0.25)


def test_chance_test_under_the_minimum_is_not_judged() -> None:
    test = chance_test([True] * (MIN_QUESTIONS - 1), [0.25] * (MIN_QUESTIONS - 1))
    assert (test.p_value, test.flagged) == (None, False)


# -- key length -----------------------------------------------------------------------------


LONG_KEY = "Phương án đúng dài hơn hẳn"


def long_keys(position: int | None) -> list[Question]:
    """40 one-key questions, keys spread over A–D; the long option is at the
    key (``position`` None) or always at ``position``."""
    bank = []
    for n in range(40):
        key = n % 4
        at = key if position is None else position
        options = ["Ngắn", "Cụt", "Nhỏ", "Vừa"]
        options[at] = LONG_KEY
        bank.append(question(f"L{n}", options=tuple(options), correct=(key,)))
    return bank


def test_length_key_longest_is_flagged_and_listed() -> None:
    found = report(long_keys(None))
    assert (found.longest.observed, found.longest.expected, found.longest.flagged) == (40, 10.0, True)
    assert (found.much_longer.observed, found.much_longer.flagged) == (40, True)
    assert found.much_longer_codes == tuple(f"L{n}" for n in range(40))
    assert found.warnings[0].startswith("Câu một đáp án: đáp án đúng là phương án dài nhất ở 40/40 câu, ")
    assert found.warnings[1].endswith("Các câu: " + ", ".join(f"L{n}" for n in range(40)) + ".")


def test_length_long_option_not_the_key_more_than_chance_is_not_flagged() -> None:
    found = report(long_keys(0))
    assert (found.longest.observed, found.longest.expected, found.longest.flagged) == (10, 10.0, False)
    assert found.warnings == ()


def test_length_tied_longest_options_count_for_nothing() -> None:
    bank = [
        question(f"T{n}", options=("Dài bằng nhau", "Dài bằng nhaU", "Ngắn", "Cụt"), correct=(0,)) for n in range(40)
    ]
    found = report(bank)
    assert (found.longest.observed, found.longest.expected, found.longest.p_value) == (0, 0.0, 1.0)


def test_length_half_again_needs_more_than_half() -> None:
    exactly = question("X", options=("aaaaaa", "bbbb", "cccc", "dddd"))  # 6 = 1.5 × 4: not more
    more = question("Y", options=("aaaaaaa", "bbbb", "cccc", "dddd"))
    assert report([exactly, more]).much_longer_codes == ("Y",)


# -- give-aways ----------------------------------------------------------------------------------


def test_give_away_key_in_another_stem_is_found_across_case_and_spacing() -> None:
    bank = [
        question(
            "DVC-012",
            "Dịch vụ mà toàn bộ việc thực hiện đều trên môi trường mạng gọi là gì?",
            ("Dịch vụ công trực tuyến một phần", "Dịch vụ một cửa", "Dịch vụ công trực tuyến toàn trình"),
            (2,),
        ),
        question("DVC-013", "Kết quả của DỊCH VỤ CÔNG  trực tuyến, toàn trình được trả thế nào?"),
        question("DVC-014", "Dịch vụ công trực tuyến được cung cấp ở đâu?"),
    ]
    assert give_aways(bank) == [GiveAway("DVC-012", "Dịch vụ công trực tuyến toàn trình", ("DVC-013",))]
    assert report(bank).warnings == (
        "Nội dung câu DVC-013 chứa đáp án của câu DVC-012 («Dịch vụ công trực tuyến toàn trình»): nếu cùng "
        "được rút vào một lượt thi, người thi có thể đoán ra đáp án.",
    )


def test_give_away_several_stems_are_one_finding() -> None:
    key = "Tiếp nhận hồ sơ qua dịch vụ bưu chính công ích"
    bank = [
        question("MC-016", "Quyết định 45/2016/QĐ-TTg quy định về nội dung gì?", (key, "Một cửa", "Văn thư"), (0,)),
        question("MC-017", f"Quyết định 45/2016/QĐ-TTg về {key.lower()} có hiệu lực từ ngày nào?"),
        question("MC-024", f"Theo Quyết định 45/2016/QĐ-TTg, việc {key.lower()} được thực hiện thế nào?"),
    ]
    assert give_aways(bank) == [GiveAway("MC-016", key, ("MC-017", "MC-024"))]


def test_give_away_short_numeric_referring_or_common_keys_are_ignored() -> None:
    common = "Chính phủ điện tử"
    bank = [
        question("A", "Phát biểu sau đúng hay sai?", ("Đúng", "Sai"), (0,)),
        question("B", "Có bao nhiêu thủ tục?", ("12 345", "678"), (0,)),
        question("C", "Những phương án nào đúng?", ("Một", "Hai", "Cả A và B"), (2,)),
        question("D", "Nghị quyết 17/NQ-CP về nội dung gì?", (common, "Văn thư"), (0,)),
        question("E", "Câu này đúng hay sai, có 12 345 thủ tục, cả a và b?"),
        *(question(f"F{n}", f"Xếp hạng chính phủ điện tử năm 202{n} ra sao?") for n in range(MAX_GIVING + 1)),
    ]
    assert give_aways(bank) == []
    assert give_aways(bank[:-1]) == [GiveAway("D", common, ("F0", "F1", "F2"))]


def test_give_away_diacritics_still_tell_words_apart() -> None:
    bank = [
        question("A", "Loại giấy tờ nào?", ("Mã số thuế cá nhân", "Hộ chiếu"), (0,)),
        question("B", "Ma so thue ca nhan viết không dấu thì sao?"),
    ]
    assert give_aways(bank) == []


# -- near-duplicates ------------------------------------------------------------------------------


def test_near_duplicates_reworded_question_is_found() -> None:
    text = "Theo Nghị định 42/2022/NĐ-CP, dịch vụ công trực tuyến toàn trình được hiểu là dịch vụ như thế nào?"
    bank = [
        question("A", text, ("Toàn bộ trên môi trường mạng", "Một phần"), (0,)),
        question("B", text.replace("được hiểu là", "là"), ("Một phần", "Toàn bộ trên môi trường mạng"), (1,)),
        question("C", text.replace("42/2022", "43/2011"), ("Mức độ 4", "Mức độ 3"), (0,)),
    ]
    found = near_duplicates(bank)
    assert [(d.first, d.second) for d in found] == [("A", "B")]
    assert found[0].similarity == 18 / 21
    assert found[0].message == "Câu A và câu B gần trùng nhau: giống 86% theo nội dung và đáp án (ngưỡng 80%)."


def test_near_duplicates_parallel_questions_are_not() -> None:
    stem = "Theo Báo cáo 149/BC-UBND, tỉnh Tiền Giang có bao nhiêu thủ tục dịch vụ công trực tuyến mức độ {}?"
    bank = [
        question("TG-006", stem.format(3), ("1.063 thủ tục", "56 thủ tục"), (0,)),
        question("TG-008", stem.format(2), ("1.063 thủ tục", "56 thủ tục"), (1,)),
    ]
    assert near_duplicates(bank) == []


def test_near_duplicates_prefix_filter_finds_what_brute_force_finds() -> None:
    rng = random.Random(20261129)
    vocabulary = "dịch vụ công trực tuyến mức độ hồ sơ thủ tục hành chính một cửa liên thông số".split()
    stems = [[rng.choice(vocabulary) for _ in range(rng.randint(4, 12))] for _ in range(60)]
    bank = []
    for n in range(300):  # variations on 60 stems: a word or two changed, so many pairs are close
        stem = list(rng.choice(stems))
        for _ in range(rng.randint(0, 2)):
            stem[rng.randrange(len(stem))] = rng.choice(vocabulary)
        bank.append(question(f"R{n}", " ".join(stem), ("Có", "Không"), (rng.randint(0, 1),)))
    pairs = {q.code: set(itertools.pairwise((*words(q.text), "\n", *words(q.options[min(q.correct)])))) for q in bank}
    for threshold in (0.5, NEAR_DUPLICATE, 1.0):
        expected = [
            (a, b)
            for a, b in itertools.combinations(pairs, 2)
            if len(pairs[a] & pairs[b]) / len(pairs[a] | pairs[b]) >= threshold
        ]
        found, complete = near_duplicate_search(bank, threshold=threshold, most=len(expected) + 1)
        assert complete
        assert len(expected) > 20
        assert sorted((d.first, d.second) for d in found) == sorted(expected), threshold
        assert all(isinstance(d, NearDuplicate) and d.similarity >= threshold for d in found)


def test_near_duplicates_stems_differing_by_a_number_stop_early_and_say_so() -> None:
    # every pair shares most word pairs: prefix filtering alone would compare all 50 million
    bank = [
        question(f"N{n}", f"Câu hỏi số {n} trong bộ đề thi thử là gì?", ("Có", "Không"), (0,)) for n in range(10_000)
    ]
    found, complete = near_duplicate_search(bank, budget=50_000)
    assert (len(found) <= MAX_NEAR_DUPLICATES, complete) == (True, False)
    assert any(w.startswith("Tìm câu gần trùng đã dừng sớm") for w in report(bank[:3000]).warnings)


# -- options referring to others, sources -------------------------------------------------------


def test_referring_options_are_listed() -> None:
    bank = [
        question("A", options=("Một", "Hai", "Cả A và B"), correct=(2,)),
        question("B", options=("Một", "Hai", "Tất cả các phương án trên"), correct=(2,)),
        question("C", options=("Cả nước", "Hạng A", "Vitamin A")),
    ]
    found = report(bank)
    assert found.referring == ("A", "B")
    assert found.warnings == (
        "2 câu có phương án nhắc tới phương án khác («Cả A và B», «Tất cả các phương án trên»…): người thi dễ "
        "đoán, và thứ tự phương án không được đảo. Các câu: A, B.",
    )


def test_outdated_sources_are_reported_on_the_given_day_only() -> None:
    old = Source(
        citation="Nghị định 43/2011/NĐ-CP",
        document="43/2011/NĐ-CP",
        expired=date(2022, 8, 15),
        replaced_by="42/2022/NĐ-CP",
    )
    bank = [question("A", source=old), question("B")]
    assert report(bank, on=date(2022, 8, 14)).outdated == ()
    assert report(bank).outdated == ()
    found = report(bank, on=date(2022, 8, 15))
    assert found.outdated == (Outdated(bank[0], date(2022, 8, 15), "42/2022/NĐ-CP"),)
    assert found.warnings == (
        "Câu A trích dẫn 43/2011/NĐ-CP, văn bản hết hiệu lực từ 15/08/2022, được thay thế bởi 42/2022/NĐ-CP.",
    )


def test_questions_without_source_are_listed() -> None:
    bank = [question("A", source=None), question("B"), question("C", source=None)]
    assert report(bank).unsourced == ("A", "C")
    assert report(bank).warnings == ("2 câu chưa ghi nguồn trích dẫn: A, C.",)
    assert report(bank[1:2]).warnings == ()


def test_outdated_sources_told_as_history_are_not_reported() -> None:
    old = Source(citation="Luật Giao dịch điện tử 2005", document="51/2005/QH11", expired=date(2024, 7, 1))
    bank = [
        question(
            "A", "Luật Giao dịch điện tử năm 2005 (hết hiệu lực từ ngày 01/7/2024) có bao nhiêu chương?", source=old
        ),
        question("B", "Luật Giao dịch điện tử năm 2023 thay thế luật nào?", source=old),
        question("C", "Luật Giao dịch điện tử (nay đã được Luật năm 2023 thay thế) ban hành năm nào?", source=old),
        question("D", "Thông điệp dữ liệu có thể thay thế văn bản giấy không?", source=old),
    ]
    assert [o.question.code for o in report(bank, on=date(2026, 11, 29)).outdated] == ["D"]


BANK_CHECKED = date(2026, 11, 29)
"""The day the bundled bank's sources were last checked (``tests/test_bundled_bank.py``)."""


def test_bundled_bank_quality_report_clean() -> None:
    bank = load_directory(Path(__file__).resolve().parents[3] / "questions").questions
    assert report(bank, on=BANK_CHECKED).warnings == ()


def test_unsourced_warning_lists_at_most_fifty_codes() -> None:
    bank = [question(f"U{n}", f"Câu {n} về chủ đề số {n * 7}?", ("Có", "Không"), (n % 2,), None) for n in range(120)]
    [warning] = [w for w in report(bank).warnings if "chưa ghi nguồn" in w]
    assert warning.endswith(", U49 và 70 câu khác.")
    assert warning.startswith("120 câu chưa ghi nguồn trích dẫn: U0, U1, ")
