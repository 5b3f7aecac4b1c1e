"""The HTML report and the SVG figure as a person sees them: opened in a real headless
Chromium, walked with the keyboard, a block hovered, and everything shown checked against
the JSON events of the same run.

These tests need Debian's ``chromium`` and the ``playwright`` package (``make test``
installs the package; ``.ci/run`` installs the browser). Without a browser they are
skipped with the reason printed, unless AOC23_REQUIRE_BROWSER=1 (set by CI) makes that a
failure. Screenshots are written to AOC23_SCREENSHOTS (a directory) when it is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

from aoc23 import analysis
from aoc23.cli import main
from aoc23.ledger import KINDS
from aoc23.strategies import Settings

ROOT = Path(__file__).resolve().parent.parent
BLOG = ROOT / "inputs" / "blog-70x70.txt"
ENV = {"COLUMNS": "80", "NO_COLOR": "1"}
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return os.environ.get("AOC23_CHROMIUM") or shutil.which("chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get("AOC23_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required, but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (install Debian's chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        _unavailable("no chromium on PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield launched
        launched.close()


def trace(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["trace", *args], env=ENV)
    return result.exit_code, result.stdout


def json_records(*args: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The round records and the events of the same run, from ``--format json``."""
    _, out = trace(*args, "--format", "json", "--no-compare")
    lines = [json.loads(line) for line in out.splitlines()]
    return [line for line in lines if line["type"] == "round"], lines


Seen = TypeVar("Seen")


class Page:
    """A report opened in the browser, with every console error and outside request kept."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page(viewport={"width": 1040, "height": 900})
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("#bar rect")

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"{message.type}: {message.text}")

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def text(self, selector: str) -> str:
        return str(self.page.inner_text(selector))

    def shown_used(self) -> int:
        return int(self.text("#n-used b"))

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def walk(self, positions: int) -> list[int]:
        """From the first round, the used bytes shown at each of ``positions`` slider
        positions, moving one to the right with the arrow key each time."""
        return self.look_at_each(positions, self.shown_used)

    def look_at_each(self, positions: int, look: Callable[[], Seen]) -> list[Seen]:
        """What ``look`` sees at each of ``positions`` slider positions, from the first,
        moving one to the right with the arrow key each time."""
        self.page.click("h1")
        seen = [look()]
        for _ in range(positions - 1):
            self.press("ArrowRight")
            seen.append(look())
        return seen

    def screenshot(self, name: str) -> None:
        folder = os.environ.get("AOC23_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / name), full_page=True)

    def close(self) -> None:
        self.page.close()


@pytest.fixture()
def open_report(browser: Any) -> Iterator[Any]:
    pages: list[Page] = []

    def opener(path: Path) -> Page:
        page = Page(browser, path)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


def test_the_report_walks_every_round_with_the_keyboard(tmp_path: Path, open_report: Any) -> None:
    report = tmp_path / "report.html"
    code, _ = trace("--rounds", "10", "--html", str(report))
    assert code == 0
    records, _ = json_records("--rounds", "10")
    page = open_report(report)
    assert page.walk(len(records)) == [record["memuse"] for record in records]
    assert page.text("#round-label") == "the end (after the last step)"
    page.press("Home")
    assert page.text("#round-label") == "round 0" and page.shown_used() == records[0]["memuse"]
    page.press("End")
    stranded = int(page.text("#n-stranded b"))
    assert stranded == records[-1]["stranded"]
    assert "spare" not in page.text("#buffer .legend") + page.text("#rounds thead")
    page.screenshot("report-10-rounds.png")
    assert page.errors == [] and page.outside == []


def test_a_hovered_block_tells_its_site_size_and_rounds(tmp_path: Path, open_report: Any) -> None:
    report = tmp_path / "report.html"
    trace("--rounds", "3", "--html", str(report), "--no-compare")
    _, events = json_records("--rounds", "3")
    first_table = next(e for e in events if e["type"] == "alloc" and e["site"] == "grid.cells")
    no_op = next(e for e in events if e["type"] == "free" and not e["reclaimed"])
    page = open_report(report)
    page.page.click("h1")
    page.press("ArrowRight")
    block = f'#bar rect[data-offset="{first_table["offset"]}"]'
    page.page.hover(block)
    details = page.text("#details")
    assert page.page.get_attribute(block, "data-kind") == "stranded"
    assert details.startswith(f"grid.cells: stranded, {first_table['size']} B at offset ")
    assert f"offset {first_table['offset']} of main" in details
    assert "allocated while loading" in details
    assert "freed in round 0's step, a no-op" in details
    assert no_op["offset"] == first_table["offset"] and no_op["size"] == first_table["size"]
    page.page.click(block)
    page.page.mouse.move(5, 5)
    assert page.text("#details") == details
    assert page.errors == []


RECTS = """() => Array.from(document.querySelectorAll('#bar rect[data-kind]'),
  rect => [rect.dataset.kind, Number(rect.dataset.bytes), Number(rect.dataset.count)])"""


def drawn(page: Page) -> tuple[dict[str, int], int]:
    """The bytes the bar draws of each kind (for a node: its spare room), and how many
    stranded blocks it draws."""
    bytes_of: dict[str, int] = {}
    stranded = 0
    for kind, size, count in page.page.evaluate(RECTS):
        bytes_of[kind] = bytes_of.get(kind, 0) + size
        stranded += count if kind == "stranded" else 0
    return {kind: size for kind, size in bytes_of.items() if size}, stranded


MISPLACED = """() => {
  const data = JSON.parse(document.getElementById('trace-data').textContent);
  const perByte = data.bar.width / Math.max(data.scale, 1);
  const arenas = data.memories.filter(m => m.parent !== null).map(m => m.name);
  const rects = Array.from(document.querySelectorAll('#bar rect[data-kind]'), rect => ({
    memory: rect.dataset.memory, kind: rect.dataset.kind, offset: Number(rect.dataset.offset),
    size: Number(rect.dataset.size), x: rect.x.baseVal.value}));
  const nodes = rects.filter(r => r.kind === 'spare');
  return rects.filter(r => arenas.includes(r.memory)).filter(block => !nodes.some(node =>
    node.offset <= block.offset && block.offset < node.offset + node.size &&
    Math.abs(block.x - node.x - (block.offset - node.offset) * perByte) < 0.01));
}"""
"""The arena blocks the bar draws anywhere but as far into a node as they lie in it."""


def layouts(result: analysis.TraceResult) -> list[tuple[dict[str, int], int]]:
    """What :func:`drawn` should see at each record: the block log's layouts."""
    assert result.blocks is not None
    numbers = list(range(len(result.series)))
    expected = []
    for views in result.blocks.views_at_each(numbers, merge=False):
        segments = [segment for view in views for segment in view.segments]
        bytes_of: dict[str, int] = {
            kind: sum(s.length for s in segments if s.kind == kind) for kind in KINDS
        }
        stranded = sum(1 for s in segments if s.kind == "stranded")
        expected.append(({kind: size for kind, size in bytes_of.items() if size}, stranded))
    return expected


