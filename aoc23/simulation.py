"""Runs the blog's program: load the input, then report and step, round after round."""

from __future__ import annotations

from collections.abc import Iterator

from aoc23.errors import OutOfMemory
from aoc23.records import NamedTuple
from aoc23.strategies import STRATEGIES, Settings, Strategy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aoc23.events import Tracer

PART1_ROUNDS = 10


class RoundReport:
    """Printed before round ``index`` steps, as the blog prints ``Round i memuse: N``."""

    __slots__ = ("index", "memuse", "strategy")

    def __init__(self, index: int, memuse: int, strategy: Strategy) -> None:
        self.index = index
        self.memuse = memuse
        self.strategy = strategy

    def line(self) -> str:
        """The blog's own line: ``Round i memuse: N``."""
        return f"Round {self.index} memuse: {self.memuse}"


class Answer(NamedTuple):
    """What the puzzle asks: the empty ground after round 10, or the first round in which
    no elf moves."""

    part: int
    value: int

    def line(self) -> str:
        return f"part{self.part}: {self.value}"


Output = RoundReport | Answer


def run(
    text: bytes,
    strategy: str,
    settings: Settings | None = None,
    *,
    rounds: int | None = PART1_ROUNDS,
    until_settled: bool = False,
    tracer: Tracer | None = None,
) -> Iterator[Output]:
    """Yield a report before each round, ``Answer(1, …)`` after round 10 and, when
    ``until_settled``, ``Answer(2, n)`` after the first round ``n`` in which no elf moves.

    ``rounds=None`` runs until settled. An OutOfMemory escapes with its round set
    (None when it happened while loading). A ``tracer`` receives every allocator call and
    round boundary as an event (see :mod:`aoc23.events`); it changes nothing else.
    """
    yield from play(load(text, strategy, settings, tracer), rounds, until_settled)


def load(
    text: bytes, strategy: str, settings: Settings | None = None, tracer: Tracer | None = None
) -> Strategy:
    """The program up to its first round line: the input read and ``grid.cells`` built."""
    program = STRATEGIES[strategy](settings or Settings(), tracer)
    program.load(text)
    return program


def play(
    program: Strategy, rounds: int | None = PART1_ROUNDS, until_settled: bool = False
) -> Iterator[Output]:
    """The rounds of a loaded program (see :func:`run`)."""
    tracer = program.tracer
    if tracer is not None:
        from aoc23.events import Finished, RoundStarted
    index = 0
    settled = False
    while not settled and (rounds is None or index < rounds):
        report = RoundReport(index, program.memuse(), program)
        if tracer is not None:
            tracer(RoundStarted(index, report.memuse))
        yield report
        try:
            moved = program.step(index)
        except OutOfMemory as error:
            error.round = index
            raise
        index += 1
        if index == PART1_ROUNDS:
            yield Answer(1, program.empty_ground())
        settled = until_settled and not moved
    if tracer is not None:
        tracer(Finished(index, program.memuse()))
    if settled:
        yield Answer(2, index)
