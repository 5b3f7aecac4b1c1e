"""The command line as a user and a script see it: stdout, stderr and exit status apart."""

import importlib.util
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from aoc23.cli import main
from aoc23.generate import generate
from aoc23.zigstd.hash_map import block_size, capacity_for_size

ROOT = Path(__file__).resolve().parent.parent
BLOG = str(ROOT / "inputs" / "blog-70x70.txt")
EXAMPLE = str(ROOT / "inputs" / "example.txt")


def invoke(*args: str, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=stdin)


def test_solve_prints_the_blogs_lines_then_part1() -> None:
    result = invoke("solve", BLOG, "--strategy", "naive", "--rounds", "10")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Round 0 memuse: 41864"
    assert lines[9] == "Round 9 memuse: 373856"
    assert re.fullmatch(r"part1: \d+", lines[10]) and len(lines) == 11
    assert result.stderr == ""


def test_part_two_prints_both_answers() -> None:
    result = invoke("solve", EXAMPLE, "--part", "2", "--strategy", "double")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "part2: 20"
    assert "part1: 110" in result.stdout.splitlines()


def test_out_of_memory_keeps_the_printed_lines_and_exits_1() -> None:
    result = invoke("solve", BLOG, "--buffer-size", "200000")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "Round 4 memuse: 189416"
    assert len(result.stdout.splitlines()) == 5
    first, context = result.stderr.splitlines()
    assert first == "error: OutOfMemory"
    assert "round 4" in context and "new_cells" in context and "36888 bytes" in context
    assert "189416" in context and "200000" in context


def test_out_of_memory_before_any_round() -> None:
    result = invoke("solve", BLOG, "--buffer-size", "20000")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines()[1].startswith("while loading, allocating grid.cells")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"..#\n.x#\n", "error: -:2:2: unexpected character 'x'"),
        (b"....\n", "error: -: no elves"),
    ],
)
def test_bad_input_is_one_line_and_exit_3(text: bytes, message: str) -> None:
    result = invoke("solve", "-", stdin=text)
    assert result.exit_code == 3
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)


