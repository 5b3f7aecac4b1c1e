"""``std.fs.Dir.readFileAlloc`` of Zig 0.11.0.

Ported from ``lib/std/fs.zig``, ``lib/std/fs/file.zig`` and ``lib/std/io/reader.zig``.

The file's bytes go through an ArrayList whose capacity starts at the file's size and
grows in place before and during reading, then shrinks back: so reading a file needs
more free room than the file's size, for a moment.
"""

from __future__ import annotations

from aoc23.zigstd.array_list import ArrayList, grown_capacity
from aoc23.zigstd.mem import Allocator, Slice

FIRST_READ_CAPACITY = 4096
"""``readAllArrayListAligned`` makes room for this many bytes before its first read."""
SIZELESS_CAPACITY = 1024
"""The list's first capacity when the file's stat size is 0 (a pipe, a device, ``/proc``)."""


class FileContents(bytes):
    """A file's bytes together with the size its ``fstat`` reported, which is what
    ``readFileAlloc`` sizes its first allocation by: 0 for a pipe or a device, whatever
    their length. Plain ``bytes`` stand for a regular file of exactly their length."""

    stat_size: int

    def __new__(cls, data: bytes, stat_size: int) -> FileContents:
        contents = super().__new__(cls, data)
        contents.stat_size = stat_size
        return contents


def stat_size_of(contents: bytes) -> int:
    return contents.stat_size if isinstance(contents, FileContents) else len(contents)


def readable_length(buffer_size: int, stat_size: int) -> int:
    """The longest input ``readFileAlloc`` can read into a fresh fixed buffer of
    ``buffer_size`` bytes from a file whose stat size is ``stat_size``; -1 when it fails
    before reading a byte.

    Reading stops only at a read that comes back short, so n bytes need a capacity of at
    least n + 1 among those the list grows through; the list is the buffer's only
    allocation, so each growth happens in place while it fits. Any input longer than
    this runs out of memory at the same growth step, whatever its length.
    """
    capacity = stat_size if stat_size > 0 else SIZELESS_CAPACITY
    if capacity > buffer_size:
        return -1
    if capacity < FIRST_READ_CAPACITY:
        capacity = grown_capacity(capacity, FIRST_READ_CAPACITY)
    longest = -1
    while capacity <= buffer_size:
        longest = capacity - 1
        capacity = grown_capacity(capacity, capacity + 1)
    return longest


def read_file_alloc(allocator: Allocator, contents: bytes) -> Slice:
    """Load ``contents`` into a fresh allocation, the first one sized by the stat size
    (see :class:`FileContents`).

    ``max_bytes`` is taken as unlimited, so ``error.FileTooBig`` cannot happen.
    """
    size = stat_size_of(contents)
    array = ArrayList.init_capacity(allocator, size if size > 0 else SIZELESS_CAPACITY)
    try:
        _read_all(array, contents)
        return array.to_owned_slice()
    finally:
        array.deinit()


def _read_all(array: ArrayList, contents: bytes) -> None:
    array.ensure_total_capacity(FIRST_READ_CAPACITY)
    position = 0
    while True:
        room = array.capacity - position
        chunk = contents[position : position + room]
        array.write_at(position, chunk)
        array.length = array.capacity
        position += len(chunk)
        if len(chunk) != room:
            array.shrink_and_free(position)
            return
        array.ensure_total_capacity(position + 1)
