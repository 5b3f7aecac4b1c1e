"""``aoc23 trace`` for people: the round table, the reason, the buffer map, the timeline, the
forecast. Every function returns renderables; the CLI prints them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from aoc23.analysis import Requirement, TraceResult
from aoc23.ledger import (
    BufferView,
    Failure,
    Forecast,
    Kind,
    NoOpFree,
    Repeat,
    Series,
    TableRow,
    merged,
)

GLYPHS: dict[Kind | None, tuple[str, str]] = {
    "live": ("█", "green"),
    "stranded": ("░", "red"),
    "padding": ("▒", "yellow"),
    "spare": ("▞", "cyan"),
    None: ("·", "bright_black"),
}
LEGEND_WORDS: dict[Kind | None, str] = {
    "live": "live",
    "stranded": "stranded (freed, not reclaimable)",
    "padding": "padding",
    "spare": "spare (an arena's room, not handed out)",
    None: "free",
}
PRIORITY: tuple[Kind, ...] = ("live", "stranded", "padding", "spare")
"""A map cell shows the first of these kinds found in its bytes, so no block vanishes."""
MAX_MAP_ROWS = 12
CHART_HEIGHT = 8
EIGHTHS = " ▁▂▃▄▅▆▇█"
MIN_WIDTH = 40
"""The narrowest view drawn; a narrower terminal gets this width (and wraps)."""


@dataclass(frozen=True)
class Heading:
    strategy: str
    input_name: str
    input_size: int
    elves: int
    rounds: int | None
    """None: part 2, until no elf moves."""
    buffer_size: int
    what_ifs: tuple[str, ...] = ()
    fixed_buffer: bool = True
    two_buffers: bool = False
    bytes_read: int | None = None
    """Set when only this much of the input was read: as far as the buffer could hold it."""

    @property
    def length(self) -> str:
        if self.rounds is None:
            return "part 2 (until no elf moves)"
        return "1 round" if self.rounds == 1 else f"{self.rounds} rounds"


def _lead(words: str, style: str) -> Text:
    """A plain Text that starts with ``words`` in ``style`` (the rest stays unstyled)."""
    text = Text()
    text.append(words, style=style)
    return text


def heading(info: Heading, answers: Mapping[int, int] | None = None) -> Text:
    text = _lead(f"aoc23 trace: {info.strategy}", "bold")
    elves = f", {info.elves} elves" if info.elves else ""
    size = f"{info.input_size} B" if info.input_size else "size unknown"
    if info.bytes_read is not None:
        size += f", {info.bytes_read} B read"
    text.append(f" · {info.input_name} ({size}{elves}) · {info.length} · " + _memory_of(info))
    if answers:
        text.append(" · " + ", ".join(f"part{p}: {v}" for p, v in sorted(answers.items())))
    if info.what_ifs:
        text.append(f"\nwhat-if: {', '.join(info.what_ifs)}", style="cyan")
    return text


def _memory_of(info: Heading) -> str:
    if not info.fixed_buffer:
        return "page allocator"
    each = " (each of two)" if info.two_buffers else ""
    return f"{info.buffer_size}-byte buffer{each}"


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


COLUMNS = ("round", "used", "growth", "live", "stranded", "padding", "spare", "no-op frees")
DROP_ORDER = ("no-op frees", "spare", "padding", "growth", "live")
"""Columns left out, in this order, when the terminal is too narrow for the table."""


def has_spare(rows: Sequence[TableRow]) -> bool:
    """Whether any row holds arena room (only then is there a spare column)."""
    return any((row.like if isinstance(row, Repeat) else row).spare for row in rows)


def row_cells(row: TableRow) -> tuple[str, ...]:
    """The row under :data:`COLUMNS`."""
    if isinstance(row, Repeat):
        like = row.like
        return (
            f"{row.first}…{row.last}",
            "⋮",
            _signed(like.growth),
            str(like.live),
            "⋮",
            str(like.padding),
            "⋮",
            "each: " + (", ".join(f.site for f in like.no_op_frees) or "none"),
        )
    return (
        row.label,
        str(row.memuse),
        _signed(row.growth),
        str(row.live),
        str(row.stranded),
        str(row.padding),
        str(row.spare),
        _no_op_summary(row.no_op_frees),
    )


def table_columns(rows: Sequence[TableRow], used: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """The column names and each row's cells, without the spare column when no row has
    arena room."""
    names = [used if name == "used" else name for name in COLUMNS]
    cells = [row_cells(row) for row in rows]
    if not has_spare(rows):
        index = names.index("spare")
        del names[index]
        cells = [row[:index] + row[index + 1 :] for row in cells]
    return names, cells


FOLDED_WIDTH = 18
"""The no-op frees column is words, folded onto more lines rather than dropped down to this."""


def _fits(rows: Sequence[tuple[str, ...]], names: Sequence[str], width: int) -> bool:
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    if names[-1] == "no-op frees":
        widths[-1] = min(widths[-1], FOLDED_WIDTH)
    return sum(widths) + 3 * (len(names) - 1) + 2 <= width


def round_table(rows: Sequence[TableRow], width: int, pages: bool = False) -> Group:
    """The records as rows (repeating rounds folded into one ``a…b`` row); columns are
    left out, with a note saying so, when ``width`` is too narrow to show them whole."""
    if not rows:
        return Group(
            Text("Round by round: no round line was printed (the run ended while loading).")
        )
    names, cells = table_columns(rows, "mapped" if pages else "end_index")
    dropped: list[str] = []
    for column in DROP_ORDER:
        if _fits(cells, names, width):
            break
        if column not in names:
            continue
        index = names.index(column)
        dropped.append(column)
        del names[index]
        cells = [row[:index] + row[index + 1 :] for row in cells]
    table = Table(
        title="Round by round: the state at each `Round i memuse` line",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for name in names:
        if name == "no-op frees":
            table.add_column(name, overflow="fold")
        else:
            table.add_column(name, justify="right", no_wrap=True)
    stranded = names.index("stranded")
    for row, values in zip(rows, cells, strict=True):
        styled: list[str | Text] = list(values)
        if not isinstance(row, Repeat) and row.stranded:
            styled[stranded] = Text(values[stranded], style="red")
        table.add_row(*styled, style="dim" if isinstance(row, Repeat) else "")
    notes = ["no-op frees: frees since the line before that gave nothing back"]
    if "spare" in names:
        notes.append("spare: bytes of arena nodes not handed out (headers and unused room)")
    if any(isinstance(row, Repeat) for row in rows):
        notes.append("a…b: rounds whose steps each did what the step above did")
    if dropped:
        notes.append(
            f"left out to fit {width} columns: {', '.join(dropped)} (--format csv has them all)"
        )
    table.caption = "\n".join(notes)
    table.caption_justify = "left"
    return Group(table)


def loading_text(site_peaks: Mapping[str, int], pages: bool) -> Text:
    """How much room each step of loading needed at its peak."""
    text = _lead("Loading peaks: ", "bold")
    if not site_peaks:
        text.append("nothing was allocated before the first request failed.")
        return text
    used = "bytes mapped" if pages else "end_index"
    parts = [f"{site} took {used} to {peak}" for site, peak in site_peaks.items()]
    consequence = "." if pages else "; a smaller buffer fails right there."
    text.append(", ".join(parts) + consequence)
    return text


def _no_op_summary(frees: Sequence[NoOpFree]) -> str:
    if len(frees) > 2:
        return f"{len(frees)} frees, {sum(f.size for f in frees)} B"
    return ", ".join(f"{f.site} @{f.offset}" for f in frees)


def explanation(result: TraceResult) -> Text:
    if result.first_no_op is None:
        return Text(
            "No free was a no-op: every block given back was the last one, or the buffer "
            "was reset, so nothing is stranded."
        )
    record, free = result.first_no_op
    text = _lead("Why memory grows: " if free.in_arena else "Why end_index grows: ", "bold")
    when = "while loading" if record.index == 0 else f"in the step before round {record.label}"
    text.append(f"{when}, ")
    text.append(free.describe(), style="red")
    stranded = result.final_stranded
    rule = (
        ". An ArenaAllocator takes a block back only when it ends exactly at its newest "
        "node's end_index; any other free changes nothing, and its bytes stay stranded "
        "inside the node until the arena is reset or freed whole."
        if free.in_arena
        else ". A FixedBufferAllocator takes a block back only when it ends exactly at "
        "end_index; any other free changes nothing, and its bytes stay stranded until "
        "the buffer is reset."
    )
    text.append(
        f"{rule} {result.no_op_count} no-op frees stranded {stranded} bytes by the last record."
    )
    return text


def arena_text(result: TraceResult) -> Text | None:
    """What each arena asked of the allocator below it: the first time of each kind of
    action, and how often it happened (None: no arena in this run)."""
    if not result.arena_actions:
        return None
    text = _lead("What the arenas did", "bold")
    text.append(" (the calls each made to the allocator below it):")
    for action, count in result.arena_actions:
        text.append("\n• " + action.describe())
        text.append(f" ({_times(count)})." if count > 1 else ".", style="dim")
    return text


def _times(count: int) -> str:
    return "twice in all" if count == 2 else f"{count} times in all"


def _cells(view: BufferView, bytes_per_cell: float, width: int) -> list[Kind | None]:
    """For each cell, the most important kind among its bytes (None: all free), so a
    block of any size shows in at least one cell."""
    found: list[set[Kind]] = [set() for _ in range(width)]
    for start, end, kind in _laid_out(view):
        first = int(start / bytes_per_cell)
        last = int(max(end - 1, start) / bytes_per_cell)
        for index in range(first, min(last, width - 1) + 1):
            found[index].add(kind)
    return [next((k for k in PRIORITY if k in kinds), None) for kinds in found]


def _laid_out(view: BufferView) -> list[tuple[int, int, Kind]]:
    """Fixed buffers by address; page mappings side by side from 0, gaps left out."""
    if view.kind != "pages":
        return [(s.start, s.end, s.kind) for s in view.segments]
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


def sample_numbers(count: int, limit: int) -> list[int]:
    """At most ``limit`` record numbers spread evenly over ``0 … count-1``, both ends kept."""
    if count <= limit:
        return list(range(count))
    if limit <= 1:
        return [count - 1]
    step = (count - 1) / (limit - 1)
    return sorted({round(i * step) for i in range(limit)})


def map_scale(views: Sequence[BufferView]) -> int:
    """The bytes a map's bars span: the most used, or the whole buffer when that is at most
    twice as much (or nothing was used)."""
    drawn = max((v.used for v in views), default=0)
    sizes = [v.size for v in views if v.size is not None]
    if sizes and (drawn == 0 or max(sizes) <= 2 * drawn):
        return max(sizes)
    return max(drawn, 1)


MAP_KINDS: tuple[Kind | None, ...] = ("live", "stranded", "padding", None)
ARENA_MAP_KINDS: tuple[Kind | None, ...] = ("live", "stranded", "padding", "spare", None)


def map_kinds(views: Iterable[BufferView]) -> tuple[Kind | None, ...]:
    """The kinds a map shows (None: free): spare only when an arena's nodes are drawn."""
    spare = any(s.kind == "spare" for view in views for s in view.segments)
    return ARENA_MAP_KINDS if spare else MAP_KINDS


