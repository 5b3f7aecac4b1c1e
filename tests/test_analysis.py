"""What the trace says, checked against arithmetic done here from Zig's rules (the spec's
formulas), not against the analysis code itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from aoc23 import analysis, simulation
from aoc23.errors import OutOfMemory
from aoc23.events import Event
from aoc23.ledger import Repeat, RoundRecord
from aoc23.strategies import STRATEGIES, Settings

BLOG = (Path(__file__).resolve().parent.parent / "inputs" / "blog-70x70.txt").read_bytes()
S = len(BLOG)
ELVES = BLOG.count(b"#")
PAD = -S % 8
"""The first table is 8-aligned and the buffer page-aligned, so it starts at S rounded up."""


def table_bytes(elves: int) -> int:
    """24-byte header, one metadata byte and one 8-byte key per slot; the slot count is the
    smallest power of two that keeps the elves at or under 80% load (at least 8)."""
    slots = 8
    while elves * 100 > slots * 80:
        slots *= 2
    return 24 + 9 * slots


B = table_bytes(ELVES)
READ_PEAK = S + S // 2 + 8


def records(strategy: str, rounds: int, **what_if: object) -> list[RoundRecord]:
    settings = Settings()._replace(**what_if)  # type: ignore[arg-type]
    seen: list[RoundRecord] = []
    analysis.trace_run(
        BLOG, strategy, settings, rounds, compare_strategies=False, on_record=seen.append
    )
    return seen


def test_the_blog_numbers_are_what_the_arithmetic_says() -> None:
    assert (S, PAD, B, READ_PEAK) == (4970, 6, 36888, 7463)


def test_naive_strands_one_table_a_round() -> None:
    rows = records("naive", 10)
    assert [r.label for r in rows] == [*map(str, range(10)), "end"]
    for k, row in enumerate(rows):
        assert row.memuse == S + PAD + (k + 1) * B
        assert row.growth == (S + PAD + B if k == 0 else B)
        assert (row.live, row.stranded, row.padding) == (S + B, k * B, PAD)
        assert row.live + row.stranded + row.padding == row.memuse


def test_each_naive_round_names_the_free_that_did_nothing() -> None:
    rows = records("naive", 10)
    assert rows[0].no_op_frees == ()
    for k, row in enumerate(rows[1:], start=1):
        (free,) = row.no_op_frees
        assert (free.site, free.size, free.offset) == ("grid.cells", B, S + PAD + (k - 1) * B)
        assert free.end_index == row.memuse
    assert rows[1].no_op_frees[0].describe() == (
        "free(grid.cells, 36888 B @ 4976) was a no-op: not the last allocation (end_index 78752)"
    )


def test_tempalloc_strands_nothing() -> None:
    for row in records("tempalloc", 10):
        assert (row.memuse, row.live, row.stranded, row.no_op_frees) == (S + PAD + B, S + B, 0, ())


def test_double_gives_everything_back() -> None:
    rows = records("double", 4)
    assert [r.memuse for r in rows] == [S + PAD + B, S + PAD + B, B, B, B]
    assert all(r.stranded == 0 and r.no_op_frees == () for r in rows)


def test_page_counts_whole_pages() -> None:
    pages = -(-S // 4096) * 4096 + -(-B // 4096) * 4096
    for row in records("page", 3):
        assert (row.memuse, row.live, row.padding, row.stranded) == (pages, S + B, pages - S - B, 0)


def test_freeing_the_input_strands_it_and_changes_no_memuse() -> None:
    plain, freed = records("naive", 2), records("naive", 2, free_input=True)
    assert [r.memuse for r in freed] == [r.memuse for r in plain]
    assert freed[0].stranded == S
    assert freed[0].no_op_frees[0].offset == 0 and freed[0].no_op_frees[0].size == S


def test_growing_the_parse_leaves_every_outgrown_table_behind() -> None:
    outgrown = [24 + 9 * slots for slots in (8, 16, 32, 64, 128, 256, 512, 1024, 2048)]
    row = records("naive", 0, parse="grow")[0]
    assert [f.size for f in row.no_op_frees] == outgrown
    assert row.stranded == sum(outgrown) == 37008
    assert row.memuse == S + PAD + sum(outgrown) + B == 78872


@pytest.mark.parametrize(("read", "peak"), [("readfile", READ_PEAK), ("exact", S)])
def test_loading_peaks(read: str, peak: int) -> None:
    result = analysis.trace_run(
        BLOG,
        "naive",
        Settings(read=read),
        0,
        compare_strategies=False,  # type: ignore[arg-type]
    )
    assert list(result.site_peaks.values()) == [peak, S + PAD + B]


@pytest.mark.parametrize("buffer_size", [8 << 20, 1_000_000, 200_000])
def test_the_forecast_is_the_spec_formula(buffer_size: int) -> None:
    # step k fits while S + pad + (k + 2) * B <= L, so the first round that fails is:
    expected = (buffer_size - S - PAD) // B - 1
    result = analysis.trace_run(
        BLOG, "naive", Settings(buffer_size=buffer_size), 2, compare_strategies=False
    )
    assert result.forecast is not None
    assert result.forecast.out_of_memory_round == expected
    assert (result.forecast.growth, result.forecast.step_need) == (B, B)


def test_the_forecast_round_is_where_the_simulation_runs_out() -> None:
    result = analysis.trace_run(
        BLOG, "naive", Settings(buffer_size=1_000_000), 2, compare_strategies=False
    )
    expected = result.forecast.out_of_memory_round if result.forecast else None
    with pytest.raises(OutOfMemory) as failure:
        list(simulation.run(BLOG, "naive", Settings(buffer_size=1_000_000), rounds=None))
    assert failure.value.round == expected == 25


def test_steady_strategies_never_run_out() -> None:
    for strategy in ("tempalloc", "double"):
        result = analysis.trace_run(BLOG, strategy, Settings(), 3, compare_strategies=False)
        assert result.forecast is not None and result.forecast.out_of_memory_round is None
    page = analysis.trace_run(BLOG, "page", Settings(), 3, compare_strategies=False)
    assert page.forecast is not None and page.forecast.buffer_size is None


@pytest.mark.parametrize("rounds", [0, 1, 10])
def test_the_smallest_buffers_follow_the_arithmetic(rounds: int) -> None:
    expected = {
        "naive": (max(READ_PEAK, S + PAD + (rounds + 1) * B), None),
        "tempalloc": (S + PAD + B, B if rounds else None),
        "double": (S + PAD + B, None),
    }
    for strategy, (buffer, temp) in expected.items():
        need = analysis.requirement(BLOG, strategy, Settings(), rounds, False)
        assert (need.buffer, need.temp) == (buffer, temp), strategy


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_the_smallest_buffer_works_and_one_byte_less_does_not(strategy: str) -> None:
    need = analysis.requirement(BLOG, strategy, Settings(), 3, False)
    if need.buffer is None:
        assert not STRATEGIES[strategy].fixed_buffer
        traced = analysis.trace_run(BLOG, strategy, Settings(), 3, compare_strategies=False)
        assert need.peak_mapped == max(traced.series.peak)
        if strategy == "page":
            assert need.peak_mapped == 90112
        return
    list(simulation.run(BLOG, strategy, Settings(buffer_size=need.buffer), rounds=3))
    with pytest.raises(OutOfMemory):
        list(simulation.run(BLOG, strategy, Settings(buffer_size=need.buffer - 1), rounds=3))


def test_an_out_of_memory_is_kept_with_the_map_of_that_moment() -> None:
    result = analysis.trace_run(
        BLOG, "naive", Settings(buffer_size=200_000), 10, compare_strategies=False
    )
    assert result.failure is not None and result.forecast is None
    assert result.failure.round == 4
    (main,) = result.failure.buffers
    assert main.used == S + PAD + 5 * B and main.total("stranded") == 4 * B
    assert result.failure.event.size == B


@pytest.mark.parametrize("strategy", list(STRATEGIES))
def test_tracing_changes_nothing(strategy: str) -> None:
    settings = Settings(buffer_size=300_000)
    plain = _outputs(strategy, settings, None)
    events: list[Event] = []
    traced = _outputs(strategy, settings, events.append)
    assert traced == plain and events


def _outputs(strategy: str, settings: Settings, tracer: object) -> list[object]:
    seen: list[object] = []
    try:
        for output in simulation.run(BLOG, strategy, settings, rounds=12, tracer=tracer):  # type: ignore[arg-type]
            seen.append(getattr(output, "memuse", output))
    except OutOfMemory as error:
        seen.append(("oom", error.round, error.site, error.size))
    return seen


def test_part_2_in_the_default_buffer_runs_out_where_the_early_forecast_said() -> None:
    result = analysis.trace_run(
        BLOG, "naive", Settings(), None, until_settled=True, compare_strategies=False
    )
    assert result.failure is not None and result.failure.round == 226
    assert result.early_forecast is not None
    assert result.early_forecast.out_of_memory_round == 226
    assert result.early_forecast.from_round == 0
    assert (S + PAD + (226 + 2) * B) > 8 << 20 >= (S + PAD + (226 + 1) * B)


def test_folded_rows_cover_every_record_once_and_keep_the_numbers() -> None:
    seen: list[RoundRecord] = []
    result = analysis.trace_run(
        BLOG,
        "naive",
        Settings(),
        None,
        until_settled=True,
        compare_strategies=False,
        on_record=seen.append,
    )
    covered: list[int] = []
    for row in result.rows:
        if isinstance(row, Repeat):
            covered.extend(range(row.first, row.last + 1))
            assert row.like == seen[row.first] and row.upto == seen[row.last]
            for record in seen[row.first : row.last + 1]:
                assert (record.growth, record.live, record.padding) == (B, S + B, PAD)
                assert [f.site for f in record.no_op_frees] == ["grid.cells"]
        else:
            covered.append(row.index)
            assert row == seen[row.index]
    assert covered == list(range(len(seen))) == list(range(227))
    assert len(result.rows) <= 30


def test_short_runs_are_never_folded() -> None:
    result = analysis.trace_run(BLOG, "naive", Settings(), 20, compare_strategies=False)
    assert [r.label for r in result.rows] == [*map(str, range(20)), "end"]  # type: ignore[union-attr]


def _peak_bytes_of_a_streamed_run(rounds: int) -> int:
    import tracemalloc

    example = (Path(__file__).resolve().parent.parent / "inputs" / "example.txt").read_bytes()
    settings = Settings(buffer_size=analysis.UNLIMITED)
    tracemalloc.start()
    try:
        analysis.trace_run(
            example,
            "naive",
            settings,
            rounds,
            compare_strategies=False,
            keep_history=False,
            on_record=lambda record: None,
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_streamed_trace_keeps_the_same_memory_however_many_rounds() -> None:
    """What CSV and JSON keep does not grow with the rounds (naive strands a table each)."""
    short, long = _peak_bytes_of_a_streamed_run(500), _peak_bytes_of_a_streamed_run(5000)
    assert long - short < 64 * 1024, (short, long)
