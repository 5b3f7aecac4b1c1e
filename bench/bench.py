"""make bench: aoc23 against the real Zig program and a plain Python solver, as whole processes.

Every command runs --runs times, the commands taking turns, and the table gives the median
and the spread (slowest minus fastest) of the wall time and the peak memory (max RSS) of
each. Ratios are of medians measured in this same run. aoc23 runs twice per strategy: with
its compiled parts (the rules, aoc23/_bitboard.c, and the hash map's fill and hashes,
aoc23/zigstd/_fill.c, when they were built) and with AOC23_PURE_PYTHON=1, their Python twins.
Then a scaling series (generated inputs from 35x35 to 280x280, a fixed number of rounds,
timed inside the process, the sizes and the floor taking turns) and the start-up time.

The floor is ``bench/floor.c``, built with the system C compiler (``cc -O2``): the work a
faithful round has to do, written plainly (the rules on row bitboards, then every elf put
into a fresh table of Zig's layout in the old table's slot order, with Zig's Wyhash, probing
one slot at a time), and no allocator. It is not a lower bound: aoc23's compiled fill reads
hashes made once per window rather than hashing every elf every round, gathers the keys
first and looks at four slots at once, and on large inputs its rounds beat the floor's.
It takes its turns with the others in the part-2 table, which gives aoc23 / floor beside
aoc23 / Zig, and runs the scaling series too. Before it is timed, ``bench/floor_check.py``
proves its answers and final table equal to aoc23's and the real Zig program's (a difference
stops the bench). Without ``cc`` the floor's figures are left out, and the table says so.

Every command is started by ``bench/maxrss.zig``, a small program that reports the peak
memory of what it runs. The package's bytecode is compiled first, as any installed copy has
it: a checkout run with PYTHONDONTWRITEBYTECODE set would compile every module at every start.

Writes bench/results.json; with --readme, rewrites the README's performance section from it.
usage: python bench/bench.py [--runs N] [--readme]
"""

from __future__ import annotations

import argparse
import compileall
import functools
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import floor_check

from aoc23 import analysis, reference
from aoc23.generate import generate
from aoc23.strategies import STRATEGIES, Settings

ROOT = Path(__file__).resolve().parent.parent
BLOG = ROOT / "inputs" / "blog-70x70.txt"
RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
_SCRIPT = Path(sys.executable).with_name("aoc23")
AOC23 = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "aoc23"]
"""The ``aoc23`` command as users run it: the script the install made (which loads ``re``
before aoc23), else ``python -m aoc23``."""
SERIES = (35, 70, 140, 280)
SERIES_ROUNDS = 100
PURE_PYTHON = "AOC23_PURE_PYTHON"
PYTHON_TWINS = " (Python twins)"
FLOOR = "floor"


@dataclass(frozen=True)
class Command:
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


COMPILED_PARTS = ("aoc23._bitboard", "aoc23.zigstd._fill")


def compiled_parts_built() -> bool:
    return all(importlib.util.find_spec(part) is not None for part in COMPILED_PARTS)


@functools.cache
def launcher() -> Path:
    """``bench/maxrss.zig``, built: started from this bench, a command's peak memory would
    never read less than the bench's own."""
    return reference.build("ReleaseSmall", source_path=ROOT / "bench" / "maxrss.zig", name="maxrss")


def measure(command: Command) -> tuple[float, int, bytes]:
    """Wall seconds, peak RSS in KiB and stdout of one run."""
    env = {name: value for name, value in os.environ.items() if name != PURE_PYTHON}
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report"
        started = time.perf_counter()
        process = subprocess.run(
            [str(launcher()), str(report), *command.argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env | command.env,
        )
        elapsed = time.perf_counter() - started
        if process.returncode != 0:
            raise SystemExit(f"maxrss failed ({process.returncode}): {' '.join(command.argv)}")
        maxrss_kib, status = map(int, report.read_text().split())
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command.argv)}")
    return elapsed, maxrss_kib, process.stdout


def take_turns(commands: dict[str, Command], runs: int) -> dict[str, dict[str, float]]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    memory: dict[str, list[int]] = {name: [] for name in commands}
    outputs: dict[str, bytes] = {}
    for turn in range(runs):
        names = list(commands) if turn % 2 == 0 else list(reversed(commands))
        for name in names:
            seconds, rss, out = measure(commands[name])
            times[name].append(seconds)
            memory[name].append(rss)
            outputs[name] = out
    return {
        name: {
            "median_s": statistics.median(times[name]),
            "best_s": min(times[name]),
            "spread_s": max(times[name]) - min(times[name]),
            "peak_rss_mib": max(memory[name]) / 1024,
            "answer": _answer(outputs[name]),
        }
        for name in commands
    }


