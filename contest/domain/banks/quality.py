"""A bank's quality report: flaws that let a participant guess without knowing.

Parsing (``common.py``) says whether a bank *can* be stored; this report says
whether it *should* be, as warnings an organiser may accept:

- **Key positions.** Per kind of question (one key, several keys), how often
  each letter is a key against chance. Under chance a question with ``n``
  options and ``k`` keys has each letter in its key with probability ``k/n``.
- **Key length.** For one-key questions, how often the key is the strictly
  longest option, and how often it is longer than every other option by more
  than half (``2 * len(key) > 3 * len(other)``). Under chance the key is any
  option with probability ``1/n``, so a question adds ``1/n`` to the expected
  count when exactly one of its options is strictly longest (or longer by
  half), and nothing when the longest are tied.
- **Give-aways.** A key's text found in another question's stem: drawn into the
  same attempt, one question answers the other.
- **Near-duplicates.** Two questions whose stem and key share most of their
  word pairs.
- **Options that refer to other options** ("Cả A và B", "Tất cả các phương án
  trên", found by the importers' ``references.refers_to_others``): easy to
  guess, and their question can never be shuffled.
- **Outdated sources** (``sources.outdated``) and **questions with no source**.

Each count is tested against its exact distribution under chance (a sum of
independent yes/no draws with the probabilities above: a Poisson binomial,
computed in pure Python), when at least :data:`MIN_QUESTIONS` questions are
counted, at significance :data:`ALPHA`.
Every threshold is a module constant, stated in the report's text and in
``docs/bank-format.md``. Pure functions: no I/O, no clock (``on`` is passed in).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from contest.domain.banks.references import refers_to_others
from contest.domain.banks.sources import Outdated, outdated
from contest.domain.models import LETTERS, Question

ALPHA = 0.001
"""Significance of every chance test: a bank keyed at random is flagged by one
test about once in a thousand."""

MIN_QUESTIONS = 20
"""A count is tested only over at least this many questions: on fewer, a
pattern is as likely the bank's size as its author's habit."""

MUCH_LONGER = 1.5
"""A key "longer by half" is longer than this times every other option."""

MIN_KEY_WORDS = 3
"""A key is looked for in other stems only if it has at least this many words
(numbers count, but one word must have a letter): "Đúng", "Sai", "Năm 2020",
"12 345" are too common to give anything away; "12 chữ số" is not."""

MAX_GIVING = 3
"""A key written in the stems of more than this many other questions is the
bank's common vocabulary ("Chính phủ điện tử", "An toàn thông tin mạng"), met
in any round whatever is drawn: it is not reported as a give-away."""

NEAR_DUPLICATE = 0.8
"""Two questions are near-duplicates when the Jaccard similarity of the word
pairs of their stem and key is at least this."""

MAX_COMPARISONS = 200_000
"""The most pairs of questions the near-duplicate search compares (about a
fifth of a second): past it the report says the search was cut short."""

MAX_NEAR_DUPLICATES = 100
"""The most near-duplicate pairs reported: past it the report says there are more."""


# -- text -----------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """Text as a sequence of words for matching: NFC, case-folded, diacritics
    kept (Vietnamese words differ by them), punctuation and spacing dropped.
    "Nghị định 42/2022/NĐ-CP" -> ``("nghị", "định", "42", "2022", "nđ", "cp")``."""
    return tuple(re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold()))


def _vi(number: float, digits: int = 1) -> str:
    """A number as Vietnamese writes it: decimal comma."""
    return f"{number:.{digits}f}".replace(".", ",")


MAX_CODES = 50
"""The most question codes one warning lists; the rest are counted."""


def _codes(codes: Iterable[str]) -> str:
    """Codes for a warning, the first :data:`MAX_CODES` of them and how many more
    (a 10,000-question bank without sources would otherwise list them all)."""
    listed = list(codes)
    more = len(listed) - MAX_CODES
    return ", ".join(listed[:MAX_CODES]) + (f" và {more} câu khác" if more > 0 else "")


# -- chance -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChanceTest:
    """How many of ``questions`` questions showed something, against the
    ``expected`` number under chance (a sum of per-question probabilities).

    ``p_value`` is None under :data:`MIN_QUESTIONS` questions: too few to
    judge. ``two_sided`` tests a count both too high and too low (key
    positions: twice the smaller tail, at most 1); otherwise only too high.
    """

    observed: int
    questions: int
    expected: float
    p_value: float | None
    two_sided: bool = False

    @property
    def flagged(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA

    @property
    def evidence(self) -> str:
        """The test's figures and threshold, in Vietnamese."""
        p = "p < 0,0001" if self.p_value is not None and self.p_value < 0.0001 else f"p = {_vi(self.p_value or 0, 4)}"
        side = "hai phía" if self.two_sided else "một phía"
        return (
            f"{self.observed}/{self.questions} câu, trong khi nếu ngẫu nhiên thì khoảng {_vi(self.expected)} câu "
            f"({p}; ngưỡng cảnh báo: kiểm định {side}, mức ý nghĩa {_vi(ALPHA, 3)})"
        )


