"""``readFileAlloc``: ``std.fs.Dir.readFileAlloc`` of Zig 0.11.0 (ported from
``lib/std/fs.zig``, ``lib/std/fs/file.zig`` and ``lib/std/io/reader.zig``) and what later
releases made of it (``std.Io.Dir.readFileAlloc`` from 0.16), as each release's rule says
(:mod:`aoc23.zigstd.release`).

Either way the bytes go through a list whose capacity grows in place before or during
reading and then shrinks back: reading a file needs more free room than the file's size,
for a moment.
"""

from __future__ import annotations

from collections.abc import Iterator

from aoc23.zigstd.array_list import ArrayList
from aoc23.zigstd.mem import Allocator, Slice
from aoc23.zigstd.release import DEFAULT, Release

FIRST_READ_CAPACITY = 4096
"""``readAllArrayListAligned`` makes room for this many bytes before its first read."""
SIZELESS_CAPACITY = 1024
"""The list's first capacity when the file's stat size is 0 (a pipe, a device, ``/proc``)."""
WRITER_ROOM = 128
"""From 0.16 the list makes room for this many more bytes before each read of unknown size."""


class FileContents(bytes):
    """A file's bytes together with the size its ``fstat`` reported, which is what
    ``readFileAlloc`` sizes its first allocation by: 0 for a pipe or a device, whatever
    their length. Plain ``bytes`` stand for a regular file of exactly their length."""

    stat_size: int
    regular: bool
    """A regular file (False: a pipe or a device), which 0.16+ reads by its stat size."""

    def __new__(cls, data: bytes, stat_size: int, regular: bool = True) -> FileContents:
        contents = super().__new__(cls, data)
        contents.stat_size = stat_size
        contents.regular = regular
        return contents


def stat_size_of(contents: bytes) -> int:
    return contents.stat_size if isinstance(contents, FileContents) else len(contents)


def is_regular(contents: bytes) -> bool:
    return contents.regular if isinstance(contents, FileContents) else True


def readable_length(buffer_size: int, stat_size: int, release: Release = DEFAULT) -> int:
    """The longest input ``readFileAlloc`` can read into a fresh fixed buffer of
    ``buffer_size`` bytes from a file whose stat size is ``stat_size``; -1 when it fails
    before reading a byte.

    Reading stops only at a read that comes back short, so n bytes need a capacity of at
    least n + 1 among those the list grows through; the list is the buffer's only
    allocation, so each growth happens in place while it fits. Any input longer than
    this runs out of memory at the same growth step, whatever its length.
    """
    if release.read_file == "list" and (stat_size or SIZELESS_CAPACITY) > buffer_size:
        return -1
    longest = -1
    for capacity in _read_capacities(stat_size, release):
        if capacity > buffer_size:
            return longest
        longest = capacity - 1
    raise AssertionError("the capacities never end")


def _read_capacities(stat_size: int, release: Release) -> Iterator[int]:
    """The capacities the list reads into, one after another, while a longer and longer
    input is read (the first allocation, when smaller, was checked to fit before)."""
    if release.read_file == "writer":
        capacity, room = release.grown(0, stat_size or WRITER_ROOM), WRITER_ROOM
    else:
        capacity, room = stat_size or SIZELESS_CAPACITY, 1
        if capacity < FIRST_READ_CAPACITY:
            capacity = release.grown(capacity, FIRST_READ_CAPACITY)
    while True:
        yield capacity
        capacity = release.grown(capacity, capacity + room)


def read_file_alloc(allocator: Allocator, contents: bytes, release: Release = DEFAULT) -> Slice:
    """Load ``contents`` into a fresh allocation, the first one sized by the stat size
    (see :class:`FileContents`), by ``release``'s rule.

    ``max_bytes`` is taken as unlimited, so ``error.FileTooBig`` cannot happen.
    """
    if release.read_file == "writer":
        return _read_by_writer(allocator, contents, release)
    size = stat_size_of(contents)
    array = ArrayList.init_capacity(allocator, size if size > 0 else SIZELESS_CAPACITY, release)
    try:
        _read_all(array, contents)
        return array.to_owned_slice()
    finally:
        array.deinit()


def _read_by_writer(allocator: Allocator, contents: bytes, release: Release) -> Slice:
    """0.16+: room for the stat size at once, or (size unknown) for 128 more bytes each time
    a read fills the list; then the list is handed over trimmed to the bytes read. A regular
    file whose stat size is 0 is taken as empty without a call."""
    array = ArrayList(allocator, release)
    size = stat_size_of(contents)
    if size == 0 and is_regular(contents):
        return array.to_owned_slice()  # an empty regular file: not a single call
    try:
        if size > 0:
            array.ensure_total_capacity(size)
        while True:
            array.ensure_total_capacity(array.length + WRITER_ROOM)
            room = array.capacity - array.length
            chunk = contents[array.length : array.length + room]
            array.write_at(array.length, chunk)
            array.length += len(chunk)
            if len(chunk) != room:
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
