"""Run aoc23 and the real-Zig reference on the same case and compare everything they show.

Compared: every printed line, the exit status, where an OutOfMemory happened (round,
site, size, alignment, end_index, buffer length), and every byte of every fixed buffer at
each round line and at the end. aoc23 is run with the buffer addresses the reference
actually got, so even the pointers inside table headers must agree.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aoc23 import reference
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
)
from aoc23.reference import DumpedBuffer, OomReport, Snapshot
from aoc23.simulation import Answer, load, play
from aoc23.strategies import (
    DEFAULT_TEMP_SIZE,
    Addresses,
    Settings,
    Strategy,
)
from aoc23.zigstd.mem import UNDEFINED_BYTE, Buffer
from aoc23.zigstd.release import DEFAULT as DEFAULT_RELEASE
from aoc23.zigstd.release import release

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aoc23.strategies import ParseMode, ReadMode


@dataclass(frozen=True)
class Case:
    input_path: Path
    strategy: str
    buffer_size: int
    rounds: int | None
    """None: run until no elf moves (part 2)."""
    temp_size: int = DEFAULT_TEMP_SIZE
    base_offset: int = 0
    """Where the reference's buffers start past a page boundary (their padding follows it)."""
    read: ReadMode = "readfile"
    parse: ParseMode = "reserve"
    free_input: bool = False
    trace: bool = False
    """Also compare every allocator call, as ``aoc23 trace`` records it."""
    zig: str = DEFAULT_RELEASE.version
    """The release simulated, whose reference program and compiler the other side runs."""

    @classmethod
    def of(
        cls,
        input_path: Path,
        strategy: str,
        settings: Settings,
        rounds: int | None,
        *,
        base_offset: int = 0,
        trace: bool = False,
    ) -> Case:
        """The case that runs ``strategy`` with ``settings`` (its addresses aside: the
        reference's decide them) for ``rounds`` (None: until no elf moves)."""
        return cls(
            input_path,
            strategy,
            settings.buffer_size,
            rounds,
            settings.temp_size,
            base_offset,
            settings.read,
            settings.parse,
            settings.free_input,
            trace,
            settings.zig.version,
        )

    def settings(self, addresses: Addresses) -> Settings:
        """The case's options as a run of aoc23 takes them, its buffers at ``addresses``."""
        return Settings(
            self.buffer_size,
            self.temp_size,
            addresses,
            read=self.read,
            parse=self.parse,
            free_input=self.free_input,
            zig=release(self.zig),
        )

    def options(self) -> tuple[str, ...]:
        """The same case in the reference program's own options."""
        chosen = [
            ("--trace", self.trace),
            ("--read=exact", self.read == "exact"),
            ("--parse=grow", self.parse == "grow"),
            ("--free-input", self.free_input),
        ]
        return tuple(option for option, wanted in chosen if wanted)


@dataclass(frozen=True)
class RoundCheck:
    """One snapshot: ``index`` is the round about to run (the last one: after the run)."""

    index: int
    ours: int | None
    zig: int | None
    bytes_equal: bool | None
    """None when the strategy has no fixed buffer to compare (page)."""


@dataclass
class Comparison:
    case: Case
    ours_lines: list[str] = field(default_factory=list)
    zig_lines: list[str] = field(default_factory=list)
    ours_exit: int = 0
    zig_exit: int = 0
    zig_memuse: dict[int, int] = field(default_factory=dict)
    ours_oom: OomReport | None = None
    zig_oom: OomReport | None = None
    checks: list[RoundCheck] = field(default_factory=list)
    snapshots_unmatched: int = 0
    ours_trace: list[str] = field(default_factory=list)
    zig_trace: list[str] = field(default_factory=list)

    def mismatches(self) -> list[str]:
        """What differs, one sentence each (empty: everything matched)."""
        found = []
        if self.ours_lines != self.zig_lines:
            found.append(f"printed lines differ: {self._first_line_difference()}")
        if self.ours_exit != self.zig_exit:
            found.append(f"exit status {self.ours_exit} (aoc23) vs {self.zig_exit} (Zig)")
        if self.ours_oom != self.zig_oom:
            found.append(f"OutOfMemory {self.ours_oom} (aoc23) vs {self.zig_oom} (Zig)")
        bad = [c.index for c in self.checks if c.bytes_equal is False]
        if bad:
            found.append(f"buffer bytes differ at snapshots {bad}")
        if self.snapshots_unmatched:
            found.append(f"{self.snapshots_unmatched} snapshots have no counterpart")
        if self.ours_trace != self.zig_trace:
            difference = _first_difference(self.ours_trace, self.zig_trace)
            found.append(f"allocator calls differ: {difference}")
        return found

    @property
    def matches(self) -> bool:
        return not self.mismatches()

    def _first_line_difference(self) -> str:
        return _first_difference(self.ours_lines, self.zig_lines)


