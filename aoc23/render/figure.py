"""The trace as a picture: a chart of end_index and live bytes over rounds (with every other
strategy's memuse beside it) and a map of the buffer, drawn as plain SVG.

The same drawing serves ``aoc23 trace --svg`` and the HTML report (which adds a slider);
nothing here loads a font or anything else from outside the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from aoc23.analysis import TraceResult
from aoc23.ledger import BufferView, Segment
from aoc23.render.trace import Heading, map_kinds, map_rows, map_scale

WIDTH = 960
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
COLOURS: dict[str, str] = {
    "live": "#2f9e44",
    "stranded": "#e03131",
    "padding": "#f0b400",
    "spare": "#74c0fc",
    "free": "#e9ecef",
    "used": "#c92a2a",
    "buffer": "#343a40",
    "forecast": "#862e9c",
    "grid": "#dee2e6",
    "text": "#212529",
    "muted": "#6c757d",
}
OTHER_COLOURS = ("#1971c2", "#e8590c", "#0c8599", "#5f3dc4", "#a61e4d", "#5c940d")
"""Lines of the other strategies, in the registry's order."""
KIND_WORDS: dict[str, str] = {
    "live": "live",
    "stranded": "stranded (freed, not reclaimable)",
    "padding": "padding",
    "spare": "spare (arena room)",
    "free": "free",
}


MAX_POINTS = 1200
"""Longer series are drawn through the highest value of each of this many slices."""


@dataclass(frozen=True)
class Box:
    """Where a chart's plot area sits and what it spans: x in rounds, y in bytes."""

    left: float
    top: float
    right: float
    bottom: float
    rounds: int
    """The last record number on the x axis (at least 1)."""
    top_bytes: int

    def x(self, number: float) -> float:
        return self.left + (self.right - self.left) * number / self.rounds

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.top_bytes


def nice_ticks(top: float, count: int = 5) -> list[int]:
    """Round numbers from 0 up to ``top``: a step of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0]
    raw = top / count
    power = 10 ** max(len(str(int(raw))) - 1, 0)
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(int(step), 1)
    return list(range(0, int(top) + 1, step))


def _bytes(value: int) -> str:
    return f"{value:,}".replace(",", "\u2009")


def _text(
    x: float, y: float, words: str, *, size: int = 12, anchor: str = "start", **extra: str
) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"'
        f"{attributes}>{escape(words)}</text>"
    )


def _points(box: Box, values: Sequence[int]) -> str:
    """The polyline of ``values`` (one per record), thinned to the highest per slice."""
    numbers = range(len(values))
    if len(values) > MAX_POINTS:
        slice_size = len(values) / MAX_POINTS
        picked = []
        for i in range(MAX_POINTS):
            chunk = range(int(i * slice_size), int((i + 1) * slice_size))
            picked.append(max(chunk, key=lambda n: values[n]))
        numbers = picked  # type: ignore[assignment]
    return " ".join(f"{box.x(n):.1f},{box.y(values[n]):.1f}" for n in numbers)


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[int]
    colour: str
    width: float = 2.0
    dash: str = ""
    failed_at: int | None = None
    """The round it ran out of memory in, marked with a cross."""


def chart_lines(result: TraceResult, heading: Heading) -> list[Line]:
    used = "end_index" if heading.fixed_buffer else "bytes mapped"
    failed = result.failure.round if result.failure else None
    lines = [
        Line(f"{heading.strategy}: live bytes", result.series.live, COLOURS["live"], 2.0),
        Line(f"{heading.strategy}: {used}", result.series.memuse, COLOURS["used"], 3.0, "", failed),
    ]
    for colour, other in zip(OTHER_COLOURS, result.comparisons, strict=False):
        lines.append(
            Line(
                f"{other.strategy}: memuse",
                other.memuse,
                colour,
                1.6,
                "6 3",
                other.out_of_memory_round,
            )
        )
    return lines


def chart_box(result: TraceResult, heading: Heading, top: float, height: float) -> Box:
    records = max(len(result.series), *(len(o.memuse) for o in result.comparisons), 1)
    highest = max(
        [max(result.series.memuse, default=0)]
        + [max(o.memuse, default=0) for o in result.comparisons]
    )
    if _buffer_on_chart(result, heading, highest):
        highest = max(highest, heading.buffer_size)
    return Box(90, top, WIDTH - 150, top + height, max(records - 1, 1), max(int(highest * 1.05), 1))


def _buffer_on_chart(result: TraceResult, heading: Heading, highest: int) -> bool:
    if not heading.fixed_buffer:
        return False
    return result.failure is not None or highest * 4 >= heading.buffer_size


def chart_svg(
    result: TraceResult, heading: Heading, top: float = 50, height: float = 280
) -> tuple[str, Box]:
    """The line chart's SVG elements (no ``<svg>`` wrapper) and where its plot area is."""
    box = chart_box(result, heading, top, height)
    parts = [_axes(box)]
    if _buffer_on_chart(result, heading, box.top_bytes):
        y = box.y(heading.buffer_size)
        parts.append(
            f'<line x1="{box.left}" y1="{y:.1f}" x2="{box.right}" y2="{y:.1f}" '
            f'stroke="{COLOURS["buffer"]}" stroke-width="1.5" stroke-dasharray="2 3"/>'
        )
        parts.append(_text(box.right + 6, y + 4, "buffer size", size=11, fill=COLOURS["buffer"]))
    for line in chart_lines(result, heading):
        parts.append(_polyline(box, line))
    parts.append(_forecast_mark(result, box))
    parts.append(
        f'<line id="cursor" x1="{box.left}" y1="{box.top}" x2="{box.left}" y2="{box.bottom}" '
        f'stroke="{COLOURS["text"]}" stroke-width="1" visibility="hidden"/>\n'
        f'<circle id="cursor-dot" cx="{box.left}" cy="{box.bottom}" r="4.5" '
        f'fill="{COLOURS["used"]}" stroke="white" stroke-width="1.5" visibility="hidden"/>'
    )
    return "\n".join(part for part in parts if part), box


