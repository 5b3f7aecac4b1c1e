"""Everything the user reads, built as text or renderables; nothing here prints."""

from __future__ import annotations

from aoc23.errors import OutOfMemory, PuzzleInputError
from aoc23.simulation import Answer, RoundReport


def round_line(report: RoundReport) -> str:
    """The blog's own line: ``Round i memuse: N``."""
    return f"Round {report.index} memuse: {report.memuse}"


def answer_line(answer: Answer) -> str:
    return f"part{answer.part}: {answer.value}"


def out_of_memory_lines(error: OutOfMemory) -> list[str]:
    """What the real program prints on stderr (its first line), then our one line of context."""
    return ["error: OutOfMemory", error.context()]


def input_error_line(error: PuzzleInputError, source: str) -> str:
    return f"error: {error.located(source)}"