def legend(kinds: Sequence[Kind | None] = MAP_KINDS) -> Text:
    text = Text()
    for kind in kinds:
        glyph, style = GLYPHS[kind]
        if text:
            text.append("   ")
        text.append(glyph, style=style)
        text.append(f" {LEGEND_WORDS[kind]}", style="dim")
    return text


def map_rows(result: TraceResult) -> list[tuple[str, BufferView]]:
    """The labelled bars of the buffer map: sampled records, then the failure's moment."""
    rows: list[tuple[str, BufferView]] = []
    if result.blocks is None:
        return rows
    numbers = sample_numbers(len(result.series), MAX_MAP_ROWS)
    for number, views in zip(numbers, result.blocks.views_at_each(numbers), strict=True):
        rows.extend(_bar_rows(result.series.label(number), views))
    if result.failure is not None:
        counted = tuple(merged(view) for view in result.failure.buffers if view.counted)
        rows.extend(_bar_rows("OOM", counted))
    return rows


def buffer_map(result: TraceResult, width: int) -> Group:
    """One bar per sampled round (and per counted buffer), drawn from the block log."""
    rows = map_rows(result)
    failure = result.failure
    scale = map_scale([view for _, view in rows])
    label_width = max((len(label) for label, _ in rows), default=3)
    number_width = max((len(str(view.used)) for _, view in rows), default=1)
    extra = len(f" +{failure.event.size} ✗") if failure else 0
    bar_width = max(10, width - label_width - number_width - extra - 3)
    lines: list[RenderableType] = [_map_title(scale, bar_width, rows, len(result.series))]
    for label, view in rows:
        line = Text(label.rjust(label_width) + " ")
        line.append_text(bar(view, scale, bar_width))
        line.append(f" {view.used}")
        if failure is not None and label.startswith("OOM") and view.name == failure.event.allocator:
            line.append(f" +{failure.event.size} ✗", style="bold red")
        lines.append(line)
    lines.append(legend(map_kinds(view for _, view in rows)))
    return Group(*lines)


