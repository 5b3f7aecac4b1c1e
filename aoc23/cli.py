"""The ``aoc23`` command line: parse options, run, render, map errors to exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import IO, TYPE_CHECKING, Any

import click

from aoc23 import render, solving
from aoc23.bitboard import RULES_KIND
from aoc23.errors import Aoc23Error, OutOfMemory, PuzzleInputError, shown_path
from aoc23.process import (
    EXIT_INTERRUPTED,
    emit,
    error_lines,
    fail,
    flush_stdout,
    output_failed,
    run_program,
    stdout,
)
from aoc23.records import NamedTuple
from aoc23.render.progress import RoundProgress, Waiting, is_terminal
from aoc23.simulation import PART1_ROUNDS
from aoc23.solving import (
    MAX_BUFFER,
    MAX_INPUT,
    MAX_INPUT_TEXT,
    MAX_ROUNDS,
    read_in_part,
    read_input,
    size_of,
)
from aoc23.strategies import DEFAULT_BUFFER_SIZE, DEFAULT_TEMP_SIZE, STRATEGIES, Settings
from aoc23.zigstd.fs import stat_size_of
from aoc23.zigstd.hash_map import FILL_KIND
from aoc23.zigstd.release import DEFAULT as DEFAULT_RELEASE
from aoc23.zigstd.release import RELEASES, Release, UnknownRelease, release

if TYPE_CHECKING:
    from rich.console import Console

    from aoc23 import analysis, ledger

EXIT_CODES = """\b
Exit status:
  0  success
  1  OutOfMemory (as the real Zig program: main returned an error)
  2  usage error (a bad option or argument)
  3  the puzzle input is missing, unreadable, too large or not a day 23 grid
  70  internal error (a bug: AOC23_DEBUG=1 shows the traceback)
  74  the output cannot be written (disk full, stdout closed, ...)
  130  interrupted (Ctrl-C); 141  stdout's reader went away (| head);
  143  terminated (SIGTERM)"""


class ByteSize(click.ParamType):  # type: ignore[type-arg]
    """A number of bytes: ``40000``, ``40KiB``, ``8MiB``, ``1GiB``, ``1TiB`` (K/M/G/T are
    binary too; KB/MB/GB/TB are decimal), at most 128TiB."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        size = size_of(str(value))
        if size is None:
            self.fail(
                f"{value!r} is not a size: use bytes or a KiB/MiB/GiB suffix, e.g. 200000 or 8MiB",
                param,
                ctx,
            )
        if size > MAX_BUFFER:
            self.fail(f"{value!r} is more than 128TiB, the x86-64 address space", param, ctx)
        return size


def _run_options(
    *, max_buffer: int = MAX_BUFFER, note: str = "", too_big: str = ""
) -> Callable[[Any], Any]:
    """--strategy, --buffer-size, --temp-size and the blog's what-ifs (--read, --parse,
    --free-input), handed to the command whole: ``strategy`` and one ``settings``.
    ``too_big`` says why a size over ``max_buffer`` is refused (``{value}``: the size)."""

    def within(ctx: click.Context, param: click.Parameter, value: int) -> int:
        if value > max_buffer:
            raise click.BadParameter(too_big.format(value=value), ctx, param)
        return value

    options = [
        click.option(
            "--strategy",
            type=click.Choice(list(STRATEGIES)),
            default="naive",
            show_default=True,
            help="How each step allocates its new table: "
            + "; ".join(f"{name}: {cls.summary}" for name, cls in STRATEGIES.items())
            + ".",
        ),
        click.option(
            "--buffer-size",
            type=ByteSize(),
            default=DEFAULT_BUFFER_SIZE,
            show_default="8MiB",
            callback=within,
            help="Bytes in the fixed buffer (each of the two, for 'double'): a number, or one "
            "with K/KiB, M/MiB, G/GiB, T/TiB (binary) or KB/MB/GB/TB (decimal); "
            f"0 to {_size_text(max_buffer)}."
            + (note or " Only what the run touches is ever held in memory."),
        ),
        click.option(
            "--temp-size",
            type=ByteSize(),
            default=DEFAULT_TEMP_SIZE,
            show_default=True,
            callback=within,
            help="Bytes in the temporary buffer of the 'tempalloc' strategy.",
        ),
        click.option(
            "--read",
            type=click.Choice(["readfile", "exact"]),
            default="readfile",
            show_default=True,
            help="How the input is loaded: readfile is the blog's readFileAlloc (it grows its "
            "list past the file's size for a moment); exact is one allocation of exactly the "
            "file's size, as a helper that stats the file first would make.",
        ),
        click.option(
            "--parse",
            type=click.Choice(["reserve", "grow"]),
            default="reserve",
            show_default=True,
            help="How grid.cells is filled: reserve is one ensureTotalCapacity for every elf, "
            "then putAssumeCapacity; grow is put after put from an empty map, which leaves "
            "every outgrown table behind in the buffer.",
        ),
        click.option(
            "--free-input",
            is_flag=True,
            help="Free the input after parsing (the blog's footnote). The free is a no-op: "
            "the input is not the last allocation.",
        ),
        click.option(
            "--zig",
            "zig",
            default=DEFAULT_RELEASE.version,
            show_default=True,
            metavar="VERSION",
            callback=_zig_release,
            help="The Zig release whose std to simulate: "
            + ", ".join(RELEASES)
            + " (or just 0.14 for the newest 0.14 aoc23 has). aoc23 releases says what "
            "each changes.",
        ),
    ]

    def decorate(command: Any) -> Any:
        @functools.wraps(command)
        def with_settings(
            *args: Any,
            buffer_size: int,
            temp_size: int,
            read: str,
            parse: str,
            free_input: bool,
            zig: Release,
            **kwargs: Any,
        ) -> Any:
            settings = solving.settings_of(buffer_size, temp_size, read, parse, free_input, zig)
            return command(*args, settings=settings, **kwargs)

        for option in reversed(options):
            with_settings = option(with_settings)
        return with_settings

    return decorate


