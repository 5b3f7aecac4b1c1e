"""Issue 17: a plain ``aoc23 solve`` starts without click (aoc23.launch). Whatever it takes
on itself must be exactly what click would make of the same arguments; anything else it
leaves to click."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from aoc23 import cli, launch, process, solving
from aoc23.errors import OutputError
from aoc23.solving import SolveRequest, plain_solve

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "inputs" / "example.txt")


def as_click_reads_it(args: list[str]) -> SolveRequest | None:
    """What the click command line hands ``solving.solve`` for ``aoc23 ARGS`` (None: it
    refuses them, prints help, or runs another command)."""
    seen: list[SolveRequest] = []
    with mock.patch.object(solving, "solve", lambda *request: seen.append(request)):
        result = CliRunner().invoke(cli.main, args)
    return seen[0] if result.exit_code == 0 and seen else None


PLAIN = [
    ["solve", "in.txt"],
    ["solve", "-"],
    ["solve", "in.txt", "--part", "2"],
    ["solve", "--buffer-size", "64MiB", "in.txt", "--part=2"],
    ["solve", "in.txt", "--strategy", "tempalloc", "--temp-size", "40KiB", "--rounds", "0"],
    ["solve", "in.txt", "--read=exact", "--parse", "grow", "--free-input", "--zig", "0.17"],
    ["solve", "in.txt", "--rounds", "3", "--rounds", "5", "--strategy=arenas"],
]


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_plain_solve_arguments_start_without_click_and_mean_the_same(args: list[str]) -> None:
    quick = plain_solve(args)
    assert quick is not None
    assert quick == as_click_reads_it(args)


LEFT_TO_CLICK = [
    [],
    ["--help"],
    ["--version"],
    ["trace", "in.txt"],
    ["solve"],
    ["solve", "a", "b"],
    ["solve", "in.txt", "--help"],
    ["solve", "in.txt", "-h"],
    ["solve", "--", "-weird-name"],
    ["solve", "in.txt", "--rounds", "3", "--part", "2"],
    ["solve", "in.txt", "--rounds", "+3"],
    ["solve", "in.txt", "--rounds"],
    ["solve", "in.txt", "--buffer-size", "129TiB"],
    ["solve", "in.txt", "--strategy", "Naive"],
    ["solve", "in.txt", "--zig", "0.10"],
    ["solve", "in.txt", "--free-input=yes"],
    ["solve", "in.txt", "--bufer-size", "1"],
]


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=" ".join)
def test_anything_else_is_left_to_click(args: list[str]) -> None:
    assert plain_solve(args) is None


SIZES = ["8MiB", "200000", " 40KiB ", "1tib", "128TiB", "129TiB", "2kb", "7 K", "1.5MiB", "-5"]
VALUES = {
    "--strategy": ["naive", "tempalloc", "double", "page", "arena", "arena-pages", "Naive"],
    "--buffer-size": SIZES,
    "--temp-size": SIZES,
    "--read": ["readfile", "exact", "Exact"],
    "--parse": ["reserve", "grow", "Grow"],
    "--zig": ["0.11", "0.11.0", "0.14", "0.17.1", "0.9", "0.11.1"],
    "--part": ["1", "2", "3", "01"],
    "--rounds": ["0", "10", "007", "+5", "-5", "1_0", " 5", "\u0663", str((1 << 64) - 1)],
}
ODD_VALUES = ["", "x", "--free-input", "--part", str(1 << 64)]
OPTION = st.sampled_from(sorted(VALUES)).flatmap(
    lambda name: st.builds(
        lambda value, joined: [f"{name}={value}"] if joined else [name, value],
        st.sampled_from(VALUES[name] + ODD_VALUES),
        st.booleans(),
    )
)
INPUT = st.sampled_from(["in.txt", "-", "", "solve"])
ODD = st.sampled_from(["in.txt", "--free-input", "--", "-h", "--bogus", "-x", "--rounds"])


@settings(max_examples=500, deadline=None)
@given(
    st.lists(OPTION, max_size=4),
    INPUT,
    st.integers(min_value=0, max_value=4),
    st.lists(ODD, max_size=1),
)
def test_the_quick_way_agrees_with_click_whenever_it_takes_the_arguments(
    options: list[list[str]], input_file: str, at: int, odd: list[str]
) -> None:
    words = [word for option in options for word in option]
    at = min(at, len(options))
    before = [word for option in options[:at] for word in option]
    args = ["solve", *before, input_file, *words[len(before) :], *odd]
    quick = plain_solve(args)
    if quick is not None:
        assert quick == as_click_reads_it(args)


def test_a_plain_solve_loads_neither_click_nor_what_only_other_commands_use() -> None:
    """Nor typing, re, enum and the like, each of which costs every start a few
    milliseconds. This is what aoc23 itself loads: the ``aoc23`` script pip writes loads re
    before aoc23 starts; ``python -m aoc23`` does not."""
    script = (  # a plain solve ends with os._exit: the report goes just before it
        "import os, sys\n"
        "end = os._exit\n"
        "def report_then_end(code):\n"
        "    heavy = ('click', 'rich', 'pathlib', 'aoc23.cli', 'aoc23.analysis',\n"
        "             'typing', 're', 'enum', 'signal', 'contextlib', 'dataclasses')\n"
        "    print('loaded:', *[name for name in heavy if name in sys.modules], file=sys.stderr)\n"
        "    sys.stderr.flush()\n"
        "    end(code)\n"
        "os._exit = report_then_end\n"
        "from aoc23.launch import entry\n"
        "entry()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "solve", EXAMPLE, "--part", "2"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.endswith(b"part2: 20\n")
    assert done.stderr.decode().splitlines()[-1] == "loaded:"


class FailingFlush:
    def __init__(self, failure: BaseException | None, seen: list[str], name: str) -> None:
        self.failure, self.seen, self.name = failure, seen, name

    def flush(self) -> None:
        self.seen.append(f"{self.name} flushed")
        if self.failure is not None:
            raise self.failure


def end_now(code: object, out: BaseException | None, err: BaseException | None) -> list[str]:
    """What ``_end_now(code)`` does, in order, with stdout's and stderr's flushes failing
    as given: the last entry is the status it exits with."""
    seen: list[str] = []
    with (
        mock.patch.object(sys, "stdout", FailingFlush(out, seen, "stdout")),
        mock.patch.object(sys, "stderr", FailingFlush(err, seen, "stderr")),
        mock.patch.object(process, "end_at_once_on_signals", lambda: seen.append("signals")),
        mock.patch.object(launch.os, "_exit", lambda status: seen.append(f"exit {status}")),
    ):
        launch._end_now(code)
    return seen


@pytest.mark.parametrize(
    ("code", "failure", "status"),
    [
        (0, None, 0),
        (0, OutputError("cannot write to standard output"), 74),
        (0, OSError(28, "No space left on device"), 74),
        (0, BrokenPipeError(), 141),
        (3, OutputError("cannot write to standard output"), 3),
        (None, ValueError("I/O operation on closed file"), 74),
        (None, None, 0),
        ("not a number", None, 1),
    ],
)
def test_a_plain_solve_ends_with_its_status_whatever_the_last_flush_of_stdout_meets(
    code: object, failure: BaseException | None, status: int
) -> None:
    """A plain solve leaves with os._exit after one last flush of both streams (nothing is
    left to write by then), a signal from then on ending it at once with its own status."""
    seen = end_now(code, failure, None)
    assert seen == ["signals", "stdout flushed", "stderr flushed", f"exit {status}"]


def test_a_failing_stderr_at_the_end_changes_no_status() -> None:
    assert end_now(0, None, OSError(28, "No space left on device"))[-1] == "exit 0"
    assert end_now(3, None, ValueError("I/O operation on closed file"))[-1] == "exit 3"


@pytest.mark.parametrize("ending", [SystemExit(74), process.Stopped(143)])
def test_a_plain_solve_ends_through_end_now_even_when_a_signal_comes_after_the_report(
    ending: BaseException,
) -> None:
    """run_program reports and exits; a signal just after it has done so (raising Stopped
    where nothing catches it any more) still ends with the signal's status."""

    def run_program(_body: object) -> None:
        raise ending

    ended: list[object] = []
    with (
        mock.patch.object(sys, "argv", ["aoc23", "solve", EXAMPLE]),
        mock.patch.object(process, "run_program", run_program),
        mock.patch.object(process, "end_at_once_on_signals"),
        mock.patch.object(launch, "gc"),
        mock.patch.object(launch, "_end_now", ended.append),
    ):
        launch.entry()
    assert ended == [74 if isinstance(ending, SystemExit) else 143]