def _bar_rows(label: str, counted: Sequence[BufferView]) -> list[tuple[str, BufferView]]:
    if len(counted) == 1:
        return [(label, counted[0])]
    return [(f"{label} {view.name}", view) for view in counted]


def _map_title(
    scale: int, bar_width: int, rows: Sequence[tuple[str, BufferView]], records: int
) -> Text:
    title = _lead("Buffer map", "bold")
    per_cell = max(scale, 1) / bar_width
    shown_size = f"{per_cell:.0f}" if per_cell >= 10 else f"{per_cell:.2g}"
    used = "bytes mapped" if any(view.kind == "pages" for _, view in rows) else "end_index"
    title.append(f": one cell = {shown_size} bytes; the number is {used}")
    sizes = {view.size for _, view in rows}
    if sizes and None not in sizes:
        size = max(s for s in sizes if s is not None)
        if size > scale:
            title.append(f"; the rest of the {size}-byte buffer is free, not drawn")
    shown = len({label.split()[0] for label, _ in rows if not label.startswith("OOM")})
    if shown < records:
        title.append(f"; {shown} of {records} records shown")
    kinds = ", ".join(k for k in map_kinds(view for _, view in rows) if k is not None)
    title.append(f"; a cell shows the first of {kinds} found in it")
    return title


