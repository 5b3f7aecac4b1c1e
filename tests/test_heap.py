"""The allocators: one conformance suite for every allocator, then the FBA's own quirks."""

import itertools
from collections.abc import Callable

import pytest

from aoc23.errors import AllocatorMisuse, OutOfMemory
from aoc23.zigstd.heap import PAGE_SIZE, FixedBufferAllocator, PageAllocator
from aoc23.zigstd.mem import CHUNK_SIZE, UNDEFINED_BYTE, Allocator, Buffer, RawAllocator
from aoc23.zigstd.release import release

MakeRaw = Callable[[], RawAllocator]
ALLOCATORS: dict[str, MakeRaw] = {
    "fixed-buffer": lambda: FixedBufferAllocator(Buffer(1 << 16, 0x10000)),
    "fixed-buffer-odd-base": lambda: FixedBufferAllocator(Buffer(1 << 16, 0x10003)),
    "page": lambda: PageAllocator(0x7F0000000000),
}


@pytest.fixture(params=list(ALLOCATORS))
def allocator(request: pytest.FixtureRequest) -> Allocator:
    return Allocator(ALLOCATORS[request.param]())


@pytest.mark.parametrize("log2_align", [0, 1, 2, 3, 4])
def test_blocks_are_aligned_by_address(allocator: Allocator, log2_align: int) -> None:
    allocator.alloc(3)
    block = allocator.alloc(10, log2_align)
    assert block.ptr % (1 << log2_align) == 0


def test_live_blocks_never_overlap(allocator: Allocator) -> None:
    blocks = [allocator.alloc(size, 3) for size in (1, 17, 100, 8, 333)]
    spans = sorted((b.ptr, b.ptr + b.length) for b in blocks)
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans))


def test_new_blocks_read_as_undefined(allocator: Allocator) -> None:
    block = allocator.alloc(64)
    assert block.buffer is not None
    block.buffer.write(block.offset, b"x" * 64)
    allocator.free(block)
    again = allocator.alloc(64)
    assert again.buffer is not None
    assert again.buffer.read(again.offset, 64) == UNDEFINED_BYTE * 64


def test_zero_length_requests_never_reach_the_allocator(allocator: Allocator) -> None:
    before = allocator.raw.usage()
    empty = allocator.alloc(0, 3)
    allocator.free(empty)
    assert empty.length == 0 and empty.ptr == 0xFFFFFFFFFFFFFFF8
    assert allocator.raw.usage() == before


def test_freeing_the_last_block_gives_its_space_back(allocator: Allocator) -> None:
    allocator.alloc(100)
    before = allocator.raw.usage()[0]
    block = allocator.alloc(200)
    allocator.free(block)
    assert allocator.raw.usage()[0] == before


def test_shrinking_in_place_always_succeeds(allocator: Allocator) -> None:
    block = allocator.alloc(5000)
    allocator.alloc(10)
    assert allocator.resize(block, 100)


def test_resize_to_zero_frees(allocator: Allocator) -> None:
    allocator.alloc(8)
    before = allocator.raw.usage()[0]
    block = allocator.alloc(8)
    assert allocator.resize(block, 0)
    assert allocator.raw.usage()[0] == before


# -- FixedBufferAllocator: the numbers the real compiler printed (buffer at base = 3 mod 16) --


def fba_at(base: int, size: int = 1000) -> tuple[FixedBufferAllocator, Allocator]:
    fba = FixedBufferAllocator(Buffer(size, base))
    return fba, Allocator(fba)


def test_alignment_padding_follows_the_address_not_the_index() -> None:
    fba, allocator = fba_at(0x1003)
    allocator.alloc(2)
    assert fba.end_index == 2
    block = allocator.alloc(8, 3)
    assert (block.offset, fba.end_index) == (5, 13)


def test_padding_breaks_lifo_frees() -> None:
    fba, allocator = fba_at(0x1003)
    small = allocator.alloc(2)
    big = allocator.alloc(8, 3)
    allocator.free(big)
    assert fba.end_index == 5
    allocator.free(small)
    assert fba.end_index == 5


def test_freeing_a_block_that_is_not_the_last_is_a_no_op() -> None:
    fba, allocator = fba_at(0x1000)
    first = allocator.alloc(10)
    allocator.alloc(10)
    allocator.free(first)
    assert fba.end_index == 20


def test_resize_rules_of_the_fixed_buffer() -> None:
    fba, allocator = fba_at(0x1003)
    c1 = allocator.alloc(10)
    c2 = allocator.alloc(10)
    assert allocator.resize(c1, 5) and fba.end_index == 20
    assert not allocator.resize(c1, 20) and fba.end_index == 20
    assert allocator.resize(c2, 30) and fba.end_index == 40
    c2 = type(c2)(c2.buffer, c2.offset, 30)
    assert allocator.resize(c2, 4) and fba.end_index == 14
    c2 = type(c2)(c2.buffer, c2.offset, 4)
    assert not allocator.resize(c2, 1000) and fba.end_index == 14


def test_out_of_memory_leaves_end_index_alone_and_says_why() -> None:
    fba, allocator = fba_at(0x1000, size=100)
    allocator.alloc(60)
    with pytest.raises(OutOfMemory) as caught:
        allocator.alloc(50, 3)
    assert fba.end_index == 60
    assert (caught.value.size, caught.value.alignment) == (50, 8)
    assert (caught.value.end_index, caught.value.buffer_len) == (60, 100)


