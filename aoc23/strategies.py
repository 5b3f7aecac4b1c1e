"""The blog's program and its step variants, as allocation scripts over the simulated Zig std.

Every strategy reads the input the way the blog's ``readInput`` does (``readFileAlloc``
into the main allocator), parses it into ``grid.cells`` (count the elves,
``ensureTotalCapacity(count)``, then ``putAssumeCapacity`` each in reading order), and
then steps: build ``new_cells`` with room for every elf and fill it by visiting the old
cells in slot order, each elf inserted at the tile it ends the round on. They differ only
in where ``new_cells`` lives and how the old table goes away.
"""

from __future__ import annotations

from aoc23 import puzzle
from aoc23.bitboard import Board
from aoc23.records import NamedTuple
from aoc23.zigstd._keys import KeySpace
from aoc23.zigstd.arena import ArenaAllocator
from aoc23.zigstd.fs import read_file_alloc, stat_size_of
from aoc23.zigstd.hash_map import AutoHashMap
from aoc23.zigstd.heap import FixedBufferAllocator, PageAllocator
from aoc23.zigstd.mem import Allocator, Buffer, CallSite, RawAllocator, Slice
from aoc23.zigstd.release import DEFAULT as DEFAULT_RELEASE
from aoc23.zigstd.release import Release

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import ClassVar, Literal, TypeVar

    from aoc23.events import Tracer
    from aoc23.zigstd.logging import LoggingAllocator

    Raw = TypeVar("Raw", bound=RawAllocator)
    ReadMode = Literal["readfile", "exact"]
    ParseMode = Literal["reserve", "grow"]
    AllocatorKind = Literal["fixed", "pages", "arena"]

MIB = 1 << 20
DEFAULT_BUFFER_SIZE = 8 * MIB
"""The default Linux stack size, where the blog's challenge kept its buffer."""
DEFAULT_TEMP_SIZE = 40_000
"""The blog's ``temp_buf: [40000]u8``."""


class Addresses(NamedTuple):
    """Where the simulated buffers start. Only each base modulo 8 changes what is printed
    (alignment padding); the full addresses appear inside table headers."""

    main: int = 0x7FF0_0000_0000
    second: int = 0x7FE0_0000_0000
    temp: int = 0x7FD0_0000_0000
    pages: int = 0x7F00_0000_0000


DEFAULT_ADDRESSES = Addresses()


class Settings(NamedTuple):
    """How to run the program. The last three are the blog's what-ifs; the defaults are the
    blog's program: ``readFileAlloc``, one ``ensureTotalCapacity`` for the parse, and the
    input kept until the end."""

    buffer_size: int = DEFAULT_BUFFER_SIZE
    temp_size: int = DEFAULT_TEMP_SIZE
    addresses: Addresses = DEFAULT_ADDRESSES
    read: ReadMode = "readfile"
    parse: ParseMode = "reserve"
    free_input: bool = False
    zig: Release = DEFAULT_RELEASE
    """The Zig release whose std the run simulates (the blog's 0.11.0 unless told)."""


INPUT_SITES: dict[ReadMode, str] = {
    "readfile": "the input (readFileAlloc)",
    "exact": "the input (one exact alloc)",
}
FREE_INPUT_SITE = "the input (freed after parsing)"


class AllocatorSpec(NamedTuple):
    """One allocator a strategy uses, under the name its trace events carry.

    ``sized_by`` names the setting that sizes its buffer (None: the page allocator and an
    arena have none); ``counted`` says whether the printed memuse includes it; ``parent``
    is the allocator an arena takes its nodes from."""

    name: str
    kind: AllocatorKind
    sized_by: Literal["buffer_size", "temp_size"] | None
    counted: bool = True
    parent: str | None = None


MAIN = AllocatorSpec("main", "fixed", "buffer_size")
SECOND = AllocatorSpec("second", "fixed", "buffer_size")
TEMP = AllocatorSpec("temp", "fixed", "temp_size", counted=False)
PAGES = AllocatorSpec("pages", "pages", None)
ARENA_IN_MAIN = AllocatorSpec("arena", "arena", None, counted=False, parent="main")
ARENA_IN_PAGES = AllocatorSpec("arena", "arena", None, counted=False, parent="pages")
ARENA_A = AllocatorSpec("arena-a", "arena", None, counted=False, parent="pages")
ARENA_B = AllocatorSpec("arena-b", "arena", None, counted=False, parent="pages")


