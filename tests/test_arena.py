"""The arena on its own, against figures measured with the real compilers (the whole
program is compared with real Zig in test_fidelity and test_releases)."""

from __future__ import annotations

import pytest

from aoc23.events import Alloc, Event, Free, Resize
from aoc23.zigstd.arena import ArenaAllocator
from aoc23.zigstd.heap import FixedBufferAllocator
from aoc23.zigstd.logging import LoggingAllocator
from aoc23.zigstd.mem import Allocator, Buffer
from aoc23.zigstd.release import release

BASE = 0x7FF0_0000_0000


def arena_over_a_buffer(version: str, size: int = 1 << 16) -> tuple[ArenaAllocator, list[Event]]:
    events: list[Event] = []
    fba = FixedBufferAllocator(Buffer(size, BASE))
    child = LoggingAllocator(fba, "main", events.append, lambda: "test", base=BASE, kind="fixed")
    return ArenaAllocator(child, release(version)), events


def child_calls(events: list[Event]) -> list[tuple[str, int, int]]:
    calls = []
    for e in events:
        if isinstance(e, Alloc):
            calls.append(("alloc", e.size, e.used_after))
        elif isinstance(e, Resize):
            calls.append(("resize", e.new_size, e.used_after))
        elif isinstance(e, Free):
            calls.append(("free", e.size, e.used_after))
    return calls


def test_the_0_11_arena_over_a_fixed_buffer_as_measured() -> None:
    """Zig 0.11.0: alloc(u8, 10) takes a 64-byte node ((0 + 11 + 32) * 1.5), end 10,
    capacity 48; three u64 end at 40; alloc(u8, 100) grows the node in place to 156, end
    140; reset(.retain_capacity) then needs no child call."""
    arena, events = arena_over_a_buffer("0.11.0")
    front = Allocator(arena)
    front.alloc(10)
    assert child_calls(events) == [("alloc", 64, 64)]
    assert (arena.end_index, arena.capacity()) == (10, 48)
    front.alloc(24, 3)
    assert arena.end_index == 40
    front.alloc(100)
    assert child_calls(events)[1:] == [("resize", 156, 156)] and arena.end_index == 140
    before = len(events)
    assert arena.reset_retaining_capacity() and len(events) == before
    assert (arena.end_index, arena.capacity()) == (0, 140)


def test_a_free_takes_back_only_the_newest_block() -> None:
    arena, _ = arena_over_a_buffer("0.11.0")
    front = Allocator(arena)
    first, second = front.alloc(8), front.alloc(8)
    front.free(first)
    assert arena.end_index == 16
    front.free(second)
    assert arena.end_index == 8


def test_node_headers_are_written_where_each_release_keeps_them() -> None:
    """next then length up to 0.14; length then next in 0.15; length, end_index and next
    from 0.16 (as the reference's dumps show)."""
    words = {}
    for version in ("0.11.0", "0.15.2", "0.17.1"):
        arena, _ = arena_over_a_buffer(version)
        Allocator(arena).alloc(10)
        node = arena.nodes[0].block
        assert node.buffer is not None
        raw = node.buffer.read(node.offset, arena.header_size)
        words[version] = [int.from_bytes(raw[i : i + 8], "little") for i in range(0, len(raw), 8)]
    assert words["0.11.0"] == [0, 64]
    assert words["0.15.2"] == [64, 0]
    assert words["0.17.1"] == [arena.nodes[0].length, 10, 0]


@pytest.mark.parametrize(("version", "node"), [("0.11.0", 7504), ("0.17.1", 11436)])
def test_the_first_node_for_the_blog_input(version: str, node: int) -> None:
    """The first request of the blog's program: readFileAlloc's (4970 B up to 0.15, 7583 B
    from 0.16), measured: nodes of 7504 and 11436 bytes."""
    arena, events = arena_over_a_buffer(version)
    Allocator(arena).alloc(4970 if version == "0.11.0" else 7583)
    assert child_calls(events) == [("alloc", node, node)]


def test_the_0_17_arena_skips_a_request_that_did_not_fit() -> None:
    """Zig 0.16+: the request that did not fit moves end_index past itself before the node
    grows, so the block lands one request further on (measured: the first table lands at
    41888 = 24 + 4970 + 36894, its node grown to 78776)."""
    arena, events = arena_over_a_buffer("0.17.1", 1 << 20)
    front = Allocator(arena)
    read = front.alloc(7583)
    assert front.remap(read, 4970) is not None
    table = front.alloc(36888, 3)
    assert table.offset == 41888
    assert child_calls(events)[-1] == ("resize", 78776, 78776)
