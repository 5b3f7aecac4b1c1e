"""The trace as one self-contained HTML page: the buffer block by block with a slider over
rounds, the chart of every strategy (the SVG of :mod:`aoc23.render.figure`), the smallest
buffers, the reason and the run's options. An arena has no bar of its own: its blocks are
drawn inside its nodes, in the bar of the memory the nodes came from.

The page carries its data as JSON and under three hundred lines of script; it loads nothing
(no font, no library, no image), so it opens the same offline and can be mailed around.
"""

from __future__ import annotations

import json
from html import escape
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from rich.text import Text

from aoc23.analysis import TraceResult
from aoc23.ledger import KINDS, BlockLog, BufferView, Repeat
from aoc23.render import figure
from aoc23.render.trace import (
    Heading,
    arena_text,
    explanation,
    failure_text,
    forecast_check,
    forecast_text,
    loading_text,
    map_scale,
    table_columns,
)

BAR_LEFT = 110
BAR_WIDTH = figure.WIDTH - BAR_LEFT - 110
BAR_HEIGHT = 34


def report_html(result: TraceResult, heading: Heading) -> str:
    """The whole page."""
    data = page_data(result, heading)
    chart, box = figure.chart_svg(result, heading, top=30)
    entries = figure.legend_entries(result, heading)
    legend = figure.chart_legend(result, heading, box.left, box.bottom + 60)
    chart_height = box.bottom + 60 + 18 * entries
    data["chart"] = {
        "left": box.left,
        "right": box.right,
        "rounds": box.rounds,
        "top": box.top,
        "bottom": box.bottom,
        "top_bytes": box.top_bytes,
    }
    title = f"aoc23 trace: {heading.strategy} · {heading.input_name} · {heading.length}"
    body = "\n".join(
        [
            f"<header><h1>{escape(title)}</h1>",
            f'<p class="options">{escape(_options(heading, result))}</p></header>',
            f'<section id="story">{_story(result, heading)}</section>',
            '<section id="buffer"><h2>The buffer at <span id="round-label"></span></h2>',
            '<div class="controls"><label for="slider">round</label>',
            f'<input type="range" id="slider" min="0" max="{len(data["labels"]) - 1}" '
            'step="1" value="0" aria-label="round">',
            '<span id="round-of"></span>',
            '<span class="hint">← → move a round, PgUp/PgDn ten, Home/End; hover or click a '
            "block</span></div>",
            '<div id="numbers"></div>',
            f'<svg id="bar" width="{figure.WIDTH}" height="{_bar_svg_height(data)}" '
            f'viewBox="0 0 {figure.WIDTH} {_bar_svg_height(data)}"></svg>',
            '<div id="details" role="status">Hover or click a block to see what it is.</div>',
            _legend(_has_arenas(result)),
            "</section>",
            f'<section id="chart"><h2>{"end_index" if heading.fixed_buffer else "bytes mapped"} '
            "and live bytes, round by round, with every strategy's memuse</h2>",
            f'<svg id="chart-svg" width="{figure.WIDTH}" height="{chart_height:.0f}" '
            f'viewBox="0 0 {figure.WIDTH} {chart_height:.0f}">{chart}\n{legend}</svg></section>',
            _requirements(result, heading),
            _round_table(result),
            f"<footer>{escape(_footer(result))}</footer>",
        ]
    )
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{STYLE}</style></head>\n<body>\n{body}\n"
        f'<script type="application/json" id="trace-data">{payload}</script>\n'
        f"<script>{SCRIPT}</script>\n</body></html>\n"
    )


def page_data(result: TraceResult, heading: Heading) -> dict[str, Any]:
    """What the script draws from: per-position numbers, labels and the block log."""
    series = result.series
    labels = [series.label(n) for n in range(len(series))]
    if result.failure is not None:
        labels.append("OOM")
    blocks = result.blocks or BlockLog()
    return {
        "labels": labels,
        "numbers": _numbers(result),
        "used_name": "end_index" if heading.fixed_buffer else "bytes mapped",
        "failure": _failure_data(result),
        "others": [
            {"strategy": other.strategy, "memuse": list(other.memuse)}
            for other in result.comparisons
        ],
        "memories": [
            {
                "name": o.allocator,
                "kind": o.kind,
                "size": o.size,
                "counted": o.counted,
                "parent": o.parent,
            }
            for o in blocks.memories
        ],
        "sites": blocks.sites,
        "blocks": {name: list(column) for name, column in blocks.columns.items()},
        "scale": _scale(result, blocks),
        "bar": {"left": BAR_LEFT, "width": BAR_WIDTH, "height": BAR_HEIGHT},
        "colours": figure.COLOURS,
    }


