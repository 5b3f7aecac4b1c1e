"""AutoHashMap(Point2D, void): sizes, capacities and placement, as real Zig printed them."""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st
from native_parts import KINDS, working

from aoc23.errors import AllocatorMisuse
from aoc23.grid import Point, Window
from aoc23.zigstd._keys import KeySpace
from aoc23.zigstd.hash_map import (
    AutoHashMap,
    block_size,
    capacity_for_size,
    max_load,
)
from aoc23.zigstd.heap import FixedBufferAllocator
from aoc23.zigstd.mem import Allocator, Buffer

SIZES = {8: 96, 16: 168, 32: 312, 64: 600, 128: 1176, 256: 2328, 512: 4632}
SIZES |= {1024: 9240, 2048: 18456, 4096: 36888, 8192: 73752}


def new_map(size: int = 1 << 20, base: int = 0x10000) -> tuple[AutoHashMap, FixedBufferAllocator]:
    fba = FixedBufferAllocator(Buffer(size, base))
    return AutoHashMap(Allocator(fba)), fba


@pytest.mark.parametrize(("capacity", "size"), SIZES.items())
def test_table_bytes_per_capacity(capacity: int, size: int) -> None:
    assert block_size(capacity) == size


THRESHOLDS = {3: 4, 6: 8, 7: 16, 12: 16, 13: 32, 25: 32, 26: 64, 51: 64}
THRESHOLDS |= {1639: 4096, 2532: 4096, 3276: 4096, 3277: 8192}


@pytest.mark.parametrize(("entries", "capacity"), THRESHOLDS.items())
def test_capacity_for_size_thresholds(entries: int, capacity: int) -> None:
    assert capacity_for_size(entries) == capacity


@pytest.mark.parametrize("entries", [1, 2, 6])
def test_the_smallest_table_has_eight_slots(entries: int) -> None:
    cells, fba = new_map()
    cells.ensure_total_capacity(entries)
    assert cells.capacity() == 8 and fba.end_index == 96


def test_ensure_total_capacity_allocates_one_block_with_zig_layout() -> None:
    cells, fba = new_map()
    cells.ensure_total_capacity(5)
    assert (cells.capacity(), cells.available, fba.end_index) == (8, 6, 96)
    data = fba.buffer.read(0, 96)
    values_ptr, keys_ptr, capacity = struct.unpack_from("<QQI", data)
    assert (values_ptr, keys_ptr, capacity) == (0x10000 + 96, 0x10000 + 32, 8)
    assert data[20:24] == b"\xaa" * 4
    assert data[24:32] == bytes(8)
    assert data[32:] == b"\xaa" * 64


def test_placement_and_iteration_order_match_zig() -> None:
    cells, fba = new_map()
    cells.ensure_total_capacity(5)
    points = [(0, 0), (1, 0), (0, 1), (1, 2), (-1, -1), (69, 69)]
    for point in points:
        cells.put_assume_capacity(point)
    assert fba.buffer.read(24, 8) == bytes.fromhex("00d6f396ce87c200")
    assert list(cells.key_iterator()) == [(1, 0), (0, 0), (1, 2), (0, 1), (-1, -1), (69, 69)]


def test_growth_by_put_abandons_every_smaller_table() -> None:
    cells, fba = new_map()
    ends = {}
    for i in range(52):
        cells.put((i, -i))
        ends[i + 1] = fba.end_index
    assert [ends[n] for n in (1, 7, 13, 26, 52)] == [96, 264, 576, 1176, 2352]
    assert sorted(cells.key_iterator()) == sorted((i, -i) for i in range(52))


def test_putting_a_present_key_changes_nothing() -> None:
    cells, fba = new_map()
    cells.ensure_total_capacity(3)
    cells.put_assume_capacity((4, 4))
    before = fba.buffer.snapshot()
    cells.put_assume_capacity((4, 4))
    assert cells.count() == 1 and fba.buffer.snapshot() == before


def test_contains_sees_exactly_the_keys_put() -> None:
    cells, _ = new_map()
    cells.ensure_total_capacity(100)
    inside = [(x, 2 * x - 7) for x in range(100)]
    for point in inside:
        cells.put_assume_capacity(point)
    assert all(cells.contains(p) for p in inside)
    assert not any(cells.contains((x, 2 * x - 6)) for x in range(100))


