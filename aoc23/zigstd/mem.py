"""Simulated memory and Zig 0.11.0's allocator interface (``lib/std/mem/Allocator.zig``).

Two levels, as in Zig:

* a *raw* allocator (Zig's VTable: ``alloc`` gives None on failure, ``resize`` answers a bool,
  ``free`` answers nothing) never raises;
* the :class:`Allocator` front end turns a refused allocation into :class:`OutOfMemory`,
  skips zero-length requests the way Zig does, and writes Zig's ``undefined`` pattern
  (0xAA, as Debug and ReleaseSafe builds do) over every block it hands out or takes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from aoc23.errors import OutOfMemory
from aoc23.records import NamedTuple, Protocol

UNDEFINED_BYTE = b"\xaa"
"""What a safe Zig build writes for ``undefined`` memory, one byte of it."""


def align_forward(value: int, alignment: int) -> int:
    """The smallest multiple of ``alignment`` (a power of two) that is >= ``value``."""
    return (value + alignment - 1) & -alignment


CHUNK_SIZE = 1 << 12
"""The bytes of a :class:`Buffer` are kept in chunks of this many, made when first written."""
_UNDEFINED_CHUNK = UNDEFINED_BYTE * CHUNK_SIZE


class Buffer:
    """A run of simulated bytes that starts at the address ``base``.

    Zig aligns allocations by *address*, so the base matters: a block with 8-byte alignment
    placed at index ``i`` needs ``(-(base + i)) % 8`` bytes of padding. Untouched bytes
    read as 0xAA, the content of a fresh ``undefined`` stack array in a safe build, and cost
    nothing: Python holds only the chunks of :data:`CHUNK_SIZE` bytes that something wrote
    into, and lets a chunk go again once 0xAA is written over all of it.

    A block's owner may *owe* its bytes (see :meth:`owe`): it writes them only when
    something reads that range, or writes part of it. Owners paying what they owe use
    :meth:`peek` and :meth:`poke`; everybody else reads through :meth:`read`,
    :meth:`snapshot` or :meth:`touched`.
    """

    def __init__(self, size: int, base: int) -> None:
        if size < 0:
            raise ValueError("a buffer cannot have a negative size")
        self.size = size
        self.base = base
        self._chunks: dict[int, bytearray] = {}
        self._chunks_below = 0
        """No chunk at this index or above has been made (so none is held)."""
        self._owed: dict[int, tuple[int, Callable[[], None]]] = {}
        self._owed_below = 0
        """No byte at this offset or past it has ever been owed."""

    def owe(self, offset: int, length: int, pay: Callable[[], None]) -> None:
        """``[offset, offset + length)`` is up to date only after ``pay()``; until a write
        covers the whole range, which makes the debt void. (An empty range owes nothing.)"""
        if length > 0:
            self._owed[offset] = (offset + length, pay)
            self._owed_below = max(self._owed_below, offset + length)

    def _discard(self) -> None:
        """The memory is gone (a stack array going out of scope): nothing will read it again,
        so whatever is owed to it is forgotten."""
        self._owed.clear()

    def settle(self, start: int = 0, end: int | None = None) -> None:
        """Have every debt overlapping ``[start, end)`` paid."""
        for offset, (stop, pay) in list(self._owed.items()):
            if offset < (self.size if end is None else end) and stop > start:
                pay()

    def undefine(self, offset: int, length: int) -> None:
        """Write 0xAA over ``[offset, offset + length)``; a chunk left with nothing else goes.
        Costs nothing for the chunks not held (and nothing at all when none is)."""
        end = offset + length
        if offset < self._owed_below and self._owed:
            self._before_write(offset, end)
        chunks = self._chunks
        first = offset // CHUNK_SIZE
        if not chunks or first >= self._chunks_below:
            return
        last = -(-end // CHUNK_SIZE)
        if last - first > len(chunks):
            held = [index for index in chunks if first <= index < last]
        else:
            held = [index for index in range(first, last) if index in chunks]
        for index in held:
            base = index * CHUNK_SIZE
            start, stop = max(offset - base, 0), min(end - base, CHUNK_SIZE)
            chunk = chunks[index]
            if stop - start < CHUNK_SIZE:
                chunk[start:stop] = _UNDEFINED_CHUNK[start:stop]
            if stop - start == CHUNK_SIZE or chunk == _UNDEFINED_CHUNK:
                del chunks[index]

    def write(self, offset: int, payload: bytes) -> None:
        if offset < self._owed_below and self._owed:
            self._before_write(offset, offset + len(payload))
        self.poke(offset, payload)

    def read(self, offset: int, length: int) -> bytes:
        self.settle(offset, offset + length)
        return self.peek(offset, length)

    def touched(self) -> bytes:
        """The bytes from the start up to the last one that does not read 0xAA."""
        self.settle()
        if not self._chunks:
            return b""
        end = min(self.size, (max(self._chunks) + 1) * CHUNK_SIZE)
        return self.peek(0, end).rstrip(UNDEFINED_BYTE)

    def snapshot(self) -> bytes:
        """Every byte of the buffer, as a dump of the real memory would show it."""
        self.settle()
        return self.peek(0, self.size)

    def held(self) -> int:
        """Bytes Python holds for this buffer: the chunks written and not since undefined."""
        return CHUNK_SIZE * len(self._chunks)

    def peek(self, offset: int, length: int) -> bytes:
        """The bytes as they stand, whatever is owed to them."""
        return b"".join(
            UNDEFINED_BYTE * (stop - start) if chunk is None else chunk[start:stop]
            for chunk, start, stop in self._pieces(offset, offset + length)
        )

    def poke(self, offset: int, payload: bytes | bytearray) -> None:
        """Write ``payload`` at ``offset`` as it is, leaving any debt alone."""
        index, start = divmod(offset, CHUNK_SIZE)
        stop = start + len(payload)
        if stop <= CHUNK_SIZE:
            if start < stop:
                held = self._chunks.get(index) or self._new_chunk(index)
                held[start:stop] = payload
            return
        done = 0
        for chunk, start, stop in self._pieces(offset, offset + len(payload), make=True):
            assert chunk is not None
            chunk[start:stop] = payload[done : done + stop - start]
            done += stop - start

    def _pieces(
        self, offset: int, end: int, *, make: bool = False
    ) -> Iterator[tuple[bytearray | None, int, int]]:
        """``(chunk, start, stop)`` for each chunk that ``[offset, end)`` crosses, in order:
        the part ``chunk[start:stop]`` of it (None for a chunk not held, unless ``make``)."""
        while offset < end:
            index, start = divmod(offset, CHUNK_SIZE)
            stop = min(start + end - offset, CHUNK_SIZE)
            chunk = self._chunks.get(index)
            if chunk is None and make:
                chunk = self._new_chunk(index)
            yield chunk, start, stop
            offset += stop - start

    def _new_chunk(self, index: int) -> bytearray:
        chunk = self._chunks[index] = bytearray(_UNDEFINED_CHUNK)
        self._chunks_below = max(self._chunks_below, index + 1)
        return chunk

    def _before_write(self, start: int, end: int) -> None:
        for offset, (stop, pay) in list(self._owed.items()):
            if start <= offset and stop <= end:
                del self._owed[offset]
            elif offset < end and stop > start:
                pay()


class Slice(NamedTuple):
    """``[]u8``: ``length`` bytes at ``offset`` in ``buffer`` (None for zero-length slices)."""

    buffer: Buffer | None
    offset: int
    length: int

    @property
    def ptr(self) -> int:
        """The address of the first byte, as Zig would print it."""
        if self.buffer is None:
            return self.offset
        return self.buffer.base + self.offset

    @property
    def end(self) -> int:
        """Offset one past the last byte, inside ``buffer``."""
        return self.offset + self.length


class Refusal(NamedTuple):
    """A request an allocator refused, and how full it was: for an allocator built on
    another (an arena), the innermost request that was refused."""

    size: int
    alignment: int
    used: int
    capacity: int | None
    """None: the allocator has no fixed size (the page allocator, an arena)."""
    for_block: int | None = None
    """When the refused request was an arena's new node: the block it was for."""