def arena_report(tmp_path: Path, strategy: str) -> tuple[Path, analysis.TraceResult]:
    """The 10-round report of ``strategy`` on the blog's input, and the same run's data."""
    report = tmp_path / f"{strategy}.html"
    code, _ = trace(
        str(BLOG), "--strategy", strategy, "--rounds", "10", "--no-compare", "--html", str(report)
    )
    assert code == 0
    text = BLOG.read_bytes()
    return report, analysis.trace_run(text, strategy, Settings(), 10, compare_strategies=False)


@pytest.mark.parametrize("strategy", ["arena", "arenas"])
def test_an_arenas_blocks_are_drawn_inside_its_nodes_at_every_round(
    tmp_path: Path, open_report: Any, strategy: str
) -> None:
    report, result = arena_report(tmp_path, strategy)
    page = open_report(report)
    seen = page.look_at_each(
        len(result.series),
        lambda: (drawn(page), page.page.evaluate(MISPLACED), page.text("#n-spare b")),
    )
    assert [layout for layout, _, _ in seen] == layouts(result)
    assert [misplaced for _, misplaced, _ in seen] == [[]] * len(seen)
    assert [int(spare) for _, _, spare in seen] == list(result.series.spare)
    assert all(bytes_of["spare"] for (bytes_of, _), _, _ in seen)
    assert "spare (arena room)" in page.text("#buffer .legend")
    assert "spare" in page.text("#rounds thead")
    assert "What the arenas did" in page.text("#story")
    assert result.blocks is not None
    hosts = [view.name for view in result.blocks.views_at(0)]
    assert page.page.locator('#bar text[text-anchor="end"]').all_text_contents() == hosts
    assert page.errors == [] and page.outside == []


def test_hovered_arena_blocks_and_nodes_say_what_they_are(tmp_path: Path, open_report: Any) -> None:
    report, result = arena_report(tmp_path, "arena")
    page = open_report(report)
    page.page.click("h1")
    page.press("End")
    page.page.hover('#bar rect[data-kind="stranded"] >> nth=0')
    details = page.text("#details")
    assert "B in the arena arena, at offset 4992 of main" in details
    assert "a no-op: it was not the arena's newest block, so its node's end_index stayed" in details
    page.page.hover('#bar rect[data-kind="spare"]', position={"x": 1, "y": 1})
    details = page.text("#details")
    assert details.startswith("arena node of arena: ")
    assert "taken from main for the input (readFileAlloc) while loading" in details
    assert f"Its {result.series.spare[-1]} B not covered by arena's blocks are spare" in details
    assert page.errors == []


