"""Deterministic puzzle-shaped inputs: real Advent of Code inputs may not be redistributed."""

from __future__ import annotations

import random


def generate(width: int, height: int, density: float, seed: int) -> bytes:
    """A ``height`` x ``width`` grid of ``#`` (with probability ``density``) and ``.``.

    The same arguments always give the same bytes (Python's seeded Mersenne Twister is
    stable across versions). At least one elf is placed, so the result is a valid input.
    """
    rng = random.Random(seed)
    elf, ground = ord("#"), ord(".")
    rows = [
        bytearray(elf if rng.random() < density else ground for _ in range(width))
        for _ in range(height)
    ]
    if not any(elf in row for row in rows):
        rows[rng.randrange(height)][rng.randrange(width)] = elf
    return b"".join(bytes(row) + b"\n" for row in rows)
