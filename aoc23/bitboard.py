"""The day 23 rules on the whole grid at once, with Python's big integers as bitboards.

The rules of :mod:`aoc23.puzzle`, computed for every elf together: one ``int`` holds the
grid, four bits per cell of a :class:`~aoc23.grid.Window` (cell ``c`` at bit
``4 * (cells - c)``, so that the hex digits of the int read in cell order). Looking at a
neighbour is a shift, a rule is a few ``&``/``|``, and a round costs a few dozen big-int
operations however many elves there are. Knows nothing of memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aoc23.grid import Point, Window

STAY = 0
"""In :attr:`Moves.codes`: the elf stayed (or no elf is there). Codes 1, 2, 3 and 4 are a
move north, south, west and east (the order of round 0)."""

_HEX_DIGIT_VALUE = bytes.maketrans(b"01234", bytes(range(5)))

MARGIN = 8
"""Free tiles kept around the elves when a window is made or grown."""


@dataclass(frozen=True)
class Moves:
    """What a round did: ``codes[c]`` tells where the elf on cell ``c`` went (:data:`STAY`,
    or 1 to 4); ``offsets[code]`` is the change of cell it made. No two elves end on the
    same cell: the rules see to that."""

    moved: bool
    codes: bytes
    offsets: tuple[int, int, int, int, int]


class Board:
    def __init__(self, window: Window, cells: Iterable[int]) -> None:
        digits = ["0"] * window.cells
        for cell in cells:
            digits[cell - 1] = "1"
        self._set(window, _from_digits(digits))

    @classmethod
    def _of_grid(cls, window: Window, grid: int) -> Board:
        board = cls.__new__(cls)
        board._set(window, grid)
        return board

    def _set(self, window: Window, grid: int) -> None:
        self.window = window
        self._grid = grid
        self._row = 4 * window.width
        self._rim = _rim(window)
        self._whole_rim = self._rim[0] | self._rim[1] | self._rim[2] | self._rim[3]
        self._sentinel = 1 << 4 * window.cells
        self.offsets = (0, -window.width, window.width, -1, 1)

    @classmethod
    def around(cls, points: Iterable[Point]) -> Board:
        points = list(points)
        window = Window.around(points, MARGIN)
        return cls(window, (window.cell(x, y) for x, y in points))

    def cells(self) -> list[int]:
        """The elves' cells, in cell order."""
        digits = format(self._grid | self._sentinel, "x")
        return [cell for cell, digit in enumerate(digits) if digit == "1" and cell]

    def needs_room(self) -> bool:
        """True when an elf stands on the window's rim, where a step could not see past it."""
        return bool(self._grid & self._whole_rim)

    def grown(self) -> Board:
        """The same elves in a window grown on each side where an elf reached the rim (by
        an eighth of the window, and at least :data:`MARGIN` tiles)."""
        old = self.window
        margin = max(MARGIN, old.width // 8, old.height // 8)
        top, bottom, left, right = (margin if self._grid & side else 0 for side in self._rim)
        wider = Window(
            old.left - left, old.top - top, old.width + left + right, old.height + top + bottom
        )
        digits = format(self._grid | self._sentinel, "x")
        rows = (digits[start : start + old.width] for start in range(1, len(digits), old.width))
        before, after = "0" * left, "0" * right
        grid = "".join(before + row + after for row in rows)
        return Board._of_grid(wider, int(grid, 16) << 4 * wider.width * bottom)

    def step(self, round_index: int) -> Moves:
        """Play round ``round_index`` (0-based): move the elves and say how each moved.

        Written for big-int speed: ``a & ~b`` is spelt ``a ^ (a & b)`` (``~`` costs several
        times more), and as few shifts as possible are made (each costs as much as a few
        ``&``)."""
        grid, row = self._grid, self._row
        across = grid | grid >> 4 | grid << 4
        down = grid | grid >> row | grid << row
        blocked = (across >> row, across << row, down >> 4, down << 4)
        undecided = grid & (blocked[0] | blocked[1] | blocked[2] | blocked[3])
        wants = [0, 0, 0, 0]
        for turn in range(4):
            side = (round_index + turn) % 4
            still = undecided & blocked[side]
            wants[side] = undecided ^ still
            undecided = still
        go_north, go_south, go_west, go_east = wants
        to_north, to_south = go_north << row, go_south >> row
        clash = to_north & to_south
        if clash:
            go_north ^= clash >> row
            go_south ^= clash << row
            to_north ^= clash
            to_south ^= clash
        to_west, to_east = go_west << 4, go_east >> 4
        clash = to_west & to_east
        if clash:
            go_west ^= clash >> 4
            go_east ^= clash << 4
            to_west ^= clash
            to_east ^= clash
        leaving = go_north | go_south | go_west | go_east
        arriving = to_north | to_south | to_west | to_east
        self._grid = grid ^ leaving ^ arriving
        code = go_north | go_west | (go_south | go_west | go_east << 1) << 1
        digits = format(code | self._sentinel, "x").encode()
        return Moves(bool(leaving), digits.translate(_HEX_DIGIT_VALUE), self.offsets)


def _from_digits(digits: list[str]) -> int:
    """The board whose cells, in order, hold these hex digits."""
    return int("".join(digits), 16) if digits else 0


def _rim(window: Window) -> tuple[int, int, int, int]:
    """The top row, bottom row, left column and right column, each as a board of 1s."""
    width, height = window.width, window.height
    row = "1" * width
    blank = "0" * width
    first = "1" + "0" * (width - 1)
    last = "0" * (width - 1) + "1"
    return (
        int(row + blank * (height - 1), 16),
        int(blank * (height - 1) + row, 16),
        int(first * height, 16),
        int(last * height, 16),
    )
