"""Zig 0.11.0 against the newest ``ziglang`` release: the same reference, the same cases.

Usage: python bench/zig_latest.py [--latest-python PYTHON]   (make zig-latest)

Builds ``zig/day23.zig`` with Zig 0.11.0 (this environment's ``ziglang``) and
``zig/latest/day23.zig`` (the same program, ported where the language forces it) with the
newest ``ziglang``, installed in another environment whose Python is ``--latest-python``
(default ``.venv-zig-latest/bin/python``). Runs both on every strategy with the bundled
inputs, bisects the smallest buffer each needs to read the input and to finish 0, 1 and 10
rounds, and runs aoc23 on the same cases. Prints which figures are equal and which differ.
Last, builds ``zig/latest/blog_stack.zig`` (the blog's stack buffer) in Debug with both.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from aoc23 import fidelity, reference
from aoc23.errors import OutOfMemory
from aoc23.reference import DumpedBuffer, OomReport, Snapshot
from aoc23.simulation import load, play
from aoc23.strategies import INPUT_SITES, Settings

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
LATEST = "0.17.1"
OLD = reference.ZIG_VERSION
BIG = 1 << 20
STRATEGIES = ("naive", "tempalloc", "double", "page")
BISECTED = ("naive", "tempalloc", "double")
GOALS: tuple[int | None, ...] = (None, 0, 1, 10)
"""None: read the input; a number: finish that many rounds."""
READ_SITE = INPUT_SITES["readfile"]


@dataclass(frozen=True)
class Outcome:
    """What one reference run showed."""

    lines: list[str]
    exit_code: int
    oom: OomReport | None
    addresses: tuple[int, ...]
    snapshots: list[Snapshot]

    def summary(self) -> str:
        memuse = [line.split(": ")[1] for line in self.lines if line.startswith("Round ")]
        answers = [line for line in self.lines if line.startswith("part")]
        text = f"{len(memuse)} rounds"
        if memuse:
            text += f", last memuse {memuse[-1]}"
        if answers:
            text += ", " + " ".join(answer.replace(": ", "=") for answer in answers)
        if self.oom is not None:
            where = "load" if self.oom.round is None else f"round {self.oom.round}"
            text += f", OOM {where} at {self.oom.site} ({self.oom.size} B)"
        return text


def run_reference(binary: Path, case: fidelity.Case, scratch: Path) -> Outcome:
    dump = scratch / "dump.bin"
    dump.unlink(missing_ok=True)
    zig = fidelity.run_reference(case, binary, dump)
    if not dump.exists():
        raise RuntimeError(f"{binary} did not start: {zig.stderr.strip()}")
    snapshots = list(reference.iter_snapshots(dump))
    return Outcome(
        zig.stdout_lines, zig.exit_code, zig.oom, reference.read_addresses(dump), snapshots
    )


def same_relocated(a: DumpedBuffer, b: DumpedBuffer) -> bool:
    """Equal bytes once every pointer into the buffer is read as an offset from its start.

    The two programs get their buffers at different addresses, and a hash map's header holds
    pointers to its own keys, so raw bytes cannot be compared. Bytes past a dump are 0xAA."""
    if a.length != b.length or a.base % 8 != b.base % 8:
        return False
    size = max(len(a.touched), len(b.touched))
    x, y = a.touched.ljust(size, b"\xaa"), b.touched.ljust(size, b"\xaa")
    if x == y:
        return True
    first_word = -a.base % 8
    for chunk in range(0, size, 4096):
        if x[chunk : chunk + 4096] == y[chunk : chunk + 4096]:
            continue
        for index in range(chunk, min(chunk + 4096, size)):
            if x[index] != y[index] and not _relocated_word(a, b, x, y, index, first_word):
                return False
    return True


def _relocated_word(
    a: DumpedBuffer, b: DumpedBuffer, x: bytes, y: bytes, index: int, first_word: int
) -> bool:
    start = index - (index - first_word) % 8
    if start < 0 or start + 8 > len(x):
        return False
    pa = int.from_bytes(x[start : start + 8], "little") - a.base
    pb = int.from_bytes(y[start : start + 8], "little") - b.base
    return pa == pb and 0 <= pa <= a.length


def same_snapshots(old: Outcome, new: Outcome) -> bool | None:
    """Whether every fixed buffer holds the same bytes at every round line (None: no buffer)."""
    if not any(snapshot.buffers for snapshot in old.snapshots + new.snapshots):
        return None
    if len(old.snapshots) != len(new.snapshots):
        return False
    for a, b in zip(old.snapshots, new.snapshots, strict=True):
        if len(a.buffers) != len(b.buffers):
            return False
        if not all(same_relocated(p, q) for p, q in zip(a.buffers, b.buffers, strict=True)):
            return False
    return True


def calls(old: Path, new: Path, case: fidelity.Case) -> str:
    """How the allocator calls (``--trace``) of the two compare: same, or which differ."""
    traced = replace(case, trace=True)
    a, b = (fidelity.run_reference(traced, binary) for binary in (old, new))
    if a.trace_lines == b.trace_lines:
        return "same"
    reading = f"site={READ_SITE} "
    rest_a = [line for line in a.trace_lines if reading not in line]
    rest_b = [line for line in b.trace_lines if reading not in line]
    return "input read" if rest_a == rest_b else "differ"


def cases() -> Iterator[fidelity.Case]:
    blog, example = INPUTS / "blog-70x70.txt", INPUTS / "example.txt"
    for strategy in STRATEGIES:
        yield fidelity.Case(blog, strategy, BIG // 2, 10)
    for strategy in STRATEGIES:
        yield fidelity.Case(example, strategy, 20_000, 10)
        yield fidelity.Case(example, strategy, 20_000, None)
    yield fidelity.Case(blog, "naive", 100_000, 10)
    yield fidelity.Case(blog, "naive", 20_000, 10)
    yield fidelity.Case(blog, "naive", 7_500, 10)
    yield fidelity.Case(example, "naive", 1_000, None)


# -- minimum buffers ---------------------------------------------------------------------

Succeeds = Callable[[int], bool]


def zig_succeeds(binary: Path, path: Path, strategy: str, goal: int | None) -> Succeeds:
    def succeeds(size: int) -> bool:
        zig = reference.run(binary, path, strategy, size, goal or 0, 40_000)
        if zig.exit_code != 0 and zig.oom is None:
            raise RuntimeError(f"{binary} failed: {zig.stderr.strip()}")
        if goal is None:
            return zig.oom is None or zig.oom.site != READ_SITE
        return zig.exit_code == 0

    return succeeds


def aoc23_succeeds(path: Path, strategy: str, goal: int | None) -> Succeeds:
    text = path.read_bytes()

    def succeeds(size: int) -> bool:
        try:
            program = load(text, strategy, Settings(size))
            for _ in play(program, goal or 0):
                pass
        except OutOfMemory as error:
            return goal is None and error.site != READ_SITE
        return True

    return succeeds


def smallest(succeeds: Succeeds, hint: int | None = None) -> int:
    """The smallest buffer size that succeeds (success is monotonic in the size)."""
    if hint is not None and succeeds(hint) and (hint == 0 or not succeeds(hint - 1)):
        return hint
    low, high = -1, BIG * 2
    if not succeeds(high):
        raise RuntimeError("even a 2 MiB buffer is not enough")
    while high - low > 1:
        middle = (low + high) // 2
        if succeeds(middle):
            high = middle
        else:
            low = middle
    return high


@dataclass(frozen=True)
class Minimum:
    input_name: str
    strategy: str
    goal: int | None
    old: int
    new: int
    ours: int


def minimums(old: Path, new: Path) -> Iterator[Minimum]:
    for path in (INPUTS / "blog-70x70.txt", INPUTS / "example.txt"):
        for strategy in BISECTED:
            for goal in GOALS:
                at_old = smallest(zig_succeeds(old, path, strategy, goal))
                at_new = smallest(zig_succeeds(new, path, strategy, goal), at_old)
                ours = smallest(aoc23_succeeds(path, strategy, goal), at_old)
                yield Minimum(path.name, strategy, goal, at_old, at_new, ours)


# -- the blog's stack buffer in Debug ------------------------------------------------------


def stack_lines(latest: list[str]) -> dict[str, list[str]]:
    source = ROOT / "zig" / "latest" / "blog_stack.zig"
    built = {
        OLD: reference.build("Debug", source_path=source, version=f"{OLD}-blog-stack"),
        LATEST: reference.build(
            "Debug", zig=latest, source_path=source, version=f"{LATEST}-blog-stack"
        ),
    }
    found = {}
    for version, binary in built.items():
        result = subprocess.run(
            [str(binary), str(INPUTS / "blog-70x70.txt")], capture_output=True, text=True
        )
        found[version] = result.stdout.splitlines()[:2]
    return found


# -- report --------------------------------------------------------------------------------


def yes(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "NO")


def matched(old: bool, new: bool) -> str:
    return {(True, True): "both", (True, False): OLD, (False, True): LATEST}.get(
        (old, new), "neither"
    )


def describe(case: fidelity.Case) -> str:
    rounds = "part2" if case.rounds is None else f"{case.rounds} rounds"
    return f"{case.input_path.name} {case.strategy} buf={case.buffer_size} {rounds}"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    head = "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))
    return "\n".join([head, "  ".join("-" * width for width in widths), *lines])


def latest_command(python: Path) -> list[str]:
    # absolute() and not resolve(): a venv's python is a symlink to the base interpreter
    command = [str(python.absolute()), "-m", "ziglang"]
    try:
        found = subprocess.run([*command, "version"], capture_output=True, text=True).stdout
    except OSError:
        found = ""
    if found.strip() != LATEST:
        sys.exit(f"needs ziglang {LATEST} in {python} (make zig-latest installs it)")
    return command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latest-python", type=Path, default=ROOT / ".venv-zig-latest/bin/python")
    arguments = parser.parse_args()
    latest = latest_command(arguments.latest_python)
    started = time.monotonic()
    old = reference.build()
    new = reference.build(zig=latest, source_path=ROOT / "zig/latest/day23.zig", version=LATEST)
    print(f"built both references in {time.monotonic() - started:.1f} s\n")

    started = time.monotonic()
    rows, differing, aoc23_old, aoc23_new = [], 0, 0, 0
    all_cases = list(cases())
    with tempfile.TemporaryDirectory() as scratch:
        for case in all_cases:
            a, b = run_reference(old, case, Path(scratch)), run_reference(new, case, Path(scratch))
            bytes_equal = same_snapshots(a, b)
            ours_old = fidelity.compare(case, old).matches
            ours_new = fidelity.compare(case, new).matches
            aoc23_old += ours_old
            aoc23_new += ours_new
            same = a.lines == b.lines and a.exit_code == b.exit_code and a.oom == b.oom
            differing += not (same and bytes_equal is not False)
            rows.append(
                [
                    describe(case),
                    a.summary(),
                    "same" if a.summary() == b.summary() else b.summary(),
                    yes(a.lines == b.lines),
                    yes(a.oom == b.oom),
                    yes(bytes_equal),
                    calls(old, new, case),
                    matched(ours_old, ours_new),
                ]
            )
    header = ["case", OLD, LATEST, "lines", "OOM", "bytes", "calls", "aoc23 ="]
    print("the same cases on both (bytes: every snapshot, pointers into the buffer relocated;")
    print("calls: the --trace lines; aoc23 =: which reference aoc23 matches in everything):")
    print(table(header, rows))
    print(f"({len(all_cases)} cases in {time.monotonic() - started:.1f} s)\n")

    started = time.monotonic()
    found = list(minimums(old, new))
    mins = [
        [
            f"{m.input_name} {m.strategy}",
            "read input" if m.goal is None else f"{m.goal} rounds",
            str(m.old),
            str(m.new),
            f"{m.new - m.old:+d}" if m.new != m.old else "=",
            matched(m.ours == m.old, m.ours == m.new),
        ]
        for m in found
    ]
    print("smallest buffer (bisected; base offset 0, temporary buffer 40000):")
    print(table(["input strategy", "goal", OLD, LATEST, "change", "aoc23 ="], mins))
    print(f"({time.monotonic() - started:.1f} s)\n")

    started = time.monotonic()
    stack = stack_lines(latest)
    for version, lines in stack.items():
        print(f"blog_stack.zig, Debug, Zig {version}: " + "; ".join(lines))
    print(f"({time.monotonic() - started:.1f} s)\n")

    changed = [m for m in found if m.old != m.new]
    print(
        f"summary: {len(all_cases) - differing} of {len(all_cases)} cases print the same lines, "
        f"OOM and buffer bytes on {OLD} and {LATEST}; {len(changed)} of {len(found)} minimum "
        f"buffers differ; aoc23 matches {OLD} in {aoc23_old}/{len(all_cases)} cases and "
        f"{LATEST} in {aoc23_new}/{len(all_cases)}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
