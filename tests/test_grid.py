"""Windows of tiles: cell numbers, and how a cell is renamed in a wider window."""

from hypothesis import given
from hypothesis import strategies as st

from aoc23.grid import NOWHERE, Window

windows = st.builds(
    Window, st.integers(-50, 50), st.integers(-50, 50), st.integers(1, 12), st.integers(1, 12)
)
margins = st.integers(0, 5)


@given(windows, margins, margins, margins, margins)
def test_renaming_into_a_wider_window_is_the_same_tile(
    window: Window, top: int, bottom: int, left: int, right: int
) -> None:
    wider = Window(
        window.left - left,
        window.top - top,
        window.width + left + right,
        window.height + top + bottom,
    )
    assert wider.holds(window)
    shift, per_row = window.renaming(wider)
    for cell in range(1, window.cells + 1):
        renamed = cell + shift + (cell - 1) // window.width * per_row
        assert wider.point(renamed) == window.point(cell)


def test_a_window_holds_itself_and_nothing_bigger() -> None:
    window = Window(-2, 3, 4, 5)
    assert window.holds(window) and window.holds(NOWHERE)
    assert not window.holds(window.grown(1))
    assert not window.holds(Window(-2, 3, 4, 6)) and not window.holds(Window(-3, 3, 4, 5))


points = st.lists(st.tuples(st.integers(-70, 70), st.integers(-70, 70)), max_size=30)


@given(windows, points)
def test_cells_and_points_in_bulk_are_cell_and_point_one_at_a_time(
    window: Window, some: list[tuple[int, int]]
) -> None:
    cells = window.cells_of(some)
    assert cells == [window.cell(x, y) if window.contains(x, y) else 0 for x, y in some]
    named = [cell for cell in cells if cell]
    assert window.points_of(named) == [window.point(cell) for cell in named]
    assert window.points_of([0, -1, window.cells + 1]) == [None, None, None]
