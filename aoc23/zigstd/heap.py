"""Allocators of Zig 0.11.0's ``lib/std/heap.zig``: ``FixedBufferAllocator`` and the page allocator.

Both are raw allocators (see :mod:`aoc23.zigstd.mem`): they never raise for a refusal.
"""

from __future__ import annotations

from aoc23.errors import AllocatorMisuse
from aoc23.zigstd.mem import Buffer, Refusal, Slice, align_forward
from aoc23.zigstd.release import DEFAULT, Release


class FixedBufferAllocator:
    """A bump allocator over one :class:`Buffer`; ``end_index`` only moves back for the last block.

    ``end_index`` is an offset from the start of the buffer, one past the end of the
    highest block handed out. A free or shrink of any block that does not end exactly at
    ``end_index`` changes nothing: the bytes stay taken until :meth:`reset`.
    """

    def __init__(self, buffer: Buffer) -> None:
        self.buffer = buffer
        self.end_index = 0

    def usage(self) -> tuple[int, int | None]:
        return self.end_index, self.buffer.size

    def refusal(self, n: int, log2_align: int) -> Refusal:
        return Refusal(n, 1 << log2_align, self.end_index, self.buffer.size)

    def owns_slice(self, buf: Slice) -> bool:
        buffer, offset, length = buf
        return buffer is self.buffer and offset >= 0 and offset + length <= buffer.size

    def owns_ptr(self, address: int) -> bool:
        return self.buffer.base <= address < self.buffer.base + self.buffer.size

    def is_last_allocation(self, buf: Slice) -> bool:
        buffer, offset, length = buf
        return buffer is self.buffer and offset + length == self.end_index

    def alloc(self, n: int, log2_align: int) -> Slice | None:
        address = self.buffer.base + self.end_index
        start = self.end_index + (align_forward(address, 1 << log2_align) - address)
        if start + n > self.buffer.size:
            return None
        self.end_index = start + n
        return Slice(self.buffer, start, n)

    def resize(self, buf: Slice, log2_align: int, new_len: int) -> bool:
        if not self.owns_slice(buf):
            raise self._not_owned(buf, "resize")
        if not self.is_last_allocation(buf):
            return new_len <= buf.length
        if new_len <= buf.length:
            self.end_index -= buf.length - new_len
            return True
        growth = new_len - buf.length
        if self.end_index + growth > self.buffer.size:
            return False
        self.end_index += growth
        return True

    def remap(self, buf: Slice, log2_align: int, new_len: int) -> Slice | None:
        """Zig 0.14+: the same answer as :meth:`resize`; a block never moves."""
        if self.resize(buf, log2_align, new_len):
            return Slice(self.buffer, buf.offset, new_len)
        return None

    def free(self, buf: Slice, log2_align: int) -> None:
        if not self.owns_slice(buf):
            raise self._not_owned(buf, "free")
        if self.is_last_allocation(buf):
            self.end_index -= buf.length

    def reset(self) -> None:
        self.end_index = 0

    def _not_owned(self, buf: Slice, action: str) -> AllocatorMisuse:
        return AllocatorMisuse(
            f"{action} of {buf.length} bytes at 0x{buf.ptr:x}: "
            "not inside this FixedBufferAllocator's buffer"
        )


PAGE_SIZE = 4096
"""``std.mem.page_size`` on x86_64."""


class AddressSpace:
    """Where Linux x86_64 puts the page allocator's mappings from Zig 0.14 on, as measured
    with the reference program: the process's first mapping (its arguments, one page) has
    two free pages above it and taken memory after those; each new mapping goes where the
    last one ended (Zig's address hint) when that is free, otherwise at the top of the
    highest free gap below (the kernel's top-down search). A mapping grows in place only
    into free pages right after it. Only *whether* a mapping can grow shows in what the
    program prints; the addresses themselves are this model's."""

    ABOVE_FIRST = 2 * PAGE_SIZE
    """Free bytes above the first mapping (measured; then something else is mapped)."""

    def __init__(self, first: int) -> None:
        self.taken: dict[int, int] = {first: PAGE_SIZE}
        self.ceiling = first + PAGE_SIZE + self.ABOVE_FIRST
        self.hint = first + PAGE_SIZE

    def place(self, length: int, *, hinted: bool = True) -> int:
        """Map ``length`` bytes (whole pages); ``hinted``: by mmap with Zig's hint (which
        then moves to the new end), else where the kernel moves a mapping it grows."""
        start = self.hint if hinted and self._free(self.hint, length) else self._top_down(length)
        self.taken[start] = length
        if hinted:
            self.hint = start + length
        return start

    def resize(self, start: int, length: int) -> bool:
        """Make the mapping at ``start`` ``length`` bytes where it is: a shrink always, a
        grow if the pages after it are free."""
        old = self.taken[start]
        if length > old and not self._free(start + old, length - old):
            return False
        self.taken[start] = length
        return True

    def release(self, start: int) -> None:
        del self.taken[start]

    def _free(self, start: int, length: int) -> bool:
        end = start + length
        if end > self.ceiling:
            return False
        return all(end <= s or s + n <= start for s, n in self.taken.items())

    def _top_down(self, length: int) -> int:
        top = self.ceiling
        for start in sorted(self.taken, reverse=True):
            if top - (start + self.taken[start]) >= length:
                return top - length
            top = start
        return top - length


