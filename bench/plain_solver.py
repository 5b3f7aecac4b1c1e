"""A plain set-based day 23 solver, written independently of aoc23: the yardstick for its answers
(tests) and for its speed (benchmarks). Usage: python bench/plain_solver.py INPUT"""

from __future__ import annotations

import sys
from collections import Counter

CHECKS = [
    ((0, -1), [(-1, -1), (0, -1), (1, -1)]),
    ((0, 1), [(-1, 1), (0, 1), (1, 1)]),
    ((-1, 0), [(-1, -1), (-1, 0), (-1, 1)]),
    ((1, 0), [(1, -1), (1, 0), (1, 1)]),
]
AROUND = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy]


def play_round(elves: set[tuple[int, int]], first: int) -> tuple[set[tuple[int, int]], bool]:
    wanted: dict[tuple[int, int], tuple[int, int]] = {}
    for x, y in elves:
        if not any((x + dx, y + dy) in elves for dx, dy in AROUND):
            continue
        for k in range(4):
            (mx, my), looks = CHECKS[(first + k) % 4]
            if not any((x + dx, y + dy) in elves for dx, dy in looks):
                wanted[(x, y)] = (x + mx, y + my)
                break
    popular = Counter(wanted.values())
    moves = {elf: to for elf, to in wanted.items() if popular[to] == 1}
    return {moves.get(elf, elf) for elf in elves}, bool(moves)


def solve(text: str) -> tuple[int, int]:
    elves = {
        (x, y) for y, line in enumerate(text.splitlines()) for x, c in enumerate(line) if c == "#"
    }
    part1 = -1
    rounds = 0
    while True:
        elves, moved = play_round(elves, rounds % 4)
        rounds += 1
        if rounds == 10:
            xs = [x for x, _ in elves]
            ys = [y for _, y in elves]
            part1 = (max(xs) - min(xs) + 1) * (max(ys) - min(ys) + 1) - len(elves)
        if not moved:
            return part1, rounds


if __name__ == "__main__":
    with open(sys.argv[1]) as handle:
        first, second = solve(handle.read())
    print(f"part1: {first}\npart2: {second}")
