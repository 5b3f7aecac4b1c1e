"""The errors aoc23 raises on purpose. The CLI maps each family to one line and an exit code."""

from __future__ import annotations

import os


class Aoc23Error(Exception):
    """Base of every error the tool reports to the user without a traceback."""

    exit_code = 1


class OutOfMemory(Aoc23Error):
    """An allocation the simulated allocator refused, as Zig's ``error.OutOfMemory``.

    ``end_index`` and ``buffer_len`` describe a fixed buffer at the moment of failure;
    ``site`` names what was being allocated and ``round`` when (None: before round 0).
    """

    exit_code = 1

    def __init__(
        self,
        size: int,
        alignment: int,
        *,
        end_index: int | None = None,
        buffer_len: int | None = None,
        for_block: int | None = None,
    ) -> None:
        super().__init__("OutOfMemory")
        self.size = size
        self.for_block = for_block
        """When the refused request was an arena's new node: the block it was for."""
        self.alignment = alignment
        self.end_index = end_index
        self.buffer_len = buffer_len
        self.site: str | None = None
        self.round: int | None = None

    def context(self) -> str:
        """One line: when, what, how much, and how full the buffer was."""
        when = "while loading" if self.round is None else f"in round {self.round}"
        what = f"allocating {self.site}" if self.site else "allocating"
        asked = (
            f"{self.size} bytes"
            if self.for_block is None
            else f"a {self.size}-byte arena node for a {self.for_block}-byte block"
        )
        line = f"{when}, {what}: {asked} (align {self.alignment})"
        if self.end_index is not None and self.buffer_len is not None:
            free = self.buffer_len - self.end_index
            line += (
                f" did not fit: end_index {self.end_index} of a {self.buffer_len}-byte buffer"
                f" ({free} bytes free)"
            )
        return line


class PuzzleInputError(Aoc23Error):
    """The puzzle input cannot be read or parsed. ``line``/``column`` are 1-based."""

    exit_code = 3

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.source: str | None = None
        """The input's name as the user gave it (set by the command that read it)."""

    def located(self, source: str) -> str:
        """``source:LINE:COL: message`` (or ``source: message`` without a position)."""
        if self.line is None:
            return f"{source}: {self.message}"
        return f"{source}:{self.line}:{self.column}: {self.message}"


class OutputError(Aoc23Error):
    """An output cannot be written: stdout closed or on a full disk, a file that cannot be
    created. Nothing half-written is left behind (see :mod:`aoc23.outfile`)."""

    exit_code = 74


class AllocatorMisuse(Aoc23Error):
    """Something Zig would stop with a safety assertion (e.g. freeing memory it does not own).

    The tool itself never misuses an allocator, so the CLI does not catch this: it is a bug.
    """


def shown_path(path: str | bytes) -> str:
    """A file name fit for one line of an error message: bytes that are not UTF-8 (Python's
    surrogate escapes) as ``\\xNN``, control characters such as a newline as ``\\n``."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
