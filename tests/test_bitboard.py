"""The whole-grid rules against the one-elf-at-a-time rules of aoc23.puzzle, and the compiled
engine (aoc23/_bitboard.c) against the big-int one.

``BigIntGrid`` is the reference; the compiled twin must give the same cells, rim, widened
grid and codes for any board, and refuse bad input with an exception rather than read or
write out of bounds. Without a C compiler at install time the twin is not built and its
tests say so (skipped).
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoc23 import bitboard, puzzle
from aoc23.bitboard import MARGIN, STAY, BigIntGrid, Board, Engine
from aoc23.grid import Window

try:
    from aoc23._bitboard import Grid as CompiledGrid
except ImportError:  # pragma: no cover - a machine without a C compiler
    CompiledGrid = None  # type: ignore[assignment, misc]

BLOG = Path(__file__).resolve().parent.parent / "inputs" / "blog-70x70.txt"

needs_compiled = pytest.mark.skipif(
    CompiledGrid is None, reason="the compiled rules were not built"
)

ENGINES = [
    pytest.param(BigIntGrid, id="python"),
    pytest.param(CompiledGrid, id="compiled", marks=needs_compiled),
]

grids = st.lists(st.lists(st.booleans(), min_size=1, max_size=12), min_size=1, max_size=12).filter(
    lambda rows: any(any(row) for row in rows)
)


def elves_of(rows: list[list[bool]]) -> list[puzzle.Point]:
    return [(x, y) for y, row in enumerate(rows) for x, elf in enumerate(row) if elf]


# -- each engine against the plain rules -----------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@given(grids, st.integers(0, 3), st.integers(1, 30))
def test_rounds_match_the_plain_rules(
    engine: Engine, rows: list[list[bool]], first: int, rounds: int
) -> None:
    elves = elves_of(rows)
    board = Board.around(elves, engine)
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


@pytest.mark.parametrize("engine", ENGINES)
def test_an_elf_on_the_rim_makes_the_window_grow_on_that_side(engine: Engine) -> None:
    board = Board(Window(0, 0, 5, 5), [Window(0, 0, 5, 5).cell(2, 0)], engine)
    assert board.needs_room()
    wider = board.grown()
    assert not wider.needs_room()
    assert wider.window == Window(0, -MARGIN, 5, 5 + MARGIN)
    assert [wider.window.point(c) for c in wider.cells()] == [(2, 0)]


@pytest.mark.parametrize("engine", ENGINES)
@given(st.sets(st.tuples(st.integers(0, 9), st.integers(0, 6)), min_size=1))
def test_a_grown_board_has_the_same_elves(engine: Engine, elves: set[tuple[int, int]]) -> None:
    window = Window(0, 0, 10, 7)
    board = Board(window, [window.cell(x, y) for x, y in elves], engine)
    wider = board.grown()
    assert wider.window.holds(window)
    assert {wider.window.point(c) for c in wider.cells()} == elves


def test_a_new_board_keeps_a_margin_around_the_elves() -> None:
    board = Board.around([(0, 0), (3, 1)])
    assert board.window == Window(-MARGIN, -MARGIN, 4 + 2 * MARGIN, 2 + 2 * MARGIN)
    assert not board.needs_room()


# -- the compiled engine against the reference ------------------------------------------------

WIDTHS = st.one_of(
    st.integers(1, 12), st.sampled_from([62, 63, 64, 65, 66, 127, 128, 129, 130, 191, 192, 193])
)


def rim_cells(width: int, height: int) -> list[int]:
    window = Window(0, 0, width, height)
    return [c for c in range(1, window.cells + 1) if window.on_rim(c)]


@st.composite
def boards(draw: st.DrawFn) -> tuple[Window, list[int]]:
    """A window of any width around the 64-bit word boundaries and some elves, dense or
    sparse, some of them on the rim."""
    width, height = draw(WIDTHS), draw(st.integers(1, 14))
    window = Window(draw(st.integers(-99, 99)), draw(st.integers(-99, 99)), width, height)
    density = draw(st.sampled_from([0.05, 0.3, 0.7, 1.0]))
    inside = draw(st.randoms(use_true_random=False))
    cells = [c for c in range(1, window.cells + 1) if inside.random() < density]
    on_rim = draw(st.lists(st.sampled_from(rim_cells(width, height)), max_size=3))
    return window, cells + on_rim


def same_board(python: Board, compiled: Board) -> None:
    assert compiled.window == python.window
    assert compiled.offsets == python.offsets
    assert compiled.cells() == python.cells()
    assert compiled.needs_room() == python.needs_room()


@needs_compiled
@given(boards(), st.integers(-5, 2**70), st.integers(1, 40))
def test_the_compiled_rules_play_every_round_as_the_python_rules(
    board: tuple[Window, list[int]], first: int, rounds: int
) -> None:
    window, cells = board
    python, compiled = Board(window, cells, BigIntGrid), Board(window, cells, CompiledGrid)
    same_board(python, compiled)
    for index in range(first, first + rounds):
        if python.needs_room():
            python, compiled = python.grown(), compiled.grown()
            same_board(python, compiled)
        assert compiled.step(index) == python.step(index)
        same_board(python, compiled)


@needs_compiled
@given(boards(), st.lists(st.integers(0, 70), min_size=4, max_size=4))
def test_a_compiled_grid_widens_as_the_python_one(
    board: tuple[Window, list[int]], margins: list[int]
) -> None:
    window, cells = board
    python = BigIntGrid(window.width, window.height, cells)
    compiled = CompiledGrid(window.width, window.height, cells)
    assert compiled.rim() == python.rim()
    wider_python, wider_compiled = python.widened(*margins), compiled.widened(*margins)
    assert wider_compiled.cells() == wider_python.cells()
    assert wider_compiled.rim() == wider_python.rim()


@needs_compiled
@pytest.mark.parametrize("width", [1, 2, 63, 64, 65, 128])
def test_each_side_of_the_rim_is_seen_on_its_own(width: int) -> None:
    height = 3
    window = Window(0, 0, width, height)
    corners = {
        "top": window.cell(width // 2, 0),
        "bottom": window.cell(width // 2, height - 1),
        "left": window.cell(0, 1),
        "right": window.cell(width - 1, 1),
    }
    for cell in corners.values():
        python, compiled = BigIntGrid(width, height, [cell]), CompiledGrid(width, height, [cell])
        assert compiled.rim() == python.rim() != 0


@needs_compiled
def test_the_blog_input_plays_the_same_to_the_end() -> None:
    elves = puzzle.parse(BLOG.read_bytes())
    python, compiled = Board.around(elves, BigIntGrid), Board.around(elves, CompiledGrid)
    for index in range(2000):
        if python.needs_room():
            python, compiled = python.grown(), compiled.grown()
        moves = compiled.step(index)
        assert moves == python.step(index)
        if not moves.moved:
            break
    assert index == 1042
    same_board(python, compiled)


# -- the compiled engine refuses bad input ----------------------------------------------------


def raising() -> Iterator[int]:
    yield 1
    raise RuntimeError("no more cells")


@needs_compiled
@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("5", 5, []), TypeError),
        ((5.0, 5, []), TypeError),
        ((5, 5), TypeError),
        ((5, 5, [], []), TypeError),
        ((0, 5, []), ValueError),
        ((5, 0, []), ValueError),
        ((-1, 5, []), ValueError),
        ((2**20 + 1, 1, []), ValueError),
        ((1, 2**20 + 1, []), ValueError),
        ((2**70, 1, []), OverflowError),
        ((5, 5, None), TypeError),
        ((5, 5, 7), TypeError),
        ((5, 5, [0]), IndexError),
        ((5, 5, [-1]), IndexError),
        ((5, 5, [26]), IndexError),
        ((5, 5, [2**70]), OverflowError),
        ((5, 5, ["1"]), TypeError),
        ((5, 5, [1.0]), TypeError),
        ((5, 5, raising()), RuntimeError),
    ],
)
def test_a_compiled_grid_refuses_bad_input(args: tuple[object, ...], error: type) -> None:
    with pytest.raises(error):
        CompiledGrid(*args)  # type: ignore[arg-type]


@needs_compiled
def test_a_compiled_grid_takes_no_keywords() -> None:
    with pytest.raises(TypeError):
        CompiledGrid(5, 5, cells=[])  # type: ignore[call-arg]


@needs_compiled
@pytest.mark.parametrize(
    ("margins", "error"),
    [
        ((-1, 0, 0, 0), ValueError),
        ((0, 0, 0, -1), ValueError),
        ((0, 2**20 + 1, 0, 0), ValueError),
        ((0, 0, 2**20, 0), ValueError),  # wider than 2**20 in all
        ((2**70, 0, 0, 0), OverflowError),
        (("1", 0, 0, 0), TypeError),
        ((1, 2, 3), TypeError),
    ],
)
def test_a_compiled_grid_refuses_bad_margins(margins: tuple[object, ...], error: type) -> None:
    grid = CompiledGrid(5, 5, [7])
    with pytest.raises(error):
        grid.widened(*margins)  # type: ignore[arg-type]
    assert grid.cells() == [7]


@needs_compiled
@pytest.mark.parametrize(
    ("round_index", "error"), [("1", TypeError), (1.0, TypeError), (None, TypeError)]
)
def test_a_compiled_step_refuses_a_round_that_is_no_int(round_index: object, error: type) -> None:
    grid = CompiledGrid(5, 5, [7, 13])
    with pytest.raises(error):
        grid.step(round_index)  # type: ignore[arg-type]
    assert grid.cells() == [7, 13]


@needs_compiled
@pytest.mark.parametrize("cell", rim_cells(5, 4))
def test_a_compiled_step_refuses_an_elf_on_the_rim(cell: int) -> None:
    grid = CompiledGrid(5, 4, [cell, 7])
    with pytest.raises(ValueError, match="rim"):
        grid.step(0)
    assert grid.cells() == sorted({cell, 7})


@needs_compiled
def test_the_widest_compiled_grid_steps() -> None:
    width = 2**20
    middle = width + width // 2
    grid = CompiledGrid(width, 3, [middle, middle + 1])
    moved, codes = grid.step(2)  # west first
    assert moved and len(codes) == 3 * width + 1
    assert (codes[middle], codes[middle + 1]) == (3, 4)
    assert grid.cells() == [middle - 1, middle + 2]


@needs_compiled
def test_the_compiled_grid_keeps_no_memory_it_does_not_hand_back() -> None:
    def churn() -> None:
        grid = CompiledGrid(130, 40, range(131, 130 * 39, 3))
        for index in range(20):
            if grid.rim():
                grid = grid.widened(8, 8, 8, 8)
            grid.step(index)
            grid.cells()
        for cells in ([0], [10**6], ["x"], raising()):
            with suppress(IndexError, TypeError, RuntimeError):
                CompiledGrid(130, 40, cells)
        with suppress(ValueError):
            grid.widened(-1, 0, 0, 0)

    churn()
    tracemalloc.start()
    try:
        churn()
        first, _ = tracemalloc.get_traced_memory()
        for _ in range(20):
            churn()
        last, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last - first < 4096


# -- which engine runs ------------------------------------------------------------------------


def test_the_python_rules_are_chosen_when_the_compiled_ones_are_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AOC23_PURE_PYTHON", raising=False)
    monkeypatch.setitem(sys.modules, "aoc23._bitboard", None)
    assert bitboard._compiled_rules() is None


@pytest.mark.parametrize("engine", ENGINES)
def test_a_board_uses_the_engine_it_is_given(engine: Engine) -> None:
    board = Board(Window(0, 0, 3, 3), [5], engine)
    assert isinstance(board._grid, engine)  # type: ignore[arg-type]
    assert isinstance(board.grown()._grid, engine)  # type: ignore[arg-type]