def test_clear_retaining_capacity_keeps_the_table() -> None:
    cells, fba = new_map()
    cells.ensure_total_capacity(10)
    for x in range(10):
        cells.put_assume_capacity((x, x))
    end = fba.end_index
    cells.clear_retaining_capacity()
    assert cells.count() == 0 and list(cells.key_iterator()) == []
    assert cells.available == max_load(16) and fba.end_index == end


def test_deinit_fills_the_table_with_undefined_and_frees_it() -> None:
    cells, fba = new_map()
    cells.ensure_total_capacity(10)
    cells.put_assume_capacity((1, 1))
    cells.deinit()
    assert fba.end_index == 0
    assert fba.buffer.read(0, 168) == b"\xaa" * 168


# -- the step's bulk operations against one put at a time ------------------------------------

BOTH_KINDS = pytest.mark.parametrize("kind", KINDS)

WINDOW = Window(-20, -20, 60, 60)
OFFSETS = (0, -WINDOW.width, WINDOW.width, -1, 1)
spots = st.tuples(st.integers(-10, 30), st.integers(-10, 30))
rounds_of_codes = st.lists(
    st.lists(st.sampled_from([0, 0, 1, 2, 3, 4]), min_size=40, max_size=40), max_size=3
)


class Program:
    """``grid.cells`` and the buffers around it, built the same way for both ways of working."""

    def __init__(self, points: list[Point], extra: int, sharing: KeySpace | None = None) -> None:
        self.keys = sharing or KeySpace(WINDOW)
        self.main = FixedBufferAllocator(Buffer(1 << 16, 0x10000))
        self.cells = AutoHashMap(Allocator(self.main), self.keys)
        self.cells.ensure_total_capacity(len(points) + extra)
        for point in points:
            self.cells.put_assume_capacity(point)

    def scratch(self) -> AutoHashMap:
        scratch = AutoHashMap(Allocator(FixedBufferAllocator(Buffer(1 << 16, 0x20000))), self.keys)
        scratch.ensure_total_capacity(self.cells.count())
        return scratch


def codes_for(cells: AutoHashMap, drawn: list[int]) -> bytes:
    """A code for each key, as drawn, except that keys which would end on the same tile
    stay where they are instead (as the puzzle's elves do)."""
    points = cells.key_iterator()
    wanted = {WINDOW.cell(*point): code for point, code in zip(points, drawn, strict=False)}
    while True:
        ends: dict[int, int] = {}
        for cell, code in wanted.items():
            end = cell + OFFSETS[code]
            ends[end] = ends.get(end, 0) + 1
        clashing = [c for c, code in wanted.items() if code and ends[c + OFFSETS[code]] > 1]
        if not clashing:
            break
        for cell in clashing:
            wanted[cell] = 0
    codes = bytearray(WINDOW.cells + 1)
    for cell, code in wanted.items():
        codes[cell] = code
    return bytes(codes)


def moved(point: Point, code: int) -> Point:
    return WINDOW.point(WINDOW.cell(*point) + OFFSETS[code])


@BOTH_KINDS
@given(st.lists(spots, min_size=1, max_size=40, unique=True), st.integers(0, 20), rounds_of_codes)
def test_put_each_moved_is_one_put_at_a_time(
    kind: str, points: list[Point], extra: int, rounds: list[list[int]]
) -> None:
    with working(kind):
        put_each_moved_against_single_puts(points, extra, rounds)


def put_each_moved_against_single_puts(
    points: list[Point], extra: int, rounds: list[list[int]]
) -> None:
    bulk, single = Program(points, extra), Program(points, extra)
    for drawn in rounds:
        codes = codes_for(bulk.cells, drawn)
        fresh = bulk.scratch()
        fresh._put_each_moved(bulk.cells, codes, OFFSETS)
        bulk.cells.deinit()
        bulk.cells = fresh
        plain = single.scratch()
        for point in single.cells.key_iterator():
            plain.put_assume_capacity(moved(point, codes[WINDOW.cell(*point)]))
        single.cells.deinit()
        single.cells = plain
        assert list(bulk.cells.key_iterator()) == list(plain.key_iterator())
        assert bulk.cells.block is not None and plain.block is not None
        assert bulk.cells.block.buffer is not None and plain.block.buffer is not None
        assert bulk.cells.block.buffer.touched() == plain.block.buffer.touched()
    assert bulk.main.buffer.touched() == single.main.buffer.touched()