class Strategy:
    """The blog's ``main``: a main allocator, the input, and ``grid.cells``.

    What the rest of aoc23 knows of a strategy is on its class: its ``name``, its
    ``summary`` (the help text), its ``allocators`` and what its memuse is
    (``memuse_means``); ``fixed_buffer`` and ``fixed_buffers`` follow from the allocators."""

    name: ClassVar[str]
    summary: ClassVar[str]
    allocators: ClassVar[tuple[AllocatorSpec, ...]] = (MAIN,)
    memuse_means: ClassVar[str] = "end_index"
    fixed_buffer: ClassVar[bool]
    """Whether memuse is a fixed buffer's end_index (so the buffer can run out)."""
    fixed_buffers: ClassVar[int]
    """How many buffers of --buffer-size bytes it uses."""

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.fixed_buffer = any(a.kind == "fixed" and a.counted for a in cls.allocators)
        cls.fixed_buffers = sum(1 for a in cls.allocators if a.sized_by == "buffer_size")

    def __init__(self, settings: Settings, tracer: Tracer | None = None) -> None:
        self.settings = settings
        self.tracer = tracer
        self.site = CallSite()
        self.allocator = self._main_allocator()
        self.keys = KeySpace()
        self.cells = AutoHashMap(self.allocator, self.keys)
        self.board: Board | None = None

    def _main_allocator(self) -> Allocator:
        buffer = Buffer(self.settings.buffer_size, self.settings.addresses.main)
        self.fba = FixedBufferAllocator(buffer)
        self.main_raw = self._traced(self.fba, MAIN, buffer.base)
        return Allocator(self.main_raw, self.site)

    def _traced(self, raw: Raw, spec: AllocatorSpec, base: int) -> Raw | LoggingAllocator:
        """``raw`` itself, or behind a LoggingAllocator when the run is traced."""
        if self.tracer is None:
            return raw
        from aoc23.zigstd.logging import LoggingAllocator

        return LoggingAllocator(
            raw,
            spec.name,
            self.tracer,
            self.site.current,
            base=base,
            kind=spec.kind,
            counted=spec.counted,
            parent=spec.parent,
        )

    def load(self, text: bytes) -> None:
        site = self.site
        site.name = INPUT_SITES[self.settings.read]
        block, text = self._read(text)
        site.name = None
        elves = puzzle.parse(text)
        self.board = Board.around(elves)
        self.keys = KeySpace(self.board.window)
        self.cells._rekey(self.keys)
        site.name = "grid.cells"
        if self.settings.parse == "grow":
            for elf in elves:
                self.cells.put(elf)
        else:
            self.cells.ensure_total_capacity(len(elves))
            self.cells._put_each_absent(elves)
        if self.settings.free_input:
            site.name = FREE_INPUT_SITE
            self.allocator.free(block)
        site.name = None

    def _read(self, text: bytes) -> tuple[Slice, bytes]:
        """The input's block and the bytes the program goes on with: all of them for
        readFileAlloc; for the exact read, those that fit the stat size it allocated."""
        if self.settings.read == "readfile":
            return read_file_alloc(self.allocator, text, self.settings.zig), text
        block = self.allocator.alloc(stat_size_of(text))
        text = text[: block.length]
        if block.buffer is not None:
            block.buffer.write(block.offset, text)
        return block, text

    def step(self, round_index: int) -> bool:
        raise NotImplementedError

    def make_room(self) -> Board:
        """The board, in a wider window first if an elf reached the edge of its window."""
        assert self.board is not None, "load the input first"
        if self.board.needs_room():
            self.board = self.board.grown()
            self.keys = self.keys.regrid(self.board.window)
            self.cells._rekey(self.keys)
        return self.board

    def fill_next(self, new_cells: AutoHashMap, board: Board, round_index: int) -> bool:
        """Put every elf's end-of-round tile into ``new_cells``, visiting ``grid.cells`` in
        slot order as the blog's loop does; True if any elf moved."""
        moves = board.step(round_index)
        new_cells._put_each_moved(self.cells, moves.codes, moves.offsets)
        return moves.moved

    def build_next(self, allocator: Allocator, site: str, round_index: int) -> bool:
        """The blog's step with ``new_cells`` from ``allocator`` (its calls named ``site``):
        fill it, free the old table, and keep the new one; True if any elf moved."""
        board = self.make_room()
        new_cells = AutoHashMap(allocator, self.keys)
        self.site.name = site
        new_cells.ensure_total_capacity(self.cells.count())
        self.site.name = None
        moved = self.fill_next(new_cells, board, round_index)
        self.site.name = "grid.cells"
        self.cells.deinit()
        self.site.name = None
        self.cells = new_cells
        return moved

    def memuse(self) -> int:
        """What the blog prints each round."""
        return self.fba.end_index

    def buffers(self) -> tuple[Buffer, ...]:
        """The long-lived fixed buffers, in a fixed order (empty when there are none)."""
        return (self.fba.buffer,)

    def empty_ground(self) -> int:
        """Part 1's answer, read from ``grid.cells`` as the blog reads it."""
        bounds = self.cells.key_bounds()
        return puzzle.empty_ground_in(bounds.width, bounds.height, self.cells.count())

    def elves(self) -> list[puzzle.Point]:
        return list(self.cells.key_iterator())


class Naive(Strategy):
    name = "naive"
    summary = (
        "the blog's step: new_cells in the same buffer, then free the old table; the free "
        "is a no-op (not the last allocation), so end_index grows every round"
    )

    def step(self, round_index: int) -> bool:
        return self.build_next(self.allocator, "new_cells", round_index)


