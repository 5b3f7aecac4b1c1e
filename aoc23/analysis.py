"""What a trace means: the buffer's layout, stranded bytes, no-op frees, and forecasts.

Everything here is computed from events alone (:mod:`aoc23.events`), so it describes any
run the same way: a :class:`Ledger` replays the allocator calls onto a list of segments per
allocator and closes a :class:`RoundRecord` at every round line.

Words used throughout:

* *live*: bytes of blocks that were handed out and not freed;
* *stranded*: bytes below ``end_index`` that were freed but cannot be handed out again,
  because a fixed buffer only takes back the block that ends at ``end_index``;
* *padding*: bytes skipped to align a block (for page mappings: the unused end of the
  last page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from aoc23 import puzzle
from aoc23.errors import OutOfMemory
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
    Tracer,
)
from aoc23.simulation import run
from aoc23.strategies import STRATEGIES, Settings

Kind = Literal["live", "stranded", "padding"]


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    kind: Kind
    site: str

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

    def total(self, kind: Kind) -> int:
        return sum(segment.length for segment in self.segments if segment.kind == kind)


@dataclass(frozen=True, slots=True)
class NoOpFree:
    """A free that gave nothing back: the block did not end at end_index."""

    allocator: str
    site: str
    offset: int
    size: int
    end_index: int

    def describe(self) -> str:
        return (
            f"free({self.site}, {self.size} B @ {self.offset}) was a no-op: "
            f"not the last allocation (end_index {self.end_index})"
        )


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """The state when ``Round index memuse: …`` is printed (``final``: after the last step),
    with what happened since the previous record (the previous step, or loading)."""

    index: int
    final: bool
    memuse: int
    growth: int
    buffers: tuple[BufferView, ...]
    no_op_frees: tuple[NoOpFree, ...]
    peak_during: int
    """The highest memuse reached since the previous record (a step's transient peak)."""

    def _counted(self, kind: Kind) -> int:
        return sum(view.total(kind) for view in self.buffers if view.counted)

    @property
    def live(self) -> int:
        return self._counted("live")

    @property
    def stranded(self) -> int:
        return self._counted("stranded")

    @property
    def padding(self) -> int:
        return self._counted("padding")

    @property
    def label(self) -> str:
        return "end" if self.final else str(self.index)


@dataclass(frozen=True, slots=True)
class Failure:
    """An allocation that did not fit, with the memory as it was at that moment."""

    event: AllocFailed
    round: int | None
    buffers: tuple[BufferView, ...]


@dataclass
class _Memory:
    opened: Opened
    used: int = 0
    segments: list[Segment] = field(default_factory=list)
    high_water: int = 0

    def view(self) -> BufferView:
        o = self.opened
        return BufferView(o.allocator, o.kind, o.size, o.counted, self.used, tuple(self.segments))

    def apply(self, event: Alloc | Resize | Free | Reset) -> None:
        if isinstance(event, Reset):
            self.segments.clear()
            self.used = 0
            return
        if isinstance(event, Alloc):
            self._alloc(event)
        elif isinstance(event, Resize):
            if event.ok:
                self._resize(event)
        else:
            self._free(event)
        self.used = event.used_after
        self.high_water = max(self.high_water, self.used)

    def _alloc(self, event: Alloc) -> None:
        start, end = event.offset, event.offset + event.size
        if self.opened.kind == "pages":
            self.segments.append(Segment(start, end, "live", event.site))
            if event.padding:
                self.segments.append(Segment(end, end + event.padding, "padding", event.site))
            return
        if event.padding:
            self.segments.append(Segment(start - event.padding, start, "padding", event.site))
        self.segments.append(Segment(start, end, "live", event.site))

    def _index_of(self, offset: int) -> int:
        for index, segment in enumerate(self.segments):
            if segment.start == offset and segment.kind == "live":
                return index
        raise ValueError(f"no live block at offset {offset} in {self.opened.allocator}")

    def _resize(self, event: Resize) -> None:
        index = self._index_of(event.offset)
        block = self.segments[index]
        new_end = event.offset + event.new_size
        if self.opened.kind == "pages":
            self._drop_page_slack(index)
            self.segments[index] = replace(block, end=new_end)
            slack = _page_slack(event.new_size)
            if slack:
                self.segments.insert(
                    index + 1, Segment(new_end, new_end + slack, "padding", block.site)
                )
            return
        self.segments[index] = replace(block, end=new_end)
        if event.used_after == event.used_before and new_end < block.end:
            self.segments.insert(index + 1, Segment(new_end, block.end, "stranded", block.site))

    def _free(self, event: Free) -> None:
        index = self._index_of(event.offset)
        block = self.segments[index]
        if self.opened.kind == "pages":
            self._drop_page_slack(index)
            del self.segments[index]
        elif event.reclaimed:
            self.segments = [s for s in self.segments if s.end <= event.used_after]
        else:
            self.segments[index] = replace(block, kind="stranded")

    def _drop_page_slack(self, index: int) -> None:
        following = index + 1
        if following < len(self.segments) and self.segments[following].kind == "padding":
            del self.segments[following]


def _page_slack(size: int) -> int:
    return -size % 4096


class Ledger:
    """Replays events; :meth:`apply` returns a record at each round line and at the end."""

    def __init__(self) -> None:
        self.memories: dict[str, _Memory] = {}
        self.records: list[RoundRecord] = []
        self.failure: Failure | None = None
        self._round: int | None = None
        self._no_op: list[NoOpFree] = []
        self._peak = 0
        self.loading_peaks: dict[str, int] = {}
        """For each call site used before round 0: the highest memuse its calls reached."""

    def memuse(self) -> int:
        return sum(m.used for m in self.memories.values() if m.opened.counted)

    def views(self) -> tuple[BufferView, ...]:
        return tuple(memory.view() for memory in self.memories.values())

    def high_water(self, name: str) -> int:
        memory = self.memories.get(name)
        return memory.high_water if memory else 0

    def apply(self, event: Event) -> RoundRecord | None:
        if isinstance(event, Opened):
            self.memories[event.allocator] = _Memory(event)
        elif isinstance(event, AllocFailed):
            self.failure = Failure(event, self._round, self.views())
        elif isinstance(event, RoundStarted):
            self._round = event.index
            return self._close(event.index, final=False)
        elif isinstance(event, Finished):
            return self._close(event.rounds, final=True)
        else:
            self._apply_call(event)
        return None

    def _apply_call(self, event: Alloc | Resize | Free | Reset) -> None:
        memory = self.memories[event.allocator]
        memory.apply(event)
        if isinstance(event, Free) and memory.opened.kind == "fixed" and not event.reclaimed:
            self._no_op.append(
                NoOpFree(event.allocator, event.site, event.offset, event.size, event.used_after)
            )
        self._peak = max(self._peak, self.memuse())
        if self._round is None and not isinstance(event, Reset):
            site = event.site
            self.loading_peaks[site] = max(self.loading_peaks.get(site, 0), self.memuse())

    def _close(self, index: int, *, final: bool) -> RoundRecord:
        memuse = self.memuse()
        previous = self.records[-1].memuse if self.records else 0
        record = RoundRecord(
            index,
            final,
            memuse,
            memuse - previous,
            self.views(),
            tuple(self._no_op),
            max(self._peak, memuse),
        )
        self.records.append(record)
        self._no_op = []
        self._peak = memuse
        return record


def replay(events: Iterable[Event]) -> Ledger:
    ledger = Ledger()
    for event in events:
        ledger.apply(event)
    return ledger


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


def forecast(records: list[RoundRecord], buffer_size: int) -> Forecast | None:
    """Extrapolate from the last step of a run that ended normally (None if no step ran).

    Round ``r`` starts at ``memuse_last + (r - last) * growth``; its step fails when that
    plus the step's need exceeds the buffer.
    """
    if len(records) < 2:
        return None
    before, last = records[-2], records[-1]
    growth = last.memuse - before.memuse
    need = last.peak_during - before.memuse
    if not any(view.kind == "fixed" for view in last.buffers if view.counted):
        return Forecast(None, growth, need, None)
    if growth <= 0:
        return Forecast(buffer_size, growth, need, None)
    room = buffer_size - need - last.memuse
    extra_rounds = max(0, room // growth + 1)
    return Forecast(buffer_size, growth, need, last.index + extra_rounds)


UNLIMITED = 1 << 46
"""A buffer size no run reaches: the simulated buffer holds only the bytes written into it."""


@dataclass(frozen=True, slots=True)
class Requirement:
    """What one strategy needed to run: its fixed buffer's high-water mark (the smallest
    ``--buffer-size`` that works: each of the two for ``double``), the temporary buffer's,
    or the most bytes mapped at once for ``page``."""

    strategy: str
    buffer: int | None
    temp: int | None = None
    peak_mapped: int | None = None
    failure: str | None = None

    def note(self) -> str:
        if self.failure is not None:
            return self.failure
        if self.peak_mapped is not None:
            return f"no fixed buffer; at most {self.peak_mapped} bytes mapped at once"
        if self.temp is not None:
            return f"and a temporary buffer of at least {self.temp} bytes (--temp-size)"
        return ""


def requirement(
    text: bytes, strategy: str, settings: Settings, rounds: int | None, until_settled: bool
) -> Requirement:
    """Run ``strategy`` with a buffer too big to run out and read its high-water marks."""
    unlimited = replace(settings, buffer_size=UNLIMITED)
    ledger = Ledger()
    try:
        for _ in run(
            text,
            strategy,
            unlimited,
            rounds=rounds,
            until_settled=until_settled,
            tracer=ledger.apply,
        ):
            pass
    except OutOfMemory as error:
        return Requirement(strategy, None, failure=f"cannot run: {error.context()}")
    return _requirement_of(strategy, ledger)


def _requirement_of(strategy: str, ledger: Ledger) -> Requirement:
    """What a run that did not run out of memory needed, from its high-water marks."""
    if strategy == "page":
        return Requirement(strategy, None, peak_mapped=ledger.high_water("pages"))
    need = max(ledger.high_water("main"), ledger.high_water("second"))
    temp = ledger.high_water("temp") if "temp" in ledger.memories else None
    return Requirement(strategy, need, temp=temp)


@dataclass(frozen=True)
class TraceResult:
    elves: int
    site_peaks: dict[str, int]
    records: list[RoundRecord]
    failure: Failure | None
    forecast: Forecast | None
    requirements: list[Requirement]


def trace_run(
    text: bytes,
    strategy: str,
    settings: Settings,
    rounds: int,
    *,
    on_event: Tracer | None = None,
    on_record: Callable[[RoundRecord], object] | None = None,
    compare_strategies: bool = True,
) -> TraceResult:
    """Run ``strategy`` traced, then (unless told not to) every strategy once more with an
    unlimited buffer to find what each needs for the same rounds.

    ``on_event`` sees every event and ``on_record`` every record as they happen, so a
    caller can stream them. An OutOfMemory ends the run; it is returned as ``failure``.
    """
    ledger = Ledger()

    def observe(event: Event) -> None:
        record = ledger.apply(event)
        if on_event is not None:
            on_event(event)
        if record is not None and on_record is not None:
            on_record(record)

    try:
        for _ in run(text, strategy, settings, rounds=rounds, tracer=observe):
            pass
    except OutOfMemory:
        if ledger.failure is None:
            raise
    prediction = None if ledger.failure else forecast(ledger.records, settings.buffer_size)
    needs = []
    if compare_strategies:
        for name in STRATEGIES:
            if name == strategy and ledger.failure is None:
                needs.append(_requirement_of(name, ledger))
            else:
                needs.append(requirement(text, name, settings, rounds, False))
    elves = len(puzzle.parse(text))
    return TraceResult(
        elves, ledger.loading_peaks, ledger.records, ledger.failure, prediction, needs
    )