def test_missing_file_and_directory_are_input_errors(tmp_path: Path) -> None:
    missing = invoke("solve", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 3 and missing.stderr.strip().endswith("nope.txt: no such file")
    directory = invoke("solve", str(tmp_path))
    assert directory.exit_code == 3 and "is a directory" in directory.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--rounds", "3", "--part", "2"],
        ["--strategy", "mimalloc"],
        ["--buffer-size", "lots"],
        ["--buffer-size", "-5"],
        ["--buffer-size", "1.5MiB"],
        ["--buffer-size", "129TiB"],
        ["--buffer-size", "99999999999999GiB"],
        ["--rounds", "-1"],
        ["--rounds", "ten"],
        ["--part", "3"],
        ["--part", "2", "--rounds", "3"],
        ["--read", "mmap"],
        ["--parse", "lazy"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = invoke("solve", EXAMPLE, *args)
    assert result.exit_code == 2 and "Error" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("size", "rounds_printed"),
    [
        ("200000", 5),
        ("195KiB", 5),
        ("0.2MB", None),
        ("1MiB", 10),
        ("1m", 10),
        ("1000kb", 10),
        ("1GB", 10),
        ("64GiB", 10),
        ("1TB", 10),
        ("128TiB", 10),
    ],
)
def test_buffer_sizes_take_suffixes(size: str, rounds_printed: int | None) -> None:
    result = invoke("solve", BLOG, "--buffer-size", size)
    if rounds_printed is None:
        assert result.exit_code == 2
    else:
        assert (
            sum(line.startswith("Round") for line in result.stdout.splitlines()) == rounds_printed
        )


@pytest.mark.parametrize("size", ["0", "1", "4969"])
def test_buffers_too_small_to_read_the_input_run_out_while_loading(size: str) -> None:
    result = invoke("solve", BLOG, "--buffer-size", size)
    assert result.exit_code == 1 and result.stdout == ""
    assert "while loading, allocating the input (readFileAlloc): 4970 bytes" in result.stderr


def test_zero_rounds_print_nothing_and_succeed() -> None:
    result = invoke("solve", BLOG, "--rounds", "0")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_a_huge_round_count_ends_when_the_buffer_does() -> None:
    result = invoke("solve", BLOG, "--rounds", str(10**15), "--buffer-size", "200000")
    assert result.exit_code == 1 and len(result.stdout.splitlines()) == 5


def test_gen_is_deterministic_and_makes_the_bundled_input(tmp_path: Path) -> None:
    target = tmp_path / "grid.txt"
    result = invoke("gen", "--width", "70", "--height", "70", "--seed", "23", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_bytes() == Path(BLOG).read_bytes()
    again = invoke("gen", "--width", "5", "--height", "3", "--density", "0")
    assert again.stdout.count("#") == 1 and len(again.stdout) == 18


def all_commands() -> list[str]:
    assert isinstance(main, click.Group)
    return sorted(main.commands)


@pytest.mark.parametrize("command", all_commands())
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"aoc23 {command}" in (ROOT / "README.md").read_text()


def test_help_documents_exit_codes() -> None:
    assert "Exit status" in invoke("solve", "--help").stdout


@pytest.mark.zig
def test_verify_shows_ten_matching_rounds() -> None:
    result = invoke("verify", BLOG, "--strategy", "naive", "--rounds", "10")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("✓") == 11 and "✗" not in result.stdout
    assert "373856" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("match: 10 rounds")


@pytest.mark.zig
@pytest.mark.zig
def test_verify_part_2_with_the_what_ifs() -> None:
    args = ("--part", "2", "--parse", "grow", "--free-input", "--read", "exact")
    result = invoke("verify", EXAMPLE, "--strategy", "double", *args)
    assert result.exit_code == 0, result.output
    assert "20 rounds" in result.stdout and "allocator calls" in result.stdout


def test_verify_without_an_input_uses_the_bundled_one() -> None:
    result = invoke("verify", "--rounds", "2", "--strategy", "tempalloc")
    assert result.exit_code == 0 and "41864" in result.stdout


@pytest.mark.zig
def test_verify_fails_when_the_simulation_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    from aoc23.zigstd import heap

    def reclaim_anything(self: heap.FixedBufferAllocator, buf: object, log2: int) -> None:
        self.end_index = min(self.end_index, buf.offset)  # type: ignore[attr-defined]

    monkeypatch.setattr(heap.FixedBufferAllocator, "free", reclaim_anything)
    result = invoke("verify", BLOG, "--rounds", "3")
    assert result.exit_code == 1 and "✗" in result.stdout
    assert any(line.startswith("MISMATCH: ") for line in result.stdout.splitlines())


def test_verify_without_the_compiler_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aoc23 import reference

    def missing(**options: object) -> None:
        raise reference.ZigUnavailable("needs the real Zig compiler 0.11.0 (not installed)")

    monkeypatch.setattr(reference, "build", missing)
    result = invoke("verify", BLOG)
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr.startswith("error: needs the real Zig compiler")


def test_verify_with_a_missing_input_is_exit_3(tmp_path: Path) -> None:
    result = invoke("verify", str(tmp_path / "nope.txt"))
    assert result.exit_code == 3 and "no such file" in result.stderr


def test_freeing_the_input_prints_the_same_lines() -> None:
    plain = invoke("solve", BLOG, "--rounds", "3")
    freed = invoke("solve", BLOG, "--rounds", "3", "--free-input")
    assert freed.exit_code == 0 and freed.stdout == plain.stdout


def test_growing_the_parse_starts_higher() -> None:
    result = invoke("solve", BLOG, "--rounds", "1", "--parse", "grow")
    assert result.stdout.splitlines() == ["Round 0 memuse: 78872"]


@pytest.mark.parametrize(("read", "where"), [("readfile", "the input"), ("exact", "grid.cells")])
def test_an_exact_read_needs_no_room_to_grow(read: str, where: str) -> None:
    result = invoke("solve", BLOG, "--buffer-size", "7000", "--read", read)
    assert result.exit_code == 1
    assert f"allocating {where}" in result.stderr


def start(*args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "aoc23", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ...]:
    """A solve that runs for seconds and prints more than a pipe holds (6034 rounds of a
    280x280 grid): the bundled input's part 2 is over before a signal or a reader's
    going away could reach it."""
    big = tmp_path_factory.mktemp("long") / "big.txt"
    big.write_bytes(generate(280, 280, 0.5, 23))
    return ("solve", str(big), "--part", "2", "--strategy", "double")


@pytest.mark.parametrize(
    "args",
    [
        ("long run",),
        ("trace", "--rounds", "60", "--no-compare"),
        ("trace", "--rounds", "60", "--format", "json", "--no-compare"),
    ],
)
def test_a_reader_that_goes_away_ends_it_quietly(
    args: tuple[str, ...], long_run: tuple[str, ...]
) -> None:
    process = start(*(long_run if args == ("long run",) else args))
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert first and process.stderr.read() == b""


def test_ctrl_c_ends_with_130_and_keeps_the_lines_printed(long_run: tuple[str, ...]) -> None:
    process = start(*long_run)
    assert process.stdout is not None and process.stderr is not None
    lines = [process.stdout.readline() for _ in range(3)]
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=60)
    assert process.returncode == 130
    assert lines[0].startswith(b"Round 0 memuse: ")
    printed = (b"".join(lines) + rest).splitlines()
    assert all(line.startswith((b"Round ", b"part1: ")) for line in printed)
    assert b"Traceback" not in errors


def run_with_terminal_stderr(
    *args: str, seconds: float, env: dict[str, str] | None = None
) -> tuple[bytes, bytes, int]:
    """Run aoc23 with stderr on a pseudo-terminal and stdout on a pipe; Ctrl-C after a while."""
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "aoc23", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=terminal, env=env)
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.1)
        if ready:
            try:
                seen += os.read(controller, 4096)
            except OSError:
                break
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    os.close(controller)
    return out, seen, process.returncode


