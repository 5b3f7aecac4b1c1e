"""The ``aoc23`` command line: parse options, run, render, map errors to exit codes."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from aoc23 import render
from aoc23.errors import OutOfMemory, PuzzleInputError
from aoc23.render.progress import RoundProgress
from aoc23.simulation import PART1_ROUNDS, Answer, run
from aoc23.strategies import DEFAULT_BUFFER_SIZE, DEFAULT_TEMP_SIZE, STRATEGIES, Settings
from aoc23.zigstd.hash_map import FILL_KIND

if TYPE_CHECKING:
    from rich.console import Console

    from aoc23 import analysis

EXIT_CODES = """\b
Exit status:
  0  success
  1  OutOfMemory (as the real Zig program: main returned an error)
  2  usage error (a bad option or argument)
  3  the puzzle input is missing, unreadable or not a day 23 grid
  130  interrupted (Ctrl-C); 141  stdout's reader went away (| head)"""

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1 << 10,
    "kib": 1 << 10,
    "m": 1 << 20,
    "mib": 1 << 20,
    "g": 1 << 30,
    "gib": 1 << 30,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "t": 1 << 40,
    "tib": 1 << 40,
    "tb": 1000**4,
}
MAX_BUFFER = 1 << 47
"""128 TiB, the x86-64 user address space: no real buffer can be larger."""
_SIZE = re.compile(r"\s*(\d+)\s*([a-zA-Z]*)\s*")


class ByteSize(click.ParamType):  # type: ignore[type-arg]
    """A number of bytes: ``40000``, ``40KiB``, ``8MiB``, ``1GiB``, ``1TiB`` (K/M/G/T are
    binary too; KB/MB/GB/TB are decimal), at most 128TiB."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value))
        unit = match.group(2).lower() if match else None
        if match is None or unit not in _UNITS:
            self.fail(
                f"{value!r} is not a size: use bytes or a KiB/MiB/GiB suffix, e.g. 200000 or 8MiB",
                param,
                ctx,
            )
        size = int(match.group(1)) * _UNITS[unit]
        if size > MAX_BUFFER:
            self.fail(f"{value!r} is more than 128TiB, the x86-64 address space", param, ctx)
        return size


def _strategy_option(function: Any) -> Any:
    return click.option(
        "--strategy",
        type=click.Choice(list(STRATEGIES)),
        default="naive",
        show_default=True,
        help="How each step allocates its new table: "
        + "; ".join(f"{name}: {cls.summary}" for name, cls in STRATEGIES.items())
        + ".",
    )(function)


def _buffer_size_option(function: Any) -> Any:
    return click.option(
        "--buffer-size",
        type=ByteSize(),
        default=DEFAULT_BUFFER_SIZE,
        show_default="8MiB",
        help="Bytes in the fixed buffer (each of the two, for 'double'): a number, or one "
        "with K/KiB, M/MiB, G/GiB, T/TiB (binary) or KB/MB/GB/TB (decimal); 0 to 128TiB. "
        "Only what the run touches is ever held in memory.",
    )(function)


def _what_if_options(function: Any) -> Any:
    options = [
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
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _settings(
    buffer_size: int, temp_size: int, read: str, parse: str, free_input: bool
) -> Settings:
    return Settings(
        buffer_size=buffer_size,
        temp_size=temp_size,
        read="exact" if read == "exact" else "readfile",
        parse="grow" if parse == "grow" else "reserve",
        free_input=free_input,
    )


def _read_input(source: str) -> bytes:
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        return Path(source).read_bytes()
    except IsADirectoryError:
        raise PuzzleInputError("is a directory, not a puzzle input") from None
    except FileNotFoundError:
        raise PuzzleInputError("no such file") from None
    except OSError as error:
        raise PuzzleInputError(f"cannot read: {error.strerror or error}") from None


def _emit(line: str) -> None:
    """One line to stdout, flushed at once so a script reading live sees it."""
    with _reader_may_leave():
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


@contextmanager
def _reader_may_leave() -> Iterator[None]:
    """End quietly with status 141 when stdout's reader has gone (``| head``)."""
    try:
        yield
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)


def _fail(lines: list[str], code: int) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="aoc23", message=f"%(prog)s, version %(version)s (hash map fill: {FILL_KIND})"
)
def main() -> None:
    """See how Zig's FixedBufferAllocator "leaks" in the Advent of Code 2022 day 23 solver.

    aoc23 runs the blog post's Zig program in a simulated fixed buffer laid out byte for
    byte as Zig 0.11.0 lays it out, and prints what the real program prints.

    \b
    Start with:
      aoc23 solve inputs/blog-70x70.txt --strategy naive
    """