def _polyline(box: Box, line: Line) -> str:
    if not line.values:
        return ""
    dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
    drawn = (
        f'<polyline fill="none" stroke="{line.colour}" stroke-width="{line.width}"{dash} '
        f'stroke-linejoin="round" points="{_points(box, line.values)}"/>'
    )
    if line.failed_at is None or line.failed_at >= len(line.values):
        return drawn
    x, y = box.x(line.failed_at), box.y(line.values[line.failed_at])
    cross = (
        f'<path d="M{x - 5:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 5:.1f} M{x - 5:.1f},{y + 5:.1f} '
        f'L{x + 5:.1f},{y - 5:.1f}" stroke="{line.colour}" stroke-width="2.5"/>'
    )
    return drawn + "\n" + cross


def _forecast_mark(result: TraceResult, box: Box) -> str:
    prediction = result.early_forecast if result.failure else result.forecast
    if prediction is None or prediction.out_of_memory_round is None:
        return ""
    round_ = prediction.out_of_memory_round
    words = f"forecast: OutOfMemory in round {round_}"
    if round_ > box.rounds:
        return _text(
            box.right, box.top - 8, words + " →", size=11, anchor="end", fill=COLOURS["forecast"]
        )
    x = box.x(round_)
    mark = (
        f'<line x1="{x:.1f}" y1="{box.top}" x2="{x:.1f}" y2="{box.bottom}" '
        f'stroke="{COLOURS["forecast"]}" stroke-width="1.5" stroke-dasharray="5 4"/>\n'
    )
    return mark + (
        _text(x + 5, box.top + 32, words, size=11, fill=COLOURS["forecast"])
        if x < (box.left + box.right) / 2
        else _text(x - 5, box.top + 32, words, size=11, anchor="end", fill=COLOURS["forecast"])
    )


def _axes(box: Box) -> str:
    parts = [
        f'<rect x="{box.left}" y="{box.top}" width="{box.right - box.left}" '
        f'height="{box.bottom - box.top}" fill="white" stroke="{COLOURS["grid"]}"/>'
    ]
    for value in nice_ticks(box.top_bytes / 1.05):
        y = box.y(value)
        parts.append(
            f'<line x1="{box.left}" y1="{y:.1f}" x2="{box.right}" y2="{y:.1f}" '
            f'stroke="{COLOURS["grid"]}"/>'
        )
        parts.append(
            _text(box.left - 6, y + 4, _bytes(value), size=11, anchor="end", fill=COLOURS["muted"])
        )
    for number in nice_ticks(box.rounds, 10):
        x = box.x(number)
        parts.append(
            f'<line x1="{x:.1f}" y1="{box.bottom}" x2="{x:.1f}" y2="{box.bottom + 5}" '
            f'stroke="{COLOURS["muted"]}"/>'
        )
        parts.append(
            _text(x, box.bottom + 18, str(number), size=11, anchor="middle", fill=COLOURS["muted"])
        )
    parts.append(
        _text((box.left + box.right) / 2, box.bottom + 36, "round", size=12, anchor="middle")
    )
    parts.append(_text(box.left - 6, box.top - 8, "bytes", size=12, anchor="end"))
    return "\n".join(parts)


def _legend_rows(result: TraceResult, heading: Heading) -> list[tuple[str, str, str]]:
    entries = [(line.name, line.colour, line.dash) for line in chart_lines(result, heading)]
    if _buffer_on_chart(result, heading, chart_box(result, heading, 0, 1).top_bytes):
        entries.append((f"buffer: {heading.buffer_size} B", COLOURS["buffer"], "2 3"))
    return entries


def legend_entries(result: TraceResult, heading: Heading) -> int:
    """How many rows :func:`chart_legend` draws (18 pixels each)."""
    return len(_legend_rows(result, heading))


def chart_legend(result: TraceResult, heading: Heading, x: float, y: float) -> str:
    parts = []
    for index, (name, colour, dash) in enumerate(_legend_rows(result, heading)):
        row_y = y + 18 * index
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" y1="{row_y - 4}" x2="{x + 22}" y2="{row_y - 4}" '
            f'stroke="{colour}" stroke-width="3"{dashes}/>'
        )
        parts.append(_text(x + 28, row_y, name, size=11))
    return "\n".join(parts)