class PageAllocator:
    """``std.heap.page_allocator`` on Linux: whole pages from mmap, given back at once on free.

    Each mapping is a :class:`Buffer` of its own. ``mapped`` counts the bytes currently
    mapped; shrinking unmaps the tail. Up to Zig 0.13 there is no mremap: growing a mapping
    is refused and mappings are placed one after another. From 0.14 the mappings are placed
    in an :class:`AddressSpace`; ``remap`` grows a mapping where it is or moves it, and on
    0.14-0.15 ``resize`` grows one where it is when the pages after it are free
    (``Release.page_resize_grows``).
    """

    def __init__(self, first_address: int, release: Release = DEFAULT) -> None:
        self.next_address = first_address
        self.mapped = 0
        self._mappings: dict[int, Buffer] = {}
        self.space = AddressSpace(first_address - PAGE_SIZE) if release.remap else None
        self.resize_grows = release.page_resize_grows

    def usage(self) -> tuple[int, int | None]:
        return self.mapped, None

    def refusal(self, n: int, log2_align: int) -> Refusal:
        return Refusal(n, 1 << log2_align, self.mapped, None)

    def alloc(self, n: int, log2_align: int) -> Slice | None:
        return Slice(self._map(align_forward(n, PAGE_SIZE), hinted=True), 0, n)

    def _map(self, length: int, *, hinted: bool) -> Buffer:
        if self.space is None:
            address = self.next_address
            self.next_address += length
        else:
            address = self.space.place(length, hinted=hinted)
        mapping = Buffer(length, address)
        self._mappings[id(mapping)] = mapping
        self.mapped += length
        return mapping

    def resize(self, buf: Slice, log2_align: int, new_len: int) -> bool:
        self._check_owned(buf, "resize")
        return self._in_place(buf, new_len, grow=self.resize_grows)

    def _in_place(self, buf: Slice, new_len: int, *, grow: bool) -> bool:
        """Resize the mapping where it is: a shrink unmaps its tail; a grow takes the free
        pages right after it, when ``grow`` and there are enough."""
        assert buf.buffer is not None
        old_pages = align_forward(buf.length, PAGE_SIZE)
        new_pages = align_forward(new_len, PAGE_SIZE)
        if new_pages > old_pages:
            if not grow or self.space is None or not self.space.resize(buf.buffer.base, new_pages):
                return False
            buf.buffer.size = new_pages
        elif self.space is not None:
            self.space.resize(buf.buffer.base, new_pages)
        self.mapped += new_pages - old_pages
        return True

    def remap(self, buf: Slice, log2_align: int, new_len: int) -> Slice | None:
        """Zig 0.14+ (mremap that may move): the mapping resized where it is if it can be,
        else mapped anew where the kernel puts a moved mapping, with the bytes moved there."""
        self._check_owned(buf, "remap")
        if self._in_place(buf, new_len, grow=True):
            return Slice(buf.buffer, buf.offset, new_len)
        moved = self._map(align_forward(new_len, PAGE_SIZE), hinted=False)
        assert buf.buffer is not None
        moved.write(0, buf.buffer.read(buf.offset, buf.length))
        self.free(buf, log2_align)
        return Slice(moved, 0, new_len)

    def free(self, buf: Slice, log2_align: int) -> None:
        self._check_owned(buf, "free")
        assert buf.buffer is not None
        self.mapped -= align_forward(buf.length, PAGE_SIZE)
        del self._mappings[id(buf.buffer)]
        if self.space is not None:
            self.space.release(buf.buffer.base)

    def _check_owned(self, buf: Slice, action: str) -> None:
        if buf.buffer is None or id(buf.buffer) not in self._mappings or buf.offset != 0:
            raise AllocatorMisuse(
                f"{action} of {buf.length} bytes at 0x{buf.ptr:x}: not a live page mapping"
            )