@main.command(epilog=EXIT_CODES)
@click.argument("input_file", metavar="INPUT")
@_strategy_option
@_buffer_size_option
@click.option(
    "--rounds",
    type=click.IntRange(min=0),
    default=None,
    help=f"Run exactly this many rounds (part 1 is printed after round {PART1_ROUNDS}).",
)
@click.option(
    "--part",
    type=click.Choice(["1", "2"]),
    default=None,
    help="1: ten rounds, then the empty ground (the default). "
    "2: run until no elf moves, then print that round's number.",
)
@click.option(
    "--temp-size",
    type=ByteSize(),
    default=DEFAULT_TEMP_SIZE,
    show_default=True,
    help="Bytes in the temporary buffer of the 'tempalloc' strategy.",
)
@_what_if_options
def solve(
    input_file: str,
    strategy: str,
    buffer_size: int,
    rounds: int | None,
    part: str | None,
    temp_size: int,
    read: str,
    parse: str,
    free_input: bool,
) -> None:
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
    if rounds is not None and part is not None:
        raise click.UsageError("--rounds and --part cannot be used together")
    settings = _settings(buffer_size, temp_size, read, parse, free_input)
    until_settled = part == "2"
    limit = None if until_settled else (PART1_ROUNDS if rounds is None else rounds)
    progress = RoundProgress(limit)
    try:
        text = _read_input(input_file)
        for output in run(text, strategy, settings, rounds=limit, until_settled=until_settled):
            if isinstance(output, Answer):
                _emit(render.answer_line(output))
            else:
                _emit(render.round_line(output))
                progress.round(output.index, output.memuse)
    except PuzzleInputError as error:
        progress.close()
        _fail([render.input_error_line(error, input_file)], error.exit_code)
    except OutOfMemory as error:
        progress.close()
        _fail(render.out_of_memory_lines(error), error.exit_code)
    finally:
        progress.close()


@main.command(epilog=EXIT_CODES)
@click.option("--width", type=click.IntRange(min=1), default=70, show_default=True)
@click.option("--height", type=click.IntRange(min=1), default=70, show_default=True)
@click.option(
    "--density",
    type=click.FloatRange(min=0.0, max=1.0),
    default=0.5,
    show_default=True,
    help="Chance that a tile holds an elf.",
)
@click.option("--seed", type=int, default=23, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    show_default=True,
    help="Where to write the grid (- for stdout).",
)
def gen(width: int, height: int, density: float, seed: int, output: str) -> None:
    """Write a deterministic puzzle-shaped input (at least one elf).

    Real puzzle inputs may not be redistributed, so the bundled ones were made with this.

    \b
    Example (the bundled 70x70 input, 4970 bytes):
      aoc23 gen --width 70 --height 70 --density 0.5 --seed 23 -o blog.txt
    """
    from aoc23.generate import generate

    with click.open_file(output, "wb") as sink:
        sink.write(generate(width, height, density, seed))


VERIFY_EXIT_CODES = """\b
Exit status:
  0  aoc23 and real Zig agree on everything
  1  they differ (the table and the lines after it say where)
  2  usage error
  3  the input cannot be read, or the ziglang package is missing"""


@main.command(epilog=VERIFY_EXIT_CODES)
@click.argument("input_file", metavar="[INPUT]", required=False)
@_strategy_option
@_buffer_size_option
@click.option("--rounds", type=click.IntRange(min=0), default=PART1_ROUNDS, show_default=True)
@click.option(
    "--part",
    type=click.Choice(["2"]),
    default=None,
    help="2: instead of --rounds, run until no elf moves (part 2).",
)
@click.option("--temp-size", type=ByteSize(), default=DEFAULT_TEMP_SIZE, show_default=True)
@_what_if_options
def verify(
    input_file: str | None,
    strategy: str,
    buffer_size: int,
    rounds: int,
    part: str | None,
    temp_size: int,
    read: str,
    parse: str,
    free_input: bool,
) -> None:
    """Check aoc23 against the real Zig 0.11.0 compiler on your machine.

    Builds the bundled reference program (zig/day23.zig, cached after the first build),
    runs it and aoc23 on INPUT (default: the bundled 70x70 input), and compares every
    printed line, the exit status, where OutOfMemory happened, every byte of the fixed
    buffers after each round, and every allocator call (what aoc23 trace shows). Needs
    the ziglang package: pip install 'aoc23[zig]'.

    \b
    Examples:
      aoc23 verify inputs/blog-70x70.txt --strategy naive --rounds 10
      aoc23 verify inputs/example.txt --part 2 --parse grow --free-input
    """
    from aoc23 import fidelity, reference

    try:
        with _input_path(input_file) as path:
            if not path.is_file():
                raise PuzzleInputError("no such file")
            settings = _settings(buffer_size, temp_size, read, parse, free_input)
            case = fidelity.Case(
                path,
                strategy,
                buffer_size,
                None if part == "2" else rounds,
                temp_size,
                read=settings.read,
                parse=settings.parse,
                free_input=settings.free_input,
                trace=True,
            )
            comparison = fidelity.compare(case, reference.build())
    except PuzzleInputError as error:
        _fail([render.input_error_line(error, input_file or "-")], error.exit_code)
    except reference.ZigUnavailable as error:
        _fail([f"error: {error}"], error.exit_code)
    with _reader_may_leave():
        _console().print(render.verify_table(comparison))
    for line in render.verify_verdict(comparison):
        _emit(line)
    sys.exit(0 if comparison.matches else 1)


