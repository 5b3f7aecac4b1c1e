"""``aoc23 trace`` for people: the round table, the reason, the buffer map, the timeline, the
forecast. Every function returns renderables; the CLI prints them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from aoc23.analysis import (
    BufferView,
    Failure,
    Forecast,
    Kind,
    NoOpFree,
    Requirement,
    RoundRecord,
    TraceResult,
)

GLYPHS: dict[Kind | None, tuple[str, str]] = {
    "live": ("█", "green"),
    "stranded": ("░", "red"),
    "padding": ("▒", "yellow"),
    None: ("·", "bright_black"),
}
LEGEND = "█ live   ░ stranded (freed, not reclaimable)   ▒ padding   · free"
MAX_MAP_ROWS = 12
CHART_HEIGHT = 8


@dataclass(frozen=True)
class Heading:
    strategy: str
    input_name: str
    input_size: int
    elves: int
    rounds: int
    buffer_size: int
    what_ifs: tuple[str, ...] = ()


def _lead(words: str, style: str) -> Text:
    """A plain Text that starts with ``words`` in ``style`` (the rest stays unstyled)."""
    text = Text()
    text.append(words, style=style)
    return text


def heading(info: Heading) -> Text:
    text = _lead(f"aoc23 trace: {info.strategy}", "bold")
    text.append(
        f" · {info.input_name} ({info.input_size} B, {info.elves} elves)"
        f" · {info.rounds} rounds · " + _memory_of(info),
    )
    if info.what_ifs:
        text.append(f"\nwhat-if: {', '.join(info.what_ifs)}", style="cyan")
    return text


def _memory_of(info: Heading) -> str:
    if info.strategy == "page":
        return "page allocator"
    each = " (each of two)" if info.strategy == "double" else ""
    return f"{info.buffer_size}-byte buffer{each}"


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def round_table(records: Sequence[RoundRecord]) -> Table:
    table = Table(
        title="Round by round: the state at each `Round i memuse` line",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    used = "mapped" if records and _only_pages(records[0].buffers) else "end_index"
    for name in ("round", used, "growth", "live", "stranded", "padding"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("no-op frees", overflow="fold")
    table.caption = "no-op frees: frees since the line before that gave nothing back"
    table.caption_justify = "left"
    for record in records:
        frees = _no_op_summary(record.no_op_frees)
        table.add_row(
            record.label,
            str(record.memuse),
            _signed(record.growth),
            str(record.live),
            Text(str(record.stranded), style="red" if record.stranded else ""),
            str(record.padding),
            frees,
        )
    return table


def loading_text(site_peaks: Mapping[str, int], pages: bool) -> Text:
    """How much room each step of loading needed at its peak."""
    text = _lead("Loading peaks: ", "bold")
    used = "bytes mapped" if pages else "end_index"
    parts = [f"{site} took {used} to {peak}" for site, peak in site_peaks.items()]
    consequence = "." if pages else "; a smaller buffer fails right there."
    text.append(", ".join(parts) + consequence)
    return text


def _only_pages(buffers: Sequence[BufferView]) -> bool:
    return all(view.kind == "pages" for view in buffers if view.counted)


def _no_op_summary(frees: Sequence[NoOpFree]) -> str:
    if len(frees) > 2:
        return f"{len(frees)} frees, {sum(f.size for f in frees)} B"
    return ", ".join(f"{f.site} @{f.offset}" for f in frees)


def explanation(records: Sequence[RoundRecord]) -> Text:
    frees = [f for record in records for f in record.no_op_frees]
    if not frees:
        return Text(
            "No free was a no-op: every block given back was the last one, or the buffer "
            "was reset, so nothing is stranded."
        )
    first = next(record for record in records if record.no_op_frees)
    text = _lead("Why end_index grows: ", "bold")
    when = "while loading" if first.index == 0 else f"in the step before round {first.label}"
    text.append(f"{when}, ")
    text.append(first.no_op_frees[0].describe(), style="red")
    text.append(
        ". A FixedBufferAllocator takes a block back only when it ends exactly at "
        "end_index; any other free changes nothing, and its bytes stay stranded until "
        f"the buffer is reset. {len(frees)} no-op frees stranded "
        f"{records[-1].stranded} bytes by the last record."
    )
    return text


def _cells(view: BufferView, bytes_per_cell: float, width: int) -> list[Kind | None]:
    """The kind covering most of each cell's bytes (None: free space)."""
    cells: list[Kind | None] = []
    placed = _laid_out(view)
    for index in range(width):
        start, end = index * bytes_per_cell, (index + 1) * bytes_per_cell
        cover: dict[Kind | None, float] = {}
        for segment in placed:
            overlap = min(end, segment[1]) - max(start, segment[0])
            if overlap > 0:
                cover[segment[2]] = cover.get(segment[2], 0) + overlap
        if not cover:
            cells.append(None)
        else:
            cells.append(max(cover, key=lambda k: cover[k]))
    return cells


