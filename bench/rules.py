"""The rules alone: Board.step per round, with each engine, on the blog input and on
generated inputs from 35x35 to 280x280.

Each engine plays the same rounds from the same start (growing the window as the
strategies do); only the calls of ``Board.step`` are timed, and each round's fastest of
--runs runs is kept (the least disturbed by whatever else the machine runs). Part 2 of the
blog input is played whole (until no elf moves); a generated input for --rounds rounds.
Both engines' codes are compared round by round on the way.
usage: python bench/rules.py [--runs N] [--rounds N]
"""

from __future__ import annotations

import argparse
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

from aoc23 import bitboard, puzzle
from aoc23.bitboard import Board, Engine
from aoc23.generate import generate

ROOT = Path(__file__).resolve().parent.parent
BLOG = ROOT / "inputs" / "blog-70x70.txt"
SIZES = (35, 70, 140, 280)


def engines() -> Iterator[tuple[str, Engine]]:
    yield "Python", bitboard.BigIntGrid
    compiled = bitboard._compiled_rules()
    if compiled is not None:
        yield "compiled", compiled


def play(text: bytes, engine: Engine, rounds: int | None) -> tuple[list[float], list[int]]:
    """The seconds each round spent in Board.step, and a checksum of each round's codes
    (keeping the codes themselves would make every round's come from fresh memory)."""
    board = Board.around(puzzle.parse(text), engine)
    spent: list[float] = []
    played: list[int] = []
    while rounds is None or len(played) < rounds:
        if board.needs_room():
            board = board.grown()
        started = time.perf_counter()
        moves = board.step(len(played))
        spent.append(time.perf_counter() - started)
        played.append(zlib.crc32(moves.codes))
        if not moves.moved:
            break
    return spent, played


def measure(name: str, text: bytes, rounds: int | None, runs: int) -> None:
    elves = len(puzzle.parse(text))
    seen: list[int] | None = None
    for kind, engine in engines():
        spent, codes = play(text, engine, rounds)
        for _ in range(runs - 1):
            spent = [min(pair) for pair in zip(spent, play(text, engine, rounds)[0], strict=True)]
        if seen is not None and codes != seen:
            raise SystemExit(f"{name}: the engines disagree")
        seen = codes
        per_round = sum(spent) / len(spent)
        print(
            f"{name:>8} {kind:>8}: {len(spent):5} rounds, {elves:6} elves, "
            f"{per_round * 1e6:8.1f} us a round, {per_round / elves * 1e9:6.2f} ns per elf"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    measure("blog", BLOG.read_bytes(), None, args.runs)
    for size in SIZES:
        measure(f"{size}x{size}", generate(size, size, 0.5, 23), args.rounds, args.runs)


if __name__ == "__main__":
    main()
