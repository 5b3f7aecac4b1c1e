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
