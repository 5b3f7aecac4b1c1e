"""A raw allocator that reports every call it passes on: the idea of Zig 0.11.0's
``std.heap.LoggingAllocator`` (``lib/std/heap/logging_allocator.zig``), with events instead of
log lines.

It sits between the :class:`~aoc23.zigstd.mem.Allocator` front end and a raw allocator, so it
sees exactly what Zig's vtable sees (no zero-length requests, no 0xAA fills), and it only
watches: every answer is the wrapped allocator's own.
"""

from __future__ import annotations

from collections.abc import Callable

from aoc23.events import Alloc, AllocFailed, Free, Opened, Reset, Resize, Tracer
from aoc23.zigstd.arena import ArenaAllocator
from aoc23.zigstd.heap import FixedBufferAllocator
from aoc23.zigstd.mem import RawAllocator, Refusal, Slice


class LoggingAllocator:
    """Wraps ``raw`` (named ``name`` in the events); ``site()`` names the code calling now."""

    def __init__(
        self,
        raw: RawAllocator,
        name: str,
        tracer: Tracer,
        site: Callable[[], str],
        *,
        base: int,
        kind: str,
        counted: bool = True,
        parent: str | None = None,
    ) -> None:
        self.raw = raw
        self.name = name
        self.tracer = tracer
        self.site = site
        self.base = base
        tracer(Opened(name, kind, raw.usage()[1], base, counted, parent))

    def usage(self) -> tuple[int, int | None]:
        return self.raw.usage()

    def refusal(self, n: int, log2_align: int) -> Refusal:
        return self.raw.refusal(n, log2_align)

    def alloc(self, n: int, log2_align: int) -> Slice | None:
        used_before, capacity = self.raw.usage()
        node_before = self.raw.newest() if isinstance(self.raw, ArenaAllocator) else None
        block = self.raw.alloc(n, log2_align)
        if block is None:
            failed = AllocFailed(self.name, self.site(), n, 1 << log2_align, used_before, capacity)
            self.tracer(failed)
            return None
        used_after = self.raw.usage()[0]
        offset = block.ptr - self.base
        if isinstance(self.raw, ArenaAllocator):
            # bytes skipped before the block in its node (all of them in a new node)
            same_node = self.raw.newest() == node_before
            padding = used_after - n - (used_before if same_node else 0)
        elif capacity is not None:
            padding = offset - used_before
        else:
            padding = used_after - used_before - n
        self.tracer(
            Alloc(
                self.name, self.site(), n, 1 << log2_align, offset, padding, used_before, used_after
            )
        )
        return block

    def resize(self, buf: Slice, log2_align: int, new_len: int) -> bool:
        used_before = self.raw.usage()[0]
        ok = self.raw.resize(buf, log2_align, new_len)
        self._resized(buf, new_len, ok, used_before)
        return ok

    def remap(self, buf: Slice, log2_align: int, new_len: int) -> Slice | None:
        used_before = self.raw.usage()[0]
        result = self.raw.remap(buf, log2_align, new_len)
        moved = None if result is None or result.ptr == buf.ptr else result.ptr - self.base
        self._resized(buf, new_len, result is not None, used_before, "remap", moved)
        return result

    def _resized(
        self,
        buf: Slice,
        new_len: int,
        ok: bool,
        used_before: int,
        call: str = "resize",
        moved_to: int | None = None,
    ) -> None:
        self.tracer(
            Resize(
                self.name,
                self.site(),
                buf.ptr - self.base,
                buf.length,
                new_len,
                ok,
                used_before,
                self.raw.usage()[0],
                call,
                moved_to,
            )
        )

    def free(self, buf: Slice, log2_align: int) -> None:
        used_before = self.raw.usage()[0]
        self.raw.free(buf, log2_align)
        used_after = self.raw.usage()[0]
        self.tracer(
            Free(self.name, self.site(), buf.ptr - self.base, buf.length, used_before, used_after)
        )

    def reset(self) -> None:
        """``FixedBufferAllocator.reset`` (only a fixed buffer has one)."""
        if not isinstance(self.raw, FixedBufferAllocator):
            raise TypeError("only a FixedBufferAllocator can be reset")
        used_before = self.raw.end_index
        self.raw.reset()
        self.tracer(Reset(self.name, used_before))

    def reset_retaining_capacity(self) -> bool:
        """An arena's ``reset(.retain_capacity)``."""
        if not isinstance(self.raw, ArenaAllocator):
            raise TypeError("only an ArenaAllocator can retain its capacity")
        used_before, capacity_before = self.raw.end_index, self.raw.capacity()
        ok = self.raw.reset_retaining_capacity()
        self.tracer(Reset(self.name, used_before, capacity_before, self.raw.capacity()))
        return ok
