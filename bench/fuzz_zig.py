"""Random cases against the real Zig reference; prints how many did not match.

Usage: python bench/fuzz_zig.py N [SEED]   (make fuzz-zig N=500)
Each case: a generated input (1x1 to 80x80, density 0.05 to 0.9), a random strategy, and a
buffer size drawn around what the run needs (so many cases end in OutOfMemory on purpose).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from aoc23 import fidelity, reference
from aoc23.generate import generate
from aoc23.strategies import STRATEGIES


def random_case(rng: random.Random, folder: Path, number: int) -> fidelity.Case:
    width, height = rng.randint(1, 80), rng.randint(1, 80)
    text = generate(width, height, rng.uniform(0.05, 0.9), rng.randrange(1 << 30))
    path = folder / f"case-{number}.txt"
    path.write_bytes(text)
    rough_need = len(text) * 2 + 4200 + 40 * text.count(b"#") * rng.randint(1, 12)
    buffer_size = max(0, int(rough_need * rng.uniform(0.3, 1.5)))
    rounds = rng.choice([None, 1, 5, 10, 15]) if width * height <= 900 else rng.choice([1, 5, 10])
    temp_size = max(0, int(40 * text.count(b"#") * rng.uniform(0.5, 2.0)))
    strategy = rng.choice(list(STRATEGIES))
    offset = rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
    return fidelity.Case(path, strategy, buffer_size, rounds, temp_size, offset)


def main(count: int, seed: int) -> int:
    rng = random.Random(seed)
    binary = reference.build()
    mismatches = out_of_memory = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        for number in range(count):
            case = random_case(rng, Path(scratch), number)
            comparison = fidelity.compare(case, binary)
            out_of_memory += comparison.zig_exit == 1
            problems = comparison.mismatches()
            if problems:
                mismatches += 1
                print(f"case {number}: {case}: {problems}", file=sys.stderr)
    elapsed = time.monotonic() - started
    print(
        f"{count} random cases (seed {seed}; {out_of_memory} ended in OutOfMemory): "
        f"{mismatches} mismatches, {elapsed:.1f} s"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1))