ZERO_LENGTH_ADDRESS = (1 << 64) - 1
"""Zig hands out ``maxInt(usize)`` (rounded down to the alignment) for zero-length requests."""


def zero_length_slice(log2_align: int) -> Slice:
    return Slice(None, ZERO_LENGTH_ADDRESS & -(1 << log2_align), 0)


class RawAllocator(Protocol):
    """Zig's ``Allocator.VTable``: the level that reports failure without raising."""

    def alloc(self, n: int, log2_align: int) -> Slice | None: ...

    def resize(self, buf: Slice, log2_align: int, new_len: int) -> bool: ...

    def remap(self, buf: Slice, log2_align: int, new_len: int) -> Slice | None:
        """Zig 0.14's fourth vtable call: the block resized, perhaps moved; None: refused."""
        ...

    def free(self, buf: Slice, log2_align: int) -> None: ...

    def usage(self) -> tuple[int, int | None]:
        """(bytes the allocator counts as used, capacity or None when unbounded)."""
        ...

    def refusal(self, n: int, log2_align: int) -> Refusal:
        """Why ``alloc(n, log2_align)`` just gave None: the request that was refused."""
        ...


class CallSite:
    """Which part of the program is calling its allocators right now: set :attr:`name`
    before the calls, and back to None (the program's ``main``) after. An
    :class:`Allocator` given this call site names it in the OutOfMemory it raises; a
    traced allocator names :meth:`current` in its events."""

    __slots__ = ("name",)

    def __init__(self) -> None:
        self.name: str | None = None

    def current(self) -> str:
        return self.name or "main"


