"""The same input and options give the same bytes, whatever Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

INPUTS = Path(__file__).resolve().parent.parent / "inputs"
BLOG, EXAMPLE = str(INPUTS / "blog-70x70.txt"), str(INPUTS / "example.txt")
COMMANDS = [
    ["solve", BLOG, "--rounds", "12"],
    ["solve", BLOG, "--part", "2", "--buffer-size", "1MiB"],
    ["solve", EXAMPLE, "--part", "2", "--strategy", "double"],
    ["trace", "--rounds", "3", "--format", "json"],
    ["trace", "--rounds", "3", "--parse", "grow", "--free-input"],
]


def output(args: list[str], seed: str) -> bytes:
    environment = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "80"}
    command = [sys.executable, "-m", "aoc23", *args]
    return subprocess.run(command, capture_output=True, env=environment, check=False).stdout


@pytest.mark.parametrize(
    "args", COMMANDS, ids=[" ".join(c[:2]) + str(i) for i, c in enumerate(COMMANDS)]
)
def test_output_does_not_depend_on_the_hash_seed(args: list[str]) -> None:
    first = output(args, "0")
    assert first
    assert output(args, "1") == first
    assert output(args, "random") == first
