"""The ``aoc23`` command line: parse options, run, render, map errors to exit codes."""

from __future__ import annotations

import functools
import os
import re
import signal
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, NamedTuple, NoReturn

import click

from aoc23 import render
from aoc23.errors import Aoc23Error, OutOfMemory, OutputError, PuzzleInputError, shown_path
from aoc23.render.progress import RoundProgress, Waiting, is_terminal
from aoc23.simulation import PART1_ROUNDS, Answer, run
from aoc23.strategies import DEFAULT_BUFFER_SIZE, DEFAULT_TEMP_SIZE, STRATEGIES, Settings
from aoc23.zigstd.fs import FileContents, readable_length, stat_size_of
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
_SIZE = re.compile(r"\s*([0-9]+)\s*([a-zA-Z]*)\s*", re.ASCII)


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
            settings = Settings(
                buffer_size=buffer_size,
                temp_size=temp_size,
                read="exact" if read == "exact" else "readfile",
                parse="grow" if parse == "grow" else "reserve",
                free_input=free_input,
                zig=zig,
            )
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


MAX_ROUNDS = (1 << 64) - 1
"""The reference reads the rounds as a usize; no run gets near it."""


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


MAX_INPUT = 64 << 20
"""The most input aoc23 reads (64MiB, a grid of some 8000 x 8000 tiles). Beyond the bytes
Zig could hold before running out of memory nothing more is read; only a buffer so large
that the input itself is the problem (or the page allocator, which has no end) meets this."""
MAX_INPUT_TEXT = "64MiB"
_CHUNK = 1 << 20


def _read_input(
    source: str, settings: Settings | None = None, strategy: str | None = None
) -> FileContents:
    """INPUT's bytes (``-``: standard input) as the simulated program would see them: with
    the stat size ``readFileAlloc`` starts from, and never more than it could read into
    the buffer of ``settings`` (a longer input runs out of memory at the same step)."""
    if source == "":
        raise PuzzleInputError("an empty name is not a file")
    if source == "-":
        if sys.stdin is None:
            raise PuzzleInputError("standard input is closed")
        return _read_stream(sys.stdin.buffer, _fileno(sys.stdin), settings, strategy)
    try:
        with open(source, "rb", buffering=0) as stream:
            return _read_stream(stream, stream.fileno(), settings, strategy)
    except IsADirectoryError:
        raise PuzzleInputError("is a directory, not a puzzle input") from None
    except FileNotFoundError:
        raise PuzzleInputError("no such file") from None
    except OSError as error:
        raise PuzzleInputError(f"cannot read: {error.strerror or error}") from None


def _fileno(stream: IO[str]) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError):
        return None