class Allocator:
    """``std.mem.Allocator``'s typed front end, for byte slices. ``site``, when given, names
    the caller in any OutOfMemory (see :class:`CallSite`)."""

    def __init__(self, raw: RawAllocator, site: CallSite | None = None) -> None:
        self.raw = raw
        self.site = site

    def alloc(self, n: int, log2_align: int = 0) -> Slice:
        """``alignedAlloc(u8, 1 << log2_align, n)``; the new bytes read 0xAA."""
        if n == 0:
            return zero_length_slice(log2_align)
        block = self.raw.alloc(n, log2_align)
        if block is None:
            refused = self.raw.refusal(n, log2_align)
            error = OutOfMemory(
                refused.size,
                refused.alignment,
                end_index=refused.used if refused.capacity is not None else None,
                buffer_len=refused.capacity,
                for_block=refused.for_block,
            )
            error.site = None if self.site is None else self.site.name
            raise error
        assert block.buffer is not None
        block.buffer.undefine(block.offset, block.length)
        return block

    def free(self, block: Slice, log2_align: int = 0) -> None:
        """``free``: overwrite with 0xAA, then hand back (the allocator may ignore it)."""
        if block.length == 0 or block.buffer is None:
            return
        block.buffer.undefine(block.offset, block.length)
        self.raw.free(block, log2_align)

    def resize(self, block: Slice, new_len: int, log2_align: int = 0) -> bool:
        """In-place resize; ``new_len == 0`` frees. Never moves the block."""
        if new_len == 0:
            self.free(block, log2_align)
            return True
        if block.length == 0:
            return False
        return self.raw.resize(block, log2_align, new_len)

    def remap(self, block: Slice, new_len: int, log2_align: int = 0) -> Slice | None:
        """``remap`` (Zig 0.14+): the block resized in place or moved, or None (refused);
        ``new_len == 0`` frees."""
        if new_len == 0:
            self.free(block, log2_align)
            return zero_length_slice(log2_align)
        if block.length == 0:
            return None
        return self.raw.remap(block, log2_align, new_len)
