"""What each Zig release from 0.11.0 to 0.17.1 changes, measured with its own compiler.

Usage: python bench/zig_releases.py [--venvs DIR] [--releases 0.11.0,0.14.1,...]
                                    [--epochs] [--json bench/releases.json]
(make zig-releases)

Every release's ``ziglang`` wheel lives in its own environment, ``DIR/<version>/bin/python``
(default ``.venv/zig``). For each release it builds, in ReleaseSafe as aoc23 builds its
reference, the day 23 program of that release's API epoch (``EPOCHS``) and
``zig/probes/std_probe.zig``, then compares with 0.11.0:

* the cases: every strategy on both bundled inputs (10 rounds and part 2), the what-ifs
  (``--read=exact``, ``--parse=grow``, ``--free-input``) and reading from a pipe: printed
  lines, OOM report, exit status, every ``--trace`` line and every buffer snapshot (pointers
  into a buffer read as offsets);
* the allocator calls ``readFileAlloc`` makes for files of many sizes, regular and piped,
  checked against the rule written down for each release (``READ_RULES``, ``PEAKS``), and
  for a regular file whose stat size is 0 (``/proc/version``) and an empty device;
* the smallest buffer (bisected) that reads the input, holds the first table, and finishes
  1, 2, 5 and 10 rounds;
* the probe's ``key: value`` lines (FBA, 0xAA fill, hash map, Wyhash, ArrayList, page
  allocator).

``--epochs`` also tries every epoch's program with every release and says which build.
``--json`` writes the measured rules and figures, per release and std part, to that file
(``bench/releases.json``; ``bench/releases.md`` says what they show); ``--raw-json`` every
measurement; ``--skip-bisect`` leaves the smallest buffers out.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from zig_latest import same_relocated, smallest, table

from aoc23 import reference
from aoc23.reference import ZigUnavailable
from aoc23.strategies import FREE_INPUT_SITE, INPUT_SITES

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
BLOG, EXAMPLE = INPUTS / "blog-70x70.txt", INPUTS / "example.txt"
BASE = "0.11.0"
EPOCHS: dict[str, tuple[str, ...]] = {
    "zig/day23.zig": ("0.11.0",),
    "zig/v0.12/day23.zig": ("0.12.1", "0.13.0"),
    "zig/v0.14/day23.zig": ("0.14.1",),
    "zig/v0.15/day23.zig": ("0.15.2",),
    "zig/latest/day23.zig": ("0.16.0", "0.17.1"),
}
RELEASES = tuple(release for releases in EPOCHS.values() for release in releases)
PROBE = ROOT / "zig" / "probes" / "std_probe.zig"
READ_SITES = (*INPUT_SITES.values(), FREE_INPUT_SITE)
BIG = 1 << 20
TEMP = 40_000
STRATEGIES = ("naive", "tempalloc", "double", "page")
BISECTED = ("naive", "tempalloc", "double")
GOALS: tuple[int | None, ...] = (None, 0, 1, 2, 5, 10)
"""None: read the input; 0: hold the first table; n: finish n rounds."""
READ_SIZES: tuple[int, ...] = (0, 1, 55, 56, 100, 127, 128, 320, 800, 1023, 1024, 1025, 1520)
READ_SIZES += (2000, 4095, 4096, 4097, 4970, 5249, 6000, 6224, 6650, 8192, 10_000, 65_536, 100_000)


def source_of(release: str) -> Path:
    return ROOT / next(path for path, releases in EPOCHS.items() if release in releases)


def compiler(venvs: Path, release: str) -> list[str]:
    python = venvs / release / "bin" / "python"
    command = [str(python.absolute()), "-m", "ziglang"]
    try:
        found = subprocess.run([*command, "version"], capture_output=True, text=True).stdout
    except OSError:
        found = ""
    if found.strip() != release:
        sys.exit(f"needs ziglang {release} in {python} (make zig-releases installs it)")
    return command


# -- running the reference -----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One run of a release's reference: what it printed and, if asked, where its dump is."""

    lines: list[str]
    trace: list[str]
    exit_code: int
    oom: str | None
    dump: Path | None = None


def run(
    binary: Path,
    path: Path,
    strategy: str,
    size: int,
    rounds: int | None,
    options: tuple[str, ...] = (),
    *,
    pipe: bool = False,
    dump: Path | None = None,
    base_offset: int = 0,
) -> Run:
    """The reference on one case; with ``pipe`` the input comes through standard input (a
    pipe: its stat size is 0)."""
    shown = Path("/dev/stdin") if pipe else path
    args = reference.arguments(
        binary, shown, strategy, size, rounds, TEMP, base_offset, dump, options
    )
    if pipe:
        result = subprocess.run(args, input=path.read_bytes(), capture_output=True)
    else:
        result = subprocess.run(args, capture_output=True)
    stdout = result.stdout.decode(errors="replace").splitlines()
    stderr = result.stderr.decode(errors="replace")
    if result.returncode not in (0, 1) or (result.returncode == 1 and "oom:" not in stderr):
        raise RuntimeError(f"{binary} {' '.join(args[1:])} failed: {stderr.strip()[:300]}")
    oom = next((line for line in stderr.splitlines() if line.startswith("oom:")), None)
    lines = [line for line in stdout if not line.startswith("trace ")]
    trace = [line for line in stdout if line.startswith(("trace ", "Round "))]
    return Run(lines, trace, result.returncode, oom, dump)