def _numbers(result: TraceResult) -> dict[str, list[int]]:
    """Each record's numbers (and the failure's, last); spare only when arenas had room."""
    series = result.series
    numbers: dict[str, list[int]] = {
        "memuse": list(series.memuse),
        **{kind: list(getattr(series, kind)) for kind in KINDS},
        "no_op_frees": list(series.no_op_frees),
    }
    if result.failure is not None:
        counted = [view for view in result.failure.buffers if view.counted]
        numbers["memuse"].append(sum(view.used for view in counted))
        for kind in KINDS:
            numbers[kind].append(sum(view.total(kind) for view in counted))
        numbers["no_op_frees"].append(0)
    if not any(numbers["spare"]):
        del numbers["spare"]
    return numbers


def _failure_data(result: TraceResult) -> dict[str, Any] | None:
    if result.failure is None:
        return None
    event = result.failure.event
    return {
        "round": result.failure.round,
        "allocator": event.allocator,
        "site": event.site,
        "size": event.size,
        "used": event.used,
    }


def _scale(result: TraceResult, blocks: BlockLog) -> int:
    """Bytes the bar spans: the most any counted allocator used, or its whole buffer when
    that is at most twice as much (so a run near the end of its buffer shows the end)."""
    ends: dict[int, int] = {}
    for memory, segment, _, _ in blocks.rows():
        ends[memory] = max(ends.get(memory, 0), segment.end)
    most_mapped = max(result.series.memuse, default=0)
    views = [
        BufferView(
            opened.allocator,
            opened.kind,
            opened.size,
            True,
            most_mapped if opened.kind == "pages" else ends.get(index, 0),
            (),
        )
        for index, opened in enumerate(blocks.memories)
        if opened.counted
    ]
    return map_scale(views)


def _bar_svg_height(data: dict[str, Any]) -> int:
    counted = sum(1 for m in data["memories"] if m["counted"] and m["parent"] is None)
    return max(counted, 1) * (BAR_HEIGHT + 14) + 6


def _options(heading: Heading, result: TraceResult) -> str:
    memory = (
        f"{heading.buffer_size}-byte buffer{' (each of two)' if heading.two_buffers else ''}"
        if heading.fixed_buffer
        else "page allocator"
    )
    parts = [
        f"input {heading.input_name} ({heading.input_size} B, {heading.elves} elves)",
        heading.length,
        memory,
        *heading.what_ifs,
    ]
    parts += [f"part{p}: {v}" for p, v in sorted(result.answers.items())]
    return " · ".join(parts)


def _story(result: TraceResult, heading: Heading) -> str:
    texts: list[Text | None] = []
    if result.failure is not None:
        texts.append(failure_text(result.failure))
        texts.append(forecast_check(result))
    texts.append(explanation(result))
    texts.append(arena_text(result))
    texts.append(loading_text(result.site_peaks, not heading.fixed_buffer))
    if result.failure is None:
        texts.append(forecast_text(result.forecast))
    return "\n".join(_paragraph(text.plain) for text in texts if text is not None)


def _paragraph(text: str) -> str:
    """A paragraph; its lines that start with a bullet ("• …") follow it as a list."""
    lead, *items = text.split("\n• ")
    bullets = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<p>{escape(lead)}</p>" + (f"<ul>{bullets}</ul>" if items else "")


def _has_arenas(result: TraceResult) -> bool:
    return result.blocks is not None and any(
        opened.parent is not None for opened in result.blocks.memories
    )


def _legend(arenas: bool) -> str:
    """The bar's colours; spare only in a run with arenas."""
    items = "".join(
        f'<span><i style="background:{figure.COLOURS[kind]}"></i>{escape(words)}</span>'
        for kind, words in figure.KIND_WORDS.items()
        if arenas or kind != "spare"
    )
    return f'<div class="legend">{items}</div>'