BUNDLED_INPUT = "data/blog-70x70.txt"


def _load(input_file: str | None) -> bytes:
    """INPUT's bytes, or the bundled 70x70 input's when none is given."""
    if input_file is None:
        from importlib import resources

        return resources.files("aoc23").joinpath(BUNDLED_INPUT).read_bytes()
    return _read_input(input_file)


@contextmanager
def _input_path(source: str | None) -> Iterator[Path]:
    if source is not None:
        yield Path(source)
        return
    from importlib import resources

    bundled = resources.files("aoc23").joinpath(BUNDLED_INPUT)
    with resources.as_file(bundled) as path:
        yield path


TRACE_EXIT_CODES = """\b
Exit status:
  0  the rounds ran
  1  OutOfMemory (the trace still shows what happened up to it, and why)
  2  usage error
  3  the puzzle input is missing, unreadable or not a day 23 grid"""


@main.command(epilog=TRACE_EXIT_CODES)
@click.argument("input_file", metavar="[INPUT]", required=False)
@_strategy_option
@click.option(
    "--rounds",
    type=click.IntRange(min=0),
    default=None,
    help=f"Run exactly this many rounds (default {PART1_ROUNDS}; not with --part 2).",
)
@click.option(
    "--part",
    type=click.Choice(["1", "2"]),
    default=None,
    help="1: ten rounds (the default). 2: run until no elf moves, where the blog's "
    "program really ran out (naive, 8MiB: round 226); long runs fold repeating rounds.",
)
@_buffer_size_option
@click.option("--temp-size", type=ByteSize(), default=DEFAULT_TEMP_SIZE, show_default=True)
@_what_if_options
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
def trace(
    input_file: str | None,
    strategy: str,
    rounds: int | None,
    part: str | None,
    buffer_size: int,
    temp_size: int,
    read: str,
    parse: str,
    free_input: bool,
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
    if rounds is not None and part == "2":
        raise click.UsageError("--rounds and --part 2 cannot be used together")
    settings = _settings(buffer_size, temp_size, read, parse, free_input)
    plan = _TracePlan(
        strategy,
        settings,
        None if part == "2" else (PART1_ROUNDS if rounds is None else rounds),
        compare,
        input_file,
        figures=html is not None or svg is not None,
    )
    progress = _TraceProgress(plan.rounds, streaming=output_format != "rich")
    try:
        text = _load(input_file)
        if output_format == "json":
            result = _trace_json(text, plan, progress)
        elif output_format == "csv":
            result = _trace_csv(text, plan, progress)
        else:
            result = _run_trace(text, plan, progress)
        progress.close()
        if html is not None or svg is not None:
            _write_figures(result, plan, text, html, svg)
        if output_format == "rich":
            _trace_rich(result, text, plan)
    except PuzzleInputError as error:
        progress.close()
        _fail([render.input_error_line(error, input_file or "-")], error.exit_code)
    finally:
        progress.close()
    if output_format == "csv" and result.failure is not None:
        _fail(render.out_of_memory_lines(_failure_error(result.failure)), OutOfMemory.exit_code)
    sys.exit(1 if result.failure else 0)


@dataclass(frozen=True)
class _TracePlan:
    """What one ``aoc23 trace`` runs."""

    strategy: str
    settings: Settings
    rounds: int | None
    """None: until no elf moves (part 2)."""
    compare: bool
    input_file: str | None
    figures: bool

    @property
    def input_name(self) -> str:
        return Path(self.input_file).name if self.input_file else "the bundled blog-70x70.txt"

    def what_ifs(self) -> tuple[str, ...]:
        settings = self.settings
        return tuple(
            label
            for label, active in (
                (f"--read {settings.read}", settings.read != "readfile"),
                (f"--parse {settings.parse}", settings.parse != "reserve"),
                ("--free-input", settings.free_input),
            )
            if active
        )


class _TraceProgress:
    """One progress bar per strategy run, on stderr (see :class:`RoundProgress`)."""

    def __init__(self, total: int | None, *, streaming: bool) -> None:
        self.total = total
        self.enabled = _stderr_is_terminal() and not (streaming and sys.stdout.isatty())
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

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (OSError, ValueError):
        return False


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
        keep_blocks=plan.figures or not streams,
        on_progress=progress,
        **streams,
    )


