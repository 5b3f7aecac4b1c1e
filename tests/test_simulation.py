"""The blog's program end to end: its memuse lines, its OutOfMemory, and every strategy."""

import gc
import itertools
from pathlib import Path

import pytest

from aoc23 import puzzle
from aoc23.errors import OutOfMemory
from aoc23.simulation import Answer, RoundReport, load, run
from aoc23.strategies import STRATEGIES, Addresses, Settings
from aoc23.zigstd.hash_map import block_size
from aoc23.zigstd.mem import CHUNK_SIZE, Buffer

ROOT = Path(__file__).resolve().parent.parent
BLOG = (ROOT / "inputs" / "blog-70x70.txt").read_bytes()
EXAMPLE = (ROOT / "inputs" / "example.txt").read_bytes()
TABLE = block_size(4096)


def memuse(strategy: str, text: bytes = BLOG, **settings: int) -> list[int]:
    outputs = run(text, strategy, Settings(**settings), rounds=10)  # type: ignore[arg-type]
    return [o.memuse for o in outputs if isinstance(o, RoundReport)]


def test_the_bundled_input_is_shaped_like_the_blogs() -> None:
    lines = BLOG.split(b"\n")[:-1]
    assert len(BLOG) == 4970 and len(lines) == 70 and {len(line) for line in lines} == {70}
    assert 1639 <= BLOG.count(b"#") <= 3276


def test_naive_prints_the_blogs_numbers() -> None:
    expected = [41864 + r * 36888 for r in range(10)]
    assert memuse("naive") == expected
    assert expected[-1] == 373856


def test_naive_grows_by_one_table_a_round_because_the_free_is_a_no_op() -> None:
    values = memuse("naive")
    assert {b - a for a, b in itertools.pairwise(values)} == {TABLE}


def test_padding_follows_the_buffer_address() -> None:
    odd = Settings(addresses=Addresses(main=0x7FF000000006))
    first = next(o for o in run(BLOG, "naive", odd) if isinstance(o, RoundReport))
    assert first.memuse == 4970 + TABLE  # no padding: 0x...6 + 4970 is 8-aligned


def test_a_huge_buffer_holds_only_the_input_and_the_live_table_in_memory() -> None:
    program = load(BLOG, "naive", Settings(buffer_size=64 << 30))
    for index in range(50):
        program.step(index)
    buffer = program.fba.buffer
    assert program.memuse() == 41864 + 50 * TABLE
    assert buffer.held() == 2 * CHUNK_SIZE  # the input's: a table's bytes wait to be read
    assert buffer.read(buffer.size - 8, 8) == b"\xaa" * 8


def test_tempalloc_keeps_end_index_still() -> None:
    assert memuse("tempalloc") == [41864] * 10


def test_each_temporary_buffer_is_gone_when_its_step_ends() -> None:
    program = load(BLOG, "tempalloc")
    gc.collect()
    gc.disable()
    try:
        for index in range(3):
            program.step(index)
        temp = program.settings.addresses.temp
        alive = [o for o in gc.get_objects() if isinstance(o, Buffer) and o.base == temp]
    finally:
        gc.enable()
    assert alive == []


def test_double_alternates_between_two_buffers() -> None:
    assert memuse("double") == [41864, 41864] + [36888] * 8


def test_page_maps_whole_pages_and_frees_them() -> None:
    assert memuse("page") == [2 * 4096 + 10 * 4096] * 10


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_every_strategy_gives_the_same_answers(strategy: str) -> None:
    outputs = list(run(EXAMPLE, strategy, rounds=None, until_settled=True))
    answers = [o for o in outputs if isinstance(o, Answer)]
    assert answers == [Answer(1, 110), Answer(2, 20)]
    assert [o.index for o in outputs if isinstance(o, RoundReport)] == list(range(20))


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_the_table_holds_what_the_rules_say(strategy: str) -> None:
    elves = puzzle.parse(EXAMPLE)
    for output in run(EXAMPLE, strategy, rounds=4):
        if isinstance(output, RoundReport):
            assert sorted(output.strategy.elves()) == sorted(elves)
            elves, _ = puzzle.step(output.strategy.elves(), output.index)


def test_out_of_memory_in_round_four_with_200000_bytes() -> None:
    seen = []
    with pytest.raises(OutOfMemory) as caught:
        for output in run(BLOG, "naive", Settings(buffer_size=200_000)):
            seen.append(output)
    assert [o.index for o in seen if isinstance(o, RoundReport)] == [0, 1, 2, 3, 4]
    error = caught.value
    assert (error.round, error.site, error.size, error.alignment) == (4, "new_cells", TABLE, 8)
    assert (error.end_index, error.buffer_len) == (41864 + 4 * TABLE, 200_000)


def test_out_of_memory_while_building_the_grid_with_20000_bytes() -> None:
    with pytest.raises(OutOfMemory) as caught:
        list(run(BLOG, "naive", Settings(buffer_size=20_000)))
    assert (caught.value.round, caught.value.site) == (None, "grid.cells")


def test_out_of_memory_while_reading_the_input() -> None:
    with pytest.raises(OutOfMemory) as caught:
        list(run(BLOG, "naive", Settings(buffer_size=7462)))
    assert caught.value.site == "the input (readFileAlloc)" and caught.value.size == 7463


def test_a_small_temporary_buffer_runs_out_in_round_zero() -> None:
    with pytest.raises(OutOfMemory) as caught:
        list(run(BLOG, "tempalloc", Settings(temp_size=36887)))
    assert (caught.value.round, caught.value.buffer_len) == (0, 36887)


@pytest.mark.parametrize("steps", [1, 2, 3, 7])
def test_the_smallest_buffer_for_a_number_of_steps(steps: int) -> None:
    smallest = 41864 + steps * TABLE
    rounds = list(run(BLOG, "naive", Settings(buffer_size=smallest), rounds=steps))
    assert len(rounds) == steps
    with pytest.raises(OutOfMemory) as caught:
        list(run(BLOG, "naive", Settings(buffer_size=smallest - 1), rounds=steps))
    assert caught.value.round == steps - 1