def test_reset_forgets_everything() -> None:
    fba, allocator = fba_at(0x1000)
    allocator.alloc(300)
    fba.reset()
    assert fba.end_index == 0 and allocator.alloc(1000).offset == 0


def test_free_of_foreign_memory_is_misuse() -> None:
    _, allocator = fba_at(0x1000)
    _, other = fba_at(0x9000)
    with pytest.raises(AllocatorMisuse):
        allocator.free(other.alloc(10))


def test_page_allocator_maps_whole_pages_and_cannot_grow() -> None:
    pages = PageAllocator(0x7F0000000000)
    allocator = Allocator(pages)
    block = allocator.alloc(36888, 3)
    assert pages.mapped == 10 * PAGE_SIZE
    assert allocator.resize(block, 40000)
    assert not allocator.resize(block, 40961)
    assert allocator.resize(block, 5000) and pages.mapped == 2 * PAGE_SIZE
    allocator.free(type(block)(block.buffer, 0, 5000))
    assert pages.mapped == 0


def test_freeing_the_last_block_twice_is_a_no_op_as_in_zig() -> None:
    # Zig 0.11.0's FixedBufferAllocator asserts only that it owns the slice; a second free
    # of a reclaimed block is no longer the last allocation, so it changes nothing.
    fba = FixedBufferAllocator(Buffer(64, 0x1000))
    first = fba.alloc(8, 0)
    block = fba.alloc(8, 0)
    assert first is not None and block is not None
    fba.free(block, 0)
    fba.free(block, 0)
    assert fba.end_index == 8


def test_a_huge_buffer_holds_only_what_is_written_and_lets_go_of_what_is_undefined() -> None:
    allocator = Allocator(FixedBufferAllocator(Buffer(64 << 30, 0x10000)))
    block = allocator.alloc(1 << 20)
    assert block.buffer is not None and block.buffer.held() == 0
    block.buffer.write(block.offset + 5000, b"x" * 10_000)
    assert block.buffer.held() == 3 * CHUNK_SIZE  # bytes 5000 to 14999
    allocator.free(block)
    assert block.buffer.held() == 0
    assert block.buffer.read(block.offset, 1 << 20) == UNDEFINED_BYTE * (1 << 20)


def test_tables_freed_one_after_another_leave_only_the_live_one_held() -> None:
    fba = FixedBufferAllocator(Buffer(1 << 24, 0x10003))
    allocator = Allocator(fba)
    old = None
    for _ in range(50):
        table = allocator.alloc(36888, 3)
        assert table.buffer is not None
        table.buffer.write(table.offset, b"header" * 4)
        if old is not None:
            allocator.free(old, 3)
        old = table
    assert fba.end_index > 49 * 36888 and fba.buffer.held() == CHUNK_SIZE


def test_a_page_remap_that_grows_past_its_pages_moves_the_bytes() -> None:
    """Zig 0.14+'s page allocator grows a mapping with mremap, which may move it (probed:
    100 B -> 1 MiB moved); what was written comes along, the old pages go."""
    pages = PageAllocator(0x7F00_0000_0000, release("0.14.1"))
    block = pages.alloc(100, 0)
    assert block is not None and block.buffer is not None
    block.buffer.write(0, b"#.#")
    same = pages.remap(block, 0, 4000)
    assert same is not None and same.ptr == block.ptr and pages.mapped == 4096
    moved = pages.remap(same, 0, 1 << 20)
    assert moved is not None and moved.ptr != block.ptr and moved.length == 1 << 20
    assert moved.buffer is not None and moved.buffer.read(0, 3) == b"#.#"
    assert pages.mapped == 1 << 20


def test_mappings_land_where_linux_puts_them_from_0_14() -> None:
    """As probed with Zig 0.15.2: the first mapping after the program's arguments lands
    right after them with one free page after it; the next lands there too; later ones go
    below the arguments, each under the one before, with nothing free after it."""
    pages = PageAllocator(0x7F00_0000_0000, release("0.15.2"))
    first = pages.alloc(100, 3)
    assert first is not None and first.ptr == 0x7F00_0000_0000
    assert pages.resize(first, 3, 100 + PAGE_SIZE) and not pages.resize(
        first, 3, 100 + 3 * PAGE_SIZE
    )
    assert pages.resize(first, 3, 100)
    second, third, fourth = (pages.alloc(100, 3) for _ in range(3))
    assert second is not None and third is not None and fourth is not None
    assert second.ptr == first.ptr + PAGE_SIZE
    assert third.ptr == first.ptr - 2 * PAGE_SIZE and fourth.ptr == third.ptr - PAGE_SIZE
    assert not any(pages.resize(b, 3, 100 + PAGE_SIZE) for b in (second, third, fourth))


@pytest.mark.parametrize("version", ["0.11.0", "0.13.0", "0.16.0", "0.17.1"])
def test_resize_never_grows_a_mapping_outside_0_14_and_0_15(version: str) -> None:
    pages = PageAllocator(0x7F00_0000_0000, release(version))
    block = pages.alloc(100, 3)
    assert block is not None and not pages.resize(block, 3, 100 + PAGE_SIZE)
    assert pages.mapped == PAGE_SIZE