@pytest.mark.parametrize(("signal_name", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_at_the_end_a_signal_ends_the_process_at_once_with_its_status(
    signal_name: str, status: int
) -> None:
    script = (
        "import os, signal, sys\n"
        "from aoc23.process import end_at_once_on_signals\n"
        "end_at_once_on_signals()\n"
        f"os.kill(os.getpid(), signal.{signal_name})\n"
        "print('still here')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (status, b"", b"")


SIZE_PATTERN = re.compile(r"\s*([0-9]+)\s*([a-zA-Z]*)\s*", re.ASCII)
"""What a size is: digits, then letters, white space around and between (ASCII only)."""


def size_by_pattern(text: str) -> int | None:
    match = SIZE_PATTERN.fullmatch(text)
    if match is None or match.group(2).lower() not in solving._UNITS:
        return None
    return int(match.group(1)) * solving._UNITS[match.group(2).lower()]


SIZE_TEXT = st.text(
    st.sampled_from(list("0123456789 \t\n\x0b\x0c\rkKmMgGtTiIbB.-_+xX\u212a\u0663\u00a0\uff11")),
    max_size=8,
)


@settings(max_examples=2000, deadline=None)
@given(SIZE_TEXT)
def test_sizes_are_read_as_the_size_pattern_reads_them(text: str) -> None:
    assert solving.size_of(text) == size_by_pattern(text)


@pytest.mark.parametrize(
    "text", [*SIZES, "8 MiB", "8M iB", "\u212a", "1\u212a", "\uff11K", "8\u00a0M"]
)
def test_sizes_as_users_write_them(text: str) -> None:
    assert solving.size_of(text) == size_by_pattern(text)
