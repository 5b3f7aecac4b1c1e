"""What a trace means: the buffer's layout, stranded bytes, no-op frees, and forecasts.

Everything here is computed from events alone (:mod:`aoc23.events`), so it describes any
run the same way: a :class:`Ledger` replays the allocator calls onto a list of segments per
allocator and closes a :class:`RoundRecord` at every round line.

Words used throughout:

* *live*: bytes of blocks that were handed out and not freed;
* *stranded*: bytes below ``end_index`` that were freed but cannot be handed out again,
  because a fixed buffer only takes back the block that ends at ``end_index``;
* *padding*: bytes skipped to align a block (for page mappings: the unused end of the
  last page);
* *spare*: bytes an arena holds in its nodes (taken from the allocator below it) that it
  has not handed out: its headers and the room it has not used yet.

An arena's own blocks lie inside its nodes, so a view of the memory below an arena shows
them there (:func:`nested`), and the totals count them instead of the nodes.

Long runs stay cheap: a record carries totals, not a copy of the layout; the layout of
any earlier record is kept, when asked for, as a :class:`BlockLog` of segment lifetimes;
and :class:`Collapser` folds repeating rounds into ranges as they arrive.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from aoc23.events import (
    Alloc,
    AllocFailed,
    Event,
    Finished,
    Free,
    Opened,
    Reset,
    Resize,
    RoundStarted,
)

Kind = Literal["live", "stranded", "padding", "spare"]
KINDS: tuple[Kind, ...] = ("live", "stranded", "padding", "spare")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of bytes of one kind. ``born_in``/``freed_in``: the round whose step allocated
    it, or made it stranded (None: while loading, or not freed)."""

    start: int
    end: int
    kind: Kind
    site: str
    born_in: int | None = None
    freed_in: int | None = None

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class BufferView:
    """One allocator's memory at a moment: ``used`` is its end_index (or bytes mapped)."""

    name: str
    kind: str
    size: int | None
    counted: bool
    used: int
    segments: tuple[Segment, ...]
    parent: str | None = None
    """For an arena: the allocator its nodes come from."""

    def total(self, kind: Kind) -> int:
        return sum(segment.length for segment in self.segments if segment.kind == kind)


@dataclass(frozen=True, slots=True)
class NoOpFree:
    """A free that gave nothing back: the block did not end at end_index (for an arena:
    its newest node's end_index)."""

    allocator: str
    site: str
    offset: int
    size: int
    end_index: int
    in_arena: bool = False

    def describe(self) -> str:
        if self.in_arena:
            return (
                f"free({self.site}, {self.size} B @ {self.offset}) in {self.allocator} was a "
                f"no-op: not the arena's newest block (its node's end_index {self.end_index})"
            )
        return (
            f"free({self.site}, {self.size} B @ {self.offset}) was a no-op: "
            f"not the last allocation (end_index {self.end_index})"
        )


ArenaMove = Literal["first node", "grown in place", "not grown", "reset"]


