"""Day 23 rules and parsing, checked against the puzzle's example and an independent solver."""

import importlib.util
from pathlib import Path

import pytest

from aoc23 import puzzle
from aoc23.errors import PuzzleInputError
from aoc23.generate import generate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "inputs" / "example.txt").read_bytes()


def load_plain_solver():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "plain_solver", ROOT / "bench" / "plain_solver.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def solve(text: bytes) -> tuple[int, int]:
    elves = puzzle.parse(text)
    part1, rounds, moved = -1, 0, True
    while moved:
        elves, moved = puzzle.step(elves, rounds)
        rounds += 1
        if rounds == 10:
            part1 = puzzle.empty_ground(elves)
    return part1, rounds


def test_the_puzzle_example() -> None:
    assert solve(EXAMPLE) == (110, 20)


def test_the_small_example_of_the_puzzle_text() -> None:
    elves = puzzle.parse(b".....\n..##.\n..#..\n.....\n..##.\n.....\n")
    for round_index in range(3):
        elves, _ = puzzle.step(elves, round_index)
    assert sorted(elves) == sorted([(2, 0), (4, 1), (0, 2), (4, 3), (2, 5)])


@pytest.mark.parametrize("seed", range(50))
def test_answers_agree_with_an_independent_solver(seed: int) -> None:
    plain = load_plain_solver()
    width, height = 3 + seed % 17, 2 + (seed * 7) % 19
    text = generate(width, height, 0.1 + (seed % 9) / 10, seed)
    assert solve(text) == plain.solve(text.decode())


def test_step_keeps_the_order_and_count_of_elves() -> None:
    elves = puzzle.parse(EXAMPLE)
    after, moved = puzzle.step(elves, 0)
    assert moved and len(after) == len(elves) == len(set(after))


def test_a_lone_elf_never_moves() -> None:
    assert puzzle.step([(5, 5)], 0) == ([(5, 5)], False)


def test_contested_targets_cancel_both_moves() -> None:
    # (0, 0) is blocked to the north, so it wants south; (0, 2), not alone thanks to
    # (1, 3), wants north: the same tile, so neither moves
    elves = [(0, -1), (0, 0), (0, 2), (1, 3)]
    assert puzzle.proposal((0, 0), set(elves), 0) == (0, 1)
    assert puzzle.proposal((0, 2), set(elves), 0) == (0, 1)
    assert puzzle.step(elves, 0) == ([(0, -2), (0, 0), (0, 2), (1, 4)], True)


def test_parse_reads_crlf_and_unequal_lines() -> None:
    assert puzzle.parse(b"#.\r\n.##\r\n#") == [(0, 0), (1, 1), (2, 1), (0, 2)]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [(b"..#\n.x.\n", 2, 2), (b"#\r.\n", 1, 2), (b"#\n\t#\n", 2, 1), (b"\xff", 1, 1)],
)
def test_parse_errors_name_line_and_column(text: bytes, line: int, column: int) -> None:
    with pytest.raises(PuzzleInputError) as caught:
        puzzle.parse(text)
    assert (caught.value.line, caught.value.column) == (line, column)


@pytest.mark.parametrize("text", [b"", b"...\n...\n", b"\n\n"])
def test_an_input_without_elves_is_an_error(text: bytes) -> None:
    with pytest.raises(PuzzleInputError, match="no elves"):
        puzzle.parse(text)


def test_empty_ground_counts_the_bounding_rectangle() -> None:
    assert puzzle.empty_ground([(0, 0), (3, 2)]) == 12 - 2