def _zig_release(ctx: click.Context, param: click.Parameter, value: str) -> Release:
    try:
        return release(value)
    except UnknownRelease as error:
        raise click.BadParameter(str(error), ctx, param) from None


def _size_text(size: int) -> str:
    for unit, name in ((1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{name}"
    return str(size)


def _length_options(command: Any) -> Any:
    """--rounds N and --part 1|2, handed to the command as ``rounds``: None for part 2
    (until no elf moves), else how many rounds to run (10 unless told)."""

    @functools.wraps(command)
    def with_rounds(*args: Any, rounds: int | None, part: str | None, **kwargs: Any) -> Any:
        if rounds is not None and part is not None:
            raise click.UsageError("--rounds and --part cannot be used together")
        length = None if part == "2" else (PART1_ROUNDS if rounds is None else rounds)
        return command(*args, rounds=length, **kwargs)

    with_rounds = click.option(
        "--part",
        type=click.Choice(["1", "2"]),
        default=None,
        help=f"1: {PART1_ROUNDS} rounds, then the empty ground (the default). 2: run until "
        "no elf moves, then print that round's number (the blog's program, naive in "
        "8MiB, runs out in round 226).",
    )(with_rounds)
    return click.option(
        "--rounds",
        type=click.IntRange(min=0, max=MAX_ROUNDS),
        default=None,
        help=f"Run exactly this many rounds (default {PART1_ROUNDS}; not with --part).",
    )(with_rounds)


def _about_input(command: Any) -> Any:
    """Name the command's INPUT in any PuzzleInputError that escapes it."""

    @functools.wraps(command)
    def naming(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PuzzleInputError as error:
            if error.source is None:
                given = kwargs.get("input_file")
                error.source = "-" if given is None else given
            raise

    return naming


class _Funnel(click.Group):
    """The group whose commands' expected errors all end here: one message, one status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                flush_stdout()  # every line printed, before any error goes to stderr
        except Aoc23Error as error:
            fail(error_lines(error), error.exit_code)


@click.group(cls=_Funnel, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="aoc23",
    message=f"%(prog)s, version %(version)s (rules: {RULES_KIND}, hash map fill: {FILL_KIND})",
)
def main() -> None:
    """See how Zig's FixedBufferAllocator "leaks" in the Advent of Code 2022 day 23 solver.

    aoc23 runs the blog post's Zig program in a simulated fixed buffer laid out byte for
    byte as Zig 0.11.0 lays it out (or any release up to 0.17.1: --zig), and prints what
    the real program prints.

    \b
    Start with:
      aoc23 solve inputs/blog-70x70.txt --strategy naive
    """


@main.command(epilog=EXIT_CODES)
@click.argument("input_file", metavar="INPUT")
@_run_options()
@_length_options
def solve(input_file: str, strategy: str, settings: Settings, rounds: int | None) -> None:
    """Run the blog's program on INPUT and print what it prints.

    Each round prints `Round i memuse: N` before it steps, where N is the fixed buffer
    allocator's end_index. After round 10 it prints `part1: N`; with --part 2 it goes on
    until no elf moves and prints `part2: N`. When the buffer runs out, the lines printed
    so far stay and stderr says `error: OutOfMemory` and where. INPUT may be - for stdin.

    \b
    Examples:
      aoc23 solve inputs/blog-70x70.txt --strategy naive --rounds 10
      aoc23 solve inputs/blog-70x70.txt --buffer-size 200000
      aoc23 solve inputs/example.txt --part 2 --strategy tempalloc
    """
    solving.solve(input_file, strategy, settings, rounds)


GEN_EXIT_CODES = """\b
Exit status:
  0  the grid was written
  2  usage error (a bad option, or a grid over 64MiB)
  74  the output cannot be written (nothing half-written is left behind)
  130  interrupted (Ctrl-C); 141  stdout's reader went away (| head);
  143  terminated (SIGTERM)"""


def _density(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0.0 <= value <= 1.0:  # also refuses nan, which every comparison lets through
        raise click.BadParameter(f"{value} is not a chance between 0 and 1", ctx, param)
    return value


@main.command(epilog=GEN_EXIT_CODES)
@click.option("--width", type=click.IntRange(min=1), default=70, show_default=True)
@click.option("--height", type=click.IntRange(min=1), default=70, show_default=True)
@click.option(
    "--density",
    type=float,
    callback=_density,
    default=0.5,
    show_default=True,
    help="Chance that a tile holds an elf (0 to 1).",
)
@click.option("--seed", type=int, default=23, show_default=True)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="Where to write the grid (- for stdout). The file is written under a temporary "
    "name and renamed when complete; an existing file is kept unless --force is given.",
)
@click.option(
    "--force", is_flag=True, help="Replace an existing output file (a symlink itself, too)."
)
def gen(width: int, height: int, density: float, seed: int, output: str, force: bool) -> None:
    """Write a deterministic puzzle-shaped input (at least one elf).

    Real puzzle inputs may not be redistributed, so the bundled ones were made with this.

    \b
    Example (the bundled 70x70 input, 4970 bytes):
      aoc23 gen --width 70 --height 70 --density 0.5 --seed 23 -o blog.txt
    """
    from aoc23.generate import generate
    from aoc23.outfile import write_atomically

    if (width + 1) * height > MAX_INPUT:
        raise click.UsageError(
            f"a {width}x{height} grid is larger than {MAX_INPUT_TEXT}, the most aoc23 reads"
        )
    grid = generate(width, height, density, seed)
    if output != "-":
        write_atomically(output, grid, force=force)
        return
    with reader_may_leave():
        out = stdout()
        out.flush()
        binary: IO[bytes] = getattr(out, "buffer")  # noqa: B009 (the guard passes it on)
        view = memoryview(grid)
        while view:  # unbuffered (python -u), stdout's binary layer writes only part
            view = view[binary.write(view) or 0 :]
        binary.flush()


VERIFY_EXIT_CODES = """\b
Exit status:
  0  aoc23 and real Zig agree on everything
  1  they differ (the table and the lines after it say where)
  2  usage error (also: a buffer over 1GiB, which Zig would have to fill)
  3  the input cannot be read, or the Zig side cannot run (no ziglang
     package, an unusable cache directory, a failed build, Zig killed)
  70  internal error; 74  the output cannot be written
  130  interrupted (Ctrl-C); 141  stdout's reader went away;
  143  terminated (SIGTERM); the Zig child and the temporary files go too"""

VERIFY_MAX_BUFFER = 1 << 30
"""The reference fills every byte of its buffers with 0xAA, so each must be real memory."""


@main.command(epilog=VERIFY_EXIT_CODES)
@click.argument("input_file", metavar="[INPUT]", required=False)
@_run_options(
    max_buffer=VERIFY_MAX_BUFFER,
    note=" (the Zig reference fills every byte of its buffers, so they must be real memory)",
    too_big="verify allows at most 1GiB: the Zig reference fills its whole buffer, so "
    "{value} bytes would have to be real memory (solve allows up to 128TiB)",
)
@_length_options
@_about_input
def verify(input_file: str | None, strategy: str, settings: Settings, rounds: int | None) -> None:
    """Check aoc23 against the real Zig compiler on your machine (0.11.0, or --zig's).

    Builds the bundled reference program of that release's API epoch (zig/day23.zig for
    0.11.0; cached after the first build), runs it and aoc23 on INPUT (default: the
    bundled 70x70 input; - for stdin), and
    compares every printed line, the exit status, where OutOfMemory happened, every byte
    of the fixed buffers after each round, and every allocator call (what aoc23 trace
    shows). INPUT is read once and both sides get the same bytes; the buffers are
    compared as the reference runs, so nothing piles up on disk. Needs the ziglang
    package of that release: pip install 'ziglang==0.11.0' (or 'ziglang==0.17.1' for
    --zig 0.17).

    \b
    Examples:
      aoc23 verify inputs/blog-70x70.txt --strategy naive --rounds 10
      aoc23 verify inputs/example.txt --part 2 --parse grow --free-input
      aoc23 verify inputs/example.txt --zig 0.17   (with ziglang 0.17.1 installed)
    """
    from pathlib import Path

    from aoc23 import fidelity, reference

    zig = settings.zig.version
    with Waiting(f"building the Zig {zig} reference (once; cached after)"):
        binary = reference.build(release=zig)
    text = _load(input_file)  # all of it (at most 64MiB): both sides get these bytes
    case = fidelity.Case.of(
        Path(input_file or BUNDLED_INPUT), strategy, settings, rounds, trace=True
    )
    with RoundProgress(case.rounds, enabled=is_terminal(sys.stderr)) as progress:
        comparison = fidelity.compare(case, binary, text, on_round=progress.round)
    with reader_may_leave():
        _console().print(render.verify_table(comparison))
    for line in render.verify_verdict(comparison):
        emit(line)
    sys.exit(0 if comparison.matches else 1)


BUNDLED_INPUT = "data/blog-70x70.txt"


def _load(
    input_file: str | None, settings: Settings | None = None, strategy: str | None = None
) -> bytes:
    """INPUT's bytes, or the bundled 70x70 input's when none is given (see
    :func:`aoc23.solving.read_input` for what ``settings`` and ``strategy`` bound)."""
    if input_file is None:
        from importlib import resources

        return resources.files("aoc23").joinpath(BUNDLED_INPUT).read_bytes()
    return read_input(input_file, settings, strategy)


@main.command()
def releases() -> None:
    """List the Zig releases aoc23 simulates (--zig) and what each changes.

    Each line is what that release's std does differently from 0.11.0's in what the
    blog's program shows, as measured with its own compiler (make zig-releases).

    \b
    Example:
      aoc23 releases
      aoc23 solve inputs/example.txt --zig 0.17 --buffer-size 368 --rounds 0
    """
    for known in RELEASES.values():
        emit(f"{known.version}  {known.changes}")


TRACE_EXIT_CODES = """\b
Exit status:
  0  the rounds ran
  1  OutOfMemory (the trace still shows what happened up to it, and why)
  2  usage error
  3  the puzzle input is missing, unreadable, too large or not a day 23 grid
  70  internal error (a bug: AOC23_DEBUG=1 shows the traceback)
  74  the output cannot be written (disk full, stdout closed, ...)
  130  interrupted (Ctrl-C); 141  stdout's reader went away (| head);
  143  terminated (SIGTERM)"""


@main.command(epilog=TRACE_EXIT_CODES)
@click.argument("input_file", metavar="[INPUT]", required=False)
@_run_options()
@_length_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["rich", "json", "csv"]),
    default="rich",
    show_default=True,
    help="rich: the explained view; json: every event and round record as JSON lines; "
    "csv: the round table.",
)
@click.option(
    "--html",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write a self-contained HTML report: the buffer block by block with a "
    "slider over rounds, a chart of every strategy, the smallest buffers (open it in "
    "any browser; it loads nothing from the network).",
)
@click.option(
    "--svg",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the figure (the chart of end_index and live bytes, and the buffer "
    "map) as an SVG picture.",
)
@click.option(
    "--compare/--no-compare",
    default=True,
    show_default=True,
    help="Also run every other strategy with the same options: its memuse on the "
    "report's chart, and the smallest buffer each needs.",
)
@_about_input
def trace(
    input_file: str | None,
    strategy: str,
    settings: Settings,
    rounds: int | None,
    output_format: str,
    html: str | None,
    svg: str | None,
    compare: bool,
) -> None:
    """Show why end_index grows: every allocation, the no-op frees, the buffer map.

    Runs the blog's program on INPUT (default: the bundled 70x70 input) with every
    allocator call recorded, then shows, round by round, end_index, its growth, the live
    bytes, the bytes stranded by frees that did nothing, and alignment padding; which
    free was a no-op and why; a map of the buffer; a timeline; when the buffer will run
    out at this rate; and the smallest buffer each strategy needs for these rounds.

    \b
    Examples:
      aoc23 trace --rounds 10
      aoc23 trace --part 2                      (until no elf moves: OutOfMemory in round 226)
      aoc23 trace --html report.html            (open it in a browser)
      aoc23 trace --strategy tempalloc
      aoc23 trace --buffer-size 200000          (ends in OutOfMemory, explained)
      aoc23 trace --free-input                  (the blog's footnote)
      aoc23 trace --format csv > rounds.csv
    """
    plan = _TracePlan(
        strategy,
        settings,
        rounds,
        compare,
        input_file,
        figures=html is not None or svg is not None,
    )
    text = _load(input_file, settings, strategy)
    if read_in_part(text, settings, strategy):
        plan = plan._replace(compare=False, bytes_read=len(text))
    with _TraceProgress(plan.rounds, streaming=output_format != "rich") as progress:
        if output_format == "json":
            result = _trace_json(text, plan, progress)
        elif output_format == "csv":
            result = _trace_csv(text, plan, progress)
        else:
            result = _run_trace(text, plan, progress)
    if html is not None or svg is not None:
        _write_figures(result, plan, text, html, svg)
    if output_format == "rich":
        _trace_rich(result, text, plan)
    if output_format == "csv" and result.failure is not None:
        raise _failure_error(result.failure)
    sys.exit(1 if result.failure else 0)


class _TracePlan(NamedTuple):
    """What one ``aoc23 trace`` runs."""

    strategy: str
    settings: Settings
    rounds: int | None
    """None: until no elf moves (part 2)."""
    compare: bool
    input_file: str | None
    figures: bool
    bytes_read: int | None = None
    """Set when the input was read only as far as the buffer could hold it."""

    @property
    def input_name(self) -> str:
        if self.input_file is None:
            return "the bundled blog-70x70.txt"
        if self.input_file == "-":
            return "standard input"
        from pathlib import Path

        return shown_path(Path(self.input_file).name)

    def what_ifs(self) -> tuple[str, ...]:
        settings = self.settings
        return tuple(
            label
            for label, active in (
                (f"--read {settings.read}", settings.read != "readfile"),
                (f"--parse {settings.parse}", settings.parse != "reserve"),
                ("--free-input", settings.free_input),
                (f"--zig {settings.zig.version}", settings.zig != DEFAULT_RELEASE),
            )
            if active
        )


class _TraceProgress:
    """One progress bar per strategy run, on stderr (see :class:`RoundProgress`)."""

    def __init__(self, total: int | None, *, streaming: bool) -> None:
        self.total = total
        self.enabled = is_terminal(sys.stderr) and not (streaming and is_terminal(sys.stdout))
        self._bar: RoundProgress | None = None
        self._strategy: str | None = None

    def __call__(self, strategy: str, index: int, memuse: int) -> None:
        if not self.enabled:
            return
        if strategy != self._strategy:
            self.close()
            self._strategy = strategy
            self._bar = RoundProgress(self.total, enabled=True)
        assert self._bar is not None
        self._bar.round(index, memuse)

    def __enter__(self) -> _TraceProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _run_trace(
    text: bytes,
    plan: _TracePlan,
    progress: _TraceProgress,
    **streams: Any,
) -> analysis.TraceResult:
    from aoc23 import analysis

    return analysis.trace_run(
        text,
        plan.strategy,
        plan.settings,
        plan.rounds,
        until_settled=plan.rounds is None,
        compare_strategies=plan.compare,
        keep_history=plan.figures or not streams,
        on_progress=progress,
        **streams,
    )


def _trace_json(text: bytes, plan: _TracePlan, progress: _TraceProgress) -> analysis.TraceResult:
    from aoc23.render import machine

    settings = plan.settings
    emit(
        machine.header_json(
            strategy=plan.strategy,
            input=shown_path(plan.input_file) if plan.input_file else "(bundled blog-70x70.txt)",
            input_size=len(text),
            rounds=plan.rounds,
            part=2 if plan.rounds is None else None,
            buffer_size=settings.buffer_size,
            temp_size=settings.temp_size,
            read=settings.read,
            parse=settings.parse,
            free_input=settings.free_input,
            zig=settings.zig.version,
        )
    )
    result = _run_trace(
        text,
        plan,
        progress,
        on_event=lambda event: emit(machine.event_json(event)),
        on_record=lambda record: emit(machine.record_json(record)),
    )
    if result.failure:
        emit(machine.failure_json(result.failure))
    else:
        emit(machine.forecast_json(result.forecast))
    for row in result.requirements:
        emit(machine.requirement_json(row))
    return result


def _trace_csv(text: bytes, plan: _TracePlan, progress: _TraceProgress) -> analysis.TraceResult:
    from aoc23.render import machine

    emit(machine.csv_header())
    return _run_trace(
        text,
        plan._replace(compare=False),
        progress,
        on_record=lambda record: emit(machine.csv_row(record)),
    )


def _failure_error(failure: ledger.Failure) -> OutOfMemory:
    """The OutOfMemory a traced run ended in, as ``solve`` reports it."""
    event = failure.event
    error = OutOfMemory(
        event.size,
        event.alignment,
        end_index=event.used if event.capacity is not None else None,
        buffer_len=event.capacity,
        for_block=failure.arena_request.size if failure.arena_request else None,
    )
    error.site, error.round = event.site, failure.round
    return error


def _heading(result: analysis.TraceResult, text: bytes, plan: _TracePlan) -> Any:
    from aoc23.render import trace as view
    from aoc23.strategies import STRATEGIES

    cls = STRATEGIES[plan.strategy]
    return view.Heading(
        plan.strategy,
        plan.input_name,
        stat_size_of(text) or (0 if plan.bytes_read is not None else len(text)),
        result.elves,
        plan.rounds,
        plan.settings.buffer_size,
        plan.what_ifs(),
        fixed_buffer=cls.fixed_buffer,
        two_buffers=cls.fixed_buffers == 2,
        bytes_read=plan.bytes_read,
    )


def _trace_rich(result: analysis.TraceResult, text: bytes, plan: _TracePlan) -> None:
    from aoc23.render import trace as view

    console = _console()
    if console.width < view.MIN_WIDTH:
        console.width = view.MIN_WIDTH
    with reader_may_leave():
        for renderable in view.trace_view(result, _heading(result, text, plan), console.width):
            console.print(renderable)


def _write_figures(
    result: analysis.TraceResult,
    plan: _TracePlan,
    text: bytes,
    html: str | None,
    svg: str | None,
) -> None:
    from aoc23.outfile import write_atomically
    from aoc23.render import figure, report

    heading = _heading(result, text, plan)
    if svg is not None:
        write_atomically(svg, figure.figure_svg(result, heading), force=True)
    if html is not None:
        write_atomically(html, report.report_html(result, heading), force=True)


def entry() -> None:
    """The ``aoc23`` program: :func:`main`, with every way of ending mapped to one line on
    stderr (at most) and a documented exit status; see :data:`EXIT_CODES`."""
    run_program(_main_with_usage_errors)


def _main_with_usage_errors() -> int:
    try:
        code = main.main(prog_name="aoc23", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as error:
        _show_usage_error(error)
        sys.exit(error.exit_code)
    return code if isinstance(code, int) else 0


def _show_usage_error(error: click.ClickException) -> None:
    """click's own message (a usage line, then ``Error: …``), unless stderr cannot take it."""
    if sys.stderr is None:
        return
    with suppress(OSError, ValueError):
        error.show()


@contextmanager
def reader_may_leave() -> Iterator[None]:
    """Writes to stdout, ended as :func:`aoc23.process.output_failed` says if one fails."""
    try:
        yield
    except OSError as error:
        output_failed(error)


def _console(record: bool = False) -> Console:
    """A rich console on stdout whose closed pipe ends like every other (see
    :func:`reader_may_leave`); a closed stdout is an :class:`OutputError`,
    not silence."""
    from rich.console import Console

    stdout()

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeAwareConsole(record=record)
