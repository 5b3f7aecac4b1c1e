"""The trace views kept as golden files, rendered 80 columns wide without colour.

Regenerate after an intended change with ``make golden`` and read the diff.
"""

from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
WIDTHS = {"trace-narrow-50.txt": "50"}
"""Cases drawn at another terminal width than 80 columns."""


def env_of(name: str) -> dict[str, str]:
    return {**ENV, "COLUMNS": WIDTHS.get(name, ENV["COLUMNS"])}


CASES: dict[str, list[str]] = {
    "trace-naive.txt": ["trace", "--rounds", "10"],
    "trace-tempalloc.txt": ["trace", "--strategy", "tempalloc", "--rounds", "10"],
    "trace-double.txt": ["trace", "--strategy", "double", "--rounds", "4"],
    "trace-page.txt": ["trace", "--strategy", "page", "--rounds", "4"],
    "trace-out-of-memory.txt": ["trace", "--buffer-size", "200000"],
    "trace-free-input.txt": ["trace", "--free-input", "--rounds", "3"],
    "trace-parse-grow.txt": ["trace", "--parse", "grow", "--rounds", "3"],
    "trace-read-exact.txt": ["trace", "--read", "exact", "--rounds", "3"],
    "trace-long.txt": ["trace", "--rounds", "40", "--no-compare"],
    "trace-part2.txt": ["trace", "--part", "2"],
    "trace-part2-double.txt": ["trace", "--part", "2", "--strategy", "double", "--no-compare"],
    "trace-narrow-50.txt": ["trace", "--rounds", "4", "--no-compare"],
    "trace-arena.txt": ["trace", "--strategy", "arena", "--rounds", "6", "--no-compare"],
    "trace-arena-pages.txt": [
        "trace",
        "--strategy",
        "arena-pages",
        "--rounds",
        "6",
        "--no-compare",
    ],
    "trace-arenas.txt": ["trace", "--strategy", "arenas", "--rounds", "6", "--no-compare"],
    "trace-arena-0.17.txt": [
        "trace",
        "--strategy",
        "arena",
        "--zig",
        "0.17",
        "--rounds",
        "4",
        "--no-compare",
    ],
    "trace.csv": ["trace", "--format", "csv"],
    "trace.jsonl": ["trace", "--format", "json", "--rounds", "2"],
}