def same_dumps(a: Path, b: Path) -> bool | None:
    """Every snapshot of two dumps holds the same bytes, pointers relocated (None: no
    fixed buffer)."""
    if reference.read_addresses(a) == (0, 0) and reference.read_addresses(b) == (0, 0):
        return None
    sentinel = object()
    old, new = reference.iter_snapshots(a), reference.iter_snapshots(b)
    while True:
        x, y = next(old, sentinel), next(new, sentinel)
        if x is sentinel or y is sentinel:
            return x is y
        assert isinstance(x, reference.Snapshot) and isinstance(y, reference.Snapshot)
        if len(x.buffers) != len(y.buffers):
            return False
        if not all(same_relocated(p, q) for p, q in zip(x.buffers, y.buffers, strict=True)):
            return False


# -- the cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    path: Path
    strategy: str
    size: int
    rounds: int | None
    options: tuple[str, ...] = ()
    pipe: bool = False
    dump: bool = True
    base_offset: int = 0

    def name(self) -> str:
        rounds = "part2" if self.rounds is None else f"{self.rounds}r"
        extra = " ".join(option.lstrip("-") for option in self.options if option != "--trace")
        pipe = " pipe" if self.pipe else ""
        at = f" at +{self.base_offset}" if self.base_offset else ""
        return f"{self.path.stem} {self.strategy} {self.size} {rounds}{pipe}{at} {extra}".strip()


