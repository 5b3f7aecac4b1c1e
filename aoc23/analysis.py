"""Runs the program traced and reads what it needs from a :class:`~aoc23.ledger.Ledger`:
the trace of one strategy (its table rows, per-round numbers, block log and forecast),
the same run of every other strategy for side-by-side charts, and the smallest buffer each
needs (a run with a buffer too big to run out, read by its allocators' high-water marks).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from aoc23 import puzzle
from aoc23.errors import OutOfMemory, PuzzleInputError
from aoc23.events import Event, Tracer
from aoc23.ledger import (
    ArenaAction,
    BlockLog,
    Collapser,
    EarlyForecast,
    Failure,
    Forecast,
    Ledger,
    NoOpFree,
    RoundRecord,
    Series,
    TableRow,
    forecast,
)
from aoc23.simulation import Answer, run
from aoc23.strategies import STRATEGIES, Settings

UNLIMITED = 1 << 46
"""A buffer size no run reaches: the simulated buffer holds only the bytes written into it."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """What one strategy needed to run: its fixed buffer's high-water mark (the smallest
    ``--buffer-size`` that works: each of the two for ``double``), the temporary buffer's,
    or the most bytes mapped at once for ``page``."""

    strategy: str
    buffer: int | None
    temp: int | None = None
    peak_mapped: int | None = None
    failure: str | None = None

    def note(self) -> str:
        if self.failure is not None:
            return self.failure
        if self.peak_mapped is not None:
            return f"no fixed buffer; at most {self.peak_mapped} bytes mapped at once"
        if self.temp is not None:
            return f"and a temporary buffer of at least {self.temp} bytes (--temp-size)"
        return ""


def requirement(
    text: bytes, strategy: str, settings: Settings, rounds: int | None, until_settled: bool
) -> Requirement:
    """Run ``strategy`` with a buffer too big to run out and read its high-water marks."""
    unlimited = settings._replace(buffer_size=UNLIMITED)
    ledger = Ledger()
    try:
        for _ in run(
            text,
            strategy,
            unlimited,
            rounds=rounds,
            until_settled=until_settled,
            tracer=ledger.apply,
        ):
            pass
    except OutOfMemory as error:
        return Requirement(strategy, None, failure=f"cannot run: {error.context()}")
    except PuzzleInputError as error:
        return Requirement(strategy, None, failure=f"cannot run: {error.located('the input')}")
    return _requirement_of(strategy, ledger)


def _requirement_of(strategy: str, ledger: Ledger) -> Requirement:
    """What a run that did not run out of memory needed, from its high-water marks: each
    allocator's, by what sizes it (the strategy's allocators say)."""
    specs = STRATEGIES[strategy].allocators

    def most(sized_by: str | None, kind: str = "fixed") -> int | None:
        marks = [
            ledger.high_water(a.name)
            for a in specs
            if a.sized_by == sized_by and a.kind == kind and a.name in ledger.memories
        ]
        return max(marks) if marks else None

    return Requirement(
        strategy, most("buffer_size"), temp=most("temp_size"), peak_mapped=most(None, "pages")
    )


@dataclass(frozen=True)
class StrategyRun:
    """Another strategy run with the same options, for side-by-side charts."""

    strategy: str
    memuse: array[int]
    out_of_memory_round: int | None
    requirement: Requirement


@dataclass(frozen=True)
class TraceResult:
    elves: int
    site_peaks: dict[str, int]
    rows: list[TableRow]
    series: Series
    last_records: list[RoundRecord]
    failure: Failure | None
    forecast: Forecast | None
    early_forecast: Forecast | None
    """The forecast from the first step whose rate held to the end (or to the failure)."""
    requirements: list[Requirement]
    first_no_op: tuple[RoundRecord, NoOpFree] | None
    no_op_count: int
    blocks: BlockLog | None
    comparisons: list[StrategyRun]
    answers: dict[int, int]
    arena_actions: list[tuple[ArenaAction, int]] = field(default_factory=list)
    """What the run's arenas asked of the allocators below them (see ``ArenaWatch``)."""

    @property
    def final_stranded(self) -> int:
        return self.last_records[-1].stranded if self.last_records else 0


