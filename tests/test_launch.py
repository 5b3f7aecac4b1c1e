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

from aoc23 import cli, launch, solving
from aoc23.errors import OutputError
from aoc23.process import Stopped
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
    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    def flush(self) -> None:
        raise self.failure


@pytest.mark.parametrize(
    ("code", "failure", "status"),
    [
        (0, Stopped(130), 130),
        (0, Stopped(143), 143),
        (0, OutputError("cannot write to standard output"), 74),
        (0, OSError(28, "No space left on device"), 74),
        (3, OutputError("cannot write to standard output"), 3),
        (None, ValueError("I/O operation on closed file"), 74),
    ],
)
def test_the_last_flush_of_a_plain_solve_ends_with_a_status_never_a_traceback(
    code: int | None, failure: BaseException, status: int
) -> None:
    """A plain solve leaves with os._exit after one last flush of both streams (nothing is
    left to write by then). A Ctrl-C or a failing stream at that moment still ends with the
    status it calls for."""
    ended: list[int] = []
    with (
        mock.patch.object(sys, "stdout", FailingFlush(failure)),
        mock.patch.object(launch.os, "_exit", ended.append),
    ):
        launch._end_now(code)
    assert ended == [status]


def test_a_plain_solve_ends_with_the_status_it_was_given() -> None:
    ended: list[int] = []
    with mock.patch.object(launch.os, "_exit", ended.append):
        for code in (0, 1, 3, 74, None, "not a number"):
            launch._end_now(code)
    assert ended == [0, 1, 3, 74, 0, 1]


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
