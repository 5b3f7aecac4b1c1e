"""Allocators of Zig 0.11.0's ``lib/std/heap.zig``: ``FixedBufferAllocator`` and the page allocator.

Both are raw allocators (see :mod:`aoc23.zigstd.mem`): they never raise for a refusal.
"""

from __future__ import annotations

from aoc23.errors import AllocatorMisuse
from aoc23.zigstd.mem import Buffer, Refusal, Slice, align_forward


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
        return buf.buffer is self.buffer and buf.offset >= 0 and buf.end <= self.buffer.size

    def owns_ptr(self, address: int) -> bool:
        return self.buffer.base <= address < self.buffer.base + self.buffer.size

    def is_last_allocation(self, buf: Slice) -> bool:
        return buf.buffer is self.buffer and buf.end == self.end_index

    def alloc(self, n: int, log2_align: int) -> Slice | None:
        address = self.buffer.base + self.end_index
        start = self.end_index + (align_forward(address, 1 << log2_align) - address)
        if start + n > self.buffer.size:
            return None
        self.end_index = start + n
        return Slice(self.buffer, start, n)

    def resize(self, buf: Slice, log2_align: int, new_len: int) -> bool:
        self._check_owned(buf, "resize")
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
        self._check_owned(buf, "free")
        if self.is_last_allocation(buf):
            self.end_index -= buf.length

    def reset(self) -> None:
        self.end_index = 0

    def _check_owned(self, buf: Slice, action: str) -> None:
        if not self.owns_slice(buf):
            raise AllocatorMisuse(
                f"{action} of {buf.length} bytes at 0x{buf.ptr:x}: "
                "not inside this FixedBufferAllocator's buffer"
            )


PAGE_SIZE = 4096
"""``std.mem.page_size`` on x86_64."""


class PageAllocator:
    """``std.heap.page_allocator`` on Linux: whole pages from mmap, given back at once on free.

    Each mapping is a :class:`Buffer` of its own. ``mapped`` counts the bytes currently
    mapped; growing a mapping is refused (Zig 0.11.0 has no mremap), shrinking unmaps the tail.
    """

    def __init__(self, first_address: int) -> None:
        self.next_address = first_address
        self.mapped = 0
        self._mappings: dict[int, Buffer] = {}

    def usage(self) -> tuple[int, int | None]:
        return self.mapped, None

    def refusal(self, n: int, log2_align: int) -> Refusal:
        return Refusal(n, 1 << log2_align, self.mapped, None)

    def alloc(self, n: int, log2_align: int) -> Slice | None:
        length = align_forward(n, PAGE_SIZE)
        mapping = Buffer(length, self.next_address)
        self.next_address += length
        self._mappings[id(mapping)] = mapping
        self.mapped += length
        return Slice(mapping, 0, n)

    def resize(self, buf: Slice, log2_align: int, new_len: int) -> bool:
        self._check_owned(buf, "resize")
        old_pages = align_forward(buf.length, PAGE_SIZE)
        new_pages = align_forward(new_len, PAGE_SIZE)
        if new_pages > old_pages:
            return False
        self.mapped -= old_pages - new_pages
        return True

    def remap(self, buf: Slice, log2_align: int, new_len: int) -> Slice | None:
        """Zig 0.14+: within its pages as :meth:`resize`; a grow past them maps the new size
        elsewhere and moves the bytes there (mremap), which always succeeds here."""
        if self.resize(buf, log2_align, new_len):
            return Slice(buf.buffer, buf.offset, new_len)
        moved = self.alloc(new_len, log2_align)
        assert moved is not None and moved.buffer is not None and buf.buffer is not None
        moved.buffer.write(0, buf.buffer.read(buf.offset, buf.length))
        self.free(buf, log2_align)
        return moved

    def free(self, buf: Slice, log2_align: int) -> None:
        self._check_owned(buf, "free")
        assert buf.buffer is not None
        self.mapped -= align_forward(buf.length, PAGE_SIZE)
        del self._mappings[id(buf.buffer)]

    def _check_owned(self, buf: Slice, action: str) -> None:
        if buf.buffer is None or id(buf.buffer) not in self._mappings or buf.offset != 0:
            raise AllocatorMisuse(
                f"{action} of {buf.length} bytes at 0x{buf.ptr:x}: not a live page mapping"
            )
