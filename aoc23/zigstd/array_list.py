"""``std.ArrayList(u8)`` (``lib/std/array_list.zig``), as readFileAlloc uses it, for every
release aoc23 simulates (:mod:`aoc23.zigstd.release`).

The list tries to grow and shrink *in place* first (``Allocator.resize``; ``remap`` from
0.14) and only falls back to allocate-copy-free when the allocator refuses; on a fixed
buffer the fallback allocates the new block before freeing the old one. How much it grows
is the release's rule.
"""

from __future__ import annotations

from aoc23.errors import OutOfMemory
from aoc23.zigstd.mem import Allocator, Slice, zero_length_slice
from aoc23.zigstd.release import DEFAULT, Release


def grown_capacity(capacity: int, minimum: int, release: Release = DEFAULT) -> int:
    """The capacity a list of ``capacity`` grows to for ``minimum`` (0.11.0: add half plus
    8 until it is reached)."""
    return release.grown(capacity, minimum)


class ArrayList:
    """A list of bytes: ``memory`` is the whole allocation, ``length`` the bytes in use."""

    def __init__(self, allocator: Allocator, release: Release = DEFAULT) -> None:
        self.allocator = allocator
        self.release = release
        self.memory = zero_length_slice(0)
        self.length = 0

    @property
    def capacity(self) -> int:
        return self.memory.length

    @classmethod
    def init_capacity(
        cls, allocator: Allocator, capacity: int, release: Release = DEFAULT
    ) -> ArrayList:
        array = cls(allocator, release)
        array.ensure_total_capacity_precise(capacity)
        return array

    def ensure_total_capacity(self, minimum: int) -> None:
        if self.capacity < minimum:
            self.ensure_total_capacity_precise(self.release.grown(self.capacity, minimum))

    def ensure_total_capacity_precise(self, capacity: int) -> None:
        if self.capacity >= capacity:
            return
        if self._in_place(capacity):
            return
        fresh = self.allocator.alloc(capacity)
        self._move_to(fresh)

    def _in_place(self, length: int) -> bool:
        """Resize (remap, from 0.14) the memory to ``length``; False if refused."""
        if not self.release.remap:
            if self.allocator.resize(self.memory, length):
                self.memory = _with_length(self.memory, length)
                return True
            return False
        moved = self.allocator.remap(self.memory, length)
        if moved is None:
            return False
        self.memory = _with_length(moved, length)
        return True

    def items(self) -> bytes:
        if self.memory.buffer is None:
            return b""
        return self.memory.buffer.read(self.memory.offset, self.length)

    def write_at(self, start: int, payload: bytes) -> None:
        """Copy ``payload`` into the list's memory at ``start`` (within capacity)."""
        assert start + len(payload) <= self.capacity and self.memory.buffer is not None
        self.memory.buffer.write(self.memory.offset + start, payload)

    def shrink_and_free(self, new_length: int) -> None:
        if self._in_place(new_length):
            self.length = new_length
            return
        try:
            fresh = self.allocator.alloc(new_length)
        except OutOfMemory:
            self.length = new_length
            return
        self.length = new_length
        self._move_to(fresh)

    def to_owned_slice(self) -> Slice:
        """Hand the items over, trimmed to their length; the list is left empty."""
        if self._in_place(self.length):
            result = self.memory
        else:
            result = self.allocator.alloc(self.length)
            _copy(self.memory, result, self.length)
            self.allocator.free(self.memory)
        self.memory = zero_length_slice(0)
        self.length = 0
        return result

    def deinit(self) -> None:
        self.allocator.free(self.memory)
        self.memory = zero_length_slice(0)
        self.length = 0

    def _move_to(self, fresh: Slice) -> None:
        _copy(self.memory, fresh, self.length)
        self.allocator.free(self.memory)
        self.memory = fresh


def _with_length(block: Slice, length: int) -> Slice:
    if length == 0:
        return zero_length_slice(0)
    return Slice(block.buffer, block.offset, length)


def _copy(source: Slice, target: Slice, length: int) -> None:
    if length == 0 or source.buffer is None or target.buffer is None:
        return
    target.buffer.write(target.offset, source.buffer.read(source.offset, length))