def trace_run(
    text: bytes,
    strategy: str,
    settings: Settings,
    rounds: int | None,
    *,
    until_settled: bool = False,
    on_event: Tracer | None = None,
    on_record: Callable[[RoundRecord], object] | None = None,
    compare_strategies: bool = True,
    keep_history: bool = True,
    on_progress: Callable[[str, int, int], object] | None = None,
) -> TraceResult:
    """Run ``strategy`` traced, then (unless told not to) every other strategy once more
    with the same options, for its memuse line by line and the smallest buffer it needs.

    ``on_event`` sees every event and ``on_record`` every record as they happen, so a
    caller can stream them; ``on_progress(strategy, record number, memuse)`` is called at
    each record. An OutOfMemory ends the run; it is returned as ``failure``. Memory kept
    grows only with what is drawn: table rows that differ and, with ``keep_history`` (what
    a map, a timeline or a chart needs), each record's numbers and one entry per segment
    that was in place at some record. Without it, a run of any length keeps the same.
    """
    ledger = Ledger(BlockLog() if keep_history else None)
    series = Series()
    collapser = Collapser()
    fixed = STRATEGIES[strategy].fixed_buffer
    early = EarlyForecast(settings.buffer_size, fixed)
    answers: dict[int, int] = {}

    def observe(event: Event) -> None:
        record = ledger.apply(event)
        if on_event is not None:
            on_event(event)
        if record is not None:
            if keep_history:
                series.add(record)
            collapser.add(record)
            early.add(record)
            if on_progress is not None:
                on_progress(strategy, record.index, record.memuse)
            if on_record is not None:
                on_record(record)

    elves = 0
    try:
        for output in run(
            text, strategy, settings, rounds=rounds, until_settled=until_settled, tracer=observe
        ):
            if isinstance(output, Answer):
                answers[output.part] = output.value
            elif not elves:
                elves = output.strategy.cells.count()
    except OutOfMemory:
        if ledger.failure is None:
            raise
    if not elves and ledger.failure is None:
        elves = len(puzzle.parse(text))
    prediction = None if ledger.failure else forecast(ledger.last, settings.buffer_size, fixed)
    comparisons: list[StrategyRun] = []
    needs: list[Requirement] = []
    if compare_strategies:
        for name in STRATEGIES:
            if name == strategy:
                own = (
                    _requirement_of(name, ledger)
                    if ledger.failure is None
                    else requirement(text, name, settings, rounds, until_settled)
                )
                needs.append(own)
                continue
            other = _compare(text, name, settings, rounds, until_settled, on_progress)
            comparisons.append(other)
            needs.append(other.requirement)
    return TraceResult(
        elves=elves,
        site_peaks=ledger.loading_peaks,
        rows=collapser.finish(),
        series=series,
        last_records=ledger.last,
        failure=ledger.failure,
        forecast=prediction,
        early_forecast=early.made,
        requirements=needs,
        first_no_op=ledger.first_no_op,
        no_op_count=ledger.no_op_count,
        blocks=ledger.log,
        comparisons=comparisons,
        answers=answers,
        arena_actions=ledger.arenas.actions(),
    )


def _compare(
    text: bytes,
    strategy: str,
    settings: Settings,
    rounds: int | None,
    until_settled: bool,
    on_progress: Callable[[str, int, int], object] | None,
) -> StrategyRun:
    ledger = Ledger()
    memuse: array[int] = array("q")

    def observe(event: Event) -> None:
        record = ledger.apply(event)
        if record is not None:
            memuse.append(record.memuse)
            if on_progress is not None:
                on_progress(strategy, record.index, record.memuse)

    try:
        for _ in run(
            text, strategy, settings, rounds=rounds, until_settled=until_settled, tracer=observe
        ):
            pass
    except OutOfMemory as error:
        need = requirement(text, strategy, settings, rounds, until_settled)
        return StrategyRun(strategy, memuse, error.round, need)
    except PuzzleInputError:
        need = requirement(text, strategy, settings, rounds, until_settled)
        return StrategyRun(strategy, memuse, None, need)
    return StrategyRun(strategy, memuse, None, _requirement_of(strategy, ledger))
