"""How the simulated hash map names its ``Point2D`` keys in Python: small positive ints, each
with its Wyhash remembered.

Points inside the key space's :class:`~aoc23.grid.Window` are named by their cell, so a key
one tile north is ``key - width`` and moving a key is an addition. Any other point gets a
name past the window's cells, in order of first use. The names are Python's business only:
the bytes in the buffer hold the points themselves.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, MutableSequence, Sequence

from aoc23.grid import NOWHERE, Point, Window
from aoc23.native import compiled_part
from aoc23.zigstd import wyhash

UNKNOWN = -1
"""In :attr:`KeySpace.homes` lists: a key whose hash has not been computed yet."""
UNKNOWN_HASH = 0
"""In :attr:`KeySpace.hashes`: a key whose hash has not been computed yet. (A point whose
hash is 0 is merely hashed again each time it is asked for.)"""

HashWindow = Callable[[MutableSequence[int], int, int, int], None]
RenamedCells = Callable[[MutableSequence[int], int, int, int, int], list[int]]
CellSpan = Callable[[Sequence[int], int, int], "tuple[int, int, int, int] | None"]


def _compiled_hash_window() -> HashWindow | None:
    compiled: HashWindow | None = compiled_part("aoc23.zigstd._fill", "hash_window")
    return compiled


hash_window = _compiled_hash_window()
"""Hashes every cell of a window at once, natively, into a flat ``array('Q')`` that the
compiled fill reads; None (no compiled part) hashes each key in Python when first asked."""

renamed_cells: RenamedCells | None = compiled_part("aoc23.zigstd._fill", "renamed_cells")
"""Renames a flat array of names for a wider window, natively (see :meth:`KeySpace.renamed`)."""

cell_span: CellSpan | None = compiled_part("aoc23.zigstd._fill", "cell_span")
"""The rows and columns a flat array of window cells spans, natively (see
:meth:`KeySpace.bounds`)."""


class KeySpace:
    def __init__(self, window: Window = NOWHERE) -> None:
        self.window = window
        self._outside: dict[Point, int] = {}
        self._outside_points: list[Point] = []
        self.hashes = self._hashes_of(window)
        self._homes: dict[int, list[int]] = {}

    def _hashes_of(self, window: Window) -> MutableSequence[int]:
        if hash_window is None:
            return [UNKNOWN_HASH] * (window.cells + 1)
        hashes = array("Q", [UNKNOWN_HASH]) * (window.cells + 1)
        if window.cells:
            hash_window(hashes, window.left, window.top, window.width)
        return hashes

    def key(self, point: Point) -> int:
        """The name of ``point`` (named now if it had none)."""
        x, y = point
        if self.window.contains(x, y):
            return self.window.cell(x, y)
        key = self._outside.get(point)
        if key is None:
            key = self._outside[point] = len(self.hashes)
            self._outside_points.append(point)
            self.hashes.append(UNKNOWN_HASH)
            for homes in self._homes.values():
                homes.append(UNKNOWN)
        return key

    def keys(self, points: Sequence[Point]) -> list[int]:
        """The name of each point, in order (each named now if it had none)."""
        cells = self.window.cells_of(points)
        return [cell or self.key(point) for cell, point in zip(cells, points, strict=True)]

    def find(self, point: Point) -> int | None:
        """The name of ``point`` if it has one (no table can hold a point without one)."""
        x, y = point
        if self.window.contains(x, y):
            return self.window.cell(x, y)
        return self._outside.get(point)

    def point(self, key: int) -> Point:
        inside = self.window.cells
        if key <= inside:
            return self.window.point(key)
        return self._outside_points[key - inside - 1]

    def points(self, keys: Sequence[int]) -> list[Point]:
        """The point each key names, in order."""
        points = self.window.points_of(keys)
        return [point or self.point(key) for point, key in zip(points, keys, strict=True)]

    def hash(self, key: int) -> int:
        """``AutoContext(Point2D).hash`` of the key: Wyhash, seed 0, over its eight bytes."""
        known = self.hashes[key]
        if known != UNKNOWN_HASH:
            return known
        value = self.hashes[key] = wyhash.hash_point(*self.point(key))
        for capacity, homes in self._homes.items():
            homes[key] = value & (capacity - 1)
        return value

    def homes(self, capacity: int) -> list[int]:
        """For each key, the slot its probe starts at in a table of ``capacity`` slots
        (``hash & (capacity - 1)``), or :data:`UNKNOWN` until :meth:`hash` has seen the key.
        The list is kept up to date as keys are hashed."""
        homes = self._homes.get(capacity)
        if homes is None:
            mask = capacity - 1
            homes = [UNKNOWN if h == UNKNOWN_HASH else h & mask for h in self.hashes]
            self._homes[capacity] = homes
        return homes

    def regrid(self, window: Window) -> KeySpace:
        """A key space over ``window`` (which must hold this one's), keeping the hashes and
        homes known."""
        old = self.window
        assert window.holds(old)
        wider = KeySpace(window)
        if hash_window is not None:
            return wider  # it hashed every cell of its window already
        lists = [(self.hashes, wider.hashes)]
        for capacity, homes in self._homes.items():
            wider._homes[capacity] = [UNKNOWN] * (window.cells + 1)
            lists.append((homes, wider._homes[capacity]))
        for row in range(old.height):
            start = 1 + row * old.width
            at = window.cell(old.left, old.top + row)
            for narrow, wide in lists:
                wide[at : at + old.width] = narrow[start : start + old.width]
        return wider

    def bounds(self, names: Sequence[int]) -> Window:
        """The smallest window that holds the points of the nonzero ``names``
        (:data:`~aoc23.grid.NOWHERE` for none)."""
        window = self.window
        if cell_span is not None and window.cells and isinstance(names, array):
            span = cell_span(names, window.cells, window.width)
            if span is not None:
                first_row, last_row, first_column, last_column = span
                left, top = window.left + first_column, window.top + first_row
                return Window(left, top, last_column - first_column + 1, last_row - first_row + 1)
        points = self.points(list(filter(None, names)))
        return Window.around(points, 0) if points else NOWHERE

    def renamed(self, names: Sequence[int], old: KeySpace) -> MutableSequence[int]:
        """``names`` of ``old``'s keys (0 for none), as this key space names them, each with
        its hash known."""
        inside = old.window.cells if self.window.holds(old.window) else 0
        eager = hash_window is not None and renamed_cells is not None
        if inside and eager and isinstance(names, array):
            return self._renamed_natively(names, old)
        if inside:
            shift, per_row = old.window.renaming(self.window)
            width = old.window.width
            result = [
                name + shift + (name - 1) // width * per_row
                if 0 < name <= inside
                else name and self.key(old.point(name))
                for name in names
            ]
        else:
            result = [name and self.key(old.point(name)) for name in names]
        hashes = self.hashes
        for name in filter(None, result):
            if hashes[name] == UNKNOWN_HASH:
                self.hash(name)
        return result

    def _renamed_natively(self, names: array[int], old: KeySpace) -> array[int]:
        """:meth:`renamed` of a flat array whose every cell of ``old``'s window is renamed in
        one compiled pass (and hashed already: this key space hashed its whole window)."""
        assert renamed_cells is not None
        shift, per_row = old.window.renaming(self.window)
        result = names[:]
        for at in renamed_cells(result, old.window.cells, old.window.width, shift, per_row):
            result[at] = self.key(old.point(names[at]))
            self.hash(result[at])
        return result
