"""``std.fs.Dir.readFileAlloc`` of Zig 0.11.0.

Ported from ``lib/std/fs.zig``, ``lib/std/fs/file.zig`` and ``lib/std/io/reader.zig``.

The file's bytes go through an ArrayList whose capacity starts at the file's size and
grows in place before and during reading, then shrinks back: so reading a file needs
more free room than the file's size, for a moment.
"""

from __future__ import annotations

from aoc23.zigstd.array_list import ArrayList
from aoc23.zigstd.mem import Allocator, Slice

FIRST_READ_CAPACITY = 4096
"""``readAllArrayListAligned`` makes room for this many bytes before its first read."""


def read_file_alloc(allocator: Allocator, contents: bytes) -> Slice:
    """Load ``contents`` (a regular file's bytes, its stat size exact) into a fresh allocation.

    ``max_bytes`` is taken as unlimited, so ``error.FileTooBig`` cannot happen.
    """
    size = len(contents)
    array = ArrayList.init_capacity(allocator, size if size > 0 else 1024)
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
