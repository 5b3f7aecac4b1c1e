"""Random sequences of calls against the simulated allocator and hash map, each checked
step by step against a small independent model written here from Zig's rules."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from aoc23.errors import AllocatorMisuse
from aoc23.zigstd.hash_map import AutoHashMap, max_load
from aoc23.zigstd.heap import FixedBufferAllocator
from aoc23.zigstd.mem import CHUNK_SIZE, UNDEFINED_BYTE, Allocator, Buffer, Slice

BUFFER = 512


class BumpModel:
    """A fixed buffer as the spec states it: an index that only a last block moves back."""

    def __init__(self, base: int, size: int) -> None:
        self.base, self.size, self.end = base, size, 0

    def alloc(self, n: int, alignment: int) -> int | None:
        start = self.end + (-(self.base + self.end)) % alignment
        if start + n > self.size:
            return None
        self.end = start + n
        return start

    def resize(self, start: int, length: int, new_length: int) -> bool:
        if start + length != self.end:
            return new_length <= length
        if self.end - length + new_length > self.size:
            return False
        self.end += new_length - length
        return True

    def free(self, start: int, length: int) -> None:
        if start + length == self.end:
            self.end = start


class FixedBufferMachine(RuleBasedStateMachine):
    blocks = Bundle("blocks")

    @initialize(base=st.integers(0, 64))
    def start(self, base: int) -> None:
        self.fba = FixedBufferAllocator(Buffer(BUFFER, 0x1000 + base))
        self.model = BumpModel(0x1000 + base, BUFFER)
        self.lengths: dict[int, int] = {}

    @rule(target=blocks, n=st.integers(1, 200), log2_align=st.integers(0, 4))
    def alloc(self, n: int, log2_align: int) -> object:
        block = self.fba.alloc(n, log2_align)
        start = self.model.alloc(n, 1 << log2_align)
        assert (block.offset if block else None) == start
        if block is None:
            return multiple()
        assert (block.buffer.base + block.offset) % (1 << log2_align) == 0  # type: ignore[union-attr]
        return block

    @rule(block=consumes(blocks), new_length=st.integers(1, 300))
    def resize(self, block: Slice, new_length: int) -> None:
        ok = self.fba.resize(block, 0, new_length)
        assert ok == self.model.resize(block.offset, block.length, new_length)

    @rule(block=consumes(blocks))
    def free(self, block: Slice) -> None:
        self.fba.free(block, 0)
        self.model.free(block.offset, block.length)

    @precondition(lambda self: self.model.end > 0)
    @rule()
    def reset(self) -> None:
        self.fba.reset()
        self.model.end = 0

    @rule(n=st.integers(1, 64))
    def foreign_memory_is_refused_with_a_clear_message(self, n: int) -> None:
        stranger = Slice(Buffer(64, 0x9000), 0, n)
        with pytest.raises(AllocatorMisuse, match="not inside this FixedBufferAllocator"):
            self.fba.free(stranger, 0)

    @invariant()
    def end_index_agrees(self) -> None:
        if hasattr(self, "fba"):
            assert 0 <= self.fba.end_index == self.model.end <= BUFFER


points = st.tuples(st.integers(-40, 40), st.integers(-40, 40))


class HashMapMachine(RuleBasedStateMachine):
    """``AutoHashMap(Point2D, void)`` in simulated bytes against a Python set."""

    def __init__(self) -> None:
        super().__init__()
        self.map = AutoHashMap(Allocator(FixedBufferAllocator(Buffer(1 << 24, 0x10000))))
        self.model: set[tuple[int, int]] = set()

    @rule(extra=st.integers(0, 300))
    def ensure_total_capacity(self, extra: int) -> None:
        self.map.ensure_total_capacity(len(self.model) + extra)
        assert max_load(self.map.capacity()) >= len(self.model) + extra

    @rule(point=points)
    def put(self, point: tuple[int, int]) -> None:
        self.map.put(point)
        self.model.add(point)

    @precondition(lambda self: self.map.count() < max_load(self.map.capacity()))
    @rule(point=points)
    def put_assume_capacity(self, point: tuple[int, int]) -> None:
        self.map.put_assume_capacity(point)
        self.model.add(point)

    @rule(point=points)
    def contains(self, point: tuple[int, int]) -> None:
        assert self.map.contains(point) == (point in self.model)

    @rule()
    def clear_retaining_capacity(self) -> None:
        capacity = self.map.capacity()
        self.map.clear_retaining_capacity()
        self.model.clear()
        assert self.map.capacity() == capacity

    @rule()
    def deinit(self) -> None:
        self.map.deinit()
        self.model.clear()

    @invariant()
    def same_keys(self) -> None:
        keys = list(self.map.key_iterator())
        assert len(keys) == len(set(keys)) == self.map.count()
        assert set(keys) == self.model
        assert self.map.count() <= max_load(self.map.capacity())


class BufferMachine(RuleBasedStateMachine):
    """The sparse buffer against a plain bytearray, with ranges that cross chunk edges."""

    SIZE = 3 * CHUNK_SIZE + 100
    spans = st.tuples(st.integers(0, SIZE), st.integers(0, SIZE)).map(
        lambda span: (span[0], min(span[1], BufferMachine.SIZE - span[0]))
    )

    def __init__(self) -> None:
        super().__init__()
        self.buffer = Buffer(self.SIZE, 0x1000)
        self.model = bytearray(UNDEFINED_BYTE * self.SIZE)

    @rule(start=st.integers(0, SIZE - 1), payload=st.binary(min_size=1, max_size=CHUNK_SIZE + 10))
    def write(self, start: int, payload: bytes) -> None:
        payload = payload[: self.SIZE - start]
        self.buffer.write(start, payload)
        self.model[start : start + len(payload)] = payload

    @rule(span=spans)
    def undefine(self, span: tuple[int, int]) -> None:
        start, length = span
        self.buffer.undefine(start, length)
        self.model[start : start + length] = UNDEFINED_BYTE * length

    @rule(span=spans)
    def read(self, span: tuple[int, int]) -> None:
        start, length = span
        assert self.buffer.read(start, length) == self.model[start : start + length]

    @invariant()
    def same_bytes(self) -> None:
        assert self.buffer.snapshot() == self.model
        assert self.buffer.touched() == self.model.rstrip(UNDEFINED_BYTE)


TestBuffer = BufferMachine.TestCase
TestBuffer.settings = settings(stateful_step_count=30)
TestFixedBuffer = FixedBufferMachine.TestCase
TestFixedBuffer.settings = settings(stateful_step_count=40)
TestHashMap = HashMapMachine.TestCase
TestHashMap.settings = settings(stateful_step_count=40)
