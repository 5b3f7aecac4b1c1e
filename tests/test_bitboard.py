"""The whole-grid rules against the one-elf-at-a-time rules of aoc23.puzzle."""

from hypothesis import given
from hypothesis import strategies as st

from aoc23 import puzzle
from aoc23.bitboard import MARGIN, STAY, Board
from aoc23.grid import Window

grids = st.lists(st.lists(st.booleans(), min_size=1, max_size=12), min_size=1, max_size=12).filter(
    lambda rows: any(any(row) for row in rows)
)


def elves_of(rows: list[list[bool]]) -> list[puzzle.Point]:
    return [(x, y) for y, row in enumerate(rows) for x, elf in enumerate(row) if elf]


@given(grids, st.integers(0, 3), st.integers(1, 30))
def test_rounds_match_the_plain_rules(rows: list[list[bool]], first: int, rounds: int) -> None:
    elves = elves_of(rows)
    board = Board.around(elves)
    for index in range(first, first + rounds):
        if board.needs_room():
            board = board.grown()
        elves_after, moved = puzzle.step(elves, index)
        moves = board.step(index)
        assert sorted(board.window.point(c) for c in board.cells()) == sorted(elves_after)
        assert moves.moved == moved
        for start, end in zip(elves, elves_after, strict=True):
            cell = board.window.cell(*start)
            code = moves.codes[cell]
            assert board.window.point(cell + moves.offsets[code]) == end
            assert (code == STAY) == (start == end)
        elves = elves_after


def test_an_elf_on_the_rim_makes_the_window_grow_on_that_side() -> None:
    board = Board(Window(0, 0, 5, 5), [Window(0, 0, 5, 5).cell(2, 0)])
    assert board.needs_room()
    wider = board.grown()
    assert not wider.needs_room()
    assert wider.window == Window(0, -MARGIN, 5, 5 + MARGIN)
    assert [wider.window.point(c) for c in wider.cells()] == [(2, 0)]


@given(st.sets(st.tuples(st.integers(0, 9), st.integers(0, 6)), min_size=1))
def test_a_grown_board_has_the_same_elves(elves: set[tuple[int, int]]) -> None:
    window = Window(0, 0, 10, 7)
    board = Board(window, [window.cell(x, y) for x, y in elves])
    wider = board.grown()
    assert wider.window.holds(window)
    assert {wider.window.point(c) for c in wider.cells()} == elves


def test_a_new_board_keeps_a_margin_around_the_elves() -> None:
    board = Board.around([(0, 0), (3, 1)])
    assert board.window == Window(-MARGIN, -MARGIN, 4 + 2 * MARGIN, 2 + 2 * MARGIN)
    assert not board.needs_room()
