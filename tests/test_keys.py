"""How the hash map names its keys: window cells, names past the window, cached hashes.

Hashes are made in one of two ways: each key in Python the first time it is asked for, or
every cell of the window at once by the compiled ``hash_window``. The tests of the first
switch the second off (``lazy``); those of the second run only where it was built.
"""

from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoc23.grid import NOWHERE, Window
from aoc23.zigstd import _keys, wyhash
from aoc23.zigstd._keys import UNKNOWN, UNKNOWN_HASH, KeySpace

WINDOW = Window(-2, -3, 5, 4)

needs_compiled = pytest.mark.skipif(
    _keys.hash_window is None, reason="the compiled hash_window was not built or not wanted"
)


@pytest.fixture
def lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_keys, "hash_window", None)


def test_points_inside_the_window_are_named_by_their_cell() -> None:
    keys = KeySpace(WINDOW)
    assert keys.key((-2, -3)) == 1 and keys.key((2, 0)) == WINDOW.cells
    assert keys.key((0, -2)) - keys.key((0, -3)) == WINDOW.width
    assert keys.point(keys.key((1, -1))) == (1, -1)


def test_points_outside_get_names_past_the_window_in_order_of_first_use() -> None:
    keys = KeySpace(WINDOW)
    far, farther = (100, 100), (-(2**31), 2**31 - 1)
    assert keys.find(far) is None
    assert (keys.key(far), keys.key(farther), keys.key(far)) == (21, 22, 21)
    assert keys.point(22) == farther and keys.find(far) == 21


def test_points_in_bulk_are_named_and_named_back_as_one_at_a_time() -> None:
    some = [(100, 100), (-2, -3), (2, 0), (-(2**31), 5), (100, 100), (0, -2)]
    one_at_a_time, bulk = KeySpace(WINDOW), KeySpace(WINDOW)
    names = bulk.keys(some)
    assert names == [one_at_a_time.key(point) for point in some]
    assert bulk.points(names) == some


@pytest.mark.usefixtures("lazy")
def test_hashes_are_wyhash_and_homes_follow_them_for_every_capacity() -> None:
    keys = KeySpace(WINDOW)
    homes = keys.homes(8)
    key = keys.key((1, 1))
    assert homes[key] == UNKNOWN
    assert keys.hash(key) == wyhash.hash_point(1, 1)
    assert homes[key] == wyhash.hash_point(1, 1) & 7
    assert keys.homes(64)[key] == wyhash.hash_point(1, 1) & 63


@pytest.mark.usefixtures("lazy")
def test_a_wider_window_keeps_the_hashes_known() -> None:
    keys = KeySpace(WINDOW)
    keys.hash(keys.key((0, 0)))
    wider = keys.regrid(WINDOW.grown(3))
    assert wider.homes(8)[wider.key((0, 0))] == wyhash.hash_point(0, 0) & 7
    assert wider.homes(8)[wider.key((1, 0))] == UNKNOWN


@pytest.mark.usefixtures("lazy")
def test_renamed_into_a_regrid_is_the_same_points_with_their_homes() -> None:
    keys = KeySpace(WINDOW)
    homes = keys.homes(16)
    far = keys.key((50, 50))
    names = [0, keys.key((-2, -3)), keys.key((2, 0)), far, 0, keys.key((0, -1))]
    for name in filter(None, names):
        keys.hash(name)
    wider = keys.regrid(Window(-4, -3, 9, 7))
    renamed = wider.renamed(names, keys)
    assert [wider.point(n) if n else None for n in renamed] == [
        keys.point(n) if n else None for n in names
    ]
    for old, new in zip(names, renamed, strict=True):
        if old:
            assert wider.homes(16)[new] == homes[old] != UNKNOWN
    assert wider.homes(16)[wider.key((1, 1))] == UNKNOWN


def test_renamed_into_a_space_that_does_not_hold_the_window_hashes_each_key() -> None:
    keys = KeySpace(WINDOW)
    names = [keys.key((-2, -3)), 0, keys.key((2, 0))]
    elsewhere = KeySpace(Window(0, 0, 3, 3))
    renamed = elsewhere.renamed(names, keys)
    assert renamed[1] == 0 and elsewhere.point(renamed[0]) == (-2, -3)
    assert elsewhere.point(renamed[2]) == (2, 0)
    assert elsewhere.homes(8)[renamed[0]] == wyhash.hash_point(-2, -3) & 7


@needs_compiled
@given(
    st.integers(-(2**31), 2**31 - 1),
    st.integers(-(2**31), 2**31 - 1),
    st.integers(1, 70),
    st.integers(0, 9),
)
def test_the_compiled_window_hashes_are_wyhash_of_each_cell(
    left: int, top: int, width: int, height: int
) -> None:
    assert _keys.hash_window is not None
    hashes = array("Q", bytes(8 * (width * height + 1)))
    _keys.hash_window(hashes, left, top, width)
    assert hashes[0] == UNKNOWN_HASH
    for key in range(1, len(hashes)):
        x, y = left + (key - 1) % width, top + (key - 1) // width
        wrapped = ((x + 2**31) % 2**32 - 2**31, (y + 2**31) % 2**32 - 2**31)
        assert hashes[key] == wyhash.hash_point(*wrapped)


