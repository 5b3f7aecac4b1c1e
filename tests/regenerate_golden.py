"""Rewrite every golden file from the current code (``make golden``)."""

from __future__ import annotations

from click.testing import CliRunner
from golden_cases import CASES, ENV, GOLDEN

from aoc23.cli import main


def render(args: list[str]) -> str:
    return CliRunner().invoke(main, args, env=ENV).stdout


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for name, args in CASES.items():
        (GOLDEN / name).write_text(render(args))
        print(f"wrote tests/golden/{name}")