def _answer(stdout: bytes) -> str:
    """The last answer line (``partN: …``) printed, else the last line (the floor ends with
    its checksum)."""
    lines = stdout.decode().splitlines() or [""]
    return next((line for line in reversed(lines) if line.startswith("part")), lines[-1])


def buffer_for_part2(strategy: str) -> str:
    """The buffer a strategy is timed with: the blog's 8MiB, or the smallest power of two
    of MiB that holds its part 2 when it needs more (naive strands a table a round)."""
    need = analysis.requirement(BLOG.read_bytes(), strategy, Settings(), None, True).buffer
    mib = 8
    while (mib << 20) < (need or 0):
        mib *= 2
    return f"{mib}MiB"


def part2(zig: Path, floor: Path | None, runs: int) -> dict[str, dict[str, float]]:
    commands = {
        "plain Python": Command(
            [sys.executable, str(ROOT / "bench" / "plain_solver.py"), str(BLOG)]
        )
    }
    if floor is not None:
        commands[FLOOR] = Command([str(floor), str(BLOG), "part2"])
    for strategy in STRATEGIES:
        size = buffer_for_part2(strategy)
        size_bytes = int(size[:-3]) << 20
        zig_argv = [str(zig), str(BLOG), strategy, str(size_bytes), "part2", "40000", "0", "-"]
        commands[f"zig {strategy}"] = Command(zig_argv)
        argv = [*AOC23, "solve", str(BLOG), "--part", "2", "--strategy", strategy]
        commands[f"aoc23 {strategy}"] = Command([*argv, "--buffer-size", size])
        if compiled_parts_built():
            commands[f"aoc23 {strategy}{PYTHON_TWINS}"] = Command(
                [*argv, "--buffer-size", size], {PURE_PYTHON: "1"}
            )
    results = take_turns(commands, runs)
    answers = {row["answer"] for row in results.values()}
    if answers != {"part2: 1043"}:
        raise SystemExit(f"the commands disagree on part 2: {answers}")
    return results


ROUNDS_TIMED = """
import sys, time
from aoc23.simulation import load, play
from aoc23.strategies import Settings
program = load(open(sys.argv[1], "rb").read(), "naive", Settings(buffer_size=1 << 30))
started = time.perf_counter()
for _ in play(program, int(sys.argv[2])):
    pass
print(time.perf_counter() - started)
"""


def series(runs: int, floor: Path | None) -> list[dict[str, float]]:
    """Seconds per round, timed inside the process (after the input is loaded), so that the
    start-up's jitter does not swamp the small inputs; the floor's too (its ``--time``).
    Every size and the floor take turns, as in the part-2 table, so that a slow spell of the
    machine falls on all of them rather than on one size."""
    with tempfile.TemporaryDirectory() as scratch:
        commands: dict[tuple[int, str], Command] = {}
        elves: dict[int, int] = {}
        for side in SERIES:
            path = Path(scratch) / f"{side}.txt"
            path.write_bytes(generate(side, side, 0.5, 23))
            elves[side] = path.read_bytes().count(b"#")
            rounds = str(SERIES_ROUNDS)
            commands[side, "aoc23"] = Command(
                [sys.executable, "-c", ROUNDS_TIMED, str(path), rounds]
            )
            if floor is not None:
                commands[side, FLOOR] = Command([str(floor), str(path), rounds, "--time"])
        seconds: dict[tuple[int, str], list[float]] = {key: [] for key in commands}
        for turn in range(runs):
            for key in list(commands) if turn % 2 == 0 else list(reversed(commands)):
                stdout = measure(commands[key])[2]
                seconds[key].append(float(stdout) if key[1] == "aoc23" else _floor_seconds(stdout))
    rows = []
    for side in SERIES:
        times = seconds[side, "aoc23"]
        per_round = statistics.median(times) / SERIES_ROUNDS
        row = {
            "side": side,
            "elves": elves[side],
            "rounds": SERIES_ROUNDS,
            "ms_per_round": per_round * 1e3,
            "ns_per_elf_round": per_round / elves[side] * 1e9,
            "fastest_ns_per_elf_round": min(times) / SERIES_ROUNDS / elves[side] * 1e9,
            "spread_ms_per_round": (max(times) - min(times)) / SERIES_ROUNDS * 1e3,
        }
        if floor is not None:
            floor_per_round = statistics.median(seconds[side, FLOOR]) / SERIES_ROUNDS
            row["floor_ns_per_elf_round"] = floor_per_round / elves[side] * 1e9
        rows.append(row)
    return rows


