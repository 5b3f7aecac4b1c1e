"""Rewrite every golden file from the current code (``make golden``)."""

from __future__ import annotations

from click.testing import CliRunner
from golden_cases import CASES, ENV, GOLDEN, env_of

from aoc23.cli import main

FIGURE = GOLDEN / "trace-naive.svg"
"""The README's picture: the figure ``trace --svg`` draws for the blog's ten rounds."""


def render(name: str, args: list[str]) -> str:
    return CliRunner().invoke(main, args, env=env_of(name)).stdout


def figure() -> None:
    args = ["trace", "--rounds", "10", "--svg", str(FIGURE)]
    CliRunner().invoke(main, args, env=ENV)


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for name, args in CASES.items():
        (GOLDEN / name).write_text(render(name, args))
        print(f"wrote tests/golden/{name}")
    figure()
    print(f"wrote tests/golden/{FIGURE.name}")
