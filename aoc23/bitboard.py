"""The day 23 rules on the whole grid at once, as bitboards.

The rules of :mod:`aoc23.puzzle`, computed for every elf together. A :class:`Board` keeps
the window (cells numbered as in :class:`~aoc23.grid.Window`) and how it grows; the bits
sit in a :class:`Grid`, made by one of two engines:

- :class:`BigIntGrid`, the reference: one Python ``int`` holds the grid, four bits per cell
  (cell ``c`` at bit ``4 * (cells - c)``, so that the hex digits of the int read in cell
  order). Looking at a neighbour is a shift, a rule is a few ``&``/``|``, and a round costs
  a few dozen big-int operations however many elves there are;
- ``aoc23._bitboard.Grid`` (``aoc23/_bitboard.c``), the same rules on rows of 64-bit words,
  compiled: optional, and held to the reference by the tests.

:data:`rules` is the engine boards use: the compiled one when it was built, unless
``AOC23_PURE_PYTHON`` is set to a true value. Knows nothing of memory.
"""

from __future__ import annotations

from collections.abc import Iterable

from aoc23.grid import Point, Window
from aoc23.native import compiled_part
from aoc23.records import NamedTuple, Protocol

STAY = 0
"""In :attr:`Moves.codes`: the elf stayed (or no elf is there). Codes 1, 2, 3 and 4 are a
move north, south, west and east (the order of round 0)."""

_HEX_DIGIT_VALUE = bytes.maketrans(b"01234", bytes(range(5)))

MARGIN = 8
"""Free tiles kept around the elves when a window is made or grown."""

TOP, BOTTOM, LEFT, RIGHT = 1, 2, 4, 8
"""The sides of a window, as :meth:`Grid.rim` or-s them together."""
SIDES = (TOP, BOTTOM, LEFT, RIGHT)


class Moves(NamedTuple):
    """What a round did: ``codes[c]`` tells where the elf on cell ``c`` went (:data:`STAY`,
    or 1 to 4); ``offsets[code]`` is the change of cell it made. No two elves end on the
    same cell: the rules see to that. (``codes[0]`` names no cell.) A named tuple: made
    every round, it costs half what a frozen dataclass does."""

    moved: bool
    codes: bytes
    offsets: tuple[int, int, int, int, int]


class Grid(Protocol):
    """The elves of a window of ``width`` x ``height`` cells as bits, and the rules on them.

    A step asks that no elf stand on the rim (:meth:`rim` is 0), so that no elf can step out
    of the grid: the board widens it first. Asked anyway, the compiled engine refuses with
    ``ValueError``; the reference's answer is then meaningless."""

    def cells(self) -> list[int]:
        """The elves' cells, in cell order."""

    def rim(self) -> int:
        """The sides (:data:`TOP`, :data:`BOTTOM`, :data:`LEFT`, :data:`RIGHT`, or-ed) where
        an elf stands on the outermost row or column; 0 when none does."""

    def widened(self, top: int, bottom: int, left: int, right: int, /) -> Grid:
        """The same elves with that many empty rows or columns added on each side."""

    def step(self, round_index: int, /) -> tuple[bool, bytes]:
        """Play round ``round_index`` (0-based): whether any elf moved, and the codes of
        :attr:`Moves.codes`, one byte per cell and one for cell 0."""


class Engine(Protocol):
    """What makes a :class:`Grid`: ``engine(width, height, cells)``."""

    def __call__(self, width: int, height: int, cells: Iterable[int], /) -> Grid: ...