def _floor_seconds(stdout: bytes) -> float:
    """The rounds' time from the floor's last line, ``seconds: S rounds: R elves: E``."""
    fields = stdout.decode().splitlines()[-1].split()
    assert fields[0] == "seconds:", fields
    return float(fields[1])


def _check_floor(floor: Path) -> dict[str, str]:
    """The floor's answers and final table proven equal to aoc23's and the real Zig
    program's (``bench/floor_check.py``) before it is timed; its checksum by case."""
    found = floor_check.check(floor, reference.build())
    print("\n".join(floor_check.report(found)), file=sys.stderr)
    if not all(floor_check.agree(results) for results in found.values()):
        raise SystemExit("the floor disagrees with aoc23 or Zig: see bench/floor_check.py")
    return {case: f"{results['floor'].checksum:016x}" for case, results in found.items()}


def startup(runs: int) -> dict[str, dict[str, float]]:
    return take_turns(
        {
            "python -c pass": Command([sys.executable, "-c", "pass"]),
            "aoc23 --help": Command([*AOC23, "--help"]),
            "aoc23 solve --rounds 0": Command([*AOC23, "solve", str(BLOG), "--rounds", "0"]),
        },
        runs,
    )


def large_buffer() -> dict[str, float]:
    seconds, rss, _ = measure(
        Command([*AOC23, "solve", str(BLOG), "--buffer-size", "64GiB", "--rounds", "10"])
    )
    return {"seconds": seconds, "peak_rss_mib": rss / 1024}