_WINDOW = 12
"""Binomial masses further than this many standard deviations from the mean
are left out: together they weigh less than 1e-20."""

_NEGLIGIBLE = 1e-40
"""Masses at the ends of a convolution this small are dropped as it grows."""


def _binomial(trials: int, p: float) -> tuple[int, list[float]]:
    """The binomial distribution as ``(first, masses)``: ``masses[i]`` is the
    probability of ``first + i`` successes, within :data:`_WINDOW`."""
    if p <= 0 or p >= 1:
        return (0 if p <= 0 else trials), [1.0]
    spread = _WINDOW * math.sqrt(trials * p * (1 - p)) + 1
    first, last = max(0, math.floor(trials * p - spread)), min(trials, math.ceil(trials * p + spread))
    log_p, log_q, log_n = math.log(p), math.log1p(-p), math.lgamma(trials + 1)
    return first, [
        math.exp(log_n - math.lgamma(k + 1) - math.lgamma(trials - k + 1) + k * log_p + (trials - k) * log_q)
        for k in range(first, last + 1)
    ]


def distribution(probabilities: Iterable[float]) -> tuple[int, list[float]]:
    """The exact distribution of the number of successes of independent
    draws with these probabilities, as ``(first, masses)`` (see
    :func:`_binomial`). Draws sharing a probability (1/4, 2/4, …: there are
    few) form one binomial, so a bank of thousands needs a few small
    convolutions, not one step per question."""
    first, masses = 0, [1.0]
    for p, trials in sorted(Counter(probabilities).items()):
        start, group = _binomial(trials, p)
        convolved = [0.0] * (len(masses) + len(group) - 1)
        for i, a in enumerate(masses):
            for j, b in enumerate(group):
                convolved[i + j] += a * b
        low = next(i for i, m in enumerate(convolved) if m > _NEGLIGIBLE)
        high = max(i for i, m in enumerate(convolved) if m > _NEGLIGIBLE)
        first, masses = first + start + low, convolved[low : high + 1]
    return first, masses


def chance_test(hits: Iterable[bool], probabilities: Sequence[float], *, two_sided: bool = False) -> ChanceTest:
    """Test a count of independent yes/no outcomes, each with its probability
    under chance, against its exact distribution (:func:`distribution`)."""
    observed = sum(hits)
    expected = math.fsum(probabilities)
    if len(probabilities) < MIN_QUESTIONS:
        return ChanceTest(observed, len(probabilities), expected, None, two_sided)
    first, masses = distribution(probabilities)
    at = observed - first
    upper = math.fsum(masses[max(0, at) :])
    if not two_sided:
        return ChanceTest(observed, len(probabilities), expected, min(1.0, upper), two_sided)
    lower = math.fsum(masses[: max(0, at + 1)])
    return ChanceTest(observed, len(probabilities), expected, min(1.0, 2 * min(upper, lower)), two_sided)


@dataclass(frozen=True, slots=True)
class PositionCheck:
    """How often ``letter`` is in the key of questions of one kind."""

    several_keys: bool
    letter: str
    test: ChanceTest

    @property
    def message(self) -> str:
        kind = "Câu nhiều đáp án" if self.several_keys else "Câu một đáp án"
        direction = "quá nhiều" if self.test.observed > self.test.expected else "quá ít"
        return (
            f"{kind}: phương án {self.letter} là đáp án đúng ở {direction} câu: {self.test.evidence}. "
            f"Hãy đổi vị trí đáp án ở một số câu."
        )


def _positions(questions: Sequence[Question], *, several_keys: bool) -> list[PositionCheck]:
    group = [q for q in questions if (len(q.correct) > 1) is several_keys]
    checks = []
    for i, letter in enumerate(LETTERS):
        having = [q for q in group if len(q.options) > i]
        if having:
            test = chance_test(
                (i in q.correct for q in having), [len(q.correct) / len(q.options) for q in having], two_sided=True
            )
            checks.append(PositionCheck(several_keys, letter, test))
    return checks


