"""``std.AutoHashMap(Point2D, void)`` of Zig 0.11.0 (``lib/std/hash_map.zig``), in simulated bytes.

One allocation per table, aligned to 8, laid out as Zig lays it out for capacity ``C``::

    +0        header: values pointer (8) | keys pointer (8) | capacity u32 (4) | padding (4)
    +24       metadata: one byte per slot (0x00 free, 0x80 | fingerprint used)
    +24+C     keys: C x Point2D (le32 x, le32 y)
    +24+9C    values: C x void, zero bytes

Slot = ``hash & (C - 1)``, fingerprint = top 7 bits of the 64-bit Wyhash, linear probing.
Zig's tombstone (0x01) never appears: nothing here removes a single key.

Python keeps each table as a sequence of slots too (0 for a free slot, else the key's name in
a :class:`~aoc23.zigstd._keys.KeySpace`): a flat ``array('i')`` that the compiled fill works on,
or a list when the fill runs in Python (which is faster on lists). The operations work on
those slots; the metadata and key bytes they stand for are written into the buffer when
something reads the buffer (a dump, a snapshot). So every byte anyone sees is the byte Zig
would have there, and a round that nobody looks at costs no byte writing.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable, Iterator, MutableSequence, Sequence

from aoc23.errors import AllocatorMisuse
from aoc23.grid import Window
from aoc23.native import compiled_part
from aoc23.zigstd._keys import KeySpace
from aoc23.zigstd.mem import Allocator, Slice, align_forward

Point = tuple[int, int]
Slots = MutableSequence[int]

HEADER_SIZE = 24
KEY_SIZE = 8
KEY_ALIGN = 4
BLOCK_LOG2_ALIGN = 3
MINIMAL_CAPACITY = 8
MAX_LOAD_PERCENTAGE = 80

FREE = 0x00
USED = 0x80

_KEY = struct.Struct("<ii")
_HEADER = struct.Struct("<QQI")


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


class Layout:
    """Where the parts of a table of ``capacity`` slots lie in its one block."""

    __slots__ = ("keys_at", "max_load", "size")

    def __init__(self, capacity: int) -> None:
        self.size = block_size(capacity)
        self.keys_at = keys_offset(capacity)
        self.max_load = max_load(capacity)


_LAYOUTS: dict[int, Layout] = {}


def layout_of(capacity: int) -> Layout:
    """The layout of a table of ``capacity`` slots (worked out once per capacity)."""
    layout = _LAYOUTS.get(capacity)
    if layout is None:
        layout = _LAYOUTS[capacity] = Layout(capacity)
    return layout


class AutoHashMap:
    """A managed hash set of ``Point2D`` whose table lives in an allocator's memory."""

    def __init__(self, allocator: Allocator, keys: KeySpace | None = None) -> None:
        self.allocator = allocator
        self.keys = keys if keys is not None else KeySpace()
        self.block: Slice | None = None
        self.size = 0
        self.available = 0
        self._capacity = 0
        self._slots: Slots = []
        self._owed: Slots | None = None
        """Key writes not yet in the buffer, by slot (0: none), in the order they were made."""
        self._stale = False
        """True when the buffer's metadata or keys lag behind the slots."""

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
        """``getOrPutAssumeCapacity``: find the key or take the first free slot."""
        self._require_table("putAssumeCapacity")
        key = self.keys.key(point)
        slots, mask = self._slots, self._capacity - 1
        slot = self.keys.hash(key) & mask
        while occupant := slots[slot]:
            if occupant == key:
                return
            slot = (slot + 1) & mask
        self._occupy(slot, key)

    def put_assume_capacity_no_clobber(self, point: Point) -> None:
        """Insert a key known to be absent: take the first slot that is not in use."""
        self._require_table("putAssumeCapacityNoClobber")
        self._place_absent(self.keys.key(point))

    def contains(self, point: Point) -> bool:
        key = self.keys.find(point)
        if self.size == 0 or key is None:
            return False
        slots, mask = self._slots, self._capacity - 1
        slot = self.keys.hash(key) & mask
        while occupant := slots[slot]:
            if occupant == key:
                return True
            slot = (slot + 1) & mask
        return False

    def key_iterator(self) -> Iterator[Point]:
        """The keys in slot order, as Zig's ``keyIterator`` visits them."""
        return iter(self.keys.points(list(filter(None, self._slots))))

    def key_bounds(self) -> Window:
        """The smallest window that holds every key (no window at all when empty)."""
        return self.keys.bounds(self._slots)

    # -- the step's bulk operations ---------------------------------------------------

    def _put_each_moved(self, source: AutoHashMap, codes: bytes, offsets: Sequence[int]) -> None:
        """``put_assume_capacity`` of every key of ``source``, visited in slot order, each
        moved on the way: key ``k`` goes in as ``k + offsets[codes[k]]``. The same slots and
        bytes as those calls one by one, provided no two keys end up equal (the puzzle's
        rules see to that). This table must be empty, with room for them all, and share
        ``source``'s key space (whose window holds the moved keys)."""
        self._prepare_bulk(source)
        self._adopt(fill(self._fill_args(source._slots, codes, offsets), None), source.size)

    def _put_each_absent(self, points: Sequence[Point]) -> None:
        """``put_assume_capacity`` of each point, in order, into this empty table: the same
        slots and bytes as those calls one by one, provided no two points are equal (the
        parsed elves are not)."""
        if not points:
            return
        self._require_table("putAssumeCapacity")
        if self.size:
            raise AllocatorMisuse("bulk insert into a hash map that is not empty")
        if len(points) > self.available:
            raise AllocatorMisuse("insert into a hash map with no capacity left")
        keys = self.keys
        source = slots_of(keys.keys(points))
        if fill is _fill_in_python:
            for key in source:
                keys.hash(key)  # the Python fill reads homes, known once a key is hashed
        staying = bytes(len(keys.hashes))
        self._adopt(fill(self._fill_args(source, staying, (0,)), None), len(points))

    def _move_through(self, scratch: AutoHashMap, codes: bytes, offsets: Sequence[int]) -> None:
        """The blog's ``step_with_tempalloc`` in one pass: ``scratch._put_each_moved(self, …)``,
        then ``clear_retaining_capacity`` and ``put_assume_capacity`` of each of ``scratch``'s
        keys in its slot order. Same result, slot for slot and byte for byte."""
        scratch._prepare_bulk(self)
        if scratch._capacity != self._capacity:
            scratch._put_each_moved(self, codes, offsets)
            self.clear_retaining_capacity()
            self._put_all_of(scratch)
            return
        owed = self._owed_list()
        if owed is self._slots:
            owed = self._owed = owed[:]
        scratch._adopt(fill(scratch._fill_args(self._slots, codes, offsets), owed), self.size)
        self.clear_retaining_capacity()
        slots, wrapped = _reinserted(scratch._slots, self.keys.hash)
        for slot in wrapped:
            owed[slot] = slots[slot]
        self._slots = slots
        self.size = scratch.size
        self.available -= self.size

    # -- whole-table operations -------------------------------------------------------

    def clear_retaining_capacity(self) -> None:
        if self.block is None:
            return
        self._slots = new_slots(self._capacity)
        self.size = 0
        self.available = max_load(self._capacity)
        self._stale = True

    def deinit(self) -> None:
        """Give the table back to the allocator (which may or may not reclaim it)."""
        if self.block is not None:
            self.allocator.free(self.block, BLOCK_LOG2_ALIGN)
        self.block = None
        self.available = 0
        self._capacity = 0
        self.size = 0
        self._slots = []
        self._owed = None

    def _rekey(self, keys: KeySpace) -> None:
        """Name the keys in ``keys`` from now on (the slots and bytes stay as they are)."""
        owed_is_slots = self._owed is self._slots
        self._slots = slots_of(keys.renamed(self._slots, self.keys))
        if owed_is_slots:
            self._owed = self._slots
        elif self._owed is not None:
            self._owed = slots_of(keys.renamed(self._owed, self.keys))
        self.keys = keys

    # -- the bytes --------------------------------------------------------------------

    def _write_bytes(self) -> None:
        """Bring the buffer's metadata and keys up to date with the slots."""
        if not self._stale or self.block is None or self.block.buffer is None:
            return
        buffer, start, capacity = self.block.buffer, self.block.offset, self._capacity
        keys = self.keys
        metadata = bytes(USED | keys.hash(key) >> 57 if key else FREE for key in self._slots)
        buffer.poke(start + HEADER_SIZE, metadata)
        if self._owed is not None:
            at = start + keys_offset(capacity)
            table = bytearray(buffer.peek(at, KEY_SIZE * capacity))
            for slot, key in enumerate(self._owed):
                if key:
                    _KEY.pack_into(table, KEY_SIZE * slot, *keys.point(key))
            buffer.poke(at, table)
            self._owed = None
        self._stale = False

    # -- internals --------------------------------------------------------------------

    def _grow(self, requested: int) -> None:
        old_block, old_slots = self.block, self._slots
        self._allocate(max(requested, MINIMAL_CAPACITY))
        for key in old_slots:
            if key:
                self._place_absent(key)
        if old_block is not None:
            self.allocator.free(old_block, BLOCK_LOG2_ALIGN)

    def _allocate(self, capacity: int) -> None:
        layout = layout_of(capacity)
        size = layout.size
        block = self.allocator.alloc(size, BLOCK_LOG2_ALIGN)
        buffer, start = block.buffer, block.offset
        assert buffer is not None

        def write_header_and_slots() -> None:
            """The first payment: the header too, which never changes after."""
            buffer.owe(start, size, self._write_bytes)
            pointer = block.ptr
            buffer.poke(start, _HEADER.pack(pointer + size, pointer + layout.keys_at, capacity))
            self._write_bytes()

        buffer.owe(start, size, write_header_and_slots)
        self.block = block
        self._capacity = capacity
        self._slots = new_slots(capacity)
        self._owed = None
        self._stale = True
        self.size = 0
        self.available = layout.max_load

    def _place_absent(self, key: int) -> None:
        slots, mask = self._slots, self._capacity - 1
        slot = self.keys.hash(key) & mask
        while slots[slot]:
            slot = (slot + 1) & mask
        self._occupy(slot, key)

    def _occupy(self, slot: int, key: int) -> None:
        if self.available == 0:
            raise AllocatorMisuse("insert into a hash map with no capacity left")
        self.available -= 1
        self.size += 1
        self._slots[slot] = key
        self._owed_list()[slot] = key
        self._stale = True

    def _owed_list(self) -> Slots:
        if self._owed is None:
            self._owed = new_slots(self._capacity)
        return self._owed

    def _put_all_of(self, source: AutoHashMap) -> None:
        for key in source._slots:
            if key:
                self._place_absent(key)

    def _prepare_bulk(self, source: AutoHashMap) -> None:
        self._require_table("putAssumeCapacity")
        if self.size:
            raise AllocatorMisuse("bulk insert into a hash map that is not empty")
        if source.keys is not self.keys:
            raise AllocatorMisuse("bulk insert from a hash map with other key names")
        if source.size > self.available:
            raise AllocatorMisuse("insert into a hash map with no capacity left")

    def _fill_args(self, source: Slots, codes: bytes, offsets: Sequence[int]) -> _FillArgs:
        return (
            source,
            codes,
            offsets,
            self._slots,
            self.keys.homes(self._capacity) if fill is _fill_in_python else _NO_HOMES,
            self.keys.hashes,
            self.keys.hash,
        )

    def _adopt(self, slots: Slots, size: int) -> None:
        """Take ``slots``, freshly filled with ``size`` keys, as this (empty) table's content."""
        self._slots = slots
        self.size = size
        self.available -= size
        if self._owed is None:
            self._owed = slots
        else:
            owed = self._owed
            for slot, key in enumerate(slots):
                if key:
                    owed[slot] = key
        self._stale = True

    def _require_table(self, action: str) -> None:
        """Zig asserts a table exists."""
        if self.block is None:
            raise AllocatorMisuse(f"{action} on a hash map that has no table")


