"""Statistics a committee reports and the spreadsheets it downloads, for
staff who may view statistics (``VIEW_STATISTICS``); personal data only for
those who may see it (``VIEW_PERSONAL_DATA``). The figures' rules are in
``domain/statistics.py``, the spreadsheets' in ``domain/exports.py``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from contest.clock import Clock
from contest.domain import statistics, timing
from contest.domain.banks.moodle import slug
from contest.domain.exports import (
    ATTEMPT_COLUMNS,
    FORMATS,
    PARTICIPANT_COLUMNS,
    RESULT_COLUMNS,
    Column,
    Row,
    XlsxWriter,
    csv_header,
    csv_rows,
    visible,
)
from contest.domain.models import AttemptStatus, Contest, Round, RoundStatus, User
from contest.domain.permissions import Capability, can, require
from contest.errors import BadRequest, Conflict
from contest.services.catalog import Catalog
from contest.storage import Storage

TIME_BIN_SECONDS = 60
"""Time taken is charted by the minute."""
LIVE_ATTEMPTS = 5_000
"""An open round's item analysis reads its first this many finished attempts
(each of 300 questions drawn 500 times when attempts draw 30: enough for its
figures, a few seconds of work where a round of 100,000 takes a minute or
more): a live page stays usable. A closed round's is computed over all of
them once, kept, and read back (:meth:`Statistics.analyse_closed`)."""

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class Figures:
    """A round's live figures: attempts by status (``started`` is all of
    them), distinct participants, and the time left while it is open."""

    started: int
    in_progress: int
    submitted: int
    expired: int
    participants: int
    seconds_left: int | None


@dataclass(frozen=True, slots=True)
class Participation:
    days: list[tuple[date, int]]
    areas: list[statistics.Count]
    units: list[statistics.Count]


@dataclass(frozen=True, slots=True)
class RoundReport:
    round: Round
    contest: Contest
    figures: Figures
    round_participation: Participation
    contest_participation: Participation
    analysis: statistics.Analysis
    scores: list[statistics.Bin]
    durations: list[statistics.Bin]
    """Bins of :data:`TIME_BIN_SECONDS` seconds."""
    ranked: bool
    """Whether the judges have ranked the round (its results can be exported)."""


@dataclass(frozen=True, slots=True)
class ContestReport:
    """A contest's participation over all its rounds, and how many distinct
    participants started an attempt in any of them."""

    contest: Contest
    participants: int
    participation: Participation


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    media_type: str
    body: AsyncIterator[bytes]


class Statistics:
    def __init__(self, storage: Storage, catalog: Catalog, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    async def live(self, user: User, round_id: int) -> tuple[Round, Figures, Participation]:
        """The round, its live figures and its participation by day, area
        and unit. Forbidden without ``VIEW_STATISTICS``; NotFound for no such round."""
        require(user, Capability.VIEW_STATISTICS)
        round_ = await self._catalog.round(round_id)
        contest = await self._catalog.contest(round_.contest_id)
        return round_, await self._figures(round_), await self._participation("round", round_.id, contest)

    async def report(self, user: User, round_id: int) -> RoundReport:
        """Everything the statistics page shows for a round (see
        :meth:`live`), with the contest's participation, each question's
        item analysis and the distributions of score and time taken."""
        round_, figures, participation = await self.live(user, round_id)
        contest = await self._catalog.contest(round_.contest_id)
        scores, seconds = await self._storage.statistics.distributions(round_.id)
        closed = timing.round_status(round_, self._clock.now()) is RoundStatus.CLOSED
        if closed and figures.in_progress == 0:  # every attempt finished: the analysis cannot change
            analysis = await self._kept(round_, scores)
        else:
            analysis = await self._analyse(round_.id, scores, limit=LIVE_ATTEMPTS)
        return RoundReport(
            round=round_,
            contest=contest,
            figures=figures,
            round_participation=participation,
            contest_participation=await self._participation("contest", contest.id, contest),
            analysis=analysis,
            scores=statistics.histogram(scores, width=1),
            durations=statistics.histogram(seconds, width=TIME_BIN_SECONDS),
            ranked=await self._storage.leaderboards.head(round_.id) is not None,
        )

    async def _analyse(self, round_id: int, scores: dict[int, int], *, limit: int | None = None) -> statistics.Analysis:
        """The item analysis of the round's finished attempts (their
        ``scores``: {score: attempts}), of the first ``limit`` only if given."""
        groups = statistics.cutoffs(scores)
        if groups is None:
            return statistics.Analysis([], 0)
        analysis = statistics.ItemAnalysis(groups)
        read = 0
        async for batch in self._storage.statistics.responses(round_id):
            batch = batch if limit is None else batch[: limit - read]
            await asyncio.to_thread(analysis.add, batch)  # ~80 ms a batch: off the event loop
            read += len(batch)
            if limit is not None and read >= limit:
                return statistics.Analysis(analysis.results(), read, partial=read < sum(scores.values()))
        return statistics.Analysis(analysis.results(), read)

    async def _kept(self, round_: Round, scores: dict[int, int]) -> statistics.Analysis:
        """A closed round's item analysis as kept for its present close;
        computed and kept now if it was not yet (the sweeper usually has)."""
        kept = await self._storage.statistics.analysis(round_.id, closes_at=round_.closes_at)
        if kept is not None:
            return kept
        now = self._clock.now()
        analysis = await self._analyse(round_.id, scores)
        await self._storage.statistics.keep_analysis(round_.id, analysis, closes_at=round_.closes_at, now=now)
        return replace(analysis, computed_at=now)

    async def analyse_closed(self, *, grace: timedelta) -> int:
        """Compute and keep the item analysis of each round closed (``grace``
        ago, so its last attempts are closed) without one kept for its
        present close: after it closes, after a close moved later, after a
        re-scoring. What the sweeper runs; returns how many rounds. Two
        nodes sweeping at once may both compute one: the same figures,
        kept twice."""
        done = 0
        for round_id, closes_at in await self._storage.statistics.unanalysed(closed_before=self._clock.now() - grace):
            scores, _seconds = await self._storage.statistics.distributions(round_id)
            analysis = await self._analyse(round_id, scores)
            now = self._clock.now()
            await self._storage.statistics.keep_analysis(round_id, analysis, closes_at=closes_at, now=now)
            done += 1
        return done

    async def contest(self, user: User, contest_id: int) -> ContestReport:
        """The contest's participation by day, area and unit, all its rounds
        together (as :meth:`live` gives a round's). Forbidden without
        ``VIEW_STATISTICS``; NotFound for no such contest."""
        require(user, Capability.VIEW_STATISTICS)
        contest = await self._catalog.contest(contest_id)
        participation = await self._participation("contest", contest.id, contest)
        # Each participant has one unit in a contest: the units' counts add up to the participants.
        return ContestReport(contest, sum(c.participants for c in participation.units), participation)

    async def _figures(self, round_: Round) -> Figures:
        counts, people = await self._storage.statistics.statuses(round_.id)
        now = self._clock.now()
        left = None
        if timing.round_status(round_, now) is RoundStatus.OPEN:
            left = int((round_.closes_at - now).total_seconds())
        return Figures(
            started=sum(counts.values()),
            in_progress=counts.get(AttemptStatus.IN_PROGRESS, 0),
            submitted=counts.get(AttemptStatus.SUBMITTED, 0),
            expired=counts.get(AttemptStatus.EXPIRED, 0),
            participants=people,
            seconds_left=left,
        )

    async def _participation(self, scope: str, scope_id: int, contest: Contest) -> Participation:
        days, areas, units = await self._storage.statistics.participation(
            scope=scope, scope_id=scope_id, offset_ms=statistics.VIETNAM_OFFSET_MS
        )
        headcounts = {u.name: u.headcount for u in contest.units if u.headcount}
        return Participation(
            days=statistics.by_day(days),
            areas=statistics.ranked(areas),
            units=statistics.ranked(units, headcounts=headcounts),
        )

    async def export_attempts(self, user: User, round_id: int, fmt: object) -> Export:
        """The round's attempts as ``fmt`` ("xlsx" or "csv"; else BadRequest),
        streamed; personal columns only with ``VIEW_PERSONAL_DATA``."""
        require(user, Capability.VIEW_STATISTICS)
        kind = _format(fmt)
        round_ = await self._catalog.round(round_id)
        columns = visible(ATTEMPT_COLUMNS, personal=can(user, Capability.VIEW_PERSONAL_DATA))
        return Export(
            filename=f"bai-thi-{slug(round_.title).lower() or 'vong-thi'}.{kind}",
            media_type=MEDIA_TYPES[kind],
            body=_stream(kind, columns, self._storage.statistics.attempts(round_.id), sheet="Bài thi"),
        )

    async def export_results(self, user: User, round_id: int, fmt: object) -> Export:
        """The round's results as the judges' last phase move ranked them
        (the stored standings), as ``fmt``, streamed; personal columns only
        with ``VIEW_PERSONAL_DATA``. Conflict (409 ``no_results``) before
        the judges have ranked the round."""
        require(user, Capability.VIEW_STATISTICS)
        kind = _format(fmt)
        round_ = await self._catalog.round(round_id)
        if await self._storage.leaderboards.head(round_.id) is None:
            raise Conflict(
                "Vòng thi chưa có kết quả: kết quả có khi Ban Giám khảo công bố kết quả tạm thời.", code="no_results"
            )
        columns = visible(RESULT_COLUMNS, personal=can(user, Capability.VIEW_PERSONAL_DATA))
        return Export(
            filename=f"ket-qua-{slug(round_.title).lower() or 'vong-thi'}.{kind}",
            media_type=MEDIA_TYPES[kind],
            body=_stream(kind, columns, self._storage.statistics.results(round_.id), sheet="Kết quả"),
        )

    async def export_participants(self, user: User, contest_id: int, fmt: object) -> Export:
        """The contest's participants as ``fmt``, streamed. A list of people
        is personal data: Forbidden without ``VIEW_PERSONAL_DATA``."""
        require(user, Capability.VIEW_PERSONAL_DATA)
        kind = _format(fmt)
        contest = await self._catalog.contest(contest_id)
        return Export(
            filename=f"thi-sinh-{contest.slug}.{kind}",
            media_type=MEDIA_TYPES[kind],
            body=_stream(
                kind, PARTICIPANT_COLUMNS, self._storage.statistics.participants(contest.id), sheet="Thí sinh"
            ),
        )


def _format(fmt: object) -> str:
    if fmt not in FORMATS:
        raise BadRequest("Định dạng tải về phải là xlsx hoặc csv.", code="unknown_format")
    return str(fmt)


async def _stream(
    kind: str, columns: Sequence[Column[Row]], batches: AsyncIterator[list[Row]], *, sheet: str
) -> AsyncIterator[bytes]:
    """CSV: the header, then each batch as it is read. xlsx: each batch
    appended, then the finished file in chunks. Formatting runs off the event
    loop (about 45 µs a row in CSV, 500 µs in xlsx), so a large export never
    holds up other requests."""
    if kind == "csv":
        yield csv_header(columns).encode()
        async for rows in batches:
            yield (await asyncio.to_thread(csv_rows, columns, rows)).encode()
        return
    writer = XlsxWriter(columns, sheet=sheet)
    async for rows in batches:
        await asyncio.to_thread(writer.add, rows)
    await asyncio.to_thread(writer.finish)
    chunks = writer.chunks()
    while chunk := await asyncio.to_thread(next, chunks, b""):
        yield chunk