def _stands_out(lengths: Sequence[int], i: int, factor: float) -> bool:
    """Whether option ``i`` is longer than ``factor`` times every other one."""
    return all(lengths[i] > factor * n for j, n in enumerate(lengths) if j != i)


def _length_test(questions: Sequence[Question], factor: float) -> tuple[ChanceTest, tuple[str, ...]]:
    hits, probabilities, codes = [], [], []
    for q in questions:
        lengths = [len(" ".join(o.split())) for o in q.options]
        standing = [i for i in range(len(lengths)) if _stands_out(lengths, i, factor)]
        hit = bool(standing) and standing[0] in q.correct
        hits.append(hit)
        probabilities.append(len(standing) / len(lengths))
        if hit:
            codes.append(q.code)
    return chance_test(hits, probabilities), tuple(codes)


# -- give-aways and near-duplicates ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class GiveAway:
    """The key ``key`` of question ``answered`` is written in the stem of
    every question in ``giving``."""

    answered: str
    key: str
    giving: tuple[str, ...]

    @property
    def message(self) -> str:
        which = f"câu {self.giving[0]}" if len(self.giving) == 1 else f"các câu {_codes(self.giving)}"
        return (
            f"Nội dung {which} chứa đáp án của câu {self.answered} («{self.key}»): "
            f"nếu cùng được rút vào một lượt thi, người thi có thể đoán ra đáp án."
        )


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def give_aways(questions: Sequence[Question]) -> list[GiveAway]:
    """Keys written word for word (:func:`words`) in another question's stem.

    A key is looked for when it has at least :data:`MIN_KEY_WORDS` words, one
    of them with a letter, and does not refer to other options; it is reported
    when one to :data:`MAX_GIVING` other stems contain it. Only stems holding
    every word of the key (from an index of the words of stems) are searched,
    so a bank of 5,000 questions takes about half a second.
    """
    stems = [words(q.text) for q in questions]
    index: dict[str, set[int]] = {}
    for n, stem in enumerate(stems):
        for word in stem:
            index.setdefault(word, set()).add(n)
    found = []
    for n, q in enumerate(questions):
        for i in sorted(q.correct):
            key = words(q.options[i])
            if len(key) < MIN_KEY_WORDS or not any(w.isalpha() for w in key) or refers_to_others(q.options[i]):
                continue
            postings = sorted((index.get(w, set()) for w in set(key)), key=len)
            candidates = set.intersection(*postings) - {n}
            giving = tuple(questions[m].code for m in sorted(candidates) if _contains(stems[m], key))
            if 0 < len(giving) <= MAX_GIVING:
                found.append(GiveAway(q.code, q.options[i], giving))
    return found


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    first: str
    second: str
    similarity: float

    @property
    def message(self) -> str:
        return (
            f"Câu {self.first} và câu {self.second} gần trùng nhau: giống {self.similarity:.0%} theo nội dung "
            f"và đáp án (ngưỡng {NEAR_DUPLICATE:.0%})."
        )


def _pairs(q: Question) -> frozenset[tuple[str, str]]:
    key = (w for i in sorted(q.correct) for w in words(q.options[i]))
    return frozenset(pairwise((*words(q.text), "\n", *key)))


def near_duplicates(questions: Sequence[Question], *, threshold: float = NEAR_DUPLICATE) -> list[NearDuplicate]:
    """Pairs of questions whose sets of consecutive word pairs (stem, then the
    key) have a Jaccard similarity of at least ``threshold`` (the first
    :data:`MAX_NEAR_DUPLICATES` found; :func:`near_duplicate_search` says
    whether the search was cut short)."""
    return near_duplicate_search(questions, threshold=threshold)[0]