def block_rects(
    view: BufferView, scale: int, left: float, width: float, y: float, height: float
) -> str:
    """One rectangle per segment (at least a pixel wide), over the free part of the buffer."""
    per_byte = width / max(scale, 1)
    span = width if view.size is None else min(width, view.size * per_byte)
    parts = [
        f'<rect x="{left}" y="{y}" width="{span:.1f}" height="{height}" fill="{COLOURS["free"]}"/>'
    ]
    cursor = 0
    for segment in view.segments:
        start = segment.start if view.kind != "pages" else cursor
        cursor += segment.length
        x = left + start * per_byte
        w = max(segment.length * per_byte, 1.0)
        parts.append(
            f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{height}" '
            f'fill="{COLOURS[segment.kind]}"><title>{escape(_describe(segment))}</title></rect>'
        )
    return "\n".join(parts)


def _describe(segment: Segment) -> str:
    return f"{segment.site}: {segment.length} B at {segment.start} ({segment.kind})"


def _failed_request(
    result: TraceResult,
    view: BufferView,
    scale: int,
    left: float,
    width: float,
    y: float,
    height: float,
) -> tuple[str, float]:
    """The request that did not fit, outlined from end_index on (cut a little past the
    bar's end), and where the row's number goes after it."""
    assert result.failure is not None
    event = result.failure.event
    if event.allocator != view.name:
        return "", left + width + 6
    per_byte = width / max(scale, 1)
    start = left + event.used * per_byte
    end = min(left + width + 16, start + max(event.size * per_byte, 3))
    outline = (
        f'<rect x="{start:.2f}" y="{y - 2}" width="{end - start:.2f}" height="{height + 4}" '
        f'fill="none" stroke="{COLOURS["stranded"]}" stroke-width="1.5" stroke-dasharray="3 2">'
        f"<title>{escape(event.site)}: {event.size} B did not fit</title></rect>"
    )
    return outline, max(end, left + width) + 6


def map_svg(result: TraceResult, top: float) -> tuple[str, float]:
    """The buffer map's bars, one per sampled record; returns the elements and their height."""
    rows = map_rows(result)
    if not rows:
        return "", 0
    scale = map_scale([view for _, view in rows])
    left, width, bar_height, gap = 90, WIDTH - 240, 14, 6
    parts = [
        _text(
            20,
            top,
            f"The buffer, round by round (bar = {_bytes(scale)} bytes)",
            size=14,
            font_weight="bold",
        )
    ]
    y = top + 14
    for label, view in rows:
        parts.append(_text(left - 6, y + 11, label, size=11, anchor="end"))
        parts.append(block_rects(view, scale, left, width, y, bar_height))
        number = _bytes(view.used)
        number_x: float = left + width + 6
        if label.startswith("OOM") and result.failure is not None:
            outline, number_x = _failed_request(result, view, scale, left, width, y, bar_height)
            parts.append(outline)
            if outline:
                number += f" +{_bytes(result.failure.event.size)} ✗"
        parts.append(_text(number_x, y + 11, number, size=11, fill=COLOURS["muted"]))
        y += bar_height + gap
    legend_y = y + 10
    x = float(left)
    for kind in (k or "free" for k in map_kinds(view for _, view in rows)):
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[kind]}"/>'
        )
        parts.append(_text(x + 16, legend_y, KIND_WORDS[kind], size=11))
        x += 34 + 6 * len(KIND_WORDS[kind])
    return "\n".join(parts), legend_y - top + 10


def figure_svg(result: TraceResult, heading: Heading) -> str:
    """The whole figure: a title, the chart with its legend, and the buffer map."""
    title = f"aoc23 trace: {heading.strategy} · {heading.input_name} · {heading.length}"
    chart, box = chart_svg(result, heading, top=70)
    legend_top = box.bottom + 60
    legend = chart_legend(result, heading, box.left, legend_top)
    entries = legend_entries(result, heading)
    map_top = legend_top + 18 * entries + 20
    bars, map_height = map_svg(result, map_top)
    height = map_top + map_height + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" font-family="{FONT}" fill="{COLOURS["text"]}">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n'
        + _text(20, 28, title, size=16, font_weight="bold")
        + "\n"
        + _text(20, 48, _subtitle(result, heading), size=12, fill=COLOURS["muted"])
        + f"\n{chart}\n{legend}\n{bars}\n</svg>\n"
    )


def _subtitle(result: TraceResult, heading: Heading) -> str:
    memory = f"{heading.buffer_size}-byte buffer" if heading.fixed_buffer else "page allocator"
    if result.failure is not None:
        where = (
            "while loading" if result.failure.round is None else f"in round {result.failure.round}"
        )
        return f"{memory}; OutOfMemory {where}"
    last = result.series.memuse[-1] if len(result.series) else 0
    return f"{memory}; memuse after the last step: {last}"
