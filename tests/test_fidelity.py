"""aoc23 against the real Zig 0.11.0 compiler: lines, exit status, OutOfMemory, every buffer byte.

The reference program (zig/day23.zig) is built once (ReleaseSafe) and cached between runs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, MutableSequence
from pathlib import Path
from typing import Any

import pytest
from native_parts import working

from aoc23 import analysis, bitboard, fidelity, reference
from aoc23.generate import generate
from aoc23.strategies import STRATEGIES, Settings
from aoc23.zigstd import _keys, arena, hash_map, heap, mem, wyhash
from aoc23.zigstd.array_list import grown_capacity
from aoc23.zigstd.hash_map import block_size, capacity_for_size

pytestmark = pytest.mark.zig

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
BIG = 1 << 20


@pytest.fixture(scope="session")
def binary() -> Path:
    return reference.build()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generated")


def check(case: fidelity.Case, binary: Path) -> fidelity.Comparison:
    comparison = fidelity.compare(case, binary)
    assert comparison.mismatches() == [], case
    assert comparison.zig_exit in (0, 1), comparison
    return comparison


# -- every strategy on the bundled inputs ---------------------------------------------------


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_the_blog_input_for_ten_rounds(strategy: str, binary: Path) -> None:
    result = check(fidelity.Case(INPUTS / "blog-70x70.txt", strategy, BIG // 2, 10), binary)
    assert len(result.checks) >= 10 and result.zig_lines[0].startswith("Round 0 memuse: ")


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_the_example_until_no_elf_moves(strategy: str, binary: Path) -> None:
    result = check(fidelity.Case(INPUTS / "example.txt", strategy, 20_000, None), binary)
    assert result.zig_lines[-1] == "part2: 20"


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_the_python_twins_agree_with_zig_too(strategy: str, binary: Path) -> None:
    """Every other test here runs the compiled parts when they were built; this one their
    Python twins, the reference."""
    with working("python"):
        assert isinstance(bitboard.Board.around([(0, 0)])._grid, bitboard.BigIntGrid)
        check(fidelity.Case(INPUTS / "blog-70x70.txt", strategy, BIG // 2, 10), binary)
        check(fidelity.Case(INPUTS / "example.txt", strategy, 20_000, None), binary)


# -- generated inputs: sizes 1x1 to 120x120, densities 0.05 to 0.9, odd shapes ------------


def generated_shapes() -> Iterator[tuple[int, int, float, int]]:
    yield from [(1, 1, 1.0, 0), (70, 1, 0.5, 1), (1, 60, 0.5, 2), (9, 9, 0.0, 3)]
    yield from [(120, 120, 0.05, 4), (120, 120, 0.9, 5), (2, 2, 0.9, 6), (33, 5, 0.3, 7)]
    rng = random.Random(2022)
    for seed in range(8, 34):
        width, height = rng.randint(1, 60), rng.randint(1, 60)
        yield width, height, round(rng.uniform(0.05, 0.9), 2), seed


SHAPES = list(generated_shapes())


@pytest.mark.parametrize(
    ("width", "height", "density", "seed"), SHAPES, ids=[f"{w}x{h}@{d}" for w, h, d, _ in SHAPES]
)
def test_generated_inputs(
    width: int, height: int, density: float, seed: int, binary: Path, generated: Path
) -> None:
    path = generated / f"grid-{width}x{height}-{seed}.txt"
    path.write_bytes(generate(width, height, density, seed))
    strategy = list(STRATEGIES)[seed % len(STRATEGIES)]
    rounds = None if width * height <= 400 else 12
    check(fidelity.Case(path, strategy, 4 * BIG, rounds, temp_size=BIG), binary)


# -- buffer sizes on either side of every boundary -----------------------------------------


def boundaries(text: bytes) -> dict[str, int]:
    """What each stage needs on its own, from Zig's rules (a small file's read may need more)."""
    size = len(text)
    reading = size + size // 2 + 8 if size >= 4096 else grown_capacity(size, 4096)
    table = block_size(max(capacity_for_size(text.count(b"#")), hash_map.MINIMAL_CAPACITY))
    first_table = mem.align_forward(size, 8) + table
    result = {"reading": reading, "first table": first_table}
    for k in (1, 2, 5, 14):
        result[f"round {k - 1}"] = first_table + k * table
    return result


BOUNDARY_CASES = [
    (name, stage, delta, strategy)
    for name in ("blog-70x70.txt", "example.txt")
    for stage in ("reading", "first table", "round 0", "round 1", "round 4", "round 13")
    for delta in (-1, 0)
    for strategy in ("naive", "tempalloc", "double")
]


@pytest.mark.parametrize(
    ("name", "stage", "delta", "strategy"),
    BOUNDARY_CASES,
    ids=[f"{n}-{s}{d:+d}-{st}" for n, s, d, st in BOUNDARY_CASES],
)
def test_buffer_sizes_around_each_boundary(
    name: str, stage: str, delta: int, strategy: str, binary: Path
) -> None:
    path = INPUTS / name
    needs = boundaries(path.read_bytes())
    limit = max(needs[stage], needs["reading"]) + delta
    result = check(fidelity.Case(path, strategy, limit, 15), binary)
    if strategy == "naive" and stage.startswith("round") and needs[stage] > needs["reading"]:
        failing_round = int(stage.split()[1])
        expected_round = failing_round if delta < 0 else failing_round + 1
        assert (result.zig_oom.round if result.zig_oom else None) == expected_round


@pytest.mark.parametrize("base_offset", [1, 3, 6, 7])
@pytest.mark.parametrize("strategy", ["naive", "double", "arena"])
def test_buffers_at_odd_addresses(base_offset: int, strategy: str, binary: Path) -> None:
    check(
        fidelity.Case(INPUTS / "blog-70x70.txt", strategy, BIG, 4, base_offset=base_offset), binary
    )


@pytest.mark.parametrize("temp_size", [36_887, 36_888, 40_000])
def test_temporary_buffer_sizes(temp_size: int, binary: Path) -> None:
    check(fidelity.Case(INPUTS / "blog-70x70.txt", "tempalloc", BIG, 3, temp_size), binary)


# -- aoc23 trace: every allocator call, the what-ifs, the forecast and the minimum buffers ---

WHAT_IFS: dict[str, dict[str, Any]] = {
    "blog": {},
    "read-exact": {"read": "exact"},
    "parse-grow": {"parse": "grow"},
    "free-input": {"free_input": True},
    "all-three": {"read": "exact", "parse": "grow", "free_input": True},
}


@pytest.mark.parametrize("what_if", list(WHAT_IFS))
@pytest.mark.parametrize("strategy", list(STRATEGIES))
@pytest.mark.parametrize(
    ("name", "buffer_size", "rounds"),
    [("example.txt", BIG, None), ("blog-70x70.txt", 200_000, 10)],
)
def test_every_allocator_call_of_a_trace(
    name: str, buffer_size: int, rounds: int | None, strategy: str, what_if: str, binary: Path
) -> None:
    case = fidelity.Case(
        INPUTS / name, strategy, buffer_size, rounds, trace=True, **WHAT_IFS[what_if]
    )
    result = check(case, binary)
    assert any(line.startswith("trace alloc ") for line in result.zig_trace)


def settings_of(what_if: str, buffer_size: int) -> Settings:
    return Settings(buffer_size=buffer_size)._replace(**WHAT_IFS[what_if])


@pytest.mark.parametrize("what_if", list(WHAT_IFS))
@pytest.mark.parametrize("strategy", ["naive", "tempalloc", "double", "arena"])
@pytest.mark.parametrize("rounds", [0, 3])
def test_the_smallest_buffer_trace_reports_is_the_smallest_real_zig_accepts(
    rounds: int, strategy: str, what_if: str, binary: Path
) -> None:
    path = INPUTS / "blog-70x70.txt"
    settings = settings_of(what_if, 0)
    need = analysis.requirement(path.read_bytes(), strategy, settings, rounds, False).buffer
    assert need is not None
    for size, exit_code in ((need, 0), (need - 1, 1)):
        case = fidelity.Case(path, strategy, size, rounds, **WHAT_IFS[what_if])
        assert check(case, binary).zig_exit == exit_code, size


@pytest.mark.parametrize("what_if", list(WHAT_IFS))
@pytest.mark.parametrize("buffer_size", [8 * BIG, 1_000_000, 333_333])
def test_the_forecast_round_is_where_real_zig_runs_out(
    buffer_size: int, what_if: str, binary: Path
) -> None:
    path = INPUTS / "blog-70x70.txt"
    result = analysis.trace_run(
        path.read_bytes(), "naive", settings_of(what_if, buffer_size), 3, compare_strategies=False
    )
    assert result.forecast is not None and result.forecast.out_of_memory_round is not None
    case = fidelity.Case(path, "naive", buffer_size, 1000, **WHAT_IFS[what_if])
    zig = fidelity.run_reference(case, binary)
    assert zig.oom is not None and zig.oom.round == result.forecast.out_of_memory_round


# -- the suite must notice a broken rule ----------------------------------------------------


def _free_always_reclaims(self: heap.FixedBufferAllocator, buf: mem.Slice, log2: int) -> None:
    self.end_index = min(self.end_index, buf.offset)


def _align_by_index(self: heap.FixedBufferAllocator, n: int, log2_align: int) -> mem.Slice | None:
    start = mem.align_forward(self.end_index, 1 << log2_align)
    if start + n > self.buffer.size:
        return None
    self.end_index = start + n
    return mem.Slice(self.buffer, start, n)


def _never_grows_in_place(self: arena.ArenaAllocator, node: object, length: int) -> bool:
    return False


def _seed_one_hash(x: int, y: int) -> int:
    return wyhash.hash(1, mem_pack(x, y))


def _seed_one_hash_window(hashes: MutableSequence[int], left: int, top: int, width: int) -> None:
    for key in range(1, len(hashes)):
        hashes[key] = _seed_one_hash(left + (key - 1) % width, top + (key - 1) // width)


Patch = tuple[object, str, object]

SABOTAGE: dict[str, list[Patch]] = {
    "free reclaims a non-last block": [(heap.FixedBufferAllocator, "free", _free_always_reclaims)],
    "padding from the index": [(heap.FixedBufferAllocator, "alloc", _align_by_index)],
    "wyhash seed 1": [
        (wyhash, "hash_point", _seed_one_hash),
        (_keys, "hash_window", _seed_one_hash_window),
    ],
    "undefined bytes read 0x00, not 0xAA": [(mem, "UNDEFINED_BYTE", b"\x00")],
    "a new arena node twice what it must hold": [(arena, "node_length", lambda n: 2 * n)],
    "no arena node grown in place": [(arena.ArenaAllocator, "_grow", _never_grows_in_place)],
    "arena node headers left unwritten": [(arena.ArenaAllocator, "_write_header", lambda *_: None)],
}


def mem_pack(x: int, y: int) -> bytes:
    return x.to_bytes(4, "little", signed=True) + y.to_bytes(4, "little", signed=True)


def sabotage_cases(rule: str) -> list[fidelity.Case]:
    if "arena" in rule:
        blog = INPUTS / "blog-70x70.txt"
        return [fidelity.Case(blog, s, BIG, 6, trace=True) for s in ("arena", "arena-pages")]
    return [
        fidelity.Case(INPUTS / "blog-70x70.txt", "naive", BIG, 4),
        fidelity.Case(INPUTS / "example.txt", "double", 20_000, 4, base_offset=3),
    ]


@pytest.mark.parametrize("rule", list(SABOTAGE))
def test_breaking_a_rule_on_purpose_is_noticed(
    rule: str, binary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for owner, attribute, replacement in SABOTAGE[rule]:
        monkeypatch.setattr(owner, attribute, replacement)
    assert any(fidelity.compare(case, binary).mismatches() for case in sabotage_cases(rule))
