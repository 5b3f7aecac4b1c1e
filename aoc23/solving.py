"""``aoc23 solve`` without click: its arguments when they are plain ones (:func:`plain_solve`),
the size syntax of --buffer-size and --temp-size, reading INPUT as far as the program
could, and the run that prints the blog program's lines.

Both ways in use it: :mod:`aoc23.launch` for a plain ``aoc23 solve``, and :mod:`aoc23.cli`
for everything else.
"""

from __future__ import annotations

import os
import stat
import sys

from aoc23.errors import PuzzleInputError
from aoc23.process import emit
from aoc23.render.progress import RoundProgress
from aoc23.simulation import PART1_ROUNDS, Answer, run
from aoc23.strategies import DEFAULT_BUFFER_SIZE, DEFAULT_TEMP_SIZE, STRATEGIES, Settings
from aoc23.zigstd.fs import FileContents, readable_length, stat_size_of
from aoc23.zigstd.release import DEFAULT as DEFAULT_RELEASE
from aoc23.zigstd.release import Release, UnknownRelease, release

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO

MAX_BUFFER = 1 << 47
"""128 TiB, the x86-64 user address space: no real buffer can be larger."""
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
MAX_ROUNDS = (1 << 64) - 1
"""The reference reads the rounds as a usize; no run gets near it."""
_SPACE = " \t\n\r\f\v"
"""What may stand around a size and between its number and unit (ASCII white space)."""


def size_of(text: str) -> int | None:
    """The bytes ``text`` names (``40000``, ``40KiB``, ``8MiB``, ``1GiB``, ``1TiB``: K/M/G/T
    are binary too, KB/MB/GB/TB decimal), or None when it names none."""
    text = text.strip(_SPACE)
    unit = text.lstrip("0123456789")
    digits = text[: len(text) - len(unit)]
    unit = unit.lstrip(_SPACE)
    if not digits or not unit.isascii() or unit.lower() not in _UNITS:
        return None
    return int(digits) * _UNITS[unit.lower()]


SolveRequest = tuple[str, str, Settings, int | None]
"""INPUT, the strategy, the settings and the rounds (None: until no elf moves)."""

TAKES_VALUE = (
    "--strategy",
    "--buffer-size",
    "--temp-size",
    "--read",
    "--parse",
    "--zig",
    "--part",
    "--rounds",
)


def plain_solve(args: list[str]) -> SolveRequest | None:
    """What ``aoc23 ARGS`` asks ``solve`` to do, when ARGS are ``solve``, one INPUT and
    options of ``solve`` spelt ``--name value`` or ``--name=value``, each value one that
    click takes as it is; otherwise None."""
    if not args or args[0] != "solve":
        return None
    given: dict[str, str] = {}
    free_input = False
    inputs = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--free-input":
            free_input = True
        elif arg.startswith("--"):
            name, equals, value = arg.partition("=")
            if name not in TAKES_VALUE:
                return None
            if not equals:
                following = next(rest, None)
                if following is None:
                    return None
                value = following
            given[name] = value
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            inputs.append(arg)
    if len(inputs) != 1 or ("--rounds" in given and "--part" in given):
        return None
    return _request(inputs[0], given, free_input)


def _request(input_file: str, given: dict[str, str], free_input: bool) -> SolveRequest | None:
    strategy = given.get("--strategy", "naive")
    buffer_size = _size(given.get("--buffer-size"), DEFAULT_BUFFER_SIZE)
    temp_size = _size(given.get("--temp-size"), DEFAULT_TEMP_SIZE)
    read = given.get("--read", "readfile")
    parse = given.get("--parse", "reserve")
    part = given.get("--part")
    rounds = given.get("--rounds")
    if (
        strategy not in STRATEGIES
        or buffer_size is None
        or temp_size is None
        or read not in ("readfile", "exact")
        or parse not in ("reserve", "grow")
        or part not in (None, "1", "2")
        or (rounds is not None and not _is_count(rounds))
    ):
        return None
    try:
        zig = release(given.get("--zig", DEFAULT_RELEASE.version))
    except UnknownRelease:
        return None
    settings = settings_of(buffer_size, temp_size, read, parse, free_input, zig)
    length = None if part == "2" else (PART1_ROUNDS if rounds is None else int(rounds))
    return input_file, strategy, settings, length


def settings_of(
    buffer_size: int, temp_size: int, read: str, parse: str, free_input: bool, zig: Release
) -> Settings:
    """The settings that the options of ``solve``, ``trace`` and ``verify`` name."""
    return Settings(
        buffer_size=buffer_size,
        temp_size=temp_size,
        read="exact" if read == "exact" else "readfile",
        parse="grow" if parse == "grow" else "reserve",
        free_input=free_input,
        zig=zig,
    )


def _size(text: str | None, default: int) -> int | None:
    if text is None:
        return default
    size = size_of(text)
    return size if size is not None and size <= MAX_BUFFER else None


def _is_count(text: str) -> bool:
    """Plain digits, at most :data:`MAX_ROUNDS` (click's own reading of a number is wider)."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_ROUNDS


def solve(input_file: str, strategy: str, settings: Settings, rounds: int | None) -> None:
    """Run the blog's program on INPUT and print what it prints (see ``aoc23 solve
    --help``); ``rounds`` None runs until no elf moves. A PuzzleInputError that escapes
    names ``input_file``."""
    try:
        text = read_input(input_file, settings, strategy)
        with RoundProgress(rounds) as progress:
            for output in run(
                text, strategy, settings, rounds=rounds, until_settled=rounds is None
            ):
                emit(output.line())
                if not isinstance(output, Answer):
                    progress.round(output.index, output.memuse)
    except PuzzleInputError as error:
        if error.source is None:
            error.source = input_file
        raise


MAX_INPUT = 64 << 20
"""The most input aoc23 reads (64MiB, a grid of some 8000 x 8000 tiles). Beyond the bytes
Zig could hold before running out of memory nothing more is read; only a buffer so large
that the input itself is the problem (or the page allocator, which has no end) meets this."""
MAX_INPUT_TEXT = "64MiB"
_CHUNK = 1 << 20


def read_input(
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


def read_in_part(text: bytes, settings: Settings, strategy: str) -> bool:
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