def test_a_long_run_shows_progress_on_a_terminal_stderr_only(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(generate(280, 280, 0.5, 23))
    text = big.read_bytes()
    table = block_size(capacity_for_size(text.count(b"#")))
    memuse = len(text) + (-len(text) % 8) + table
    out, terminal, code = run_with_terminal_stderr(
        "solve", str(big), "--part", "2", "--strategy", "double", seconds=2.5
    )
    assert code == 130
    assert b"rounds (until no elf moves); memuse " in terminal
    assert out.startswith(f"Round 0 memuse: {memuse}\n".encode()) and b"\x1b" not in out
    assert all(line.startswith((b"Round ", b"part1: ")) for line in out.splitlines())


def test_a_short_run_shows_no_progress() -> None:
    out, terminal, code = run_with_terminal_stderr("solve", BLOG, seconds=1.5)
    assert code == 0 and terminal == b"" and out.endswith(b"part1: 3764\n")


LOADED_AFTER = """
import sys
from aoc23.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    heavy = ("rich", "aoc23.analysis", "aoc23.events", "importlib.resources", "random", "pathlib")
    print("loaded:", *sorted(name for name in heavy if name in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [("--help",), ("solve", EXAMPLE, "--rounds", "3"), ("solve", EXAMPLE, "--part", "2")],
)
def test_help_and_solve_start_without_what_they_do_not_draw(args: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER, *args], capture_output=True, check=True
    )
    assert done.stderr.decode().splitlines()[-1] == "loaded:"


@pytest.mark.parametrize("pure_python", ["", "1"])
def test_version_says_which_rules_and_fill_run(pure_python: str) -> None:
    environment = {**os.environ, "AOC23_PURE_PYTHON": pure_python}
    done = subprocess.run(
        [sys.executable, "-m", "aoc23", "--version"], env=environment, capture_output=True
    )

    def kind(module: str) -> str:
        compiled = importlib.util.find_spec(module) is not None
        return "compiled" if compiled and not pure_python else "Python"

    rules, fill = kind("aoc23._bitboard"), kind("aoc23.zigstd._fill")
    expected = f"aoc23, version {version('aoc23')} (rules: {rules}, hash map fill: {fill})\n"
    assert done.stdout.decode() == expected


def test_trace_loads_its_analysis() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER, "trace", EXAMPLE, "--rounds", "2"],
        capture_output=True,
        check=True,
    )
    assert done.stderr.decode().splitlines()[-1].split()[1:3] == ["aoc23.analysis", "aoc23.events"]


def test_a_long_trace_shows_progress_on_a_terminal_stderr_only(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(generate(280, 280, 0.5, 23))
    out, terminal, code = run_with_terminal_stderr(
        "trace", str(big), "--part", "2", "--strategy", "double", "--no-compare", seconds=2.5
    )
    assert code == 130
    assert b"rounds (until no elf moves); memuse " in terminal
    assert out == b""


def test_a_piped_trace_shows_no_progress(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(generate(140, 140, 0.5, 23))
    command = [sys.executable, "-m", "aoc23", "trace", str(big), "--rounds", "400", "--strategy"]
    command.append("double")
    done = subprocess.run(command, capture_output=True, timeout=120)
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout.startswith(b"aoc23 trace: double")


@pytest.mark.zig
def test_verify_says_it_is_building_the_reference_on_a_terminal(tmp_path: Path) -> None:
    empty_cache = {**os.environ, "AOC23_CACHE": str(tmp_path / "cache")}
    out, terminal, code = run_with_terminal_stderr(
        "verify", str(ROOT / "inputs" / "example.txt"), seconds=3, env=empty_cache
    )
    assert code == 130 and out == b""
    assert b"building the Zig 0.11.0 reference (once; cached after)" in terminal


@pytest.mark.zig
def test_a_long_verify_shows_its_rounds_on_a_terminal(tmp_path: Path) -> None:
    from aoc23 import reference

    reference.build()
    big = tmp_path / "big.txt"
    big.write_bytes(generate(280, 280, 0.5, 23))
    out, terminal, code = run_with_terminal_stderr(
        "verify", str(big), "--part", "2", "--strategy", "double", seconds=4
    )
    assert code == 130 and out == b""
    assert b"rounds (until no elf moves); memuse " in terminal


EXAMPLE_INPUT = str(ROOT / "inputs" / "example.txt")


@pytest.mark.parametrize(
    ("zig", "code", "said"),
    [
        ("0.17", 0, ""),
        ("0.16.0", 0, ""),
        ("0.14", 1, "allocating the input (readFileAlloc): 5072 bytes (align 1) did not fit"),
        ("0.11", 1, "allocating the input (readFileAlloc): 4128 bytes (align 1) did not fit"),
    ],
)
def test_a_release_reads_the_input_as_it_does(zig: str, code: int, said: str) -> None:
    """368 bytes hold example.txt's read and first table on 0.16+ (212 + 312 = 368), not
    before: 0.11-0.13 grow the read's list to 4128 first, 0.14-0.15 to 5072."""
    result = invoke("solve", EXAMPLE_INPUT, "--zig", zig, "--buffer-size", "368", "--rounds", "0")
    assert result.exit_code == code and said in result.stderr
    below = invoke("solve", EXAMPLE_INPUT, "--zig", zig, "--buffer-size", "367", "--rounds", "0")
    assert below.exit_code == 1


def test_an_unknown_release_is_a_usage_error() -> None:
    result = invoke("solve", BLOG, "--zig", "0.9")
    assert result.exit_code == 2 and "aoc23 simulates Zig 0.11.0, 0.12.1" in result.stderr


def test_releases_lists_every_release_with_what_it_changes() -> None:
    lines = invoke("releases").stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "0.11.0",
        "0.12.1",
        "0.13.0",
        "0.14.1",
        "0.15.2",
        "0.16.0",
        "0.17.1",
    ]
    assert "7583" in lines[3] and "212" in lines[6]


def test_verify_of_a_release_whose_compiler_is_missing_names_its_install() -> None:
    result = invoke("verify", EXAMPLE_INPUT, "--zig", "0.17", "--rounds", "1")
    assert result.exit_code == 3
    assert result.stderr == (
        "error: needs the real Zig compiler 0.17.1 (found 0.11.0): pip install 'ziglang==0.17.1'\n"
    )