@dataclass(frozen=True, slots=True)
class ArenaAction:
    """What an arena asked of the allocator below it (``parent``) in one of its calls: a
    node taken, a node grown in place, growth refused and a new node taken instead, or
    (``reset``) its nodes given back but one, which keeps the room it had."""

    arena: str
    parent: str
    move: ArenaMove
    round: int | None
    """The round whose step it happened in (None: while loading)."""
    site: str
    request: int
    """The arena's request in bytes; for a reset, the room it kept."""
    node_before: int = 0
    """The node's length before it was grown (or refused growth)."""
    node_after: int = 0
    """The node's length after growing, or the new node's; for a reset, the kept node's
    length when the reset changed it (0: kept as it was)."""
    given_back: int = 0
    """For a reset: the bytes of nodes handed back to ``parent``."""
    replaced: bool = False
    """For a reset: whether the oldest node was replaced by a new one (the parent could
    not resize it in place)."""
    skipped: int = 0
    """Bytes of the node left unused in front of the block (alignment, or from Zig 0.16
    the request that did not fit: that arena moves its end_index past a request before it
    knows it fits, and keeps it there)."""

    def describe(self) -> str:
        when = "while loading" if self.round is None else f"in the step of round {self.round}"
        if self.move == "reset":
            return f"{when}, {self.arena}.reset(.retain_capacity) {self._reset_words()}"
        asked = f"{when}, {self.site} asked {self.arena} for {self.request} B"
        if self.move == "first node":
            return f"{asked}: its first node, {self.node_after} B, came from {self.parent}"
        if self.move == "grown in place":
            return (
                f"{asked}: it did not fit in the newest node, so {self.arena} grew that node "
                f"in place through {self.parent}, from {self.node_before} to "
                f"{self.node_after} B{self._skipped_words()}"
            )
        return (
            f"{asked}: it did not fit, {self.parent} could not grow the "
            f"{self.node_before}-byte node in place, so {self.arena} took a new node of "
            f"{self.node_after} B from {self.parent}, and holds the old one still"
        )

    def _skipped_words(self) -> str:
        if self.skipped < self.request:
            return ""
        return (
            f", and put the block {self.skipped} B past the end of the one before: the "
            "arena had already moved its end_index past the request that did not fit"
        )

    def _reset_words(self) -> str:
        if self.request == 0:
            return "had nothing to keep"
        kept = f"kept {self.request} B of room in its oldest node"
        back = (
            f", gave {self.given_back} B of other nodes back to {self.parent}"
            if self.given_back
            else ""
        )
        if self.replaced:
            return (
                f"{kept}{back}, and took a {self.node_after}-byte node from {self.parent} "
                "to replace that one, which it could not resize in place"
            )
        if self.node_after:
            return (
                f"{kept}{back}, and {self.parent} resized that node in place to {self.node_after} B"
            )
        if not back:
            return f"{kept}, with no call to {self.parent}: the node was already that big"
        return f"{kept}{back}"


class ArenaWatch:
    """Pairs each arena call with the calls it made to the allocator below it, and keeps
    the first of each kind of action with how many times it happened (so what it holds
    stays bounded however long the run)."""

    def __init__(self) -> None:
        self._pending: dict[str, list[Alloc | Resize | Free]] = {}
        self._seen: dict[tuple[str, ArenaMove, str], tuple[ArenaAction, int]] = {}

    def child_call(self, event: Alloc | Resize | Free) -> None:
        self._pending.setdefault(event.allocator, []).append(event)

    def arena_call(
        self, event: Alloc | Resize | Free | Reset, parent: str, round_index: int | None
    ) -> None:
        calls = self._pending.pop(parent, [])
        action = _action(event, parent, calls, round_index)
        if action is None:
            return
        key = (action.arena, action.move, action.site)
        first, count = self._seen.get(key, (action, 0))
        self._seen[key] = (first, count + 1)

    def actions(self) -> list[tuple[ArenaAction, int]]:
        """Each kind of action, the first time it happened, and how many times it did."""
        return list(self._seen.values())