def timeline(series: Series, width: int) -> Group:
    """end_index (▓, tops in eighths of a row) over live bytes (█), one column per record
    or, for long runs, per evenly spaced record; the axis spans the whole run."""
    if not len(series):
        return Group()
    top = max(max(series.memuse), 1)
    peak = max(range(len(series)), key=lambda n: series.memuse[n])
    label_width = len(str(top))
    room = max(1, width - label_width - 2)
    spread = 2 if 2 * len(series) <= room else 1
    columns = sample_numbers(len(series), room // spread)
    title = _lead("Timeline", "bold")
    when = "the end" if series.label(peak) == "end" else f"round {peak}"
    title.append(f" by round: ▓ end_index, █ live bytes; peak {series.memuse[peak]} at {when}")
    if len(columns) < len(series):
        every = (len(series) - 1) / max(len(columns) - 1, 1)
        title.append(f"; a column every {every:.1f} rounds")
    lines: list[RenderableType] = [title]
    for row in range(CHART_HEIGHT, 0, -1):
        axis = str(top) if row == CHART_HEIGHT else ""
        line = Text(axis.rjust(label_width) + " ┤" if axis else " " * label_width + " │")
        for number in columns:
            line.append_text(_chart_cell(series, number, top, row))
            line.append(" " * (spread - 1))
        lines.append(line)
    lines.append(Text("0".rjust(label_width) + " └" + "─" * (spread * len(columns))))
    lines.append(_ticks(series, columns, label_width + 2, spread))
    return Group(*lines)


def _chart_cell(series: Series, number: int, top: int, row: int) -> Text:
    live = series.live[number] * CHART_HEIGHT / top
    used = series.memuse[number] * CHART_HEIGHT / top
    if live >= row - 0.5:
        return Text("█", style="green")
    eighths = round((used - (row - 1)) * 8)
    if eighths >= 8:
        return Text("▓", style="red")
    if eighths <= 0:
        return Text(" ")
    return Text(EIGHTHS[eighths], style="red")


def _ticks(series: Series, columns: Sequence[int], indent: int, spread: int) -> Text:
    """Round numbers under their columns at a round step (1, 2, 5, 10, 20, …) wide enough
    that no two labels touch; the last column is always labelled."""
    width = spread * len(columns)
    per_column = (columns[-1] / (len(columns) - 1)) if len(columns) > 1 else 1.0
    label_room = len(str(columns[-1])) + 1
    step = 1
    while step / per_column * spread < label_room:
        step = next(m * 10**e for e in range(12) for m in (1, 2, 5) if m * 10**e > step)
    line = [" "] * width
    last_label = series.label(columns[-1])
    last_place = max(0, width - len(last_label))
    for number in range(0, columns[-1] + 1, step):
        place = round(number / per_column) * spread if len(columns) > 1 else 0
        label = str(number)
        if place + len(label) + 1 <= last_place:
            line[place : place + len(label)] = list(label)
    line[last_place : last_place + len(last_label)] = list(last_label)
    return Text(" " * indent + "".join(line).rstrip(), style="dim")


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


def forecast_check(result: TraceResult) -> Text | None:
    """The forecast made early in a run that did run out, held against where it did."""
    early, failure = result.early_forecast, result.failure
    if failure is None or early is None or early.out_of_memory_round is None:
        return None
    text = _lead("Forecast, checked: ", "bold")
    text.append(
        f"from round {early.from_round}'s step ({_signed(early.growth)} bytes a round), "
        f"the buffer was to run out in round {early.out_of_memory_round}; "
    )
    if failure.round == early.out_of_memory_round:
        text.append(f"it did, in round {failure.round}.", style="bold")
    else:
        where = "while loading" if failure.round is None else f"in round {failure.round}"
        text.append(f"it ran out {where} (the rate changed).", style="bold red")
    return text


def requirements_table(rows: Sequence[Requirement], length: str) -> Table:
    table = Table(
        title=f"Smallest buffer for {length}, by strategy (from a run of each)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("strategy", no_wrap=True)
    table.add_column("--buffer-size", justify="right", no_wrap=True)
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
    arena = failure.arena_request
    if arena is not None:
        text.append(
            f"{when}: {event.site} asked {arena.allocator} for {arena.size} bytes, which did "
            f"not fit in its node; {arena.allocator} asked {event.allocator} for a new node of "
            f"{event.size} bytes "
        )
    else:
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
    width = max(width, MIN_WIDTH)
    parts: list[RenderableType] = [
        heading(info, result.answers),
        round_table(result.rows, width, not info.fixed_buffer),
        Text(),
    ]
    if result.failure is not None:
        parts.extend([failure_text(result.failure), Text()])
        check = forecast_check(result)
        if check is not None:
            parts.extend([check, Text()])
    parts.extend([loading_text(result.site_peaks, not info.fixed_buffer), Text()])
    parts.append(explanation(result))
    parts.append(Text())
    arenas = arena_text(result)
    if arenas is not None:
        parts.extend([arenas, Text()])
    if result.blocks is not None:
        parts.extend([buffer_map(result, width), Text()])
    parts.append(timeline(result.series, width))
    parts.append(Text())
    if result.failure is None:
        parts.extend([forecast_text(result.forecast), Text()])
    if result.requirements:
        parts.append(requirements_table(result.requirements, info.length))
    elif info.bytes_read is not None:
        parts.append(partial_input_text(info))
    return parts


def partial_input_text(info: Heading) -> Text:
    """Why the other strategies and the smallest buffers are missing."""
    text = _lead("Other strategies: ", "bold")
    text.append(
        f"not run, and no smallest buffer measured: like the Zig program, aoc23 read the input "
        f"only as far as the {info.buffer_size}-byte buffer could hold it ({info.bytes_read} B); "
        "a larger --buffer-size reads more."
    )
    return text