def table(results: dict[str, object]) -> str:
    part = results["part2"]
    assert isinstance(part, dict)
    plain = part["plain Python"]["median_s"]
    floor = part.get(FLOOR)
    floor_head = " aoc23 / floor |" if floor else ""
    floor_rule = "---|" if floor else ""
    parts = (
        "its compiled parts (the rules, `aoc23/_bitboard.c`; the fill and the hashes,"
        " `aoc23/zigstd/_fill.c`)"
        if results["compiled_parts"]
        else "the Python twins: the compiled parts were not built"
    )
    lines = [
        f"Part 2 of `inputs/blog-70x70.txt` (1043 rounds), {results['runs']} runs each,"
        f" taking turns ({results['machine']}); aoc23 with {parts}:",
        "",
        "Times are medians, with the spread (slowest minus fastest) in brackets; the last"
        " ratio is of the fastest runs, the least disturbed by the machine.",
        "",
        "| strategy | Zig 0.11.0 ReleaseFast | aoc23 | aoc23 / Zig |"
        + floor_head
        + " plain Python / aoc23 | peak RSS Zig / aoc23 | aoc23 / Zig, fastest runs |",
        "|---|---|---|---|" + floor_rule + "---|---|---|",
    ]
    for strategy in STRATEGIES:
        zig, ours = part[f"zig {strategy}"], part[f"aoc23 {strategy}"]
        timing, ratio, *against_floor, speedup, fastest = _against(ours, zig, plain, floor)
        memory = f"{_mib(zig['peak_rss_mib'])} / {_mib(ours['peak_rss_mib'])} MiB"
        cells = [strategy, _time(zig), timing, ratio, *against_floor, speedup, memory, fastest]
        lines.append("| " + " | ".join(cells) + " |")
    if results["compiled_parts"]:
        lines += [
            "",
            f"The same with `{PURE_PYTHON}=1`: the rules, the fill and the hashes in Python"
            " (what a machine without a C compiler runs):",
            "",
            "| strategy | aoc23, Python twins | aoc23 / Zig |"
            + floor_head
            + " plain Python / aoc23 | aoc23 / Zig, fastest runs |",
            "|---|---|---|" + floor_rule + "---|---|",
        ]
        for strategy in STRATEGIES:
            zig, ours = part[f"zig {strategy}"], part[f"aoc23 {strategy}{PYTHON_TWINS}"]
            cells = [strategy, *_against(ours, zig, plain, floor)]
            lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"The plain Python solver (`bench/plain_solver.py`, a set and a Counter): {plain:.2f} s.",
    ]
    if floor:
        lines.append(
            "The floor (`bench/floor.c`, `cc -O2`: the rules on row bitboards and a fresh table"
            " of Zig's layout filled with Zig's Wyhash each round, a slot at a time, no"
            " allocator; aoc23's fill reads hashes made once per window and looks at four slots"
            " at once, and its rounds beat these on large inputs): "
            f"{_time(floor)}, peak RSS {_mib(floor['peak_rss_mib'])} MiB. Checked first"
            " (`bench/floor_check.py`): its answers, and the checksum of its final table"
            f" ({_checksums(results)}), equal to aoc23's and to the real Zig program's dump."
        )
    else:
        lines.append("No C compiler (`cc`): the floor (`bench/floor.c`) was not built or timed.")
    series_floor = floor is not None and all(
        "floor_ns_per_elf_round" in row
        for row in results["series"]  # type: ignore[attr-defined]
    )
    lines += [
        "",
        f"Scaling: the first {SERIES_ROUNDS} rounds of naive on generated inputs, timed inside"
        " the process after the input is loaded, every size and the floor taking turns:",
        "",
        "| input | elves | ms per round | ns per elf and round | the same, fastest run |"
        + (" floor, ns per elf and round | aoc23 / floor |" if series_floor else ""),
        "|---|---|---|---|---|" + ("---|---|" if series_floor else ""),
    ]
    for row in results["series"]:  # type: ignore[attr-defined]
        cells = [
            f"{row['side']}x{row['side']}",
            str(row["elves"]),
            f"{row['ms_per_round']:.2f} ({row['spread_ms_per_round']:.2f})",
            f"{row['ns_per_elf_round']:.0f}",
            f"{row['fastest_ns_per_elf_round']:.0f}",
        ]
        if series_floor:
            low = row["floor_ns_per_elf_round"]
            cells += [f"{low:.1f}", f"{row['ns_per_elf_round'] / low:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    start = results["startup"]
    assert isinstance(start, dict)
    big = results["large_buffer"]
    assert isinstance(big, dict)
    lines += [
        "",
        "Start-up: "
        + ", ".join(
            f"`{name}` {value['median_s'] * 1e3:.0f} ms ({_mib(value['peak_rss_mib'])} MiB)"
            for name, value in start.items()
        )
        + ".",
        f"`aoc23 solve --buffer-size 64GiB --rounds 10`: {big['seconds']:.2f} s,"
        f" peak RSS {_mib(big['peak_rss_mib'])} MiB.",
    ]
    return "\n".join(lines)


def _checksums(results: dict[str, object]) -> str:
    checksums = results.get("floor_checksums") or {}
    assert isinstance(checksums, dict)
    return ", ".join(f"{case} `{value}`" for case, value in checksums.items())


def _time(row: dict[str, float]) -> str:
    return f"{row['median_s']:.2f} s ({row['spread_s']:.2f})"


def _against(
    ours: dict[str, float],
    zig: dict[str, float],
    plain: float,
    floor: dict[str, float] | None = None,
) -> list[str]:
    """aoc23's time, its ratio to Zig's, to the floor's (when there is a floor), plain
    Python's speed-up over it, and the ratio of the fastest runs to Zig's."""
    against_floor = [f"{ours['median_s'] / floor['median_s']:.1f}"] if floor else []
    return [
        _time(ours),
        f"{ours['median_s'] / zig['median_s']:.2f}",
        *against_floor,
        f"{plain / ours['median_s']:.1f}x",
        f"{ours['best_s'] / zig['best_s']:.2f}",
    ]


def _mib(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def rewrite_readme(text: str) -> None:
    readme = README.read_text()
    before, rest = readme.split(START, 1)
    _, after = rest.split(END, 1)
    README.write_text(f"{before}{START}\n{text}\n{END}{after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args()
    zig = reference.build("ReleaseFast")
    compileall.compile_dir(ROOT / "aoc23", quiet=1)
    with tempfile.TemporaryDirectory(prefix="aoc23-floor-") as scratch:
        floor = floor_check.build_floor(Path(scratch))
        checksums = {}
        if floor is None:
            print("no C compiler (cc): the floor is left out", file=sys.stderr)
        else:
            checksums = _check_floor(floor)
        results: dict[str, object] = {
            "runs": args.runs,
            "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
            "compiled_parts": compiled_parts_built(),
            "floor": floor is not None,
            "floor_checksums": checksums,
            "part2": part2(zig, floor, args.runs),
            "series": series(args.runs, floor),
            "startup": startup(args.runs),
            "large_buffer": large_buffer(),
        }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    print(text)
    if args.readme:
        rewrite_readme(text)


if __name__ == "__main__":
    main()
