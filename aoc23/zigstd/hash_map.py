"""``std.AutoHashMap(Point2D, void)`` of Zig 0.11.0 (``lib/std/hash_map.zig``), in simulated bytes.

One allocation per table, aligned to 8, laid out as Zig lays it out for capacity ``C``::

    +0        header: values pointer (8) | keys pointer (8) | capacity u32 (4) | padding (4)
    +24       metadata: one byte per slot (0x00 free, 0x01 tombstone, 0x80 | fingerprint used)
    +24+C     keys: C x Point2D (le32 x, le32 y)
    +24+9C    values: C x void, zero bytes

Slot = ``hash & (C - 1)``, fingerprint = top 7 bits of the 64-bit Wyhash, linear probing.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from aoc23.errors import AllocatorMisuse
from aoc23.zigstd import wyhash
from aoc23.zigstd.mem import Allocator, Slice, align_forward

Point = tuple[int, int]

HEADER_SIZE = 24
KEY_SIZE = 8
KEY_ALIGN = 4
BLOCK_LOG2_ALIGN = 3
MINIMAL_CAPACITY = 8
MAX_LOAD_PERCENTAGE = 80

FREE = 0x00
TOMBSTONE = 0x01
USED = 0x80

_KEY = struct.Struct("<ii")
_HEADER = struct.Struct("<QQI")
_hash_cache: dict[Point, int] = {}


def point_hash(point: Point) -> int:
    """``AutoContext(Point2D).hash``: Wyhash with seed 0 over the key's 8 raw bytes."""
    cached = _hash_cache.get(point)
    if cached is None:
        cached = _hash_cache[point] = wyhash.hash_point(*point)
    return cached


def ceil_power_of_two(n: int) -> int:
    return 1 << max(n - 1, 0).bit_length()


