"""The ledger: events replayed onto each allocator's segments, and the block log that
rebuilds any record's layout, checked against the ledger's own state as the run goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from aoc23 import analysis, simulation
from aoc23.events import Event, Free
from aoc23.ledger import KINDS, BlockLog, BufferView, Ledger
from aoc23.strategies import STRATEGIES, Settings

BLOG = (Path(__file__).resolve().parent.parent / "inputs" / "blog-70x70.txt").read_bytes()


def test_segments_always_cover_exactly_what_is_used() -> None:
    events: list[Event] = []
    settings = Settings(parse="grow", free_input=True)
    list(simulation.run(BLOG, "double", settings, rounds=3, tracer=events.append))
    ledger = Ledger()
    for event in events:
        ledger.apply(event)
        for view in ledger.views():
            if view.kind == "fixed":
                assert sum(s.length for s in view.segments) == view.used
    assert any(isinstance(e, Free) and not e.reclaimed for e in events)


@pytest.mark.parametrize("strategy", list(STRATEGIES))
@pytest.mark.parametrize("what_if", [{}, {"parse": "grow", "free_input": True}])
def test_the_block_log_rebuilds_every_records_layout(
    strategy: str, what_if: dict[str, object]
) -> None:
    """The layout drawn for record k from the log is the ledger's own at record k."""
    settings = Settings()._replace(**what_if)  # type: ignore[arg-type]
    log = BlockLog()
    ledger = Ledger(log)
    live_views: list[tuple[BufferView, ...]] = []

    def observe(event: Event) -> None:
        if ledger.apply(event) is not None:
            live_views.append(tuple(v for v in ledger.views() if v.counted))

    list(simulation.run(BLOG, strategy, settings, rounds=6, tracer=observe))
    numbers = list(range(len(live_views)))
    rebuilt = log.views_at_each(numbers, merge=False)
    for number in numbers:
        ours = [(v.name, v.used, v.segments) for v in rebuilt[number]]
        live = [(v.name, v.used, v.segments) for v in live_views[number]]
        assert ours == live, number


def test_merged_views_keep_the_totals() -> None:
    result = analysis.trace_run(BLOG, "naive", Settings(), 30, compare_strategies=False)
    assert result.blocks is not None
    (merged,) = result.blocks.views_at_each([30])[0]
    (whole,) = result.blocks.views_at(30)
    # the input, its padding, the stranded first table, 29 stranded new_cells, the live one
    assert [s.site for s in merged.segments][2:] == ["grid.cells", "new_cells", "new_cells"]
    assert len(merged.segments) == 5 < len(whole.segments) == 33
    for kind in KINDS:
        assert merged.total(kind) == whole.total(kind)


def test_each_kind_of_arena_action_is_kept_once_with_its_count() -> None:
    """What the arena asked of the buffer: its first node for the input, the node grown in
    place for the first table, and again in each of the six steps."""
    result = analysis.trace_run(BLOG, "arena", Settings(), 6, compare_strategies=False)
    seen = [(a.move, a.site, a.round, count) for a, count in result.arena_actions]
    assert seen == [
        ("first node", "the input (readFileAlloc)", None, 1),
        ("grown in place", "grid.cells", None, 1),
        ("grown in place", "new_cells", 0, 6),
    ]
    grown = result.arena_actions[2][0]
    assert (grown.node_before, grown.node_after) == (41880, 78768)


def test_an_arena_reset_that_replaced_its_node_says_so() -> None:
    """Zig 0.11.0's arenas: in round 1's step arena-a gives back its second node (66624 B)
    and, as pages cannot grow its first in place, replaces it with one of 74112 B."""
    result = analysis.trace_run(BLOG, "arenas", Settings(), 4, compare_strategies=False)
    resets = [(a, n) for a, n in result.arena_actions if a.move == "reset" and a.request]
    (first, count), *_ = resets
    assert (first.arena, first.round, first.given_back, first.node_after) == (
        "arena-a",
        1,
        66624,
        74112,
    )
    assert first.replaced and count == 2
    assert result.blocks is not None
    drawn = result.blocks.views_at(len(result.series) - 1)
    assert [view.name for view in drawn] == ["pages"]  # the arenas are drawn inside it