def near_duplicate_search(
    questions: Sequence[Question],
    *,
    threshold: float = NEAR_DUPLICATE,
    budget: int = MAX_COMPARISONS,
    most: int = MAX_NEAR_DUPLICATES,
) -> tuple[list[NearDuplicate], bool]:
    """The near-duplicate pairs found, and whether every candidate was compared.

    Candidates come from prefix filtering (Bayardo et al., "Scaling up all pairs
    similarity search", 2007): with word pairs ordered rarest first, two sets
    this similar must share one of the first ``len - ceil(threshold * len) + 1``
    of each, so only those are indexed, and only pairs sharing one are compared.
    Stems that share most of their words (10,000 "Câu số N là gì?") make every
    pair a candidate, so the search stops after ``budget`` comparisons or
    ``most`` pairs found, and says so (False): its time is bounded whatever
    the bank.
    """
    sets = [_pairs(q) for q in questions]
    frequency = Counter(pair for s in sets for pair in s)
    index: dict[tuple[str, str], list[int]] = {}
    found: list[NearDuplicate] = []
    for n, pairs in enumerate(sets):
        ranked = sorted(pairs, key=lambda pair: (frequency[pair], pair))
        prefix = ranked[: len(ranked) - math.ceil(threshold * len(ranked)) + 1]
        candidates = {m for pair in prefix for m in index.get(pair, ())}
        for pair in prefix:
            index.setdefault(pair, []).append(n)
        budget -= len(candidates)
        if budget < 0:
            return found, False
        for m in sorted(candidates):
            similarity = len(sets[m] & pairs) / len(sets[m] | pairs)
            if similarity >= threshold:
                found.append(NearDuplicate(questions[m].code, questions[n].code, similarity))
                if len(found) >= most:
                    return found, False
    return found, True


# -- the report -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Every finding about one bank; :attr:`warnings` says the ones worth an
    organiser's attention, in Vietnamese, with question codes."""

    positions: tuple[PositionCheck, ...]
    longest: ChanceTest
    much_longer: ChanceTest
    much_longer_codes: tuple[str, ...]
    give_aways: tuple[GiveAway, ...]
    near_duplicates: tuple[NearDuplicate, ...]
    near_duplicates_complete: bool
    """False when the search stopped early (:func:`near_duplicate_search`)."""
    referring: tuple[str, ...]
    outdated: tuple[Outdated, ...]
    unsourced: tuple[str, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        found = [c.message for c in self.positions if c.test.flagged]
        if self.longest.flagged:
            found.append(
                f"Câu một đáp án: đáp án đúng là phương án dài nhất ở {self.longest.evidence}. "
                f"Người thi có thể đoán đáp án theo độ dài."
            )
        if self.much_longer.flagged:
            found.append(
                f"Câu một đáp án: đáp án đúng dài hơn mọi phương án khác quá một nửa ở {self.much_longer.evidence}. "
                f"Các câu: {_codes(self.much_longer_codes)}."
            )
        found.extend(g.message for g in self.give_aways)
        found.extend(d.message for d in self.near_duplicates)
        if not self.near_duplicates_complete:
            found.append(
                f"Tìm câu gần trùng đã dừng sớm (quá {_vi(MAX_COMPARISONS, 0)} cặp cần so sánh hoặc quá "
                f"{MAX_NEAR_DUPLICATES} cặp gần trùng): có thể còn cặp gần trùng chưa được nêu. "
                "Nhiều câu có nội dung gần giống nhau: hãy xem lại ngân hàng."
            )
        if self.referring:
            found.append(
                f"{len(self.referring)} câu có phương án nhắc tới phương án khác («Cả A và B», «Tất cả các phương "
                f"án trên»…): người thi dễ đoán, và thứ tự phương án không được đảo. Các câu: {_codes(self.referring)}."
            )
        found.extend(o.message for o in self.outdated)
        if self.unsourced:
            found.append(f"{len(self.unsourced)} câu chưa ghi nguồn trích dẫn: {_codes(self.unsourced)}.")
        return tuple(found)


def report(questions: Iterable[Question], *, on: date | None = None) -> QualityReport:
    """The quality report of a bank. ``on`` is the last day the bank will be
    used (the latest closing day of the rounds using it, or today): sources no
    longer in force then are reported (``sources.outdated``); None skips them."""
    bank = tuple(questions)
    single = [q for q in bank if len(q.correct) == 1]
    longest, _ = _length_test(single, 1.0)
    much_longer, much_longer_codes = _length_test(single, MUCH_LONGER)
    near, complete = near_duplicate_search(bank)
    return QualityReport(
        positions=(*_positions(bank, several_keys=False), *_positions(bank, several_keys=True)),
        longest=longest,
        much_longer=much_longer,
        much_longer_codes=much_longer_codes,
        give_aways=tuple(give_aways(bank)),
        near_duplicates=tuple(near),
        near_duplicates_complete=complete,
        referring=tuple(q.code for q in bank if any(refers_to_others(o) for o in q.options)),
        outdated=tuple(outdated(bank, on=on)) if on is not None else (),
        unsourced=tuple(q.code for q in bank if q.source is None),
    )