@BOTH_KINDS
@given(st.lists(spots, max_size=40, unique=True), st.integers(0, 20))
def test_put_each_absent_is_one_put_at_a_time(kind: str, points: list[Point], extra: int) -> None:
    with working(kind):
        bulk, single = Program([], len(points) + extra), Program(points, extra)
        bulk.cells._put_each_absent(points)
        assert list(bulk.cells.key_iterator()) == list(single.cells.key_iterator())
        assert bulk.cells.count() == single.cells.count() == len(points)
        assert bulk.main.buffer.touched() == single.main.buffer.touched()


def test_put_each_absent_wants_an_empty_table_with_room() -> None:
    program = Program([(0, 0)], 1)
    with pytest.raises(AllocatorMisuse, match="not empty"):
        program.cells._put_each_absent([(1, 1)])
    roomless = Program([], 1)
    with pytest.raises(AllocatorMisuse, match="no capacity"):
        roomless.cells._put_each_absent([(n, n) for n in range(9)])


@BOTH_KINDS
@given(
    st.lists(spots, min_size=1, max_size=40, unique=True),
    st.integers(0, 20),
    rounds_of_codes,
    st.booleans(),
)
def test_move_through_is_the_tempalloc_step_done_one_put_at_a_time(
    kind: str, points: list[Point], extra: int, rounds: list[list[int]], look_between: bool
) -> None:
    with working(kind):
        move_through_against_single_puts(points, extra, rounds, look_between)


def move_through_against_single_puts(
    points: list[Point], extra: int, rounds: list[list[int]], look_between: bool
) -> None:
    bulk, single = Program(points, extra), Program(points, extra)
    for drawn in rounds:
        codes = codes_for(bulk.cells, drawn)
        scratch = bulk.scratch()
        bulk.cells._move_through(scratch, codes, OFFSETS)
        plain = single.scratch()
        for point in single.cells.key_iterator():
            plain.put_assume_capacity(moved(point, codes[WINDOW.cell(*point)]))
        single.cells.clear_retaining_capacity()
        for point in plain.key_iterator():
            single.cells.put_assume_capacity(point)
        assert list(bulk.cells.key_iterator()) == list(single.cells.key_iterator())
        assert scratch.block is not None and scratch.block.buffer is not None
        assert plain.block is not None and plain.block.buffer is not None
        assert scratch.block.buffer.touched() == plain.block.buffer.touched()
        if look_between:
            assert bulk.main.buffer.touched()[-100:] == single.main.buffer.touched()[-100:]
    assert bulk.main.buffer.touched() == single.main.buffer.touched()


@BOTH_KINDS
def test_a_cluster_that_wraps_past_the_last_slot_is_laid_out_again(kind: str) -> None:
    with working(kind):
        wrapping_cluster_laid_out_again()


def wrapping_cluster_laid_out_again() -> None:
    keys = KeySpace(WINDOW)
    by_home: dict[int, list[Point]] = {}
    for point in ((x, y) for x in range(-10, 30) for y in range(-10, 30)):
        by_home.setdefault(keys.hash(keys.key(point)) & 7, []).append(point)
    a, b = by_home[7][:2]
    c = by_home[0][0]
    single = Program([a, b, c], 0, keys)
    assert single.cells.capacity() == 8
    assert list(single.cells.key_iterator()) == [b, c, a]
    scratch = single.scratch()
    single.cells._move_through(scratch, bytes(WINDOW.cells + 1), OFFSETS)
    assert list(scratch.key_iterator()) == [c, a, b]
    assert list(single.cells.key_iterator()) == [c, b, a]
    plain = Program([a, b, c], 0, keys)
    plain.cells.clear_retaining_capacity()
    for point in (c, a, b):
        plain.cells.put_assume_capacity(point)
    assert single.main.buffer.touched() == plain.main.buffer.touched()


def test_bytes_owed_are_written_when_read_and_forgotten_when_overwritten() -> None:
    cells, fba = new_map()
    cells.ensure_total_capacity(3)
    cells.put_assume_capacity((1, 2))
    assert fba.buffer.peek(24, 8) == b"\xaa" * 8
    table = fba.buffer.read(0, 96)
    assert table[24:32].count(0) == 7 and bytes.fromhex("0100000002000000") in table
    cells.put_assume_capacity((3, 4))
    cells.deinit()
    assert fba.buffer.read(0, 96) == b"\xaa" * 96
