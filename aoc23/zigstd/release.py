"""The Zig releases aoc23 simulates, each as a small record of what its std does differently
from 0.11.0's, measured with that release's own compiler (``make zig-releases``).

Only the parts the blog's program touches differ at all; every std module that a release
changes reads its rule from here instead of asking which release it is.
"""

from __future__ import annotations

from aoc23.records import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    ReadFile = Literal["list", "writer"]
    """How ``readFileAlloc`` fills its allocation: ``list`` (0.11-0.15) is an ArrayList sized by
    the stat size (1024 when it is 0), grown to 4096 and then whenever a read fills it;
    ``writer`` (0.16+) is a list that asks for the stat size at once (nothing for an empty
    regular file) or, for a pipe, for 128 bytes more each time a read fills it."""
    Growth = Literal["repeat", "once"]
    ArenaDesign = Literal["list", "nodes"]
    """``std.heap.ArenaAllocator``: ``list`` (0.11-0.15) keeps one end_index for the newest of a
    list of 16-byte-headed nodes; ``nodes`` (0.16+, the thread-safe rewrite) gives each node a
    24-byte header with its own end_index (see :mod:`aoc23.zigstd.arena`)."""


class Release(NamedTuple):
    """One release's std, as far as the blog's program can tell them apart."""

    version: str
    growth_step: int
    """What ArrayList(u8) adds to half its capacity when it grows: 8 up to 0.13; from 0.14 a
    cache line's worth of items, 128 bytes on x86_64."""
    growth: Growth
    """``repeat``: grow by half plus the step until the need is met (up to 0.15); ``once``:
    straight to need + need/2 + step (0.16+)."""
    remap: bool
    """The allocator interface has ``remap`` (0.14+): lists grow and shrink in place through
    it (a fixed buffer answers it as it answers ``resize``); a trace shows it as such."""
    read_file: ReadFile
    changes: str
    """One line: what this release changes in what the program shows, against 0.11.0."""
    page_resize_grows: bool = False
    """The page allocator's ``resize`` can grow a mapping in place (mremap without moving,
    0.14-0.15, when the pages after it are free); before 0.14 there is no mremap, and from
    0.16 ``resize`` no longer uses it where the stack grows down (x86_64)."""
    arena: ArenaDesign = "list"
    arena_header: tuple[str, ...] = ("next", "data")
    """The usize fields of an arena node's header, in the order they lie in memory."""

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])

    def grown(self, capacity: int, needed: int) -> int:
        """The capacity an ArrayList(u8) of ``capacity`` grows to when it must hold
        ``needed`` bytes (more than it holds)."""
        if self.growth == "once":
            return needed + needed // 2 + self.growth_step
        while capacity < needed:
            capacity += capacity // 2 + self.growth_step
        return capacity


_SAME = "nothing the program shows: the same calls, lines and bytes as 0.11.0"
_REMAP = (
    "lists grow by half + 128 (not + 8), through the new remap call: reading the blog input "
    "peaks at S + S/2 + 128 (7583, not 7463), example.txt at 5072 (not 4128)"
)
_WRITER = (
    "readFileAlloc allocates S + S/2 + 128 at once, then remaps to S (a pipe: 320, grown to "
    "n + n/2 + 128 each time a read fills it): example.txt now needs 212 bytes, not 4128"
)

_GROWS = "; the page allocator's resize grows a mapping into free pages after it (an arena's node)"
_HEADER = "; an arena node's header holds its length before the next node"
_NODES = (
    "; the arena is rewritten: a request that does not fit is skipped before the node grows "
    "(arena: +73776 a round)"
)
_NODE_HEADER = ("size", "end_index", "next")

V0_11 = Release("0.11.0", 8, "repeat", False, "list", "the blog's release, the reference")
RELEASES: dict[str, Release] = {
    release.version: release
    for release in (
        V0_11,
        Release("0.12.1", 8, "repeat", False, "list", _SAME),
        Release("0.13.0", 8, "repeat", False, "list", _SAME),
        Release("0.14.1", 128, "repeat", True, "list", _REMAP + _GROWS, True),
        Release(
            "0.15.2",
            128,
            "repeat",
            True,
            "list",
            _REMAP + _GROWS + _HEADER,
            True,
            "list",
            ("data", "next"),
        ),
        Release(
            "0.16.0", 128, "once", True, "writer", _WRITER + _NODES, False, "nodes", _NODE_HEADER
        ),
        Release(
            "0.17.1", 128, "once", True, "writer", _WRITER + _NODES, False, "nodes", _NODE_HEADER
        ),
    )
}
DEFAULT = V0_11


class UnknownRelease(ValueError):
    """A release aoc23 does not simulate."""


def release(name: str) -> Release:
    """The release named ``0.14.1`` or ``0.14`` (the newest patch aoc23 has of 0.14)."""
    if name in RELEASES:
        return RELEASES[name]
    matches = [r for r in RELEASES.values() if r.minor == name]
    if not matches:
        known = ", ".join(RELEASES)
        raise UnknownRelease(f"aoc23 simulates Zig {known}, not {name!r}")
    return max(matches, key=lambda r: tuple(int(part) for part in r.version.split(".")))