class Board:
    def __init__(self, window: Window, cells: Iterable[int], engine: Engine | None = None) -> None:
        self._set(window, (engine or rules)(window.width, window.height, cells))

    def _set(self, window: Window, grid: Grid) -> None:
        self.window = window
        self._grid = grid
        self.offsets = (0, -window.width, window.width, -1, 1)

    @classmethod
    def around(cls, points: Iterable[Point], engine: Engine | None = None) -> Board:
        points = list(points)
        window = Window.around(points, MARGIN)
        return cls(window, window.cells_of(points), engine)

    def cells(self) -> list[int]:
        """The elves' cells, in cell order."""
        return self._grid.cells()

    def needs_room(self) -> bool:
        """True when an elf stands on the window's rim, where a step could not see past it."""
        return self._grid.rim() != 0

    def grown(self) -> Board:
        """The same elves in a window grown on each side where an elf reached the rim (by
        an eighth of the window, and at least :data:`MARGIN` tiles)."""
        old = self.window
        margin = max(MARGIN, old.width // 8, old.height // 8)
        sides = self._grid.rim()
        top, bottom, left, right = (margin if sides & side else 0 for side in SIDES)
        wider = Window(
            old.left - left, old.top - top, old.width + left + right, old.height + top + bottom
        )
        board = Board.__new__(Board)
        board._set(wider, self._grid.widened(top, bottom, left, right))
        return board

    def step(self, round_index: int) -> Moves:
        """Play round ``round_index`` (0-based): move the elves and say how each moved. No
        elf may stand on the rim (see :meth:`needs_room`)."""
        moved, codes = self._grid.step(round_index)
        return Moves(moved, codes, self.offsets)


class BigIntGrid:
    """The reference :class:`Grid`: the whole grid in one Python ``int``."""

    def __init__(self, width: int, height: int, cells: Iterable[int]) -> None:
        digits = ["0"] * (width * height)
        for cell in cells:
            digits[cell - 1] = "1"
        self._set(width, height, _from_digits(digits))

    @classmethod
    def _of_bits(cls, width: int, height: int, bits: int) -> BigIntGrid:
        grid = cls.__new__(cls)
        grid._set(width, height, bits)
        return grid

    def _set(self, width: int, height: int, bits: int) -> None:
        self._width, self._height = width, height
        self._bits = bits
        self._row = 4 * width
        self._rim = _rim(width, height)
        self._whole_rim = self._rim[0] | self._rim[1] | self._rim[2] | self._rim[3]
        self._sentinel = 1 << 4 * width * height

    def cells(self) -> list[int]:
        digits = format(self._bits | self._sentinel, "x")
        return [cell for cell, digit in enumerate(digits) if digit == "1" and cell]

    def rim(self) -> int:
        bits = self._bits
        if not bits & self._whole_rim:
            return 0
        return sum(side for side, cells in zip(SIDES, self._rim, strict=True) if bits & cells)

    def widened(self, top: int, bottom: int, left: int, right: int, /) -> BigIntGrid:
        width, height = self._width + left + right, self._height + top + bottom
        digits = format(self._bits | self._sentinel, "x")
        old = self._width
        rows = (digits[start : start + old] for start in range(1, len(digits), old))
        before, after = "0" * left, "0" * right
        bits = int("".join(before + row + after for row in rows), 16)
        return BigIntGrid._of_bits(width, height, bits << 4 * width * bottom)

    def step(self, round_index: int, /) -> tuple[bool, bytes]:
        """See :meth:`Grid.step`. Written for big-int speed: ``a & ~b`` is spelt
        ``a ^ (a & b)`` (``~`` costs several times more), and as few shifts as possible are
        made (each costs as much as a few ``&``)."""
        grid, row = self._bits, self._row
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
        self._bits = grid ^ leaving ^ arriving
        code = go_north | go_west | (go_south | go_west | go_east << 1) << 1
        digits = format(code | self._sentinel, "x").encode()
        return bool(leaving), digits.translate(_HEX_DIGIT_VALUE)


def _from_digits(digits: list[str]) -> int:
    """The board whose cells, in order, hold these hex digits."""
    return int("".join(digits), 16) if digits else 0


def _rim(width: int, height: int) -> tuple[int, int, int, int]:
    """The top row, bottom row, left column and right column, each as a board of 1s."""
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


def _compiled_rules() -> Engine | None:
    """The compiled engine, unless it was not built (no C compiler at install time) or
    ``AOC23_PURE_PYTHON`` asks for Python (see :mod:`aoc23.native`)."""
    compiled: Engine | None = compiled_part("aoc23._bitboard", "Grid")
    return compiled


rules: Engine = _compiled_rules() or BigIntGrid
"""The engine every board uses unless told otherwise: compiled when it can be."""

RULES_KIND = "Python" if rules is BigIntGrid else "compiled"
"""Which rules the boards started with, as ``aoc23 --version`` says it."""