def _action(
    event: Alloc | Resize | Free | Reset,
    parent: str,
    calls: list[Alloc | Resize | Free],
    round_index: int | None,
) -> ArenaAction | None:
    name = event.allocator
    if isinstance(event, Reset):
        resized = [c.new_size for c in calls if isinstance(c, Resize) and c.ok]
        replacement = [c.size for c in calls if isinstance(c, Alloc)]
        frees = [c.size for c in calls if isinstance(c, Free)]
        if replacement:
            frees = frees[:-1]  # the last free is the node the replacement took over from
        node = (resized or replacement or [0])[-1]
        return ArenaAction(
            name,
            parent,
            "reset",
            round_index,
            "reset",
            event.capacity_after or 0,
            node_after=node,
            given_back=sum(frees),
            replaced=bool(replacement),
        )
    if not isinstance(event, Alloc) or not calls:
        return None
    growth = [c for c in calls if isinstance(c, Resize) and c.new_size > c.old_size]
    taken = [c.size for c in calls if isinstance(c, Alloc)]
    if taken:
        if growth:
            before = growth[0].old_size
            return ArenaAction(
                name, parent, "not grown", round_index, event.site, event.size, before, taken[-1]
            )
        # an arena asks to grow its newest node before it takes another: none to grow
        return ArenaAction(
            name, parent, "first node", round_index, event.site, event.size, 0, taken[-1]
        )
    if growth and growth[-1].ok:
        last = growth[-1]
        return ArenaAction(
            name,
            parent,
            "grown in place",
            round_index,
            event.site,
            event.size,
            last.old_size,
            last.new_size,
            skipped=event.padding,
        )
    return None


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """The state when ``Round index memuse: …`` is printed (``final``: after the last step),
    with what happened since the previous record (the previous step, or loading). The
    byte counts are over the allocators that memuse counts."""

    index: int
    final: bool
    memuse: int
    growth: int
    live: int
    stranded: int
    padding: int
    no_op_frees: tuple[NoOpFree, ...]
    peak_during: int
    """The highest memuse reached since the previous record (a step's transient peak)."""
    spare: int = 0
    """Bytes held in arena nodes and not handed out."""

    @property
    def label(self) -> str:
        return "end" if self.final else str(self.index)

    @property
    def no_op_bytes(self) -> int:
        return sum(free.size for free in self.no_op_frees)


@dataclass(frozen=True, slots=True)
class Failure:
    """An allocation that did not fit, with the memory as it was at that moment."""

    event: AllocFailed
    round: int | None
    buffers: tuple[BufferView, ...]
    arena_request: AllocFailed | None = None
    """When the refused request was an arena's new node: the arena's own request."""