def cases() -> Iterator[Case]:
    for strategy in STRATEGIES:
        yield Case(BLOG, strategy, BIG // 2, 10)
    for strategy in ("tempalloc", "double", "page"):
        yield Case(BLOG, strategy, BIG // 2, None)
    yield Case(BLOG, "naive", 40 * BIG, None, dump=False)
    for strategy in STRATEGIES:
        yield Case(EXAMPLE, strategy, 20_000, 10)
        yield Case(EXAMPLE, strategy, 20_000, None)
    for path in (BLOG, EXAMPLE):
        for option in ("--read=exact", "--parse=grow", "--free-input"):
            yield Case(path, "naive", BIG // 2, 10, (option,))
        yield Case(path, "naive", BIG // 2, 10, ("--read=exact", "--free-input"))
        yield Case(path, "naive", BIG // 2, 10, pipe=True)
        yield Case(path, "page", 0, 10, pipe=True)
    yield Case(BLOG, "naive", 7_500, 10)
    yield Case(BLOG, "naive", 7_590, 10)
    yield Case(EXAMPLE, "naive", 1_000, None)
    yield Case(BLOG, "naive", BIG // 2, 10, base_offset=5)
    yield Case(EXAMPLE, "double", 20_000, None, base_offset=3)


@dataclass
class CaseResult:
    case: Case
    lines: bool
    oom: bool
    exit_code: bool
    dumps: bool | None
    trace: str
    summary: str
    trace_diff: list[str] = field(default_factory=list)


def summary(result: Run) -> str:
    memuse = [line.split(": ")[1] for line in result.lines if line.startswith("Round ")]
    answers = [line.replace(": ", "=") for line in result.lines if line.startswith("part")]
    text = f"{len(memuse)} rounds" + (f", last {memuse[-1]}" if memuse else "")
    text += "".join(f", {answer}" for answer in answers)
    if result.oom:
        text += ", " + result.oom.replace("oom: ", "OOM ")
    return text


def compare_trace(a: list[str], b: list[str]) -> tuple[str, list[str]]:
    """same | input read (only the calls that read the input differ) | differ."""
    if a == b:
        return "same", []

    def rest(lines: list[str]) -> list[str]:
        return [line for line in lines if not any(f"site={s} " in line for s in READ_SITES)]

    differing = [line for line in b if line not in set(a)][:6]
    return ("input read" if rest(a) == rest(b) else "differ"), differing


def compare_case(case: Case, base: Path, other: Path, scratch: Path) -> CaseResult:
    runs = []
    for index, binary in enumerate((base, other)):
        dump = scratch / f"dump{index}.bin" if case.dump else None
        if dump is not None:
            dump.unlink(missing_ok=True)
        runs.append(
            run(
                binary,
                case.path,
                case.strategy,
                case.size,
                case.rounds,
                case.options,
                pipe=case.pipe,
                base_offset=case.base_offset,
                dump=dump,
            )
        )
    a, b = runs
    dumps = None
    if a.dump is not None and b.dump is not None:
        dumps = same_dumps(a.dump, b.dump)
    traced = (*case.options, "--trace")
    at = case.base_offset
    ta = run(
        base,
        case.path,
        case.strategy,
        case.size,
        case.rounds,
        traced,
        pipe=case.pipe,
        base_offset=at,
    )
    tb = run(
        other,
        case.path,
        case.strategy,
        case.size,
        case.rounds,
        traced,
        pipe=case.pipe,
        base_offset=at,
    )
    verdict, diff = compare_trace(ta.trace, tb.trace)
    return CaseResult(
        case,
        a.lines == b.lines,
        a.oom == b.oom,
        a.exit_code == b.exit_code,
        dumps,
        verdict,
        summary(b),
        diff,
    )


# -- readFileAlloc --------------------------------------------------------------------------

_NUMBERS = re.compile(r"(\d+)->(\d+) ok=(true|false)")


def read_calls(trace: list[str]) -> list[str]:
    """The input read's allocator calls, as ``alloc N``, ``resize A->B``, ``remap A->B``
    (``!`` when refused) and ``free N``."""
    calls = []
    for line in trace:
        if f"site={INPUT_SITES['readfile']} " not in line:
            continue
        kind = line.split()[1]
        if kind in ("alloc", "alloc_failed", "free"):
            size = re.search(r"size=(\d+)", line)
            assert size
            calls.append(f"{kind} {size.group(1)}")
        else:
            match = _NUMBERS.search(line)
            assert match
            refused = "" if match.group(3) == "true" else "!"
            calls.append(f"{kind} {match.group(1)}->{match.group(2)}{refused}")
    return calls


def peak_and_end(trace: list[str]) -> tuple[int, int]:
    """The highest end_index while reading the input, and where the read left it."""
    site = f"site={INPUT_SITES['readfile']} "
    ends = [
        int(m.group(1))
        for line in trace
        if site in line
        for m in [re.search(r"used=\d+->(\d+)", line)]
        if m
    ]
    return (max(ends) if ends else 0, ends[-1] if ends else 0)


def _grow(capacity: int, needed: int, step: int) -> int:
    while capacity < needed:
        capacity += capacity // 2 + step
    return capacity


def rule_list_reader(step: int, verb: str) -> Callable[[int, bool], list[str]]:
    """0.11-0.15: an ArrayList sized at the stat size (1024 when it is 0), grown to at least
    4096, then grown (capacity += capacity/2 + step, until enough) each time a read fills it,
    then shrunk to the bytes read and handed over with one more same-size resize."""

    def calls(size: int, pipe: bool) -> list[str]:
        stat = 0 if pipe else size
        capacity = stat if stat > 0 else 1024
        found = [f"alloc {capacity}"]

        def ensure(needed: int) -> None:
            nonlocal capacity
            if capacity < needed:
                grown = _grow(capacity, needed, step)
                found.append(f"{verb} {capacity}->{grown}")
                capacity = grown

        ensure(4096)
        length = 0
        while True:
            room = capacity - length
            got = min(room, size - length)
            length += got
            if got != room:
                break
            ensure(length + 1)
        if length == 0:
            found.append(f"free {capacity}")
            return found
        found.append(f"{verb} {capacity}->{length}")
        found.append(f"{verb} {length}->{length}")
        return found

    return calls


def rule_allocating_writer(size: int, pipe: bool) -> list[str]:
    """0.16-0.17: the bytes go into a list that grows to n + n/2 + 128 when it must hold n
    bytes. A regular file asks for S at once (nothing at all when S is 0); a pipe, whose
    size is unknown, asks for 128 more bytes each time a read fills the list. Then the list
    is remapped down to the bytes read (freed when there are none)."""
    found: list[str] = []
    if not pipe:
        if size == 0:
            return found
        first = size + size // 2 + 128
        return [f"alloc {first}", f"remap {first}->{size}"]
    capacity = length = 0
    while True:
        needed = length + 128
        grown = needed + needed // 2 + 128
        found.append(f"alloc {grown}" if capacity == 0 else f"remap {capacity}->{grown}")
        capacity = grown
        got = min(capacity - length, size - length)
        length += got
        if length < capacity:
            break
    found.append(f"remap {capacity}->{length}" if length else f"free {capacity}")
    return found


LIST_RULE = (
    "an ArrayList: alloc S (1024 when the stat size is 0, as for a pipe); grow (c += c/2 + {step} "
    "until enough) to at least 4096, and again to at least n + 1 each time a read fills all n "
    "bytes; then {verb} to the bytes read and {verb} once more to the same size (toOwnedSlice); "
    "free instead when nothing was read; a refused grow is followed by an alloc of the new size "
    "(seen failing when the buffer is too small)"
)
WRITER_RULE = (
    "one list that grows to n + n/2 + 128 when it must hold n bytes: a regular file asks for n = S "
    "at once (no call at all when S = 0), a pipe for n = bytes read + 128 each time a read fills "
    "it (first alloc 320); then remap to the bytes read (free when none); with too small a buffer "
    "the first alloc fails"
)
READ_RULES: dict[str, tuple[str, Callable[[int, bool], list[str]]]] = {
    "0.11.0": (LIST_RULE.format(step=8, verb="resize"), rule_list_reader(8, "resize")),
    "0.12.1": (LIST_RULE.format(step=8, verb="resize"), rule_list_reader(8, "resize")),
    "0.13.0": (LIST_RULE.format(step=8, verb="resize"), rule_list_reader(8, "resize")),
    "0.14.1": (LIST_RULE.format(step=128, verb="remap"), rule_list_reader(128, "remap")),
    "0.15.2": (LIST_RULE.format(step=128, verb="remap"), rule_list_reader(128, "remap")),
    "0.16.0": (WRITER_RULE, rule_allocating_writer),
    "0.17.1": (WRITER_RULE, rule_allocating_writer),
}
PEAKS: dict[str, tuple[str, Callable[[int], int]]] = {
    "8": (
        "S + S/2 + 8 for S >= 4096; else the first c >= 4096 of c = S, c += c/2 + 8",
        lambda size: _grow(size or 1024, max(4096, size + 1), 8),
    ),
    "128": (
        "S + S/2 + 128 for S >= 4096; else the first c >= 4096 of c = S, c += c/2 + 128",
        lambda size: _grow(size or 1024, max(4096, size + 1), 128),
    ),
    "writer": (
        "S + S/2 + 128 (0 for an empty file)",
        lambda size: size + size // 2 + 128 if size else 0,
    ),
}
PEAK_OF = {
    "0.11.0": "8",
    "0.12.1": "8",
    "0.13.0": "8",
    "0.14.1": "128",
    "0.15.2": "128",
    "0.16.0": "writer",
    "0.17.1": "writer",
}
SHORT_RULES = {
    "8": "list, c += c/2 + 8, resize",
    "128": "list, c += c/2 + 128, remap",
    "writer": "S + S/2 + 128, remap to S",
}


def measure_reads(binary: Path, scratch: Path) -> dict[str, dict[str, object]]:
    measured: dict[str, dict[str, object]] = {}
    for size in READ_SIZES:
        path = scratch / f"input-{size}.txt"
        if not path.exists():
            row = ("#" + "." * 69 + "\n") * (size // 71 + 1)
            path.write_text(row[:size])
        for pipe in (False, True):
            result = run(binary, path, "naive", 4 * size + 65_536, 0, ("--trace",), pipe=pipe)
            peak, end = peak_and_end(result.trace)
            key = f"{'pipe' if pipe else 'file'} {size}"
            measured[key] = {"calls": read_calls(result.trace), "peak": peak, "end": end}
    return measured


SPECIAL_FILES = {
    "regular file with stat size 0 (/proc/version)": Path("/proc/version"),
    "character device, empty (/dev/null)": Path("/dev/null"),
}


def measure_special(binary: Path) -> dict[str, dict[str, object]]:
    """The read of files whose stat size is 0 although they are not pipes. The content's
    length (S, the kernel's) is written as S in the calls; ``read_all`` tells whether the
    input ended up holding all of it."""
    measured: dict[str, dict[str, object]] = {}
    for name, path in SPECIAL_FILES.items():
        if not path.exists():
            continue
        size = len(path.read_bytes())
        result = run(binary, path, "naive", 1 << 16, 0, ("--trace",))
        peak, end = peak_and_end(result.trace)
        calls = [
            re.sub(rf"\b{size}\b", "S", call) if size else call for call in read_calls(result.trace)
        ]
        measured[name] = {"calls": calls, "peak": peak, "read_all": end == size}
    return measured


def check_rule(release: str, measured: dict[str, dict[str, object]]) -> list[str]:
    """The sizes where the release's written rule does not give the measured calls."""
    _, rule = READ_RULES[release]
    wrong = []
    for key, figures in measured.items():
        kind, size = key.split()
        expected = rule(int(size), kind == "pipe")
        if expected != figures["calls"]:
            wrong.append(key)
    return wrong


# -- smallest buffers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    path: Path
    strategy: str
    goal: int | None
    options: tuple[str, ...] = ()
    pipe: bool = False

    def name(self) -> str:
        goal = {None: "read", 0: "table"}.get(self.goal, f"{self.goal} rounds")
        extra = " ".join(option.lstrip("-") for option in self.options)
        return f"{self.path.stem} {self.strategy} {goal}{' pipe' if self.pipe else ''} {extra}"


def goals() -> Iterator[Goal]:
    for path in (BLOG, EXAMPLE):
        for strategy in BISECTED:
            for goal in GOALS:
                yield Goal(path, strategy, goal)
        for option in ("--read=exact", "--parse=grow", "--free-input"):
            for goal in (None, 0, 1):
                yield Goal(path, "naive", goal, (option,))
        for goal in (None, 0, 1):
            yield Goal(path, "naive", goal, pipe=True)


def succeeds(binary: Path, goal: Goal) -> Callable[[int], bool]:
    def attempt(size: int) -> bool:
        result = run(
            binary, goal.path, goal.strategy, size, goal.goal or 0, goal.options, pipe=goal.pipe
        )
        if goal.goal is None:
            return result.oom is None or not any(f"site={s} " in result.oom for s in READ_SITES)
        return result.exit_code == 0

    return attempt


# -- the probe -----------------------------------------------------------------------------


def probe_lines(binary: Path) -> list[str]:
    result = subprocess.run([str(binary)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{binary} failed: {result.stderr[-300:]}")
    return result.stderr.splitlines()


def probe_figures(lines: list[str]) -> dict[str, list[str]]:
    figures: dict[str, list[str]] = {}
    for line in lines:
        key, _, value = line.partition(": ")
        figures.setdefault(key, []).append(value)
    return figures


# -- main ----------------------------------------------------------------------------------


def build_epochs(venvs: Path, releases: list[str]) -> list[list[str]]:
    rows = []
    for path in EPOCHS:
        row = [path]
        for release in releases:
            try:
                reference.build(
                    zig=compiler(venvs, release), source_path=ROOT / path, version=release
                )
                row.append("builds")
            except ZigUnavailable as error:
                row.append("no: " + str(error).split("failed: ")[-1][:40])
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venvs", type=Path, default=ROOT / ".venv" / "zig")
    parser.add_argument("--releases", default=",".join(RELEASES))
    parser.add_argument("--epochs", action="store_true")
    parser.add_argument("--json", type=Path, help="write the measured rules and figures here")
    parser.add_argument("--raw-json", type=Path, help="write every measurement here")
    parser.add_argument("--skip-bisect", action="store_true")
    arguments = parser.parse_args()
    releases = [BASE] + [r for r in arguments.releases.split(",") if r and r != BASE]
    report: dict[str, Any] = {}
    clock = time.monotonic()

    started = time.monotonic()
    binaries, probes = {}, {}
    for release in releases:
        command = compiler(arguments.venvs, release)
        binaries[release] = reference.build(
            zig=command, source_path=source_of(release), version=release
        )
        probes[release] = reference.build(
            zig=command, source_path=PROBE, version=release, name="std_probe"
        )
    print(f"built {len(releases)} references and probes in {time.monotonic() - started:.1f} s\n")

    if arguments.epochs:
        started = time.monotonic()
        rows = build_epochs(arguments.venvs, releases)
        print("which epoch's program builds with which release:")
        print(table(["program", *releases], rows))
        print(f"({time.monotonic() - started:.1f} s)\n")
        report["epochs"] = {row[0]: dict(zip(releases, row[1:], strict=True)) for row in rows}

    # probe
    base_probe = probe_lines(probes[BASE])
    base_figures = probe_figures(base_probe)
    probe_report: dict[str, object] = {BASE: base_figures}
    print("probe (zig/probes/std_probe.zig): the keys whose lines differ from 0.11.0's")
    for release in releases[1:]:
        figures = probe_figures(probe_lines(probes[release]))
        changed = {k: v for k, v in figures.items() if base_figures.get(k) != v}
        gone = [k for k in base_figures if k not in figures]
        probe_report[release] = figures
        keys = sorted(set(changed) | set(gone))
        print(f"  {release}: " + ("same" if not keys else "; ".join(keys)))
    report["probe"] = probe_report
    print()

    # readFileAlloc
    started = time.monotonic()
    reads: dict[str, Any] = {}
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        base_reads = None
        for release in releases:
            measured = measure_reads(binaries[release], Path(scratch))
            wrong = check_rule(release, measured)
            name, _ = READ_RULES[release]
            same = base_reads is not None and measured == base_reads
            base_reads = base_reads or measured
            peak_text, peak = PEAKS[PEAK_OF[release]]
            peak_misses = [
                k
                for k, v in measured.items()
                if k.startswith("file") and v["peak"] != peak(int(k.split()[1]))
            ]
            reads[release] = {
                "rule": name,
                "rule_misses": wrong,
                "peak_regular_file": peak_text,
                "peak_misses": peak_misses,
                "same_as_0.11.0": same if release != BASE else True,
                "measured": measured,
                "stat_size_0": measure_special(binaries[release]),
            }
            blog = measured["file 100000"]
            rows.append(
                [
                    release,
                    SHORT_RULES[PEAK_OF[release]],
                    "all" if not wrong else f"not {', '.join(wrong)}",
                    " ".join(measured["file 4970"]["calls"]),  # type: ignore[arg-type]
                    str(measured["file 4970"]["peak"]),
                    str(blog["peak"]),
                    " ".join(measured["pipe 4970"]["calls"]),  # type: ignore[arg-type]
                    str(measured["pipe 4970"]["peak"]),
                ]
            )
    print("readFileAlloc on a fixed buffer (file: a regular file; pipe: standard input):")
    print(
        table(
            [
                "release",
                "rule",
                "rule holds",
                "file 4970 calls",
                "peak",
                "peak 100000",
                "pipe 4970 calls",
                "peak",
            ],
            rows,
        )
    )
    print("files with stat size 0 that are not pipes (S: the content's length):")
    for release in releases:
        for name, figures in reads[release]["stat_size_0"].items():
            calls = " ".join(figures["calls"]) or "no call"
            print(f"  {release} {name}: {calls}; read all: {yes(figures['read_all'])}")
    print(f"({time.monotonic() - started:.1f} s)\n")
    report["readFileAlloc"] = reads

    # cases
    started = time.monotonic()
    all_cases = list(cases())
    case_report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for release in releases[1:]:
            rows = []
            found = []
            for case in all_cases:
                result = compare_case(case, binaries[BASE], binaries[release], Path(scratch))
                found.append(result)
                rows.append(
                    [
                        case.name(),
                        yes(result.lines),
                        yes(result.oom),
                        yes(result.dumps),
                        result.trace,
                        result.summary,
                    ]
                )
            print(f"{release} against {BASE} (bytes: every snapshot, pointers relocated):")
            print(table(["case", "lines", "OOM", "bytes", "calls", release], rows))
            case_report[release] = {
                r.case.name(): {
                    "lines": r.lines,
                    "oom": r.oom,
                    "exit": r.exit_code,
                    "bytes": r.dumps,
                    "calls": r.trace,
                    "outcome": r.summary,
                    "new_trace_lines": r.trace_diff,
                }
                for r in found
            }
            print()
    print(f"({len(all_cases)} cases per release in {time.monotonic() - started:.1f} s)\n")
    report["cases"] = case_report

    # smallest buffers
    if not arguments.skip_bisect:
        started = time.monotonic()
        rows = []
        minimum_report: dict[str, dict[str, int]] = {}
        for goal in goals():
            at_base = smallest(succeeds(binaries[BASE], goal))
            row = [goal.name().strip(), str(at_base)]
            least: dict[str, int] = {BASE: at_base}
            for release in releases[1:]:
                value = smallest(succeeds(binaries[release], goal), at_base)
                least[release] = value
                row.append("=" if value == at_base else f"{value} ({value - at_base:+d})")
            rows.append(row)
            minimum_report[goal.name().strip()] = least
        print("smallest buffer (bisected; base offset 0, temporary buffer 40000):")
        print(table(["input strategy goal", *releases], rows))
        print(f"({time.monotonic() - started:.1f} s)\n")
        report["smallest_buffer"] = minimum_report

    if arguments.raw_json:
        arguments.raw_json.write_text(json.dumps(report, indent=1) + "\n")
    curated = curate(report, releases)
    print("per release and std part: same as 0.11.0, or the rule measured:")
    print(
        table(
            ["release", *PARTS],
            [
                [release, *(brief(curated["releases"][release][part]) for part in PARTS)]
                for release in releases
            ],
        )
    )
    if arguments.json:
        arguments.json.write_text(json.dumps(curated, indent=1) + "\n")
        print(f"wrote {arguments.json.name}")
    print(f"total {time.monotonic() - clock:.0f} s")
    return 0


# -- the data file ------------------------------------------------------------------------

PARTS = (
    "fixed_buffer_allocator",
    "undefined_fill",
    "hash_map",
    "array_list",
    "read_file_alloc",
    "page_allocator",
)


def brief(part: dict[str, object]) -> str:
    if part.get("same_as_0.11.0"):
        return "same"
    return str(part.get("summary", "differs"))


def _ints(text: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", text)}


def _list_rules() -> dict[str, Callable[[int, int], int]]:
    def loop(step: int) -> Callable[[int, int], int]:
        return lambda capacity, needed: _grow(capacity, needed, step)

    return {
        "c += c/2 + 8 until c >= n": loop(8),
        "c += c/2 + 128 until c >= n": loop(128),
        "n + n/2 + 128": lambda capacity, needed: needed + needed // 2 + 128,
    }


def array_list_part(figures: dict[str, list[str]]) -> dict[str, object]:
    """Which growth rule gives every capacity the probe printed (u8 lists, from the
    capacity they had to the one they needed)."""
    steps = []
    for text in figures["arraylist grow by append"]:
        found = re.search(r"len=(\d+) capacity (\d+)->(\d+)", text)
        assert found
        length, old, new = map(int, found.groups())
        steps.append((old, length, new))
    for text in figures["arraylist reserve from empty"]:
        n = _ints(text)
        steps.append((0, n["n"], n["capacity"]))
    for text in figures["arraylist reserve one more from full capacity"]:
        n = _ints(text)
        steps.append((n["n"], n["n"] + 1, n["capacity"]))
    holding = [
        name
        for name, rule in _list_rules().items()
        if all(rule(old, needed) == new for old, needed, new in steps)
    ]
    return {
        "growth": holding[0] if len(holding) == 1 else holding or None,
        "checked_growths": len(steps),
        "first_capacities_by_append": [new for old, needed, new in steps[:6]],
    }


def hash_map_part(figures: dict[str, list[str]]) -> dict[str, object]:
    from aoc23.zigstd import hash_map, wyhash

    reserves = [_ints(text) for text in figures["hashmap reserve"]]
    growths = []
    for text in figures["hashmap grow by put"]:
        found = re.search(r"count=(\d+) capacity (\d+)->(\d+)", text)
        assert found
        growths.append(tuple(map(int, found.groups())))
    hashes = [
        _ints(text.split(" auto=")[0])
        | {
            "auto": int(text.split("auto=")[1].split()[0], 16),
            "raw": int(text.split("wyhash0_of_8_bytes=")[1], 16),
        }
        for text in figures["hash"]
    ]
    return {
        "block_bytes_24_plus_9C": all(r["block"] == 24 + 9 * r["capacity"] for r in reserves),
        "metadata_at_24": all(r["metadata_at"] == 24 for r in reserves),
        "keys_at_24_plus_C": all(r["keys_at"] == 24 + r["capacity"] for r in reserves),
        "capacity_for_size_ceilpow2_of_n_times_100_over_80_plus_1_min_8": all(
            r["capacity"] == max(8, hash_map.capacity_for_size(r["n"])) for r in reserves
        ),
        "put_grows_at_count_C_times_80_over_100_plus_1": all(
            old == 0 or count == hash_map.max_load(old) + 1 for count, old, _ in growths[1:]
        ),
        "put_doubles_capacity_from_8": [new for _, _, new in growths]
        == [8 << i for i in range(len(growths))],
        "hash_is_wyhash_v4_1_seed_0_of_x_y_le32": all(
            h["auto"] == h["raw"] == wyhash.hash_point(h["x"], h["y"]) for h in hashes
        ),
        "reserve": [[r["n"], r["capacity"], r["block"]] for r in reserves],
        "unmanaged_struct_bytes": int(figures["hashmap unmanaged struct size"][0]),
        "managed_struct_bytes": int(figures["hashmap managed struct size"][0]),
        "point2d_layout": figures["point2d layout"][0],
        "iteration_order_of_a_small_fill": figures["hashmap iteration order"][0],
        "after_remove_1000_and_put_1000": figures["hashmap after remove 1000 and put 1000"][0],
    }


def page_part(figures: dict[str, list[str]]) -> dict[str, Any]:
    return {key: values[0] for key, values in figures.items() if key.startswith("page")}


def keyed(figures: dict[str, list[str]], prefix: str) -> dict[str, Any]:
    return {key: values[0] for key, values in figures.items() if key.startswith(prefix)}


REMAP_LIKE_RESIZE = (
    ("last grow 10->50", "last grow 10->30"),
    ("not-last grow 10->20", "not-last grow 10->20"),
    ("not-last shrink 10->5", "not-last shrink 10->5"),
    ("last shrink 50->4", "last shrink 30->4"),
    ("last past buffer 4->5000", "last grow past buffer 4->1000"),
)
"""The probe's remap lines and the resize lines of the same situation."""


def summarize(name: str, part: dict[str, object]) -> str:
    """A few words for a part that differs from 0.11.0 (the table's cell)."""
    differing = part.get("differs_in", [])
    assert isinstance(differing, list)
    if name == "hash_map":
        sizes = f"struct {part['unmanaged_struct_bytes']}/{part['managed_struct_bytes']} B"
        rest = [k for k in differing if not k.endswith("struct_bytes")]
        return sizes + (f"; also {', '.join(rest)}" if rest else "; table same")
    if name == "fixed_buffer_allocator" and all("remap" in k for k in differing):
        pairs = [(f"fba remap {a}", f"fba resize {b}") for a, b in REMAP_LIKE_RESIZE]
        agree = sum(
            ("ok=true" in str(part.get(x))) == ("ok=true" in str(part.get(y))) for x, y in pairs
        )
        moved = any("moved=true" in str(v) for k, v in part.items() if "remap" in k)
        return f"adds remap: answers as resize does in {agree} of {len(pairs)} probes, " + (
            "moves" if moved else "never moves"
        )
    remaps = {k: v for k, v in part.items() if "remap" in k and isinstance(v, str)}
    if remaps and all("remap" in k for k in differing):
        said = [
            f"{k.split('remap ')[1].split(' (')[0]}: {'ok' if 'ok=true' in v else 'no'}"
            + (", moved" if "moved=true" in v else "")
            for k, v in sorted(remaps.items())
            if "absent" not in v
        ]
        return "adds remap (" + "; ".join(said) + ")"
    return ", ".join(differing)


def cases_part(cases: dict[str, dict[str, object]]) -> dict[str, object]:
    def names(test: Callable[[dict[str, object]], bool]) -> list[str]:
        return [name for name, figures in cases.items() if test(figures)]

    return {
        "compared": len(cases),
        "same_lines_oom_exit": len(names(lambda c: bool(c["lines"] and c["oom"] and c["exit"]))),
        "same_buffer_bytes": len(names(lambda c: c["bytes"] is not False)),
        "same_calls": len(names(lambda c: c["calls"] == "same")),
        "calls_differ_only_reading_the_input": names(lambda c: c["calls"] == "input read"),
        "calls_differ_elsewhere": names(lambda c: c["calls"] == "differ"),
        "outcome_differs": {
            name: c["outcome"]
            for name, c in cases.items()
            if not (c["lines"] and c["oom"] and c["exit"])
        },
    }


def curate(report: dict[str, Any], releases: list[str]) -> dict[str, Any]:
    """The measured rules and figures per release, each std part marked same as 0.11.0 or
    not (the data file ``--json`` writes)."""
    probes = report["probe"]
    reads = report["readFileAlloc"]
    assert isinstance(probes, dict) and isinstance(reads, dict)
    out: dict[str, dict[str, Any]] = {}
    for release in releases:
        figures = probes[release]
        read = reads[release]
        measured = read["measured"]
        parts: dict[str, dict[str, Any]] = {
            "fixed_buffer_allocator": keyed(figures, "fba "),
            "undefined_fill": keyed(figures, "fill "),
            "hash_map": hash_map_part(figures),
            "array_list": array_list_part(figures),
            "read_file_alloc": {
                "rule": read["rule"],
                "peak_regular_file": read["peak_regular_file"],
                "peak_misses": read["peak_misses"],
                "rule_checked_sizes": sorted({int(k.split()[1]) for k in measured}),
                "rule_misses": read["rule_misses"],
                "file_4970": measured["file 4970"],
                "pipe_4970": measured["pipe 4970"],
                "file_56": measured["file 56"],
                "file_0": measured["file 0"],
                "stat_size_0_not_a_pipe": read["stat_size_0"],
                "calls": measured,
            },
            "page_allocator": page_part(figures),
        }
        for name, part in parts.items():
            if release == BASE:
                part["same_as_0.11.0"] = True
                continue
            mine = {k: v for k, v in part.items() if k not in ("same_as_0.11.0", "summary")}
            base = {
                k: v for k, v in out[BASE][name].items() if k not in ("same_as_0.11.0", "summary")
            }
            part["same_as_0.11.0"] = mine == base
            if mine != base:
                differing = sorted(k for k in set(mine) | set(base) if mine.get(k) != base.get(k))
                part["differs_in"] = differing
        out[release] = {"program": str(source_of(release).relative_to(ROOT)), **parts}
        for name in ("array_list", "read_file_alloc"):
            part = out[release][name]
            assert isinstance(part, dict)
            if not part["same_as_0.11.0"]:
                part["summary"] = part.get("growth") or SHORT_RULES[PEAK_OF[release]]
        for name in ("fixed_buffer_allocator", "undefined_fill", "hash_map", "page_allocator"):
            part = out[release][name]
            assert isinstance(part, dict)
            if not part["same_as_0.11.0"]:
                part["summary"] = summarize(name, part)
        cases = report.get("cases", {})
        assert isinstance(cases, dict)
        if release in cases:
            out[release]["day23_cases"] = cases_part(cases[release])
        minimum = report.get("smallest_buffer")
        if isinstance(minimum, dict):
            out[release]["smallest_buffer"] = {
                goal: values[release] for goal, values in minimum.items()
            }
    result: dict[str, object] = {
        "measured_on": "x86_64-linux, ReleaseSafe, fixed buffers at base offset 0",
        "releases": out,
    }
    if "epochs" in report:
        result["programs_build_with"] = report["epochs"]
    return result


def yes(value: bool | None) -> str:
    return "n/a" if value is None else ("yes" if value else "NO")


if __name__ == "__main__":
    sys.exit(main())