_FillArgs = tuple[
    Slots, bytes, Sequence[int], Slots, list[int], Sequence[int], Callable[[int], int]
]


def _fill_in_python(args: _FillArgs, echo: Slots | None = None) -> Slots:
    """``slots``, the slots of an empty table, after ``put_assume_capacity`` of each key of
    ``source_slots`` in slot order, moved by its code. The moved keys must all differ, so
    that no key finds itself already there, and the home of every key of ``source_slots``
    must be known (it was hashed on its way into that table). Each key taken is also
    written into ``echo`` at its slot, when given.

    This loop is where a run spends its time, so it is written for CPython: a key that did
    not move and whose home slot is free costs about fifteen bytecodes, and the search for
    a free slot past an occupied home is done by ``list.index``. ``aoc23/zigstd/_fill.c``
    is the same function compiled (see :data:`fill`)."""
    source_slots, codes, offsets, slots, homes, _, hash_key = args
    mask = len(slots) - 1
    if echo is None:
        echo = slots
    first_free = slots.index
    for key in filter(None, source_slots):
        code = codes[key]
        if code:
            key += offsets[code]
            slot = homes[key]
            if slot < 0:
                slot = hash_key(key) & mask
        else:
            slot = homes[key]
        if slots[slot]:
            try:
                slot = first_free(0, slot)
            except ValueError:
                slot = first_free(0)
        slots[slot] = echo[slot] = key
    return slots


