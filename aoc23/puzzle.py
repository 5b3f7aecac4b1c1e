"""Advent of Code 2022, day 23 ("Unstable Diffusion"): parsing, the rules, the answers.

The rules here go one elf at a time, as the puzzle states them; the simulation plays them
with :mod:`aoc23.bitboard`, which is tested against these. Knows nothing of memory.
Coordinates: ``x`` is the column, ``y`` the line (0 at the top),
so north is ``y - 1``. An elf is a ``(x, y)`` tuple.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aoc23.errors import PuzzleInputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

Point = tuple[int, int]

NORTH, SOUTH, WEST, EAST = (0, -1), (0, 1), (-1, 0), (1, 0)
DIRECTIONS: tuple[Point, ...] = (NORTH, SOUTH, WEST, EAST)
"""The order an elf considers directions in round 0; each round starts one further along."""

NEIGHBOURS: tuple[Point, ...] = tuple(
    (dx, dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dx, dy) != (0, 0)
)


def parse(text: bytes) -> list[Point]:
    """The elves (``#``) in reading order. ``.`` is ground; ``\\n`` or ``\\r\\n`` ends a line."""
    elves: list[Point] = []
    for y, line in enumerate(text.split(b"\n")):
        if line.endswith(b"\r"):
            line = line[:-1]
        if line.translate(None, b"#."):
            _refuse(line, y)
        x = line.find(b"#")
        while x >= 0:
            elves.append((x, y))
            x = line.find(b"#", x + 1)
    if not elves:
        raise PuzzleInputError("no elves: the input has no '#'")
    return elves


def _refuse(line: bytes, y: int) -> NoReturn:
    """Raise for the first byte of ``line`` (line ``y``) that is neither ``#`` nor ``.``."""
    x = next(x for x, char in enumerate(line) if char not in b"#.")
    raise PuzzleInputError(
        f"unexpected {_describe(line[x])}: expected '#', '.' or a line end",
        line=y + 1,
        column=x + 1,
    )


def _describe(char: int) -> str:
    if 0x21 <= char <= 0x7E:
        return f"character {chr(char)!r}"
    return f"byte 0x{char:02x}"


def proposal(elf: Point, occupied: set[Point] | frozenset[Point], round_index: int) -> Point:
    """Where ``elf`` wants to go in round ``round_index`` (0-based); itself when it stays."""
    x, y = elf
    free = [(x + dx, y + dy) not in occupied for dx, dy in NEIGHBOURS]
    if all(free):
        return elf
    for turn in range(4):
        dx, dy = DIRECTIONS[(round_index + turn) % 4]
        if _side_is_free(x, y, dx, dy, occupied):
            return x + dx, y + dy
    return elf


def _side_is_free(
    x: int, y: int, dx: int, dy: int, occupied: set[Point] | frozenset[Point]
) -> bool:
    if dy:
        return all((x + side, y + dy) not in occupied for side in (-1, 0, 1))
    return all((x + dx, y + side) not in occupied for side in (-1, 0, 1))


def step(elves: Sequence[Point], round_index: int) -> tuple[list[Point], bool]:
    """One round: each elf's position afterwards (same order as ``elves``), and whether any moved.

    Two elves can only propose the same tile from opposite sides of it (any other pair
    would see each other and rule that direction out), so a target ``t`` reached by moving
    ``d`` is contested exactly when the elf at ``t + d`` proposes ``t`` too.
    """
    occupied = set(elves)
    targets = {elf: proposal(elf, occupied, round_index) for elf in elves}
    moved = False
    result: list[Point] = []
    for elf in elves:
        target = targets[elf]
        if target != elf:
            beyond = (2 * target[0] - elf[0], 2 * target[1] - elf[1])
            if targets.get(beyond) == target:
                target = elf
            else:
                moved = True
        result.append(target)
    return result, moved


def empty_ground(elves: Iterable[Point]) -> int:
    """Part 1: ground tiles in the smallest rectangle that holds every elf."""
    points = list(elves)
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return empty_ground_in(max(xs) - min(xs) + 1, max(ys) - min(ys) + 1, len(points))


def empty_ground_in(width: int, height: int, elves: int) -> int:
    """Part 1, given the size of the smallest rectangle that holds the elves, and how many
    there are."""
    return width * height - elves
