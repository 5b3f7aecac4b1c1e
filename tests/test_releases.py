"""aoc23 --zig X against release X's own compiler: the reference program of X's API epoch,
built with that ``ziglang``, on every strategy and both bundled inputs, the what-ifs, and
the smallest buffers that read the input and hold the first table, compared line for line,
call for call and byte for byte (as ``aoc23 verify --zig X`` does).

Each release's compiler lives in its own environment, ``.venv/zig/X`` (``make test``
installs those of AOC23_ZIG_RELEASES, by default the releases whose rules differ from
0.11.0's: 0.14.1 and 0.17.1; ``make prove-all`` every release). Without one, its tests are
skipped with the reason, unless AOC23_REQUIRE_RELEASES=1 (set by CI) makes that a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aoc23 import analysis, fidelity, reference
from aoc23.strategies import INPUT_SITES, STRATEGIES, Settings
from aoc23.zigstd.release import RELEASES, release

pytestmark = pytest.mark.zig

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
BLOG, EXAMPLE = INPUTS / "blog-70x70.txt", INPUTS / "example.txt"
TOOLCHAINS = ROOT / ".venv" / "zig"
UNDER_TEST = os.environ.get("AOC23_ZIG_RELEASES", "0.14.1 0.17.1").split()
WHAT_IFS: list[dict[str, object]] = [
    {"read": "exact"},
    {"parse": "grow"},
    {"free_input": True},
]


@pytest.fixture(scope="module", params=UNDER_TEST)
def built(request: pytest.FixtureRequest) -> tuple[str, Path]:
    """(release, its reference program built with its own compiler)."""
    version = release(request.param).version
    python = TOOLCHAINS / version / "bin" / "python"
    if not python.exists():
        reason = f"no ziglang {version} in .venv/zig/{version} (make test installs it)"
        if os.environ.get("AOC23_REQUIRE_RELEASES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return version, reference.build(zig=[str(python), "-m", "ziglang"], release=version)


def check(case: fidelity.Case, binary: Path) -> fidelity.Comparison:
    comparison = fidelity.compare(case, binary)
    assert comparison.mismatches() == [], case
    assert comparison.zig_trace, "the reference printed no allocator calls"
    return comparison


def case_of(
    path: Path, strategy: str, zig: str, size: int, rounds: int | None, **what_if: object
) -> fidelity.Case:
    settings = Settings(buffer_size=size, zig=release(zig))._replace(**what_if)  # type: ignore[arg-type]
    return fidelity.Case.of(path, strategy, settings, rounds, trace=True)


@pytest.mark.parametrize("strategy", list(STRATEGIES))
@pytest.mark.parametrize("path", [BLOG, EXAMPLE], ids=["blog", "example"])
def test_every_strategy_matches_its_release(
    built: tuple[str, Path], path: Path, strategy: str
) -> None:
    zig, binary = built
    check(case_of(path, strategy, zig, 1 << 20, 10), binary)


def test_part_2_matches_its_release(built: tuple[str, Path]) -> None:
    zig, binary = built
    comparison = check(case_of(EXAMPLE, "naive", zig, 1 << 20, None), binary)
    assert comparison.ours_lines[-1] == "part2: 20"


@pytest.mark.parametrize("strategy", list(STRATEGIES))
@pytest.mark.parametrize("what_if", WHAT_IFS, ids=lambda w: "-".join(map(str, w)))
def test_the_what_ifs_match_their_release(
    built: tuple[str, Path], what_if: dict[str, object], strategy: str
) -> None:
    zig, binary = built
    check(case_of(BLOG, strategy, zig, 1 << 20, 3, **what_if), binary)


@pytest.mark.parametrize("path", [BLOG, EXAMPLE], ids=["blog", "example"])
def test_the_smallest_buffers_are_this_releases(built: tuple[str, Path], path: Path) -> None:
    """Where the read's peak, the first table's end and rounds 1 and 4 are, for this release:
    one byte less runs out exactly there, in the simulation and in real Zig alike."""
    zig, binary = built
    text = path.read_bytes()
    settings = Settings(zig=release(zig))
    loaded = analysis.trace_run(text, "naive", settings, 0, compare_strategies=False)
    read_peak = loaded.site_peaks[INPUT_SITES["readfile"]]
    first_table = analysis.requirement(text, "naive", settings, 0, False).buffer
    one_round = analysis.requirement(text, "naive", settings, 1, False).buffer
    four_rounds = analysis.requirement(text, "naive", settings, 4, False).buffer
    assert first_table is not None and one_round is not None and four_rounds is not None
    dominated = INPUT_SITES["readfile"]
    for size, rounds, failing_site in (
        (read_peak, 0, "grid.cells" if first_table > read_peak else None),
        (read_peak - 1, 0, INPUT_SITES["readfile"]),
        (first_table, 0, None),
        (one_round, 1, None),
        (one_round - 1, 1, dominated if one_round == read_peak else "new_cells"),
        (four_rounds, 4, None),
        (four_rounds - 1, 4, dominated if four_rounds == read_peak else "new_cells"),
    ):
        comparison = check(case_of(path, "naive", zig, size, rounds), binary)
        site = comparison.zig_oom.site if comparison.zig_oom else None
        assert site == failing_site, (size, rounds)


ARENAS = ["arena", "arena-pages", "arenas"]


@pytest.mark.parametrize("strategy", ARENAS)
@pytest.mark.parametrize("what_if", [{}, {"read": "exact"}], ids=["blog", "read-exact"])
def test_the_arenas_until_no_elf_moves_match_their_release(
    built: tuple[str, Path], what_if: dict[str, object], strategy: str
) -> None:
    """Part 2 of the example: on 0.14-0.15 an arena's node over the pages grows in place."""
    zig, binary = built
    comparison = check(case_of(EXAMPLE, strategy, zig, 1 << 20, None, **what_if), binary)
    assert comparison.ours_lines[-1] == "part2: 20"


@pytest.mark.parametrize("rounds", [0, 1, 4])
def test_the_arenas_smallest_buffer_is_this_releases(built: tuple[str, Path], rounds: int) -> None:
    """The smallest buffer ``arena`` needs, found by bisection in the simulation, runs in
    real Zig, and one byte less runs out there too."""
    zig, binary = built
    settings = Settings(zig=release(zig))
    need = analysis.requirement(BLOG.read_bytes(), "arena", settings, rounds, False).buffer
    assert need is not None
    assert check(case_of(BLOG, "arena", zig, need, rounds), binary).zig_exit == 0
    assert check(case_of(BLOG, "arena", zig, need - 1, rounds), binary).zig_exit == 1


def test_the_releases_under_test_are_known() -> None:
    assert all(release(name).version in RELEASES for name in UNDER_TEST)