Fill = Callable[[_FillArgs, Slots | None], Slots]


def _compiled_fill() -> Fill | None:
    """The compiled twin of :func:`_fill_in_python`, unless it was not built (no C compiler
    at install time) or ``AOC23_PURE_PYTHON`` asks for Python (see :mod:`aoc23.native`)."""
    compiled: Fill | None = compiled_part("aoc23.zigstd._fill", "filled")
    return compiled


fill = _compiled_fill() or _fill_in_python
"""The bulk fill every table uses: compiled when it can be, else :func:`_fill_in_python`."""

FILL_KIND = "Python" if fill is _fill_in_python else "compiled"
"""Which fill the tables started with, as ``aoc23 --version`` says it."""

_NO_HOMES: list[int] = []
"""What the compiled fill is given for homes: it reads the full hashes instead, and making
the homes of a new window would cost more than the fill."""

_FREE_SLOT = array("i", [FREE]) if fill is not _fill_in_python else [FREE]


def new_slots(capacity: int) -> Slots:
    """The slots of an empty table: an ``array('i')`` for the compiled fill, else a list."""
    return _FREE_SLOT * capacity


def slots_of(keys: Sequence[int]) -> Slots:
    """``keys`` as the fill's kind of slots: themselves when they are that kind already
    (a fresh sequence is what callers hand in), else a copy."""
    if type(keys) is type(_FREE_SLOT):
        return keys
    slots = new_slots(0)
    slots.extend(keys)
    return slots


def _reinserted(slots: Slots, hash_key: Callable[[int], int]) -> tuple[Slots, list[int]]:
    """The slots of an empty table of the same capacity after putting each key of ``slots``
    in slot order, and the slots where the two may differ.

    Only a cluster that wraps past the last slot can come out differently. In any other
    cluster the keys arrive in slot order, and each lands where it was: every slot from its
    home up to its own is taken by keys that arrived before it, and its own is still free.
    """
    capacity = len(slots)
    result = slots[:]
    if not (slots[0] and slots[-1]):
        return result, []
    head = slots.index(0)
    tail = capacity
    while slots[tail - 1]:
        tail -= 1
    result[:head] = new_slots(head)
    result[tail:] = new_slots(capacity - tail)
    mask = capacity - 1
    for key in [*slots[:head], *slots[tail:]]:
        slot = hash_key(key) & mask
        while result[slot]:
            slot = (slot + 1) & mask
        result[slot] = key
    return result, [*range(tail, capacity), *range(head)]
