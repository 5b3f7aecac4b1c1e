"""Whatever bytes arrive as INPUT, the outcome is a run (0), OutOfMemory (1) or one line of
error (3): never a traceback. And the file's exact bytes are what lands in the buffer."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from aoc23.cli import main
from aoc23.generate import generate


def solve(path: Path | str, *args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["solve", str(path), "--rounds", "2", *args], input=stdin)


def assert_clean(result: Result) -> None:
    """Exit 0, 1 or 3; an error is exactly one line on stderr; no exception escaped."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 3), result.output
    if result.exit_code == 3:
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith("error: ")
    if result.exit_code == 1:
        assert result.stderr.startswith("error: OutOfMemory\n")


def table_bytes(elves: int) -> int:
    slots = 8
    while elves * 100 > slots * 80:
        slots *= 2
    return 24 + 9 * slots


@given(content=st.binary(max_size=600))
def test_any_bytes_end_cleanly(tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    path = tmp_path_factory.mktemp("any") / "input.txt"
    path.write_bytes(content)
    assert_clean(solve(path))


rows = st.lists(st.text(alphabet="#.", min_size=1, max_size=30), min_size=1, max_size=20)


@given(rows=rows, ending=st.sampled_from(["\n", "\r\n"]), final=st.booleans())
def test_every_grid_runs_and_its_bytes_are_what_is_read(
    tmp_path_factory: pytest.TempPathFactory, rows: list[str], ending: str, final: bool
) -> None:
    text = ending.join(rows) + (ending if final else "")
    path = tmp_path_factory.mktemp("grid") / "input.txt"
    path.write_bytes(text.encode())
    result = solve(path)
    elves = text.count("#")
    if elves == 0:
        assert result.exit_code == 3 and "no elves" in result.stderr
        return
    assert result.exit_code == 0, result.output
    size = len(text.encode())
    first = result.stdout.splitlines()[0]
    assert first == f"Round 0 memuse: {size + -size % 8 + table_bytes(elves)}"


@given(text=st.text(max_size=200))
def test_any_unicode_text_ends_cleanly(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("text") / "input.txt"
    path.write_text(text, encoding="utf-8")
    assert_clean(solve(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"#.\x00\n", "input.txt:1:3: unexpected byte 0x00"),
        (b"#\n\xff\xfe\n", "input.txt:2:1: unexpected byte 0xff"),
        ("#é\n".encode(), "input.txt:1:2: unexpected byte 0xc3"),
        (b"#" * 100_000 + b"x", "input.txt:1:100001: unexpected character 'x'"),
        (b"", "no elves"),
        (b"...\r\n...", "no elves"),
    ],
)
def test_bad_bytes_are_named_with_their_place(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = solve(path)
    assert_clean(result)
    assert result.exit_code == 3 and message in result.stderr


def test_a_huge_line_of_elves_runs_out_of_memory_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(b"#" * 1_000_000)
    result = solve(path)
    assert_clean(result)
    assert result.exit_code == 1 and "allocating grid.cells" in result.stderr


def test_a_2000_by_2000_input_runs_out_of_memory_while_building_the_grid(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(generate(2000, 2000, 0.5, 1))
    result = solve(path)
    assert result.exit_code == 1
    assert "while loading, allocating grid.cells" in result.stderr


def test_a_file_without_a_final_newline_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(b"##\n.#")
    assert solve(path).stdout.splitlines()[0] == f"Round 0 memuse: {5 + 3 + table_bytes(3)}"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: tmp / "missing.txt", "no such file"),
        (lambda tmp: Path("/proc/self/mem"), "cannot read"),
    ],
    ids=["directory", "missing", "unreadable"],
)
def test_unusable_paths_are_one_line_and_exit_3(tmp_path: Path, make: object, message: str) -> None:
    result = solve(make(tmp_path))  # type: ignore[operator]
    assert_clean(result)
    assert result.exit_code == 3 and message in result.stderr


def test_standard_input_is_read_with_a_dash() -> None:
    result = solve("-", stdin=b"#.#\n.#.\n")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"Round 0 memuse: {8 + table_bytes(3)}"