def _read_stream(
    stream: IO[bytes], fd: int | None, settings: Settings | None, strategy: str | None
) -> FileContents:
    status = os.fstat(fd) if fd is not None else None
    stat_size = status.st_size if status is not None else None
    regular = status is None or stat.S_ISREG(status.st_mode)
    wanted = _bytes_wanted(stat_size or 0, settings, strategy)
    if stat_size is not None and stat_size > MAX_INPUT and wanted > MAX_INPUT:
        raise _too_large()
    chunks = []
    got = 0
    while got < wanted:
        chunk = stream.read(min(_CHUNK, wanted - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    if got > MAX_INPUT:
        raise _too_large()
    data = b"".join(chunks)
    return FileContents(data, len(data) if stat_size is None else stat_size, regular)


def _bytes_wanted(stat_size: int, settings: Settings | None, strategy: str | None) -> int:
    """How many bytes to read: one more than the program could hold (so a longer input
    runs out of memory where Zig's does), and at most one more than :data:`MAX_INPUT`."""
    enough = MAX_INPUT + 1
    if settings is None or strategy is None or not STRATEGIES[strategy].fixed_buffer:
        return enough
    if settings.read == "exact":
        return min(enough, stat_size if stat_size <= settings.buffer_size else 0)
    return min(enough, readable_length(settings.buffer_size, stat_size, settings.zig) + 1)


def _read_in_part(text: bytes, settings: Settings, strategy: str) -> bool:
    """Whether ``text`` may be only the start of the input: the read stopped at the most
    the program could hold (or a regular file is longer than what was read)."""
    if len(text) < stat_size_of(text):
        return True
    if settings.read == "exact":
        return False  # one read of the stat size: all of a regular file
    wanted = _bytes_wanted(stat_size_of(text), settings, strategy)
    return len(text) == wanted <= MAX_INPUT


def _too_large() -> PuzzleInputError:
    return PuzzleInputError(
        f"larger than {MAX_INPUT_TEXT}, the most aoc23 reads, and the program would read on "
        f"(with a --buffer-size under {MAX_INPUT_TEXT} it runs out of memory where Zig does)"
    )


FLUSH_INTERVAL = 0.1
"""Seconds a line written by :func:`_emit` may wait in stdout's buffer while more follow."""
_next_flush = 0.0
"""When :func:`_emit` flushes stdout next (``time.monotonic``)."""


def _emit(line: str) -> None:
    """One line to stdout. A terminal shows it at once (the stream is line-buffered there);
    a pipe or a file gets the first line at once and the others at most
    :data:`FLUSH_INTERVAL` seconds late, and every line before the command ends and before
    anything it says on stderr (see :meth:`_Funnel.invoke`)."""
    global _next_flush
    try:
        stdout = _stdout()
        stdout.write(line + "\n")
        now = time.monotonic()
        if now >= _next_flush:
            _next_flush = now + FLUSH_INTERVAL
            stdout.flush()
    except OSError as error:
        _output_failed(error)


def _flush_stdout() -> None:
    """Write out whatever stdout still holds (unless it is closed or already failed)."""
    stdout = sys.stdout
    if stdout is None or getattr(stdout, "closed_stream", False):
        return
    try:
        stdout.flush()
    except OSError as error:
        _output_failed(error)


def _stdout() -> IO[str]:
    if sys.stdout is None or getattr(sys.stdout, "closed_stream", False):
        raise OutputError("cannot write to standard output: it is closed")
    return sys.stdout


class _GuardedStdout:
    """``sys.stdout`` for every writer (click, rich, ``_emit``): a closed stdout (``>&-``)
    raises :class:`OutputError` at the first write instead of swallowing it, and a failed
    write (``>/dev/full``) raises it instead of an OSError, then again at every later write
    (and :func:`entry` reports it even if a library swallowed it); a gone reader stays a
    BrokenPipeError (status 141)."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._stream = stream
        self.closed_stream = stream is None
        self.failure: OutputError | None = None

    def write(self, text: str) -> int:
        if isinstance(text, str) and not text:
            return 0  # click probes with "" (and with b"", which must stay a TypeError)
        if self.failure is not None:
            raise self.failure
        stream = _stdout_or_fail(self._stream)
        try:
            return stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None

    def flush(self) -> None:
        if self._stream is not None and self.failure is None:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise
            except OSError as error:
                raise self._failed(error) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(_stdout_or_fail(self._stream), name)

    def _failed(self, error: OSError) -> OutputError:
        _silence_stdout()
        self.failure = OutputError(f"cannot write to standard output: {error.strerror or error}")
        return self.failure


def _stdout_or_fail(stream: IO[str] | None) -> IO[str]:
    if stream is None:
        raise OutputError("cannot write to standard output: it is closed")
    return stream


def _swallowed_output_error() -> OutputError | None:
    """A failed write to stdout that a library caught and ignored, if there was one."""
    failure = getattr(sys.stdout, "failure", None)
    return failure if isinstance(failure, OutputError) else None


def _guard_standard_streams() -> None:
    """Install :class:`_GuardedStdout`; characters the streams' encoding lacks (e.g.
    ``PYTHONIOENCODING=ascii``) are replaced, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace" if stream is sys.stderr else "replace")
    sys.stdout = _GuardedStdout(sys.stdout)


@contextmanager
def _reader_may_leave() -> Iterator[None]:
    """Writes to stdout, ended as :func:`_output_failed` says if one fails."""
    try:
        yield
    except OSError as error:
        _output_failed(error)


def _output_failed(error: OSError) -> NoReturn:
    """End quietly with status 141 when stdout's reader has gone (``| head``); any other
    failure to write stdout (a full disk) is an :class:`OutputError`."""
    _silence_stdout()
    if isinstance(error, BrokenPipeError):
        sys.exit(EXIT_BROKEN_PIPE)
    raise OutputError(f"cannot write to standard output: {error.strerror or error}") from None


def _say(line: str) -> None:
    """One line on stderr, if there is a stderr that takes it."""
    if sys.stderr is None:
        return
    with suppress(OSError, ValueError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _fail(lines: list[str], code: int) -> NoReturn:
    for line in lines:
        _say(line)
    sys.exit(code)


class _Funnel(click.Group):
    """The group whose commands' expected errors all end here: one message, one status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                _flush_stdout()  # every line printed, before any error goes to stderr
        except Aoc23Error as error:
            _fail(_error_lines(error), error.exit_code)


@click.group(cls=_Funnel, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="aoc23", message=f"%(prog)s, version %(version)s (hash map fill: {FILL_KIND})"
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
@_about_input
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
    text = _read_input(input_file, settings, strategy)
    with RoundProgress(rounds) as progress:
        for output in run(text, strategy, settings, rounds=rounds, until_settled=rounds is None):
            _emit(output.line())
            if not isinstance(output, Answer):
                progress.round(output.index, output.memuse)


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
    with _reader_may_leave():
        stdout = _stdout()
        stdout.flush()
        binary: IO[bytes] = getattr(stdout, "buffer")  # noqa: B009 (the guard passes it on)
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
    with _reader_may_leave():
        _console().print(render.verify_table(comparison))
    for line in render.verify_verdict(comparison):
        _emit(line)
    sys.exit(0 if comparison.matches else 1)


BUNDLED_INPUT = "data/blog-70x70.txt"


def _load(
    input_file: str | None, settings: Settings | None = None, strategy: str | None = None
) -> bytes:
    """INPUT's bytes, or the bundled 70x70 input's when none is given (see
    :func:`_read_input` for what ``settings`` and ``strategy`` bound)."""
    if input_file is None:
        from importlib import resources

        return resources.files("aoc23").joinpath(BUNDLED_INPUT).read_bytes()
    return _read_input(input_file, settings, strategy)


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
        _emit(f"{known.version}  {known.changes}")


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
    if _read_in_part(text, settings, strategy):
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
    _emit(
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
        plan._replace(compare=False),
        progress,
        on_record=lambda record: _emit(machine.csv_row(record)),
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
    from aoc23.outfile import write_atomically
    from aoc23.render import figure, report

    heading = _heading(result, text, plan)
    if svg is not None:
        write_atomically(svg, figure.figure_svg(result, heading), force=True)
    if html is not None:
        write_atomically(html, report.report_html(result, heading), force=True)


EXIT_INTERNAL = 70
"""A bug: an exception nobody expected (as sysexits' EX_SOFTWARE)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C, as a shell reports a process ended by SIGINT."""
EXIT_BROKEN_PIPE = 141
"""The reader of stdout went away (e.g. ``| head``), as a shell reports SIGPIPE."""
EXIT_TERMINATED = 143
"""SIGTERM, as a shell reports it (after cleaning up: temporary files, the Zig child)."""


class Stopped(BaseException):
    """Raised by the SIGINT and SIGTERM handlers. Not a KeyboardInterrupt, so that nothing
    between the signal and :func:`entry` treats it as one; every ``finally`` still runs."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _stop_on(signum: int, code: int) -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise Stopped(code)

    signal.signal(signum, handler)


def entry() -> None:
    """The ``aoc23`` program: :func:`main`, with every way of ending mapped to one line on
    stderr (at most) and a documented exit status; see :data:`EXIT_CODES`."""
    _occupy_closed_standard_fds()
    _guard_standard_streams()
    _stop_on(signal.SIGINT, EXIT_INTERRUPTED)
    _stop_on(signal.SIGTERM, EXIT_TERMINATED)
    try:
        code = main.main(prog_name="aoc23", standalone_mode=False)
    except Stopped as stop:
        sys.exit(stop.code)
    except click.exceptions.Abort:
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as error:
        _show_usage_error(error)
        sys.exit(error.exit_code)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except Aoc23Error as error:
        _fail(_error_lines(error), error.exit_code)
    except Exception as error:
        _internal_error(error)
    failure = _swallowed_output_error()
    if failure is not None:
        _fail([f"error: {failure}"], failure.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _error_lines(error: Aoc23Error) -> list[str]:
    """The one funnel from an expected error to what stderr says."""
    if isinstance(error, OutOfMemory):
        return render.out_of_memory_lines(error)
    if isinstance(error, PuzzleInputError):
        return [render.input_error_line(error, "-" if error.source is None else error.source)]
    return [f"error: {_one_line(str(error))}"]


def _internal_error(error: Exception) -> NoReturn:
    """The safety net: one line, status 70; the traceback only with ``AOC23_DEBUG=1``."""
    if _debugging():
        import traceback

        if sys.stderr is not None:
            with suppress(OSError, ValueError):
                traceback.print_exception(error, file=sys.stderr)
    hint = "" if _debugging() else " (AOC23_DEBUG=1 shows the traceback)"
    _fail(
        [f"error: internal error: {_one_line(f'{type(error).__name__}: {error}')}{hint}"],
        EXIT_INTERNAL,
    )


def _debugging() -> bool:
    return os.environ.get("AOC23_DEBUG", "").strip().lower() not in ("", "0", "no", "false", "off")


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip() or "(no message)"


def _show_usage_error(error: click.ClickException) -> None:
    """click's own message (a usage line, then ``Error: …``), unless stderr cannot take it."""
    if sys.stderr is None:
        return
    with suppress(OSError, ValueError):
        error.show()


def _occupy_closed_standard_fds() -> None:
    """Open /dev/null on any of fds 0-2 the caller closed (``2>&-``), so that no file this
    process opens later lands there and receives what was meant for the closed stream.
    ``sys.stdin``/``sys.stdout``/``sys.stderr`` stay None: a closed stream stays closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _console(record: bool = False) -> Console:
    """A rich console on stdout whose closed pipe ends like every other (see
    ``_reader_may_leave``); a closed stdout is an :class:`OutputError`, not silence."""
    from rich.console import Console

    _stdout()

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeAwareConsole(record=record)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
    finally:
        os.close(devnull)