@needs_compiled
def test_with_the_compiled_hashes_every_cell_is_known_before_it_is_asked_for() -> None:
    keys = KeySpace(WINDOW)
    wider = keys.regrid(WINDOW.grown(3))
    for space in (keys, wider):
        window = space.window
        homes = space.homes(8)
        for y in range(window.top, window.top + window.height):
            for x in range(window.left, window.left + window.width):
                assert homes[space.key((x, y))] == wyhash.hash_point(x, y) & 7
    far = wider.key((50, 50))
    assert wider.hashes[far] == UNKNOWN_HASH
    assert wider.hash(far) == wyhash.hash_point(50, 50) == wider.hashes[far]


@needs_compiled
@pytest.mark.parametrize(
    ("hashes", "width", "error"),
    [
        (array("q", bytes(16)), 1, TypeError),
        (array("Q", bytes(16)), 0, ValueError),
        (bytes(16), 1, BufferError),
        ([0, 0], 1, TypeError),
    ],
)
def test_the_compiled_window_hashes_refuse_what_they_cannot_write(
    hashes: object, width: int, error: type
) -> None:
    assert _keys.hash_window is not None
    with pytest.raises(error):
        _keys.hash_window(hashes, 0, 0, width)  # type: ignore[arg-type]


@needs_compiled
@given(
    st.integers(-50, 50),
    st.integers(-50, 50),
    st.integers(1, 9),
    st.integers(1, 9),
    st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)),
    st.lists(st.integers(0, 120), max_size=40),
)
def test_the_compiled_renaming_names_the_same_points_as_the_python_one(
    left: int,
    top: int,
    width: int,
    height: int,
    margins: tuple[int, int, int, int],
    drawn: list[int],
) -> None:
    narrow = KeySpace(Window(left, top, width, height))
    names = [name if name <= narrow.window.cells else narrow.key((900, name)) for name in drawn]
    more_left, more_top, more_right, more_bottom = margins
    wider_window = Window(
        left - more_left,
        top - more_top,
        width + more_left + more_right,
        height + more_top + more_bottom,
    )
    natively = KeySpace(wider_window).renamed(array("i", names), narrow)
    assert isinstance(natively, array)
    in_python = KeySpace(wider_window).renamed(names, narrow)
    assert list(natively) == list(in_python)
    wider = KeySpace(wider_window)
    points = [wider.point(n) if n else None for n in wider.renamed(array("i", names), narrow)]
    assert points == [narrow.point(n) if n else None for n in names]


@needs_compiled
@pytest.mark.parametrize(
    ("names", "args", "error"),
    [
        (array("l", [1]), (1, 1, 0, 0), TypeError),
        (array("i", [1]), (1, 0, 0, 0), ValueError),
        (array("i", [1]), (1, 1, 2**31, 0), IndexError),
        (bytes(4), (1, 1, 0, 0), BufferError),
    ],
)
def test_the_compiled_renaming_refuses_what_it_cannot_do(
    names: object, args: tuple[int, int, int, int], error: type
) -> None:
    assert _keys.renamed_cells is not None
    with pytest.raises(error):
        _keys.renamed_cells(names, *args)  # type: ignore[arg-type]


@given(
    st.integers(-50, 50),
    st.integers(-50, 50),
    st.integers(1, 9),
    st.integers(1, 9),
    st.lists(st.integers(0, 120), max_size=40),
)
def test_the_bounds_of_names_are_the_smallest_window_around_their_points(
    left: int, top: int, width: int, height: int, drawn: list[int]
) -> None:
    keys = KeySpace(Window(left, top, width, height))
    names = [name if name <= keys.window.cells else keys.key((900, name)) for name in drawn]
    points = [keys.point(name) for name in names if name]
    expected = Window.around(points, 0) if points else NOWHERE
    assert keys.bounds(names) == expected
    assert keys.bounds(array("i", names)) == expected


def test_no_names_are_bounded_by_no_window() -> None:
    assert KeySpace(WINDOW).bounds(array("i", [0, 0])) == NOWHERE
    assert KeySpace(WINDOW).bounds([]) == NOWHERE
    assert KeySpace().bounds(array("i", [0])) == NOWHERE
    outside = KeySpace()
    names = array("i", [0, outside.key((4, 5)), outside.key((-1, 7))])
    assert outside.bounds(names) == Window(-1, 5, 6, 3)


@needs_compiled
def test_the_compiled_span_counts_rows_and_columns_from_the_window_corner() -> None:
    assert _keys.cell_span is not None
    # a 5-wide window: cell 7 is row 1 column 1, cell 15 row 2 column 4, cell 3 row 0 column 2
    assert _keys.cell_span(array("i", [0, 7, 15, 0, 3]), 20, 5) == (0, 2, 1, 4)
    assert _keys.cell_span(array("i", [0, 21]), 20, 5) is None
    assert _keys.cell_span(array("i", [0, -1]), 20, 5) is None
    assert _keys.cell_span(array("i", []), 20, 5) is None


@needs_compiled
@pytest.mark.parametrize(
    ("names", "width", "error"),
    [(array("l", [1]), 1, TypeError), (array("i", [1]), 0, ValueError), ([1], 1, TypeError)],
)
def test_the_compiled_span_refuses_what_it_cannot_read(
    names: object, width: int, error: type
) -> None:
    assert _keys.cell_span is not None
    with pytest.raises(error):
        _keys.cell_span(names, 1, width)  # type: ignore[arg-type]
