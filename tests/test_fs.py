"""readFileAlloc: the room it needs for a moment, and what stays (the real compiler's traces)."""

import json
from pathlib import Path

import pytest

from aoc23.errors import OutOfMemory
from aoc23.events import Alloc, Event, Free, Resize
from aoc23.zigstd.array_list import grown_capacity
from aoc23.zigstd.fs import FileContents, read_file_alloc, readable_length
from aoc23.zigstd.heap import FixedBufferAllocator, PageAllocator
from aoc23.zigstd.logging import LoggingAllocator
from aoc23.zigstd.mem import Allocator, Buffer
from aoc23.zigstd.release import release


def read_into(size: int, buffer_len: int) -> FixedBufferAllocator:
    contents = bytes(i % 251 for i in range(size))
    fba = FixedBufferAllocator(Buffer(buffer_len, 0x10000))
    block = read_file_alloc(Allocator(fba), contents)
    assert block.buffer is not None and block.buffer.read(block.offset, block.length) == contents
    return fba


@pytest.mark.parametrize(("size", "peak"), [(4970, 7463), (4096, 6152), (100, 4431), (56, 4128)])
def test_reading_needs_the_growth_peak_and_keeps_the_file_size(size: int, peak: int) -> None:
    assert read_into(size, peak).end_index == size
    with pytest.raises(OutOfMemory):
        read_into(size, peak - 1)


def test_the_blogs_file_needs_7463_bytes() -> None:
    assert read_into(4970, 7463).end_index == 4970
    with pytest.raises(OutOfMemory) as caught:
        read_into(4970, 7462)
    assert caught.value.size == 7463


def test_growth_rule_of_array_list() -> None:
    assert grown_capacity(56, 4096) == 4128
    assert grown_capacity(100, 4096) == 4431
    assert grown_capacity(4970, 4971) == 7463


def test_file_bytes_land_in_the_buffer() -> None:
    fba = FixedBufferAllocator(Buffer(10000, 0x10000))
    block = read_file_alloc(Allocator(fba), b"#.#\n..#\n")
    assert block.buffer is not None and block.buffer.read(0, 8) == b"#.#\n..#\n"


def test_page_allocator_reads_a_small_file_by_moving_it() -> None:
    pages = PageAllocator(0x7F0000000000)
    block = read_file_alloc(Allocator(pages), b"#" * 56)
    assert pages.mapped == 4096
    assert block.buffer is not None and block.buffer.read(block.offset, 56) == b"#" * 56


@pytest.mark.parametrize("zig", ["0.11.0", "0.14.1", "0.17.1"])
@pytest.mark.parametrize("stat_size", [0, 1, 56, 4096, 4970, 70_000])
@pytest.mark.parametrize("buffer_len", [0, 211, 319, 1023, 1024, 4095, 5249, 7463, 20_000, 99_999])
def test_readable_length_is_where_reading_starts_to_run_out(
    stat_size: int, buffer_len: int, zig: str
) -> None:
    rules = release(zig)
    longest = readable_length(buffer_len, stat_size, rules)

    def read(length: int) -> OutOfMemory | None:
        fba = FixedBufferAllocator(Buffer(buffer_len, 0x10000))
        try:
            contents = FileContents(b"#" * length, stat_size, regular=stat_size > 0)
            read_file_alloc(Allocator(fba), contents, rules)
        except OutOfMemory as error:
            return error
        return None

    if longest >= 0:
        assert read(longest) is None
    failed = read(longest + 1)
    assert failed is not None
    longer = read(longest + 1 + 3 * buffer_len + 5000)  # far more: the same failure
    assert longer is not None and (longer.size, longer.end_index) == (
        failed.size,
        failed.end_index,
    )


MEASURED = json.loads(
    (Path(__file__).resolve().parent.parent / "bench" / "releases.json").read_text()
)
"""What every release's own compiler did (``make zig-releases`` rewrites it)."""
MEASURED_READS = [
    (version, name, seen)
    for version, found in MEASURED["releases"].items()
    for name, seen in found["read_file_alloc"]["calls"].items()
]


def _calls_of_a_read(version: str, kind: str, size: int) -> tuple[list[str], int]:
    """The allocator calls the simulated readFileAlloc makes, as the reference prints them,
    and the highest end_index they reach."""
    events: list[Event] = []
    fba = FixedBufferAllocator(Buffer(1 << 20, 0x10000))
    raw = LoggingAllocator(fba, "main", events.append, lambda: "read", base=0x10000, kind="fixed")
    contents = FileContents(b"#" * size, size if kind == "file" else 0, regular=kind == "file")
    read_file_alloc(Allocator(raw), contents, release(version))
    calls, peak = [], 0
    for event in events:
        if isinstance(event, Alloc):
            calls.append(f"alloc {event.size}")
        elif isinstance(event, Resize):
            calls.append(f"{event.call} {event.old_size}->{event.new_size}")
        elif isinstance(event, Free):
            calls.append(f"free {event.size}")
        peak = max(peak, getattr(event, "used_after", 0))
    return calls, peak


@pytest.mark.parametrize(("version", "name", "seen"), MEASURED_READS, ids=lambda v: str(v)[:12])
def test_every_read_makes_the_calls_its_release_made(
    version: str, name: str, seen: dict[str, object]
) -> None:
    kind, size = name.split()
    calls, peak = _calls_of_a_read(version, kind, int(size))
    assert (calls, peak) == (seen["calls"], seen["peak"])