def _first_difference(ours: list[str], zig: list[str]) -> str:
    for number, (a, b) in enumerate(itertools.zip_longest(ours, zig)):
        if a != b:
            return f"line {number + 1}: {a!r} (aoc23) vs {b!r} (Zig)"
    return "none"


class TraceLines:
    """aoc23's events written the way the reference's ``--trace`` prints its calls."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._mapped: set[str] = set()

    def __call__(self, event: Event) -> None:
        line = self._format(event)
        if line is not None:
            self.lines.append(line)

    def _offset(self, allocator: str, offset: int) -> str:
        return "?" if allocator in self._mapped else str(offset)

    def _format(self, e: Event) -> str | None:
        if isinstance(e, Opened):
            if e.kind == "pages" or e.parent in self._mapped:
                self._mapped.add(e.allocator)
            size = "-" if e.size is None else str(e.size)
            return f"trace opened {e.allocator} {e.kind} size={size}"
        if isinstance(e, Alloc):
            return (
                f"trace alloc {e.allocator} site={e.site} size={e.size} align={e.alignment} "
                f"offset={self._offset(e.allocator, e.offset)} padding={e.padding} "
                f"used={e.used_before}->{e.used_after}"
            )
        if isinstance(e, AllocFailed):
            return (
                f"trace alloc_failed {e.allocator} site={e.site} size={e.size} "
                f"align={e.alignment} used={e.used}"
            )
        if isinstance(e, Resize):
            return (
                f"trace {e.call} {e.allocator} site={e.site} "
                f"offset={self._offset(e.allocator, e.offset)} {e.old_size}->{e.new_size} "
                f"ok={str(e.ok).lower()} used={e.used_before}->{e.used_after}"
            )
        if isinstance(e, Free):
            return (
                f"trace free {e.allocator} site={e.site} "
                f"offset={self._offset(e.allocator, e.offset)} size={e.size} "
                f"used={e.used_before}->{e.used_after}"
            )
        if isinstance(e, Reset):
            line = f"trace reset {e.allocator} used={e.used_before}"
            if e.capacity_before is not None:
                line += f" capacity={e.capacity_before}->{e.capacity_after}"
            return line
        if isinstance(e, RoundStarted):
            return f"Round {e.index} memuse: {e.memuse}"
        assert isinstance(e, Finished)
        return None


def same_bytes(ours: Buffer, theirs: DumpedBuffer) -> bool:
    """Equal address, length and content (bytes past the dump are 0xAA in the reference)."""
    if (ours.base, ours.size) != (theirs.base, theirs.length):
        return False
    mine = ours.touched()
    length = max(len(mine), len(theirs.touched))
    return mine.ljust(length, UNDEFINED_BYTE) == theirs.touched.ljust(length, UNDEFINED_BYTE)


def run_reference(
    case: Case, binary: Path, dump_path: Path | None = None
) -> reference.ReferenceRun:
    """The reference program (``binary``) on ``case``, dumping its buffers to ``dump_path``."""
    return reference.run(
        binary,
        case.input_path,
        case.strategy,
        case.buffer_size,
        case.rounds,
        case.temp_size,
        case.base_offset,
        dump_path,
        case.options(),
    )


def compare(
    case: Case,
    binary: Path,
    contents: bytes | None = None,
    on_round: Callable[[int, int], object] | None = None,
) -> Comparison:
    """Run the reference and aoc23 on ``case`` side by side and compare everything.

    Both sides get the same bytes: ``contents`` (or the input file read once), written
    to a private copy for the reference. Its buffer snapshots come through a FIFO and are
    compared as they arrive, so no dump lands on disk however long the run; whatever
    happens (an error, Ctrl-C, SIGTERM), the reference is killed and the scratch
    directory removed. ``on_round(index, memuse)`` is told of each round line aoc23 prints
    (a progress bar)."""
    if contents is None:
        contents = case.input_path.read_bytes()
    text = bytes(contents)
    result = Comparison(case)
    with tempfile.TemporaryDirectory(prefix="aoc23-verify-") as scratch:
        copy = Path(scratch) / "input.txt"
        copy.write_bytes(text)
        fifo = Path(scratch) / "dump.fifo"
        os.mkfifo(fifo)
        args = reference.arguments(
            binary,
            copy,
            case.strategy,
            case.buffer_size,
            case.rounds,
            case.temp_size,
            case.base_offset,
            fifo,
            case.options(),
        )
        with reference.started(args) as running:
            stream = reference.DumpStream(fifo, running)
            try:
                bases = stream.addresses()
                if bases is None:
                    zig = running.finish()
                    raise reference.ZigUnavailable(
                        f"the Zig reference did not start: {zig.stderr.strip() or zig.exit_code}"
                    )
                snapshots = stream.snapshots()
                _run_ours(case, result, _addresses(bases), snapshots, text, on_round)
                result.snapshots_unmatched += sum(1 for _ in snapshots)
            finally:
                stream.close()
            zig = running.finish()
    result.zig_lines, result.zig_exit = zig.stdout_lines, zig.exit_code
    result.zig_trace = zig.trace_lines if case.trace else []
    result.zig_memuse = _memuse_by_round(zig.stdout_lines)
    result.zig_oom = zig.oom
    _fill_zig_memuse(result)
    return result


def _fill_zig_memuse(result: Comparison) -> None:
    """The checks were made before the reference's lines were all in: add its memuse."""
    result.checks = [
        RoundCheck(c.index, c.ours, result.zig_memuse.get(c.index), c.bytes_equal)
        for c in result.checks
    ]


