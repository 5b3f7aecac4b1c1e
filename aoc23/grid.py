"""A rectangle of tiles numbered row by row, from 1: the names positions share between the
fast rules (:mod:`aoc23.bitboard`) and the hash map's keys (:mod:`aoc23.zigstd._keys`).

With cells named this way, the tile north of cell ``c`` is ``c - width`` and the tile east
of it ``c + 1``: a move is an addition. Cell 0 names nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from aoc23.records import NamedTuple

Point = tuple[int, int]


class Window(NamedTuple):
    """The tiles from ``(left, top)``, ``width`` columns and ``height`` lines of them."""

    left: int
    top: int
    width: int
    height: int

    @property
    def cells(self) -> int:
        return self.width * self.height

    def contains(self, x: int, y: int) -> bool:
        return 0 <= x - self.left < self.width and 0 <= y - self.top < self.height

    def cell(self, x: int, y: int) -> int:
        """The cell of ``(x, y)``, which must lie inside."""
        return 1 + (y - self.top) * self.width + (x - self.left)

    def cells_of(self, points: Iterable[Point]) -> list[int]:
        """The cell of each point, in order; 0 for a point outside."""
        left, top, width, height = self
        return [
            1 + (y - top) * width + (x - left)
            if 0 <= x - left < width and 0 <= y - top < height
            else 0
            for x, y in points
        ]

    def point(self, cell: int) -> Point:
        row, column = divmod(cell - 1, self.width)
        return self.left + column, self.top + row

    def points_of(self, cells: Iterable[int]) -> list[Point | None]:
        """The point of each cell, in order; None for a number that is no cell here."""
        left, top, width, count = self.left, self.top, self.width, self.cells
        return [
            (left + (cell - 1) % width, top + (cell - 1) // width) if 0 < cell <= count else None
            for cell in cells
        ]

    def holds(self, other: Window) -> bool:
        """Every tile of ``other`` is a tile of this window."""
        right, bottom = other.left + other.width - 1, other.top + other.height - 1
        return other.cells == 0 or (
            self.contains(other.left, other.top) and self.contains(right, bottom)
        )

    def renaming(self, wider: Window) -> tuple[int, int]:
        """``(shift, per_row)`` such that cell ``c`` here is cell
        ``c + shift + (c - 1) // width * per_row`` of ``wider``, which must hold this window."""
        return wider.cell(self.left, self.top) - 1, wider.width - self.width

    def on_rim(self, cell: int) -> bool:
        """On the outermost row or column."""
        row, column = divmod(cell - 1, self.width)
        return row in (0, self.height - 1) or column in (0, self.width - 1)

    def grown(self, margin: int) -> Window:
        return Window(
            self.left - margin, self.top - margin, self.width + 2 * margin, self.height + 2 * margin
        )

    @classmethod
    def around(cls, points: Iterable[Point], margin: int) -> Window:
        """The smallest window holding ``points``, grown by ``margin`` tiles on every side."""
        xs, ys = zip(*points, strict=True)
        tight = cls(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1)
        return tight.grown(margin)


NOWHERE = Window(0, 0, 0, 0)
"""A window with no cells: every point is outside."""
