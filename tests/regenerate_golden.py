"""Rewrite every golden file from the current code (``make golden``)."""

from __future__ import annotations

from click.testing import CliRunner
from golden_cases import CASES, ENV, GOLDEN

from aoc23.cli import main

SCREENSHOT = GOLDEN / "trace-naive.svg"
"""The README's picture: the colour view, saved with --svg (not compared byte for byte, as
its markup depends on the rich version)."""


def render(args: list[str]) -> str:
    return CliRunner().invoke(main, args, env=ENV).stdout


def screenshot() -> None:
    args = ["trace", "--rounds", "10", "--svg", str(SCREENSHOT)]
    CliRunner().invoke(main, args, env={"COLUMNS": "80"}, color=True)


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for name, args in CASES.items():
        (GOLDEN / name).write_text(render(args))
        print(f"wrote tests/golden/{name}")
    screenshot()
    print(f"wrote tests/golden/{SCREENSHOT.name}")
