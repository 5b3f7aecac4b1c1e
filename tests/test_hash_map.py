"""AutoHashMap(Point2D, void): sizes, capacities and placement, as real Zig printed them."""

import struct

import pytest

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