class BlockLog:
    """Every segment that was in place at some record, with the records it was in place at
    (``since`` up to, not including, ``until``): the layout of any record, kept compact.
    Record numbers are round indexes; the end record is number ``rounds``, and a failure
    is one number past the last record."""

    NO_ROUND = -1

    def __init__(self) -> None:
        self.memories: list[Opened] = []
        self.sites: list[str] = []
        self._site_index: dict[str, int] = {}
        self.columns: dict[str, array[int]] = {
            name: array("q")
            for name in (
                "memory",
                "start",
                "end",
                "kind",
                "site",
                "since",
                "until",
                "born",
                "freed",
            )
        }

    def __len__(self) -> int:
        return len(self.columns["start"])

    def opened(self, event: Opened) -> int:
        self.memories.append(event)
        return len(self.memories) - 1

    def add(self, memory: int, segment: Segment, since: int, until: int | None) -> None:
        if until is not None and until <= since:
            return
        site = self._site_index.setdefault(segment.site, len(self.sites))
        if site == len(self.sites):
            self.sites.append(segment.site)
        values = (
            memory,
            segment.start,
            segment.end,
            KINDS.index(segment.kind),
            site,
            since,
            self.NO_ROUND if until is None else until,
            self.NO_ROUND if segment.born_in is None else segment.born_in,
            self.NO_ROUND if segment.freed_in is None else segment.freed_in,
        )
        for column, value in zip(self.columns.values(), values, strict=True):
            column.append(value)

    def rows(self) -> Iterator[tuple[int, Segment, int, int | None]]:
        """(memory, segment, since, until) for every kept segment."""
        c = self.columns
        for i in range(len(self)):
            until = c["until"][i]
            yield (
                c["memory"][i],
                self._segment(i),
                c["since"][i],
                None if until == self.NO_ROUND else until,
            )

    def views_at(self, number: int) -> tuple[BufferView, ...]:
        """The counted allocators' layouts at record ``number``."""
        return self.views_at_each([number], merge=False)[0]

    def views_at_each(
        self, numbers: Sequence[int], *, merge: bool = True
    ) -> list[tuple[BufferView, ...]]:
        """The layouts at each of ``numbers`` (sorted), in one pass over the log. With
        ``merge``, neighbouring segments of the same kind and site are drawn as one (a
        thousand stranded tables are one stranded run), so a view's size stays small."""
        c = self.columns
        placed: list[dict[int, list[Segment]]] = [{} for _ in numbers]
        for i, (since, until) in enumerate(zip(c["since"], c["until"], strict=True)):
            first = bisect_left(numbers, since)
            last = len(numbers) if until == self.NO_ROUND else bisect_left(numbers, until)
            if first >= last:
                continue
            segment = self._segment(i)
            for position in range(first, last):
                placed[position].setdefault(c["memory"][i], []).append(segment)
        return [self._views(layout, merge) for layout in placed]

    def _segment(self, i: int) -> Segment:
        c = self.columns
        return Segment(
            c["start"][i],
            c["end"][i],
            KINDS[c["kind"][i]],
            self.sites[c["site"][i]],
            None if c["born"][i] == self.NO_ROUND else c["born"][i],
            None if c["freed"][i] == self.NO_ROUND else c["freed"][i],
        )

    def _views(self, layout: dict[int, list[Segment]], merge: bool) -> tuple[BufferView, ...]:
        views = []
        counted = {o.allocator for o in self.memories if o.counted}
        for index, opened in enumerate(self.memories):
            if not (opened.counted or opened.parent in counted):
                continue
            segments = sorted(layout.get(index, []), key=lambda s: s.start)
            used = (
                sum(s.length for s in segments)
                if opened.kind == "pages"
                else max((s.end for s in segments), default=0)
            )
            views.append(
                BufferView(
                    opened.allocator,
                    opened.kind,
                    opened.size,
                    opened.counted,
                    used,
                    tuple(segments),
                    opened.parent,
                )
            )
        nested_views = nested(views)
        return tuple(merged(view) for view in nested_views) if merge else nested_views


def nested(views: Sequence[BufferView]) -> tuple[BufferView, ...]:
    """The views with each arena's blocks drawn inside its nodes, in the view of the memory
    the nodes came from (the rest of a node is *spare*); the arenas' own views go."""
    inside: dict[str, list[Segment]] = {}
    for view in views:
        if view.parent is not None:
            inside.setdefault(view.parent, []).extend(view.segments)
    return tuple(
        _with_blocks_inside(view, sorted(inside[view.name], key=lambda s: s.start))
        if view.name in inside
        else view
        for view in views
        if view.parent is None
    )


def _with_blocks_inside(view: BufferView, blocks: list[Segment]) -> BufferView:
    starts = [block.start for block in blocks]
    segments: list[Segment] = []
    for node in view.segments:
        if node.kind != "live":
            segments.append(node)
            continue
        cursor = node.start
        spare_site = f"arena node ({node.site})"
        for block in blocks[bisect_left(starts, node.start) :]:
            if block.start >= node.end:
                break
            if block.start > cursor:
                segments.append(Segment(cursor, block.start, "spare", spare_site, node.born_in))
            segments.append(block)
            cursor = block.end
        if cursor < node.end:
            segments.append(Segment(cursor, node.end, "spare", spare_site, node.born_in))
    return replace(view, segments=tuple(segments))


def merged(view: BufferView) -> BufferView:
    """``view`` with neighbouring segments of the same kind and site drawn as one."""
    if view.kind == "pages":
        return view
    return replace(view, segments=tuple(_merged(list(view.segments))))


