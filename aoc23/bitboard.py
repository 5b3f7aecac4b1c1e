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

STAY = "0"
CODES = ("1", "2", "3", "4")
"""How :attr:`Moves.codes` names a move north, south, west and east (the order of round 0)."""

MARGIN = 8
"""Free tiles kept around the elves when a window is made or grown."""


@dataclass(frozen=True)
class Moves:
    """What a round did: ``codes[c]`` tells where the elf on cell ``c`` went (``"0"``: it
    stayed, or no elf is there); ``offsets`` turns a code into the change of cell."""

    moved: bool
    codes: str
    offsets: dict[str, int]


class Board:
    def __init__(self, window: Window, cells: Iterable[int]) -> None:
        self.window = window
        digits = ["0"] * window.cells
        for cell in cells:
            digits[cell - 1] = "1"
        self._grid = _from_digits(digits)
        self._row = 4 * window.width
        self._rim = _rim(window)
        self._sentinel = 1 << 4 * window.cells
        width = window.width
        self.offsets = dict(zip(CODES, (-width, width, -1, 1), strict=True))

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
        return bool(self._grid & self._rim)

    def grown(self) -> Board:
        """The same elves in a window with :data:`MARGIN` more tiles, and more, on each side."""
        margin = max(MARGIN, self.window.width // 4, self.window.height // 4)
        wider = self.window.grown(margin)
        old = self.window
        return Board(wider, (wider.cell(*old.point(cell)) for cell in self.cells()))

    def step(self, round_index: int) -> Moves:
        """Play round ``round_index`` (0-based): move the elves and say how each moved."""
        grid, row = self._grid, self._row
        north, south = grid >> row, grid << row
        west, east = grid >> 4, grid << 4
        north_west, north_east = north >> 4, north << 4
        south_west, south_east = south >> 4, south << 4
        crowded = north | south | west | east | north_west | north_east | south_west | south_east
        blocked = (
            north | north_west | north_east,
            south | south_west | south_east,
            west | north_west | south_west,
            east | north_east | south_east,
        )
        undecided = grid & crowded
        wants = [0, 0, 0, 0]
        for turn in range(4):
            side = (round_index + turn) % 4
            wants[side] = undecided & ~blocked[side]
            undecided ^= wants[side]
        go_north, go_south, go_west, go_east = wants
        clash = (go_north << row) & (go_south >> row)
        go_north &= ~(clash >> row)
        go_south &= ~(clash << row)
        clash = (go_west << 4) & (go_east >> 4)
        go_west &= ~(clash >> 4)
        go_east &= ~(clash << 4)
        self._grid = (
            grid
            ^ go_north
            ^ (go_north << row)
            ^ go_south
            ^ (go_south >> row)
            ^ go_west
            ^ (go_west << 4)
            ^ go_east
            ^ (go_east >> 4)
        )
        moved = bool(go_north | go_south | go_west | go_east)
        code = go_north + (go_south << 1) + go_west * 3 + (go_east << 2)
        return Moves(moved, format(code | self._sentinel, "x"), self.offsets)


def _from_digits(digits: list[str]) -> int:
    """The board whose cells, in order, hold these hex digits."""
    return int("".join(digits), 16) if digits else 0


def _rim(window: Window) -> int:
    """A 1 on every cell of the outermost rows and columns."""
    width, height = window.width, window.height
    if width < 3 or height < 3:
        return _from_digits(["1"] * window.cells)
    edge = "1" * width
    middle = "1" + "0" * (width - 2) + "1"
    return int(edge + middle * (height - 2) + edge, 16)
