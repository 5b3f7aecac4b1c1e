"""What a traced run reports, one event per allocator call or round boundary.

A tracer is any callable that takes an event: ``events.append`` or ``print`` both work.
Offsets are counted from the start of the allocator's memory (a fixed buffer's index, or
the distance from the page allocator's first mapping); ``used_before``/``used_after`` are
what the allocator counts as used (a fixed buffer's ``end_index``, or the bytes mapped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Opened:
    """A new allocator came into use. ``size`` is None for the page allocator and an arena;
    ``counted`` says whether the printed memuse includes it (a scratch buffer is not
    counted, nor an arena: its child counts its nodes). ``parent``: the allocator an arena
    takes its nodes from, whose offsets its own events use."""

    allocator: str
    kind: str
    size: int | None
    base: int
    counted: bool
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Alloc:
    """``padding``: bytes the request cost beyond its size (alignment padding in front of it
    in a fixed buffer; the unused rest of its last page for a page mapping)."""

    allocator: str
    site: str
    size: int
    alignment: int
    offset: int
    padding: int
    used_before: int
    used_after: int


@dataclass(frozen=True, slots=True)
class AllocFailed:
    allocator: str
    site: str
    size: int
    alignment: int
    used: int
    capacity: int | None


@dataclass(frozen=True, slots=True)
class Resize:
    """A block grown or shrunk: by ``resize`` (in place) or, on Zig 0.14+, ``remap``, which
    may move it to ``moved_to`` (page mappings only: a fixed buffer never moves a block)."""

    allocator: str
    site: str
    offset: int
    old_size: int
    new_size: int
    ok: bool
    used_before: int
    used_after: int
    call: str = "resize"
    moved_to: int | None = None


@dataclass(frozen=True, slots=True)
class Free:
    """``reclaimed``: whether the allocator got any bytes back (a fixed buffer only does for
    its last allocation)."""

    allocator: str
    site: str
    offset: int
    size: int
    used_before: int
    used_after: int

    @property
    def reclaimed(self) -> bool:
        return self.used_after < self.used_before


@dataclass(frozen=True, slots=True)
class Reset:
    """``FixedBufferAllocator.reset``: everything in the buffer is given up at once; or an
    arena's ``reset(.retain_capacity)``, which keeps ``capacity_after`` bytes of room (its
    calls to its child are events of their own)."""

    allocator: str
    used_before: int
    capacity_before: int | None = None
    capacity_after: int | None = None


@dataclass(frozen=True, slots=True)
class RoundStarted:
    """The moment the program prints ``Round index memuse: memuse``, before it steps."""

    index: int
    memuse: int


@dataclass(frozen=True, slots=True)
class Finished:
    """The last step is done (after ``rounds`` steps) and the program is about to exit."""

    rounds: int
    memuse: int


Event = Opened | Alloc | AllocFailed | Resize | Free | Reset | RoundStarted | Finished
Tracer = Callable[[Event], object]
"""Anything that takes an event; what it returns is ignored."""