def _requirements(result: TraceResult, heading: Heading) -> str:
    if not result.requirements:
        return ""
    rows = "".join(
        f"<tr><td>{escape(row.strategy)}</td><td class=n>"
        f"{'-' if row.buffer is None else row.buffer}</td><td>{escape(row.note())}</td></tr>"
        for row in result.requirements
    )
    return (
        f'<section id="needs"><h2>Smallest buffer for {escape(heading.length)}, by strategy</h2>'
        "<table><thead><tr><th>strategy</th><th>--buffer-size</th><th>note</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _round_table(result: TraceResult) -> str:
    names, cells = table_columns(result.rows, "memuse")
    head = "".join(f"<th>{escape(name)}</th>" for name in names)
    lines = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in cells
    )
    hints = []
    if "spare" in names:
        hints.append("spare: bytes of arena nodes not handed out (headers and unused room)")
    if any(isinstance(row, Repeat) for row in result.rows):
        hints.append("a…b: rounds whose steps each did what the step above did")
    notes = "".join(f'<p class="hint">{escape(hint)}</p>' for hint in hints)
    return (
        f'<section id="rounds"><h2>Round by round</h2>{notes}'
        f'<table class="rounds"><thead><tr>{head}</tr></thead><tbody>{lines}'
        "</tbody></table></section>"
    )


def _footer(result: TraceResult) -> str:
    try:
        release = version("aoc23")
    except PackageNotFoundError:
        release = "unknown"
    blocks = len(result.blocks) if result.blocks is not None else 0
    return (
        f"Made by aoc23 {release}: {len(result.series)} round records, {blocks} blocks. "
        "Every figure here is the simulation's, which aoc23 verify checks against real Zig."
    )


STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:0 auto;max-width:1000px;padding:12px 20px;color:#212529;background:#fff}
h1{font-size:21px;margin:8px 0 2px}h2{font-size:17px;margin:22px 0 8px}
.options,.hint{color:#6c757d;font-size:13px}.hint{margin-left:10px}
#story p{margin:6px 0}
.controls{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
#slider{width:520px}
#numbers{font-variant-numeric:tabular-nums;margin:8px 0;font-size:14px}
#numbers b{font-weight:600}#numbers span{margin-right:16px}
#bar rect.block{cursor:pointer}#bar rect.block:hover,#bar rect.pinned{stroke:#000;stroke-width:1.5}
#details{min-height:2.6em;background:#f8f9fa;border:1px solid #dee2e6;border-radius:4px;
padding:6px 10px;font-size:14px}
.legend{margin:8px 0;font-size:13px}.legend span{margin-right:18px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:5px;vertical-align:-1px}
table{border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;border-bottom:1px solid #e9ecef;text-align:left}
td.n,table.rounds td{text-align:right}table.rounds td:last-child{text-align:left}
#chart-svg{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;max-width:100%;height:auto}
#chart-svg text{fill:#212529}
footer{margin:24px 0 8px;color:#6c757d;font-size:12px}
"""

SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var slider = document.getElementById("slider");
  var bar = document.getElementById("bar");
  var details = document.getElementById("details");
  var cursor = document.getElementById("cursor");
  var NS = bar.namespaceURI;
  var B = data.blocks, K = ["live", "stranded", "padding", "spare"];
  var last = data.labels.length - 1, pinned = null, pinnedCount = 1, current = 0;
  var NODE_EDGE = 4, NODE_START = "#1c7ed6";  // a node's frame, and the line it starts at
  var arenasOf = Object.create(null);  // a memory's name: the arenas whose nodes it holds
  data.memories.forEach(function (memory, m) {
    if (memory.parent !== null) (arenasOf[memory.parent] = arenasOf[memory.parent] || []).push(m);
  });

  function stepName(r) { return r < 0 ? "while loading" : "in round " + r + "'s step"; }
  function visible(i, n) {
    return B.since[i] <= n && (B.until[i] < 0 || n < B.until[i]);
  }
  function lengthOf(i) { return B.end[i] - B.start[i]; }
  function shownOf(memories, n) {
    var shown = [];
    for (var i = 0; i < B.start.length; i++) {
      if (memories.indexOf(B.memory[i]) >= 0 && visible(i, n)) shown.push(i);
    }
    return shown.sort(function (a, b) { return B.start[a] - B.start[b]; });
  }
  // A live block of a memory that arenas take their nodes from is one of their nodes.
  function isNode(i) {
    return K[B.kind[i]] === "live" && data.memories[B.memory[i]].name in arenasOf;
  }
  function within(node) {
    return function (i) { return B.start[i] >= B.start[node] && B.start[i] < B.end[node]; };
  }
  function uncovered(node, held) {
    return held.reduce(function (room, i) { return room - lengthOf(i); }, lengthOf(node));
  }
  function el(name, attrs) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function describe(i) {
    if (isNode(i)) return describeNode(i);
    var memory = data.memories[B.memory[i]], kind = K[B.kind[i]];
    var words = data.sites[B.site[i]] + ": " + kind + ", " + lengthOf(i) + " B " + where(i) +
      "; allocated " + stepName(B.born[i]);
    if (kind === "stranded") {
      words += "; freed " + stepName(B.freed[i]) + ", a no-op: " + (memory.parent === null ?
        "it was not the last allocation, so end_index stayed" :
        "it was not the arena's newest block, so its node's end_index stayed");
    } else if (kind === "padding") {
      words += memory.kind === "pages" ? "; the unused rest of its last page" :
        "; skipped to align the block after it";
    }
    return words + ".";
  }
  function where(i) {
    var memory = data.memories[B.memory[i]];
    return memory.parent === null ? "at offset " + B.start[i] + " of " + memory.name :
      "in the arena " + memory.name + ", at offset " + B.start[i] + " of " + memory.parent;
  }
  function describeNode(i) {
    var host = data.memories[B.memory[i]].name, arena = ownerOf(i);
    var held = shownOf(arenasOf[host], current).filter(within(i));
    return "arena node of " + arena + ": " + lengthOf(i) + " B at offset " + B.start[i] +
      " of " + host + ", taken from " + host + " for " + data.sites[B.site[i]] + " " +
      stepName(B.born[i]) + growth(i) + ". Its " + uncovered(i, held) + " B not covered by " +
      arena + "'s blocks are spare room: the node's header and room not handed out yet.";
  }
  function growth(node) {
    var first = firstVersion(node);
    if (first === node) return "";
    var label = data.labels[B.since[first]];
    return " and grown in place since (it was " + lengthOf(first) + " B at " +
      (label === "end" ? "the end" : "round " + label) + ")";
  }
  // The arena whose blocks lie in the node while it is in place (or all it could be).
  function ownerOf(node) {
    var arenas = arenasOf[data.memories[B.memory[node]].name], inNode = within(node);
    var names = arenas.map(function (m) { return data.memories[m].name; });
    if (arenas.length === 1) return names[0];
    for (var i = 0; i < B.start.length; i++) {
      if (arenas.indexOf(B.memory[i]) >= 0 && inNode(i) && together(i, node)) {
        return data.memories[B.memory[i]].name;
      }
    }
    return names.join(" or ");
  }
  function together(a, b) { return B.since[a] < lastOf(b) && B.since[b] < lastOf(a); }
  function lastOf(i) { return B.until[i] < 0 ? Infinity : B.until[i]; }
  // The first version of a node the log kept: a node resized in place is logged once per
  // length, each version starting where the one before it ended.
  function firstVersion(node) {
    var version = node, before;
    while ((before = versionBefore(version)) !== null) version = before;
    return version;
  }
  function versionBefore(node) {
    for (var i = 0; i < B.start.length; i++) {
      if (B.memory[i] === B.memory[node] && B.start[i] === B.start[node] &&
          B.born[i] === B.born[node] && B.site[i] === B.site[node] && isNode(i) &&
          B.until[i] === B.since[node] && lengthOf(i) < lengthOf(node)) return i;
    }
    return null;
  }
  var hint = details.textContent;
  function show(i, count) {
    var more = count > 1 ? " (The first of " + count + " blocks of this kind that are " +
      "too thin to draw apart at this scale.)" : "";
    details.textContent = i === null ? hint : describe(i) + more;
  }

  function drawBar(n) {
    while (bar.firstChild) bar.removeChild(bar.firstChild);
    var y = 4;
    data.memories.forEach(function (memory, m) {
      if (!memory.counted || memory.parent !== null) return;
      drawMemory(memory, m, n, y);
      y += data.bar.height + 14;
    });
  }

  function drawMemory(memory, m, n, y) {
    var geo = data.bar, perByte = geo.width / Math.max(data.scale, 1);
    var row = {y: y, height: geo.height, perByte: perByte, prev: null};
    var label = el("text", {x: geo.left - 8, y: y + geo.height / 2 + 5, "text-anchor": "end",
      "font-size": 13});
    label.textContent = memory.name;
    bar.appendChild(label);
    var span = memory.size === null ? geo.width : Math.min(geo.width, memory.size * perByte);
    bar.appendChild(el("rect", {x: geo.left, y: y, width: span, height: geo.height,
      fill: data.colours.free}));
    var inside = shownOf(arenasOf[memory.name] || [], n);
    var cursorAt = 0, used = 0;
    shownOf([m], n).forEach(function (i) {
      var at = memory.kind === "pages" ? cursorAt : B.start[i];
      cursorAt += lengthOf(i);
      used = memory.kind === "pages" ? cursorAt : Math.max(used, B.end[i]);
      if (isNode(i)) drawNode(row, i, at, inside); else drawBlock(row, i, at);
    });
    var usedText = el("text", {x: geo.left + geo.width + 8, y: y + geo.height / 2 + 5,
      "font-size": 13});
    usedText.textContent = String(used);
    bar.appendChild(usedText);
  }

  // A node is drawn whole in the spare colour, a darker line where it starts, then the
  // arena's blocks over it, each as far into the node as it lies and a little less tall,
  // so the node frames them; they do not merge with blocks outside the node.
  function drawNode(row, node, at, inside) {
    var held = inside.filter(within(node));
    var width = Math.max(lengthOf(node) * row.perByte, 1);
    var x = data.bar.left + at * row.perByte;
    blockRect(node, x, width, row, "spare", uncovered(node, held));
    bar.appendChild(el("rect", {x: x, y: row.y, width: Math.min(width, 1), height: row.height,
      fill: NODE_START, "pointer-events": "none"}));
    row.prev = null;
    var inner = {y: row.y + NODE_EDGE, height: data.bar.height - 2 * NODE_EDGE,
      perByte: row.perByte, prev: null};
    held.forEach(function (i) { drawBlock(inner, i, at + B.start[i] - B.start[node]); });
  }

  // Blocks thinner than a pixel that touch one of the same kind and site join it as one rect.
  function drawBlock(row, i, at) {
    var geo = data.bar, length = lengthOf(i), prev = row.prev;
    var x = geo.left + at * row.perByte, width = Math.max(length * row.perByte, 1);
    if (prev && prev.kind === B.kind[i] && prev.site === B.site[i] &&
        x - prev.right < 0.5 && (prev.width < 2 || width < 2)) {
      prev.width = x + width - prev.x;
      prev.right = x + width;
      prev.count += 1;
      prev.bytes += length;
      prev.rect.setAttribute("width", prev.width);
      prev.rect.setAttribute("data-count", prev.count);
      prev.rect.setAttribute("data-bytes", prev.bytes);
      return;
    }
    var r = blockRect(i, x, width, row, K[B.kind[i]], length);
    row.prev = {kind: B.kind[i], site: B.site[i], x: x, right: x + width, width: width,
      count: 1, bytes: length, rect: r};
    if (width > 8 * data.sites[B.site[i]].length) {
      var name = el("text", {x: x + 4, y: row.y + row.height / 2 + 4,
        "font-size": 11, fill: "#fff", "pointer-events": "none"});
      name.textContent = data.sites[B.site[i]];
      bar.appendChild(name);
    }
  }

  // data-bytes: the bytes of its kind a rect stands for (a node's: its spare room).
  function blockRect(i, x, width, row, kind, bytes) {
    var r = el("rect", {x: x, y: row.y, width: width, height: row.height,
      fill: data.colours[kind], "class": "block" + (pinned === i ? " pinned" : ""),
      "data-block": i, "data-site": data.sites[B.site[i]], "data-size": lengthOf(i),
      "data-offset": B.start[i], "data-kind": kind, "data-count": 1, "data-bytes": bytes,
      "data-memory": data.memories[B.memory[i]].name});
    bar.appendChild(r);
    return r;
  }

  function drawNumbers(n) {
    var num = data.numbers, parts = [];
    parts.push([data.used_name, num.memuse[n], "used"]);
    parts.push(["live", num.live[n], "live"]);
    parts.push(["stranded", num.stranded[n], "stranded"]);
    parts.push(["padding", num.padding[n], "padding"]);
    if (num.spare) parts.push(["spare", num.spare[n], "spare"]);
    parts.push(["no-op frees in the step before", num.no_op_frees[n], "frees"]);
    data.others.forEach(function (o) {
      var value = n < o.memuse.length ? o.memuse[n] : "ran out";
      parts.push([o.strategy, value, "other-" + o.strategy]);
    });
    var box = document.getElementById("numbers");
    box.textContent = "";
    parts.forEach(function (p) {
      var s = document.createElement("span");
      s.id = "n-" + p[2];
      s.appendChild(document.createTextNode(p[0] + " "));
      var b = document.createElement("b");
      b.textContent = String(p[1]);
      s.appendChild(b);
      box.appendChild(s);
    });
  }

  function go(n) {
    n = Math.max(0, Math.min(last, n));
    current = n;
    slider.value = String(n);
    var label = data.labels[n];
    var name = label === "end" ? "the end (after the last step)" :
      label === "OOM" ? "the OutOfMemory (" + data.failure.site + ", " + data.failure.size +
      " B did not fit)" : "round " + label;
    document.getElementById("round-label").textContent = name;
    document.getElementById("round-of").textContent = (n + 1) + " of " + (last + 1);
    drawNumbers(n);
    drawBar(n);
    if (cursor) {
      var c = data.chart, at = label === "OOM" ? n - 1 : n;
      var x = c.left + (c.right - c.left) * Math.min(at, c.rounds) / c.rounds;
      cursor.setAttribute("x1", x); cursor.setAttribute("x2", x);
      cursor.setAttribute("visibility", "visible");
      var dot = document.getElementById("cursor-dot");
      var value = data.numbers.memuse[n];
      dot.setAttribute("cx", x);
      dot.setAttribute("cy", c.bottom - (c.bottom - c.top) * value / c.top_bytes);
      dot.setAttribute("visibility", "visible");
    }
    if (pinned !== null && !visible(pinned, n)) pinned = null;
    show(pinned, pinnedCount);
  }

  slider.addEventListener("input", function () { go(Number(slider.value)); });
  document.addEventListener("keydown", function (e) {
    if (e.target === slider) return;
    var moves = {ArrowLeft: -1, ArrowRight: 1, PageUp: -10, PageDown: 10};
    if (e.key in moves) { go(current + moves[e.key]); e.preventDefault(); }
    else if (e.key === "Home") { go(0); e.preventDefault(); }
    else if (e.key === "End") { go(last); e.preventDefault(); }
  });
  function blockOf(e) {
    var t = e.target;
    return t && t.getAttribute && t.getAttribute("data-block") !== null ?
      Number(t.getAttribute("data-block")) : null;
  }
  function countOf(e) { return Number(e.target.getAttribute("data-count") || 1); }
  bar.addEventListener("mouseover", function (e) {
    var i = blockOf(e); if (i !== null) show(i, countOf(e));
  });
  bar.addEventListener("mouseout", function () { show(pinned, pinnedCount); });
  bar.addEventListener("click", function (e) {
    var i = blockOf(e); pinned = i; pinnedCount = i === null ? 1 : countOf(e);
    drawBar(current); show(pinned, pinnedCount);
  });
  var chartSvg = document.getElementById("chart-svg");
  chartSvg.addEventListener("click", function (e) {
    var box = chartSvg.getBoundingClientRect(), c = data.chart;
    var x = (e.clientX - box.left) * chartSvg.viewBox.baseVal.width / box.width;
    if (x >= c.left && x <= c.right) go(Math.round((x - c.left) / (c.right - c.left) * c.rounds));
  });
  go(0);
})();
"""
