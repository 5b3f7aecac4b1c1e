"""``aoc23 trace`` as a user runs it: golden views, JSON lines, CSV, SVG, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from golden_cases import CASES, ENV, GOLDEN, env_of

from aoc23.cli import main
from aoc23.generate import generate
from aoc23.strategies import STRATEGIES
from aoc23.zigstd import hash_map

ROOT = Path(__file__).resolve().parent.parent
B = 36888


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env or ENV)


@pytest.mark.parametrize("name", list(CASES))
def test_the_view_matches_its_golden_file(name: str) -> None:
    result = invoke(*CASES[name], env=env_of(name))
    expected = (GOLDEN / name).read_text()
    assert result.stdout == expected, f"run `make golden` if this change is intended: {name}"


def golden_rows(name: str) -> dict[str, list[str]]:
    """The round table of a golden view: label -> its cells."""
    text = (GOLDEN / name).read_text()
    table = text.split(" ─", 1)[1].split("no-op frees:", 1)[0]
    rows = {}
    for line in table.splitlines()[1:]:
        cells = line.split()
        if cells:
            rows[cells[0]] = cells
    return rows


def test_the_golden_naive_view_tells_the_blogs_story() -> None:
    rows = golden_rows("trace-naive.txt")
    assert rows["0"][1] == "41864" and rows["9"][1] == "373856"
    for k in range(1, 10):
        _, memuse, growth, live, stranded, padding, site, offset = rows[str(k)]
        assert (int(memuse), growth, int(live), int(stranded), padding) == (
            41864 + k * B,
            f"+{B}",
            4970 + B,
            k * B,
            "6",
        )
        assert (site, offset) == ("grid.cells", f"@{4976 + (k - 1) * B}")
    text = (GOLDEN / "trace-naive.txt").read_text()
    assert "free(grid.cells, 36888 B @" in text and "runs out in round 226" in text


def test_the_golden_tempalloc_view_strands_nothing() -> None:
    rows = golden_rows("trace-tempalloc.txt")
    assert len(rows) == 11
    assert all(row[1] == "41864" and row[4] == "0" for row in rows.values())


def test_the_out_of_memory_view_explains_and_exits_1() -> None:
    result = invoke(*CASES["trace-out-of-memory.txt"])
    assert result.exit_code == 1
    assert "OutOfMemory in round 4's step" in result.stdout
    assert "OOM " in result.stdout and f"+{B} ✗" in result.stdout


def test_json_lines_are_complete_and_in_order() -> None:
    result = invoke("trace", "--format", "json", "--rounds", "3")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["type"] == "trace" and lines[0]["format_version"] == 1
    rounds = [line for line in lines if line["type"] == "round"]
    assert [r["round"] for r in rounds] == [0, 1, 2, 3] and rounds[-1]["final"]
    assert [r["stranded"] for r in rounds] == [0, B, 2 * B, 3 * B]
    frees = [line for line in lines if line["type"] == "free"]
    assert [f["reclaimed"] for f in frees] == [False] * 3
    count = len(STRATEGIES)
    forecast = lines[-count - 1]
    assert forecast["type"] == "forecast" and forecast["out_of_memory_round"] == 226
    assert [line["strategy"] for line in lines[-count:]] == list(STRATEGIES)


def test_json_reports_an_out_of_memory() -> None:
    result = invoke("trace", "--format", "json", "--buffer-size", "200000", "--no-compare")
    assert result.exit_code == 1
    last = json.loads(result.stdout.splitlines()[-1])
    assert last["type"] == "out_of_memory" and last["round"] == 4 and last["size"] == B


def test_csv_has_a_header_and_one_row_per_record() -> None:
    result = invoke("trace", "--format", "csv", "--rounds", "2")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["round"] for row in rows] == ["0", "1", "end"]
    assert [int(row["stranded"]) for row in rows] == [0, B, 2 * B]
    assert [int(row["no_op_bytes"]) for row in rows] == [0, B, B]


def test_svg_is_saved(tmp_path: Path) -> None:
    picture = tmp_path / "trace.svg"
    result = invoke("trace", "--rounds", "2", "--no-compare", "--svg", str(picture))
    assert result.exit_code == 0
    svg = picture.read_text()
    assert svg.startswith("<svg") and "41864" in svg


def test_piped_output_has_no_colour_codes() -> None:
    result = invoke("trace", "--rounds", "2", "--no-compare", env={"COLUMNS": "80"})
    assert "\x1b[" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_a_given_input_is_traced(tmp_path: Path) -> None:
    result = invoke("trace", str(ROOT / "inputs" / "example.txt"), "--rounds", "1", "--no-compare")
    assert result.exit_code == 0 and "example.txt (56 B, 22 elves)" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"#x\n", "example.txt:1:2"), (b"...\n", "no elves")],
)
def test_bad_input_is_one_line_and_exit_3(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "example.txt"
    if content is not None:
        path.write_bytes(content)
    result = invoke("trace", str(path), "--no-compare")
    assert result.exit_code == 3 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def table_rows_of(text: str) -> list[str]:
    table = text.split(" ─", 1)[1].split("no-op frees:", 1)[0]
    return [line for line in table.splitlines()[1:] if line.strip()]


def test_part_2_fits_one_screen_and_names_round_226() -> None:
    text = (GOLDEN / "trace-part2.txt").read_text()
    rows = table_rows_of(text)
    assert len(rows) <= 30
    assert rows[-1].split()[0] == "226" and rows[2].split()[0] == "2…225"
    assert "it did, in round 226" in text and "OOM " in text
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("columns", ["0", "1", "12", "40", "50", "60"])
def test_narrow_terminals_drop_columns_with_a_note_and_cut_no_number(columns: str) -> None:
    result = invoke("trace", "--rounds", "3", "--no-compare", env={**ENV, "COLUMNS": columns})
    assert result.exit_code == 0
    rows = table_rows_of(result.stdout)
    numbers = [row.split()[1] for row in rows]
    assert numbers == ["41864", "78752", "115640", "152528"]
    if int(columns) < 60:
        assert "left out to fit" in result.stdout


def test_csv_says_out_of_memory_on_stderr_like_solve() -> None:
    result = invoke("trace", "--format", "csv", "--buffer-size", "200000")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "error: OutOfMemory"
    assert "in round 4, allocating new_cells: 36888 bytes" in result.stderr
    assert result.stdout.splitlines()[-1].startswith("4,189416,")


def test_an_input_that_fails_to_load_before_its_parse_is_out_of_memory(tmp_path: Path) -> None:
    """Zig reads the whole file before parsing, so a tiny buffer runs out first (as solve)."""
    path = tmp_path / "bad.txt"
    path.write_bytes(b"x.#\n")
    for form in ("rich", "json", "csv"):
        result = invoke("trace", str(path), "--buffer-size", "100", "--format", form)
        assert result.exit_code == 1, form
    last = json.loads(
        invoke(
            "trace", str(path), "--buffer-size", "100", "--format", "json", "--no-compare"
        ).stdout.splitlines()[-1]
    )
    assert last["type"] == "out_of_memory" and last["round"] is None
    solve = invoke("solve", str(path), "--buffer-size", "100")
    assert solve.exit_code == 1 and "OutOfMemory" in solve.stderr


def test_svg_and_html_are_written_with_every_format(tmp_path: Path) -> None:
    for form in ("rich", "json", "csv"):
        svg, html = tmp_path / f"{form}.svg", tmp_path / f"{form}.html"
        result = invoke(
            "trace",
            "--rounds",
            "2",
            "--format",
            form,
            "--svg",
            str(svg),
            "--html",
            str(html),
            "--no-compare",
        )
        assert result.exit_code == 0
        assert svg.read_text().startswith("<svg") and "41 864" in svg.read_text().replace(
            "\u2009", " "
        )
        assert html.read_text().startswith("<!doctype html>")


def test_an_input_longer_than_the_buffer_holds_is_traced_as_far_as_zig_reads_it(
    tmp_path: Path,
) -> None:
    """readFileAlloc asks for the file's stat size first: 5000 bytes do not fit in 1000,
    so nothing is read, and no other strategy can be run on a part of the input."""
    path = tmp_path / "wide.txt"
    path.write_bytes(b"#" * 5000)
    result = invoke("trace", str(path), "--buffer-size", "1000")
    assert result.exit_code == 1
    assert "wide.txt (5000 B, 0 B read)" in result.stdout
    assert "asked main for 5000 bytes" in result.stdout
    assert "Other strategies: not run" in result.stdout
    lines = invoke("trace", str(path), "--buffer-size", "1000", "--format", "json").stdout
    records = [json.loads(line) for line in lines.splitlines()]
    assert records[-1]["type"] == "out_of_memory" and records[-1]["size"] == 5000
    assert not [r for r in records if r["type"] == "requirement"]


def test_an_endless_input_is_traced_to_the_read_that_fails() -> None:
    result = invoke("trace", "/dev/zero")
    assert result.exit_code == 1
    assert "zero (size unknown, 7779783 B read)" in result.stdout
    assert "OutOfMemory while loading: the input (readFileAlloc) asked main for" in result.stdout


def test_standard_input_is_named_as_such() -> None:
    example = (ROOT / "inputs" / "example.txt").read_bytes()
    result = CliRunner().invoke(
        main, ["trace", "-", "--rounds", "1", "--no-compare"], input=example, env=ENV
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("aoc23 trace: naive · standard input (56 B, 22 elves) · 1 ")


def test_a_piped_input_read_into_pages_on_0_14_follows_its_moved_mapping() -> None:
    """Read from a pipe, the list outgrows its first page; 0.14's remap grows the mapping
    where it is while the pages after it are free, then moves it, and the trace keeps the
    block where it went."""
    grid = generate(150, 150, 0.5, 7)
    args = ["trace", "-", "--strategy", "page", "--zig", "0.14", "--rounds", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "aoc23", *args, "--format", "json", "--no-compare"],
        input=grid,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    grows = [e for e in events if e["type"] == "resize" and e["new_size"] > e["old_size"]]
    assert all(e["call"] == "remap" and e["ok"] for e in grows)
    assert grows[0]["moved_to"] is None and any(e["moved_to"] is not None for e in grows)
    rounds = [e for e in events if e["type"] == "round"]
    table = hash_map.block_size(hash_map.capacity_for_size(grid.count(b"#")))
    assert rounds[0]["live"] == len(grid) + table