class TempAlloc(Strategy):
    name = "tempalloc"
    summary = (
        "the blog's step_with_tempalloc: new_cells in a fresh temporary buffer "
        "(--temp-size), copied back into grid.cells; end_index stays put"
    )
    allocators = (MAIN, TEMP)

    def step(self, round_index: int) -> bool:
        board = self.make_room()
        temp = Buffer(self.settings.temp_size, self.settings.addresses.temp)
        scratch = self._traced(FixedBufferAllocator(temp), TEMP, temp.base)
        new_cells = AutoHashMap(Allocator(scratch, self.site), self.keys)
        self.site.name = "new_cells (temporary buffer)"
        new_cells.ensure_total_capacity(self.cells.count())
        self.site.name = None
        moves = board.step(round_index)
        self.cells._move_through(new_cells, moves.codes, moves.offsets)
        temp._discard()
        return moves.moved


class Double(Strategy):
    name = "double"
    summary = (
        "the blog's fix 3: two buffers of --buffer-size bytes; each step resets the other "
        "one and builds new_cells there; memuse is both end_index values added"
    )
    allocators = (MAIN, SECOND)
    memuse_means = "end_index of both buffers"

    def __init__(self, settings: Settings, tracer: Tracer | None = None) -> None:
        super().__init__(settings, tracer)
        other = Buffer(settings.buffer_size, settings.addresses.second)
        self.fbas = (self.fba, FixedBufferAllocator(other))
        self.raws = (self.main_raw, self._traced(self.fbas[1], SECOND, other.base))
        self.both = (self.allocator, Allocator(self.raws[1], self.site))
        self.current = 0

    def step(self, round_index: int) -> bool:
        target = 1 - self.current
        self.raws[target].reset()
        moved = self.build_next(self.both[target], "new_cells (other buffer)", round_index)
        self.current = target
        return moved

    def memuse(self) -> int:
        return sum(fba.end_index for fba in self.fbas)

    def buffers(self) -> tuple[Buffer, ...]:
        return tuple(fba.buffer for fba in self.fbas)


class Page(Naive):
    name = "page"
    summary = (
        "the blog's fix 2: std.heap.page_allocator; every block is mapped as whole "
        "4096-byte pages and a free unmaps it; memuse is the bytes mapped"
    )
    allocators: ClassVar[tuple[AllocatorSpec, ...]] = (PAGES,)
    memuse_means = "bytes mapped"

    def _main_allocator(self) -> Allocator:
        self.pages = PageAllocator(self.settings.addresses.pages, self.settings.zig)
        base = self.settings.addresses.pages
        return Allocator(self._traced(self.pages, PAGES, base), self.site)

    def memuse(self) -> int:
        return self.pages.mapped

    def buffers(self) -> tuple[Buffer, ...]:
        return ()


class Arena(Naive):
    name = "arena"
    summary = (
        "the blog's step through a std.heap.ArenaAllocator over the fixed buffer: its free "
        "takes back only its newest block and it grows its node in place, so end_index "
        "grows every round as with naive"
    )
    allocators = (MAIN, ARENA_IN_MAIN)

    def _main_allocator(self) -> Allocator:
        child = super()._main_allocator().raw
        self.arena = ArenaAllocator(child, self.settings.zig)
        return Allocator(self._traced(self.arena, ARENA_IN_MAIN, self.fba.buffer.base), self.site)


class ArenaPages(Page):
    name = "arena-pages"
    summary = (
        "the blog's step through an ArenaAllocator over std.heap.page_allocator: it never "
        "gives a node back, each new node 1.5 x the last; memuse is the bytes mapped"
    )
    allocators = (PAGES, ARENA_IN_PAGES)

    def _main_allocator(self) -> Allocator:
        child = super()._main_allocator().raw
        self.arena = ArenaAllocator(child, self.settings.zig)
        base = self.settings.addresses.pages
        return Allocator(self._traced(self.arena, ARENA_IN_PAGES, base), self.site)


class Arenas(Page):
    name = "arenas"
    summary = (
        "two ArenaAllocators over std.heap.page_allocator in turn: each step resets the other "
        "with .retain_capacity and builds new_cells there; memuse is the bytes mapped"
    )
    allocators = (PAGES, ARENA_A, ARENA_B)

    def _main_allocator(self) -> Allocator:
        pages = super()._main_allocator().raw
        base = self.settings.addresses.pages
        self.arenas = tuple(
            self._traced(ArenaAllocator(pages, self.settings.zig), spec, base)
            for spec in (ARENA_A, ARENA_B)
        )
        self.both = tuple(Allocator(arena, self.site) for arena in self.arenas)
        self.current = 0
        return self.both[0]

    def step(self, round_index: int) -> bool:
        target = 1 - self.current
        self.site.name = "reset (other arena)"
        self.arenas[target].reset_retaining_capacity()
        self.site.name = None
        moved = self.build_next(self.both[target], "new_cells (other arena)", round_index)
        self.current = target
        return moved


STRATEGIES: dict[str, type[Strategy]] = {
    strategy.name: strategy
    for strategy in (Naive, TempAlloc, Double, Page, Arena, ArenaPages, Arenas)
}