def _trace_json(text: bytes, plan: _TracePlan, progress: _TraceProgress) -> analysis.TraceResult:
    from aoc23.render import machine

    settings = plan.settings
    _emit(
        machine.header_json(
            strategy=plan.strategy,
            input=plan.input_file or "(bundled blog-70x70.txt)",
            input_size=len(text),
            rounds=plan.rounds,
            part=2 if plan.rounds is None else None,
            buffer_size=settings.buffer_size,
            temp_size=settings.temp_size,
            read=settings.read,
            parse=settings.parse,
            free_input=settings.free_input,
        )
    )
    result = _run_trace(
        text,
        plan,
        progress,
        on_event=lambda event: _emit(machine.event_json(event)),
        on_record=lambda record: _emit(machine.record_json(record)),
    )
    if result.failure:
        _emit(machine.failure_json(result.failure))
    else:
        _emit(machine.forecast_json(result.forecast))
    for row in result.requirements:
        _emit(machine.requirement_json(row))
    return result


def _trace_csv(text: bytes, plan: _TracePlan, progress: _TraceProgress) -> analysis.TraceResult:
    from aoc23.render import machine

    _emit(machine.csv_header())
    return _run_trace(
        text,
        replace(plan, compare=False),
        progress,
        on_record=lambda record: _emit(machine.csv_row(record)),
    )


def _failure_error(failure: analysis.Failure) -> OutOfMemory:
    """The OutOfMemory a traced run ended in, as ``solve`` reports it."""
    event = failure.event
    error = OutOfMemory(
        event.size,
        event.alignment,
        end_index=event.used if event.capacity is not None else None,
        buffer_len=event.capacity,
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
        len(text),
        result.elves,
        plan.rounds,
        plan.settings.buffer_size,
        plan.what_ifs(),
        fixed_buffer=cls.fixed_buffer,
        two_buffers=cls.fixed_buffers == 2,
    )


def _trace_rich(result: analysis.TraceResult, text: bytes, plan: _TracePlan) -> None:
    from aoc23.render import trace as view

    console = _console()
    if console.width < view.MIN_WIDTH:
        console.width = view.MIN_WIDTH
    with _reader_may_leave():
        for renderable in view.trace_view(result, _heading(result, text, plan), console.width):
            console.print(renderable)


def _write_figures(
    result: analysis.TraceResult,
    plan: _TracePlan,
    text: bytes,
    html: str | None,
    svg: str | None,
) -> None:
    from aoc23.render import figure, report

    heading = _heading(result, text, plan)
    if svg is not None:
        _write_file(svg, figure.figure_svg(result, heading))
    if html is not None:
        _write_file(html, report.report_html(result, heading))


def _write_file(path: str, content: str) -> None:
    """Write ``content`` whole or not at all: into a temporary name beside ``path``, then
    renamed over it."""
    import os
    import tempfile

    target = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as sink:
                sink.write(content)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, target)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as error:
        _fail([f"error: {path}: cannot write: {error.strerror or error}"], EXIT_CANNOT_WRITE)


EXIT_CANNOT_WRITE = 74
"""An output file could not be written (as sysexits' EX_IOERR)."""


EXIT_INTERRUPTED = 130
"""Ctrl-C, as a shell reports a process ended by SIGINT."""
EXIT_BROKEN_PIPE = 141
"""The reader of stdout went away (e.g. ``| head``), as a shell reports SIGPIPE."""


def entry() -> None:
    """The ``aoc23`` program: :func:`main`, with Ctrl-C and a closed pipe ending quietly."""
    try:
        code = main.main(prog_name="aoc23", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _console(record: bool = False) -> Console:
    """A rich console whose closed pipe ends like every other (see ``_reader_may_leave``)."""
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeAwareConsole(record=record)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