SPARE_WORDS = re.compile(r"^arena node of (arena-[ab]): .* Its (\d+) B not covered by \1's blocks")


def test_each_node_of_two_arenas_names_its_arena_and_its_spare_room(
    tmp_path: Path, open_report: Any
) -> None:
    report, result = arena_report(tmp_path, "arenas")
    page = open_report(report)
    page.page.click("h1")
    page.press("ArrowRight")
    nodes = page.page.locator('#bar rect[data-kind="spare"]')
    said = []
    for index in range(nodes.count()):
        nodes.nth(index).hover(position={"x": 1, "y": 1})
        words = SPARE_WORDS.match(page.text("#details"))
        assert words is not None, page.text("#details")
        said.append((words[1], int(words[2])))
    assert [arena for arena, _ in said] == ["arena-a", "arena-a", "arena-b"]
    assert sum(spare for _, spare in said) == result.series.spare[1]
    assert page.errors == []


def test_the_part_2_report_reaches_the_out_of_memory_and_charts_four_strategies(
    tmp_path: Path, open_report: Any
) -> None:
    report = tmp_path / "p2.html"
    code, _ = trace("--part", "2", "--html", str(report))
    assert code == 1
    assert report.stat().st_size < 1_000_000
    records, events = json_records("--part", "2")
    failure = next(e for e in events if e["type"] == "out_of_memory")
    page = open_report(report)
    slider = page.page.locator("#slider")
    assert slider.get_attribute("max") == str(len(records))
    legend = page.text("#chart")
    for strategy in ("naive", "tempalloc", "double", "page"):
        assert f"{strategy}: " in legend
    assert page.walk(len(records)) == [record["memuse"] for record in records]
    page.press("End")
    assert page.text("#round-label").startswith("the OutOfMemory (new_cells, 36888 B")
    assert page.shown_used() == failure["end_index"] == records[-1]["memuse"]
    page.press("ArrowLeft")
    assert page.text("#round-label") == f"round {failure['round']}" == "round 226"
    assert "runs out in round 226" not in page.text("#story")
    assert "was to run out in round 226; it did, in round 226" in page.text("#story")
    page.screenshot("report-part-2.png")
    assert page.errors == [] and page.outside == []


RESOURCE_LOAD = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import"""
)


@pytest.mark.parametrize("option", ["--html", "--svg"])
def test_pictures_load_nothing_from_the_network(tmp_path: Path, option: str) -> None:
    picture = tmp_path / "picture"
    trace("--rounds", "4", option, str(picture))
    content = picture.read_text()
    assert RESOURCE_LOAD.search(content) is None
    assert "font-face" not in content


CLIPPED_TEXT = """() => {
  const svg = document.querySelector('svg');
  const box = svg.viewBox.baseVal;
  return Array.from(svg.querySelectorAll('text')).filter(t => {
    const b = t.getBBox();
    return b.x < 0 || b.y < 0 || b.x + b.width > box.width || b.y + b.height > box.height;
  }).map(t => t.textContent);
}"""


@pytest.mark.parametrize("args", [("--rounds", "10"), ("--part", "2")])
def test_the_svg_figure_has_no_clipped_text_in_chromium(
    tmp_path: Path, browser: Any, args: tuple[str, ...]
) -> None:
    figure = tmp_path / "figure.svg"
    trace(*args, "--svg", str(figure))
    page = browser.new_page()
    try:
        page.goto(figure.as_uri())
        assert page.evaluate(CLIPPED_TEXT) == []
        assert page.evaluate("document.querySelectorAll('svg text').length") > 20
    finally:
        page.close()


def test_rsvg_convert_renders_the_figure_at_its_size(tmp_path: Path) -> None:
    if shutil.which("rsvg-convert") is None:
        _unavailable("no rsvg-convert on PATH (Debian's librsvg2-bin)")
    figure = tmp_path / "figure.svg"
    trace("--rounds", "10", "--svg", str(figure))
    png = tmp_path / "figure.png"
    subprocess.run(["rsvg-convert", str(figure), "-o", str(png)], check=True)
    header = png.read_bytes()[:24]
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    declared = re.search(r'width="(\d+)" height="(\d+)"', figure.read_text())
    assert declared is not None and (width, height) == tuple(map(int, declared.groups()))