def _addresses(bases: tuple[int, ...]) -> Addresses:
    """aoc23's buffers placed where the reference's were (defaults where it had none)."""
    default = Addresses()
    return Addresses(main=bases[0] or default.main, second=bases[1] or default.second)


def _run_ours(
    case: Case,
    result: Comparison,
    addresses: Addresses,
    snapshots: Iterator[Snapshot],
    text: bytes,
    on_round: Callable[[int, int], object] | None = None,
) -> None:
    settings = case.settings(addresses)
    program: Strategy | None = None
    tracer = TraceLines() if case.trace else None
    if tracer is not None:
        result.ours_trace = tracer.lines
    try:
        program = load(text, case.strategy, settings, tracer)
        for output in play(program, case.rounds, case.rounds is None):
            if isinstance(output, Answer):
                result.ours_lines.append(output.line())
                continue
            result.ours_lines.append(output.line())
            if on_round is not None:
                on_round(output.index, output.memuse)
            if not _check(result, program, output.memuse, next(snapshots, None)):
                return  # the reference has ended: nothing more to compare (a mismatch)
    except OutOfMemory as error:
        result.ours_exit = 1
        result.ours_oom = _report_of(error)
        return
    if program is not None:
        _check(result, program, program.memuse(), next(snapshots, None))


def _report_of(error: OutOfMemory) -> OomReport:
    """aoc23's OutOfMemory in the shape the reference reports it."""
    return OomReport(
        error.round,
        error.site or "",
        error.size,
        error.alignment,
        error.end_index if error.end_index is not None else 0,
        error.buffer_len if error.buffer_len is not None else 0,
    )


def _check(result: Comparison, program: Strategy, memuse: int, theirs: Snapshot | None) -> bool:
    """Compare one snapshot; False when the reference has none (it has ended)."""
    index = len(result.checks)
    zig_memuse = result.zig_memuse.get(index)
    if theirs is None:
        result.snapshots_unmatched += 1
        result.checks.append(RoundCheck(index, memuse, zig_memuse, False))
        return False
    buffers = program.buffers()
    equal: bool | None = None
    if buffers or theirs.buffers:
        equal = len(buffers) == len(theirs.buffers) and all(
            same_bytes(a, b) for a, b in zip(buffers, theirs.buffers, strict=True)
        )
    result.checks.append(RoundCheck(index, memuse, zig_memuse, equal))
    return True


def _memuse_by_round(lines: list[str]) -> dict[int, int]:
    """``Round i memuse: N`` lines as ``{i: N}``."""
    found = {}
    for line in lines:
        head, _, value = line.partition(" memuse: ")
        if head.startswith("Round ") and value:
            found[int(head[len("Round ") :])] = int(value)
    return found