def _laid_out(view: BufferView) -> list[tuple[int, int, Kind]]:
    """Segments end to end from 0 (page mappings are drawn side by side, gaps left out)."""
    placed: list[tuple[int, int, Kind]] = []
    cursor = 0
    for segment in view.segments:
        placed.append((cursor, cursor + segment.length, segment.kind))
        cursor += segment.length
    return placed


def bar(view: BufferView, scale: int, width: int) -> Text:
    text = Text()
    bytes_per_cell = max(scale, 1) / width
    cells = _cells(view, bytes_per_cell, width)
    limit = width if view.size is None else min(width, _ceil(view.size / bytes_per_cell))
    for kind in cells[:limit]:
        glyph, style = GLYPHS[kind]
        text.append(glyph, style=style)
    return text


def _ceil(value: float) -> int:
    return int(-(-value // 1))


def _sample(records: Sequence[RoundRecord], limit: int) -> list[RoundRecord]:
    if len(records) <= limit:
        return list(records)
    step = (len(records) - 1) / (limit - 1)
    picked = sorted({round(i * step) for i in range(limit)})
    return [records[i] for i in picked]


def _map_scale(views: Sequence[BufferView]) -> int:
    drawn = max((v.used for v in views), default=0)
    sizes = [v.size for v in views if v.size is not None]
    if sizes and max(sizes) <= 2 * max(drawn, 1):
        return max(sizes)
    return max(drawn, 1)


def buffer_map(records: Sequence[RoundRecord], width: int, failure: Failure | None = None) -> Group:
    """One bar per round (and per counted buffer), drawn from the replayed allocations."""
    rows: list[tuple[str, BufferView]] = []
    shown = _sample(records, MAX_MAP_ROWS)
    for record in shown:
        rows.extend(_bar_rows(record.label, record.buffers))
    if failure is not None:
        rows.extend(_bar_rows("OOM", failure.buffers))
    scale = _map_scale([view for _, view in rows])
    label_width = max(len(label) for label, _ in rows) if rows else 3
    number_width = max((len(str(view.used)) for _, view in rows), default=1)
    extra = len(f" +{failure.event.size} ✗") if failure else 0
    bar_width = max(10, width - label_width - number_width - extra - 3)
    lines: list[RenderableType] = [_map_title(scale, bar_width, rows, records, shown)]
    for label, view in rows:
        line = Text(label.rjust(label_width) + " ")
        line.append_text(bar(view, scale, bar_width))
        line.append(f" {view.used}")
        if failure is not None and label.startswith("OOM") and view.name == failure.event.allocator:
            line.append(f" +{failure.event.size} ✗", style="bold red")
        lines.append(line)
    lines.append(Text(LEGEND, style="dim"))
    return Group(*lines)


def _bar_rows(label: str, buffers: Sequence[BufferView]) -> list[tuple[str, BufferView]]:
    counted = [view for view in buffers if view.counted]
    if len(counted) == 1:
        return [(label, counted[0])]
    return [(f"{label} {view.name}", view) for view in counted]


def _map_title(
    scale: int,
    bar_width: int,
    rows: Sequence[tuple[str, BufferView]],
    records: Sequence[RoundRecord],
    shown: Sequence[RoundRecord],
) -> Text:
    title = _lead("Buffer map", "bold")
    per_cell = max(scale, 1) / bar_width
    title.append(f": one cell = {per_cell:.0f} bytes; the number is end_index")
    sizes = {view.size for _, view in rows}
    if sizes and None not in sizes:
        size = max(s for s in sizes if s is not None)
        if size > scale:
            title.append(f"; the rest of the {size}-byte buffer is free, not drawn")
    if len(shown) < len(records):
        title.append(f"; {len(shown)} of {len(records)} records shown")
    return title


def timeline(records: Sequence[RoundRecord], width: int) -> Group:
    """A massif-style chart: end_index (▓) over live bytes (█), one column per record."""
    if not records:
        return Group()
    top = max(max(record.memuse for record in records), 1)
    peak = max(records, key=lambda record: record.memuse)
    label_width = len(str(top))
    columns = _sample(records, max(1, (width - label_width - 3) // 2))
    lines: list[RenderableType] = []
    title = _lead("Timeline", "bold")
    when = "the end" if peak.final else f"round {peak.label}"
    title.append(f": ▓ end_index, █ live bytes; peak {peak.memuse} at {when}")
    lines.append(title)
    for row in range(CHART_HEIGHT, 0, -1):
        floor = top * (row - 0.5) / CHART_HEIGHT
        axis = str(top) if row == CHART_HEIGHT else ""
        line = Text(axis.rjust(label_width) + " ┤" if axis else " " * label_width + " │")
        for record in columns:
            if record.live >= floor:
                line.append("█ ", style="green")
            elif record.memuse >= floor:
                line.append("▓ ", style="red")
            else:
                line.append("  ")
        lines.append(line)
    lines.append(Text("0".rjust(label_width) + " └" + "─" * (2 * len(columns))))
    ticks = " " * (label_width + 2) + "".join(_tick(r).ljust(2) for r in columns)
    lines.append(Text(ticks.rstrip() + "  (round; e = end)", style="dim"))
    return Group(*lines)


def _tick(record: RoundRecord) -> str:
    if record.final:
        return "e"
    return str(record.index) if record.index % 5 == 0 or record.index < 10 else ""


def forecast_text(prediction: Forecast | None) -> Text:
    text = _lead("Forecast: ", "bold")
    if prediction is None:
        text.append("no step ran, so there is no rate to go by.")
    elif prediction.buffer_size is None:
        text.append("the page allocator has no fixed buffer to run out of.")
    elif prediction.out_of_memory_round is None:
        text.append(
            f"end_index does not grow from one round to the next ({_signed(prediction.growth)}), "
            f"so a {prediction.buffer_size}-byte buffer never runs out."
        )
    else:
        text.append(
            f"at {_signed(prediction.growth)} bytes a round, with each step needing "
            f"{prediction.step_need} bytes above end_index, the {prediction.buffer_size}-byte "
            "buffer runs out in "
        )
        text.append(f"round {prediction.out_of_memory_round}", style="bold red")
        text.append(" (OutOfMemory in that round's step).")
    return text


def requirements_table(rows: Sequence[Requirement], rounds: int) -> Table:
    table = Table(
        title=f"Smallest buffer for {rounds} rounds, by strategy (from a run of each)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("strategy")
    table.add_column("--buffer-size", justify="right")
    table.add_column("note", overflow="fold")
    for row in rows:
        table.add_row(row.strategy, _need(row), row.note())
    return table


def _need(row: Requirement) -> str:
    return "-" if row.buffer is None else str(row.buffer)


def failure_text(failure: Failure) -> Text:
    event = failure.event
    when = "while loading" if failure.round is None else f"in round {failure.round}'s step"
    text = _lead("OutOfMemory ", "bold red")
    text.append(f"{when}: {event.site} asked {event.allocator} for {event.size} bytes ")
    text.append(f"(align {event.alignment}) at end_index {event.used}")
    if event.capacity is not None:
        free = event.capacity - event.used
        text.append(f"; only {free} of its {event.capacity} bytes were free.")
        stranded = sum(view.total("stranded") for view in failure.buffers if view.counted)
        if stranded:
            text.append(f" {stranded} bytes were stranded by no-op frees.", style="red")
    return text


def trace_view(result: TraceResult, info: Heading, width: int) -> list[RenderableType]:
    """The whole explained trace, top to bottom."""
    parts: list[RenderableType] = [heading(info), round_table(result.records), Text()]
    if result.failure is not None:
        parts.extend([failure_text(result.failure), Text()])
    parts.extend([loading_text(result.site_peaks, info.strategy == "page"), Text()])
    parts.append(explanation(result.records))
    parts.append(Text())
    parts.append(buffer_map(result.records, width, result.failure))
    parts.append(Text())
    parts.append(timeline(result.records, width))
    parts.append(Text())
    if result.failure is None:
        parts.extend([forecast_text(result.forecast), Text()])
    if result.requirements:
        parts.append(requirements_table(result.requirements, info.rounds))
    return parts
