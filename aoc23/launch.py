"""How ``aoc23`` starts. ``aoc23 solve`` with plain arguments runs at once, without loading
click and the other commands (about a third of its start-up); anything else, including
every argument click would refuse or explain, goes to :mod:`aoc23.cli`, which says it in
its own words.
"""

from __future__ import annotations

import sys

from aoc23.process import run_program
from aoc23.simulation import PART1_ROUNDS
from aoc23.solving import MAX_BUFFER, MAX_ROUNDS, size_of, solve
from aoc23.strategies import DEFAULT_BUFFER_SIZE, DEFAULT_TEMP_SIZE, STRATEGIES, Settings
from aoc23.zigstd.release import DEFAULT as DEFAULT_RELEASE
from aoc23.zigstd.release import UnknownRelease, release

SolveRequest = tuple[str, str, Settings, int | None]
"""INPUT, the strategy, the settings and the rounds (None: until no elf moves)."""

TAKES_VALUE = (
    "--strategy",
    "--buffer-size",
    "--temp-size",
    "--read",
    "--parse",
    "--zig",
    "--part",
    "--rounds",
)


def entry() -> None:
    """The ``aoc23`` program."""
    request = plain_solve(sys.argv[1:])
    if request is None:
        from aoc23.cli import entry as parsed_by_click

        parsed_by_click()
    else:
        run_program(lambda: solved(*request))


def solved(input_file: str, strategy: str, settings: Settings, rounds: int | None) -> int:
    solve(input_file, strategy, settings, rounds)
    return 0


def plain_solve(args: list[str]) -> SolveRequest | None:
    """What ``aoc23 ARGS`` asks ``solve`` to do, when ARGS are ``solve``, one INPUT and
    options of ``solve`` spelt ``--name value`` or ``--name=value``, each value one that
    click takes as it is; otherwise None."""
    if not args or args[0] != "solve":
        return None
    given: dict[str, str] = {}
    free_input = False
    inputs = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--free-input":
            free_input = True
        elif arg.startswith("--"):
            name, equals, value = arg.partition("=")
            if name not in TAKES_VALUE:
                return None
            if not equals:
                following = next(rest, None)
                if following is None:
                    return None
                value = following
            given[name] = value
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            inputs.append(arg)
    if len(inputs) != 1 or ("--rounds" in given and "--part" in given):
        return None
    return _request(inputs[0], given, free_input)


def _request(input_file: str, given: dict[str, str], free_input: bool) -> SolveRequest | None:
    strategy = given.get("--strategy", "naive")
    buffer_size = _size(given.get("--buffer-size"), DEFAULT_BUFFER_SIZE)
    temp_size = _size(given.get("--temp-size"), DEFAULT_TEMP_SIZE)
    read = given.get("--read", "readfile")
    parse = given.get("--parse", "reserve")
    part = given.get("--part")
    rounds = given.get("--rounds")
    if (
        strategy not in STRATEGIES
        or buffer_size is None
        or temp_size is None
        or read not in ("readfile", "exact")
        or parse not in ("reserve", "grow")
        or part not in (None, "1", "2")
        or (rounds is not None and not _is_count(rounds))
    ):
        return None
    try:
        zig = release(given.get("--zig", DEFAULT_RELEASE.version))
    except UnknownRelease:
        return None
    settings = Settings(
        buffer_size=buffer_size,
        temp_size=temp_size,
        read="exact" if read == "exact" else "readfile",
        parse="grow" if parse == "grow" else "reserve",
        free_input=free_input,
        zig=zig,
    )
    length = None if part == "2" else (PART1_ROUNDS if rounds is None else int(rounds))
    return input_file, strategy, settings, length


def _size(text: str | None, default: int) -> int | None:
    if text is None:
        return default
    size = size_of(text)
    return size if size is not None and size <= MAX_BUFFER else None


def _is_count(text: str) -> bool:
    """Plain digits, at most :data:`MAX_ROUNDS` (click's own reading of a number is wider)."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_ROUNDS