def capacity_for_size(size: int) -> int:
    """The capacity Zig picks so that ``size`` entries stay under the maximum load."""
    return ceil_power_of_two(size * 100 // MAX_LOAD_PERCENTAGE + 1)


def max_load(capacity: int) -> int:
    return capacity * MAX_LOAD_PERCENTAGE // 100


def keys_offset(capacity: int) -> int:
    return align_forward(HEADER_SIZE + capacity, KEY_ALIGN)


def block_size(capacity: int) -> int:
    """Bytes of the single allocation behind a table of ``capacity`` slots (24 + 9C)."""
    keys_end = keys_offset(capacity) + KEY_SIZE * capacity
    return align_forward(keys_end, 1 << BLOCK_LOG2_ALIGN)


class AutoHashMap:
    """A managed hash set of ``Point2D`` whose table lives in an allocator's memory."""

    def __init__(self, allocator: Allocator) -> None:
        self.allocator = allocator
        self.block: Slice | None = None
        self.size = 0
        self.available = 0
        self._capacity = 0

    # -- bookkeeping ------------------------------------------------------------------

    def count(self) -> int:
        return self.size

    def capacity(self) -> int:
        return self._capacity

    def load(self) -> int:
        return max_load(self._capacity) - self.available

    def ensure_total_capacity(self, new_size: int) -> None:
        if new_size > self.size:
            self.grow_if_needed(new_size - self.size)

    def ensure_unused_capacity(self, additional: int) -> None:
        self.ensure_total_capacity(self.size + additional)

    def grow_if_needed(self, new_count: int) -> None:
        if new_count > self.available:
            self._grow(capacity_for_size(self.load() + new_count))

    # -- insertion and lookup ---------------------------------------------------------

    def put(self, point: Point) -> None:
        """Insert, growing the table first if it has no room left."""
        self.grow_if_needed(1)
        self.put_assume_capacity(point)

    def put_assume_capacity(self, point: Point) -> None:
        """``getOrPutAssumeCapacity``: find the key or take the first free slot (or tombstone)."""
        data, offset, capacity = self._table("putAssumeCapacity")
        meta = offset + HEADER_SIZE
        keys = offset + keys_offset(capacity)
        h = point_hash(point)
        tag = USED | (h >> 57)
        mask = capacity - 1
        slot = h & mask
        tombstone = -1
        for _ in range(capacity):
            byte = data[meta + slot]
            if byte == FREE:
                break
            if byte == tag and _KEY.unpack_from(data, keys + KEY_SIZE * slot) == point:
                return
            if byte == TOMBSTONE and tombstone < 0:
                tombstone = slot
            slot = (slot + 1) & mask
        if tombstone >= 0:
            slot = tombstone
        self._occupy(data, meta, keys, slot, tag, point)

    def put_assume_capacity_no_clobber(self, point: Point) -> None:
        """Insert a key known to be absent: take the first slot that is not in use."""
        data, offset, capacity = self._table("putAssumeCapacityNoClobber")
        meta = offset + HEADER_SIZE
        keys = offset + keys_offset(capacity)
        h = point_hash(point)
        mask = capacity - 1
        slot = h & mask
        while data[meta + slot] & USED:
            slot = (slot + 1) & mask
        self._occupy(data, meta, keys, slot, USED | (h >> 57), point)

    def contains(self, point: Point) -> bool:
        if self.size == 0 or self.block is None:
            return False
        data = self._data()
        meta = self.block.offset + HEADER_SIZE
        keys = self.block.offset + keys_offset(self._capacity)
        h = point_hash(point)
        tag = USED | (h >> 57)
        mask = self._capacity - 1
        slot = h & mask
        for _ in range(self._capacity):
            byte = data[meta + slot]
            if byte == FREE:
                return False
            if byte == tag and _KEY.unpack_from(data, keys + KEY_SIZE * slot) == point:
                return True
            slot = (slot + 1) & mask
        return False

    def key_iterator(self) -> Iterator[Point]:
        """The keys in slot order, as Zig's ``keyIterator`` visits them."""
        if self.size == 0 or self.block is None:
            return
        data = self._data()
        meta = self.block.offset + HEADER_SIZE
        keys = self.block.offset + keys_offset(self._capacity)
        for slot, byte in enumerate(data[meta : meta + self._capacity]):
            if byte & USED:
                yield _KEY.unpack_from(data, keys + KEY_SIZE * slot)

    # -- whole-table operations -------------------------------------------------------

    def clear_retaining_capacity(self) -> None:
        if self.block is None:
            return
        self._data()[self._metadata_range()] = bytes(self._capacity)
        self.size = 0
        self.available = max_load(self._capacity)

    def deinit(self) -> None:
        """Give the table back to the allocator (which may or may not reclaim it)."""
        if self.block is not None:
            self.allocator.free(self.block, BLOCK_LOG2_ALIGN)
        self.block = None
        self.available = 0
        self._capacity = 0
        self.size = 0

    # -- internals --------------------------------------------------------------------

    def _grow(self, requested: int) -> None:
        new_capacity = max(requested, MINIMAL_CAPACITY)
        fresh = AutoHashMap(self.allocator)
        fresh._allocate(new_capacity)
        for point in self.key_iterator():
            fresh.put_assume_capacity_no_clobber(point)
        old_block = self.block
        self.block, self._capacity = fresh.block, fresh._capacity
        self.available = fresh.available
        if old_block is not None:
            self.allocator.free(old_block, BLOCK_LOG2_ALIGN)

    def _allocate(self, capacity: int) -> None:
        block = self.allocator.alloc(block_size(capacity), BLOCK_LOG2_ALIGN)
        assert block.buffer is not None
        values_pointer = block.ptr + block_size(capacity)
        keys_pointer = block.ptr + keys_offset(capacity)
        block.buffer.write(block.offset, _HEADER.pack(values_pointer, keys_pointer, capacity))
        self.block = block
        self._capacity = capacity
        self._data()[self._metadata_range()] = bytes(capacity)
        self.available = max_load(capacity)

    def _occupy(
        self, data: bytearray, meta: int, keys: int, slot: int, tag: int, point: Point
    ) -> None:
        if self.available == 0:
            raise AllocatorMisuse("insert into a hash map with no capacity left")
        self.available -= 1
        data[meta + slot] = tag
        _KEY.pack_into(data, keys + KEY_SIZE * slot, *point)
        self.size += 1

    def _metadata_range(self) -> slice:
        assert self.block is not None
        start = self.block.offset + HEADER_SIZE
        return slice(start, start + self._capacity)

    def _data(self) -> bytearray:
        assert self.block is not None and self.block.buffer is not None
        return self.block.buffer.data

    def _table(self, action: str) -> tuple[bytearray, int, int]:
        """(bytes, offset of the table in them, capacity); Zig asserts a table exists."""
        if self.block is None:
            raise AllocatorMisuse(f"{action} on a hash map that has no table")
        return self._data(), self.block.offset, self._capacity