def _merged(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged:
            before = merged[-1]
            if (before.end, before.kind, before.site) == (
                segment.start,
                segment.kind,
                segment.site,
            ):
                merged[-1] = replace(before, end=segment.end)
                continue
        merged.append(segment)
    return merged


@dataclass
class _Memory:
    """One allocator's segments now, in address order (mapping order for pages), with
    running totals so that a record costs nothing however many segments there are."""

    opened: Opened
    number: int
    log: BlockLog | None
    used: int = 0
    segments: list[tuple[Segment, int]] = field(default_factory=list)
    """Each segment with the record number it has been in place since."""
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    high_water: int = 0

    def view(self) -> BufferView:
        o = self.opened
        segments = tuple(segment for segment, _ in self.segments)
        return BufferView(o.allocator, o.kind, o.size, o.counted, self.used, segments, o.parent)

    def insert(self, index: int, segment: Segment, now: int) -> None:
        self.segments.insert(index, (segment, now))
        self.totals[segment.kind] += segment.length

    def remove(self, index: int, now: int) -> Segment:
        segment, since = self.segments.pop(index)
        self.totals[segment.kind] -= segment.length
        if self.log is not None:
            self.log.add(self.number, segment, since, now)
        return segment

    def swap(self, index: int, segment: Segment, now: int) -> None:
        self.remove(index, now)
        self.insert(index, segment, now)

    def merge_down(self, index: int) -> None:
        """Join the segment at ``index`` to the one below it when both are stranded and
        touch (only when no log is kept: a run then holds one segment per stranded run)."""
        below, since = self.segments[index - 1]
        segment = self.segments[index][0]
        if below.kind == segment.kind == "stranded" and below.end == segment.start:
            self.segments[index - 1] = (replace(below, end=segment.end), since)
            del self.segments[index]

    def close(self, now: int | None) -> None:
        """Log every segment still in place as lasting to the end."""
        if self.log is not None:
            for segment, since in self.segments:
                self.log.add(self.number, segment, since, now)

    def index_of(self, offset: int) -> int:
        """The live block starting at ``offset`` (searched from the newest: frees and
        resizes almost always touch one of the last blocks)."""
        for index in range(len(self.segments) - 1, -1, -1):
            segment = self.segments[index][0]
            if segment.start == offset and segment.kind == "live":
                return index
        raise ValueError(f"no live block at offset {offset} in {self.opened.allocator}")

    def reset(self, now: int) -> None:
        while self.segments:
            self.remove(len(self.segments) - 1, now)
        self.used = 0


class Ledger:
    """Replays events; :meth:`apply` returns a record at each round line and at the end.

    It keeps the last two records (what a forecast needs), the first no-op free, and, when
    given a :class:`BlockLog`, every segment's lifetime; nothing else grows with the run.
    """

    def __init__(self, log: BlockLog | None = None) -> None:
        self.memories: dict[str, _Memory] = {}
        self.log = log
        self.last: list[RoundRecord] = []
        self.count = 0
        """Records closed so far: the number the next record will have."""
        self.failure: Failure | None = None
        self.first_no_op: tuple[RoundRecord, NoOpFree] | None = None
        self.no_op_count = 0
        self._round: int | None = None
        self._no_op: list[NoOpFree] = []
        self._peak = 0
        self.loading_peaks: dict[str, int] = {}
        """For each call site used before round 0: the highest memuse its calls reached."""
        self.arenas = ArenaWatch()
        self._hosts: set[str] = set()
        """The allocators arenas take their nodes from."""

    def memuse(self) -> int:
        return sum(m.used for m in self.memories.values() if m.opened.counted)

    def views(self) -> tuple[BufferView, ...]:
        """Every memory's layout, arenas' blocks drawn inside their nodes."""
        return nested([memory.view() for memory in self.memories.values()])

    def high_water(self, name: str) -> int:
        memory = self.memories.get(name)
        return memory.high_water if memory else 0

    def apply(self, event: Event) -> RoundRecord | None:
        if isinstance(event, Opened):
            number = self.log.opened(event) if self.log is not None else 0
            self.memories[event.allocator] = _Memory(event, number, self.log)
            if event.parent is not None:
                self._hosts.add(event.parent)
        elif isinstance(event, AllocFailed):
            if self.memories[event.allocator].opened.kind != "arena":
                self.failure = Failure(event, self._round, self.views())
                self._close_log(None)
            elif self.failure is not None and self.failure.arena_request is None:
                # an arena's refusal follows its child's, which stays the one reported
                self.failure = replace(self.failure, arena_request=event)
        elif isinstance(event, RoundStarted):
            self._round = event.index
            return self._close(event.index, final=False)
        elif isinstance(event, Finished):
            record = self._close(event.rounds, final=True)
            self._close_log(None)
            return record
        else:
            self._apply_call(event)
        return None

    def _close_log(self, until: int | None) -> None:
        for memory in self.memories.values():
            memory.close(until)

    def _apply_call(self, event: Alloc | Resize | Free | Reset) -> None:
        memory = self.memories[event.allocator]
        _Replay(memory, self.count, self._round).apply(event)
        in_arena = memory.opened.kind == "arena"
        if in_arena and memory.opened.parent is not None:
            self.arenas.arena_call(event, memory.opened.parent, self._round)
        elif event.allocator in self._hosts and not isinstance(event, Reset):
            self.arenas.child_call(event)
        if (
            isinstance(event, Free)
            and not event.reclaimed
            and (in_arena or memory.opened.kind == "fixed")
        ):
            self._no_op.append(
                NoOpFree(
                    event.allocator,
                    event.site,
                    event.offset,
                    event.size,
                    event.used_after,
                    in_arena,
                )
            )
        self._peak = max(self._peak, self.memuse())
        if self._round is None and not isinstance(event, Reset):
            site = event.site
            self.loading_peaks[site] = max(self.loading_peaks.get(site, 0), self.memuse())

    def _counted(self, kind: Kind) -> int:
        """Bytes of ``kind`` in the memory memuse counts. An arena's blocks count where its
        nodes are: the nodes' bytes are the arena's blocks, and the rest is spare."""
        arenas = [
            m
            for m in self.memories.values()
            if m.opened.parent is not None and self.memories[m.opened.parent].opened.counted
        ]
        hosts = {m.opened.parent for m in arenas}
        handed_out = sum(m.totals[k] for m in arenas for k in ("live", "stranded", "padding"))
        if kind == "spare":
            return sum(self.memories[h].totals["live"] for h in hosts if h) - handed_out
        total = sum(m.totals[kind] for m in arenas)
        for m in self.memories.values():
            if m.opened.counted and not (kind == "live" and m.opened.allocator in hosts):
                total += m.totals[kind]
        return total

    def _close(self, index: int, *, final: bool) -> RoundRecord:
        memuse = self.memuse()
        previous = self.last[-1].memuse if self.last else 0
        record = RoundRecord(
            index,
            final,
            memuse,
            memuse - previous,
            self._counted("live"),
            self._counted("stranded"),
            self._counted("padding"),
            tuple(self._no_op),
            max(self._peak, memuse),
            self._counted("spare"),
        )
        if self._no_op and self.first_no_op is None:
            self.first_no_op = (record, self._no_op[0])
        self.no_op_count += len(self._no_op)
        self.last = [*self.last[-1:], record]
        self.count += 1
        self._no_op = []
        self._peak = memuse
        return record


@dataclass
class _Replay:
    """One allocator call applied to one memory's segments."""

    memory: _Memory
    now: int
    round: int | None

    def apply(self, event: Alloc | Resize | Free | Reset) -> None:
        memory = self.memory
        if isinstance(event, Reset):
            memory.reset(self.now)
            return
        if isinstance(event, Alloc):
            self._alloc(event)
        elif isinstance(event, Resize):
            if event.ok:
                self._resize(event)
        else:
            self._free(event)
        memory.used = event.used_after
        memory.high_water = max(memory.high_water, memory.used)

    def _add(self, start: int, end: int, kind: Kind, site: str, index: int | None = None) -> None:
        segment = Segment(start, end, kind, site, self.round)
        position = len(self.memory.segments) if index is None else index
        self.memory.insert(position, segment, self.now)

    def _alloc(self, event: Alloc) -> None:
        start, end = event.offset, event.offset + event.size
        if self.memory.opened.kind == "pages":
            self._add(start, end, "live", event.site)
            if event.padding:
                self._add(end, end + event.padding, "padding", event.site)
            return
        if event.padding:
            self._add(start - event.padding, start, "padding", event.site)
        self._add(start, end, "live", event.site)

    def _resize(self, event: Resize) -> None:
        memory = self.memory
        index = memory.index_of(event.offset)
        block = memory.segments[index][0]
        start = event.offset if event.moved_to is None else event.moved_to
        new_end = start + event.new_size
        if memory.opened.kind == "pages":
            self._drop_page_slack(index)
            memory.swap(index, replace(block, start=start, end=new_end), self.now)
            slack = _page_slack(event.new_size)
            if slack:
                self._add(new_end, new_end + slack, "padding", block.site, index + 1)
            return
        memory.swap(index, replace(block, end=new_end), self.now)
        if event.used_after == event.used_before and new_end < block.end:
            tail = Segment(new_end, block.end, "stranded", block.site, block.born_in, self.round)
            memory.insert(index + 1, tail, self.now)

    def _free(self, event: Free) -> None:
        memory = self.memory
        index = memory.index_of(event.offset)
        block = memory.segments[index][0]
        if memory.opened.kind == "pages":
            self._drop_page_slack(index)
            memory.remove(index, self.now)
        elif event.reclaimed and memory.opened.kind == "arena":
            memory.remove(index, self.now)
        elif event.reclaimed:
            while memory.segments and memory.segments[-1][0].end > event.used_after:
                memory.remove(len(memory.segments) - 1, self.now)
        else:
            stranded = replace(block, kind="stranded", freed_in=self.round)
            memory.swap(index, stranded, self.now)
            if memory.log is None and index > 0:
                memory.merge_down(index)

    def _drop_page_slack(self, index: int) -> None:
        following = index + 1
        segments = self.memory.segments
        if following < len(segments) and segments[following][0].kind == "padding":
            self.memory.remove(following, self.now)


def _page_slack(size: int) -> int:
    return -size % 4096


@dataclass(frozen=True, slots=True)
class Forecast:
    """When a fixed buffer of ``buffer_size`` bytes runs out if each further round goes as
    the last one did: grows memuse by ``growth`` and needs ``step_need`` bytes above it."""

    buffer_size: int | None
    """None: no fixed buffer (the page allocator)."""
    growth: int
    step_need: int
    out_of_memory_round: int | None
    """None: memuse does not grow, or there is no fixed buffer to run out of."""
    from_round: int = 0
    """The round whose step the rate was taken from."""


def forecast(records: list[RoundRecord], buffer_size: int, fixed: bool = True) -> Forecast | None:
    """Extrapolate from the last step of a run (None if no step ran).

    Round ``r`` starts at ``memuse_last + (r - last) * growth``; its step fails when that
    plus the step's need exceeds the buffer.
    """
    if len(records) < 2:
        return None
    before, last = records[-2], records[-1]
    growth = last.memuse - before.memuse
    need = last.peak_during - before.memuse
    if not fixed:
        return Forecast(None, growth, need, None, before.index)
    if growth <= 0:
        return Forecast(buffer_size, growth, need, None, before.index)
    room = buffer_size - need - last.memuse
    extra_rounds = max(0, room // growth + 1)
    return Forecast(buffer_size, growth, need, last.index + extra_rounds, before.index)


@dataclass
class Series:
    """Per-record numbers, kept as compact arrays (what charts and timelines draw)."""

    memuse: array[int] = field(default_factory=lambda: array("q"))
    live: array[int] = field(default_factory=lambda: array("q"))
    stranded: array[int] = field(default_factory=lambda: array("q"))
    padding: array[int] = field(default_factory=lambda: array("q"))
    spare: array[int] = field(default_factory=lambda: array("q"))
    peak: array[int] = field(default_factory=lambda: array("q"))
    no_op_frees: array[int] = field(default_factory=lambda: array("q"))
    final: bool = False
    """Whether the last number is the end record (the state after the last step)."""

    def add(self, record: RoundRecord) -> None:
        self.memuse.append(record.memuse)
        self.live.append(record.live)
        self.stranded.append(record.stranded)
        self.padding.append(record.padding)
        self.spare.append(record.spare)
        self.peak.append(record.peak_during)
        self.no_op_frees.append(len(record.no_op_frees))
        self.final = record.final

    def __len__(self) -> int:
        return len(self.memuse)

    def label(self, number: int) -> str:
        return "end" if self.final and number == len(self) - 1 else str(number)


def _pattern(record: RoundRecord) -> tuple[object, ...]:
    frees = tuple((f.allocator, f.site, f.size) for f in record.no_op_frees)
    return (record.growth, record.live, record.padding, record.peak_during - record.memuse, frees)


@dataclass(frozen=True, slots=True)
class Repeat:
    """Records ``first`` … ``last``, each of whose steps did what the step before ``like``
    (record ``first``) did; ``upto`` is record ``last``."""

    like: RoundRecord
    upto: RoundRecord

    @property
    def first(self) -> int:
        return self.like.index

    @property
    def last(self) -> int:
        return self.upto.index

    @property
    def count(self) -> int:
        return self.last - self.first + 1


TableRow = RoundRecord | Repeat


class Collapser:
    """Folds records into table rows as they arrive: a record whose step did what the one
    before did (same growth, live bytes, padding, transient need and no-op frees) joins a
    run; a run of more than four keeps its first and last record as rows, with one
    :class:`Repeat` for those between. The end record is always a row of its own. A run
    of at most ``unfolded`` records is shown whole."""

    def __init__(self, unfolded: int = 24) -> None:
        self.unfolded = unfolded
        self._every: list[RoundRecord] | None = []
        self.rows: list[TableRow] = []
        self._head: list[RoundRecord] = []
        """The run's first two records."""
        self._tail: list[RoundRecord] = []
        """Its last two records after those."""
        self._count = 0

    def add(self, record: RoundRecord) -> None:
        if self._every is not None:
            self._every.append(record)
            if len(self._every) > self.unfolded:
                self._every = None
        newest = (self._tail or self._head)[-1:] if self._head else []
        if newest and not record.final and _pattern(record) == _pattern(newest[0]):
            if len(self._head) < 2:
                self._head.append(record)
            else:
                self._tail = [*self._tail[-1:], record]
            self._count += 1
            return
        self._flush()
        self._head = [record]
        self._count = 1

    def finish(self) -> list[TableRow]:
        self._flush()
        return self.rows if self._every is None else list(self._every)

    def _flush(self) -> None:
        if self._count > 4:
            self.rows += [self._head[0], Repeat(self._head[1], self._tail[0]), self._tail[1]]
        else:
            self.rows += [*self._head, *self._tail]
        self._head, self._tail, self._count = [], [], 0


@dataclass
class EarlyForecast:
    """The forecast made after the second record, kept while the rate holds."""

    buffer_size: int
    fixed: bool
    records: list[RoundRecord] = field(default_factory=list)
    made: Forecast | None = None

    def add(self, record: RoundRecord) -> None:
        self.records = [*self.records[-1:], record]
        if len(self.records) < 2:
            return
        latest = forecast(self.records, self.buffer_size, self.fixed)
        if self.made is None or latest is None or _rate(latest) != _rate(self.made):
            self.made = latest


def _rate(prediction: Forecast) -> tuple[int, int]:
    return prediction.growth, prediction.step_need
