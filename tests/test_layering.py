"""The shape of the code: imports only point from the terminal towards the simulated core."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "aoc23"
MODULES = sorted(PACKAGE.rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_only_the_cli_and_renderers_touch_the_terminal(path: Path) -> None:
    if module_name(path) == "aoc23.cli" or module_name(path).startswith("aoc23.render"):
        return
    terminal = {name for name in imports_of(path) if name.split(".")[0] in {"click", "rich"}}
    assert not terminal


@pytest.mark.parametrize("path", [p for p in MODULES if "zigstd" in p.parts], ids=module_name)
def test_the_simulated_std_knows_nothing_of_the_puzzle_or_the_tool(path: Path) -> None:
    ours = {n for n in imports_of(path) if n.startswith("aoc23")}
    allowed = (
        "aoc23.zigstd",
        "aoc23.errors",
        "aoc23.events",
        "aoc23.grid",
        "aoc23.native",
        "aoc23.records",
    )
    assert all(n.startswith(allowed) for n in ours), ours


def test_the_grid_geometry_knows_nothing_else() -> None:
    ours = {n for n in imports_of(PACKAGE / "grid.py") if n.startswith("aoc23")}
    assert ours <= {"aoc23.records", "aoc23.records.NamedTuple"}


@pytest.mark.parametrize("leaf", ["native.py", "records.py"])
def test_the_neutral_leaves_know_nothing_else(leaf: str) -> None:
    assert not {n for n in imports_of(PACKAGE / leaf) if n.startswith("aoc23")}


def test_events_are_plain_data() -> None:
    ours = {n for n in imports_of(PACKAGE / "events.py") if n.startswith("aoc23")}
    assert not ours


def test_the_puzzle_knows_nothing_of_memory() -> None:
    ours = {n for n in imports_of(PACKAGE / "puzzle.py") if n.startswith("aoc23")}
    assert ours <= {"aoc23.errors", "aoc23.errors.PuzzleInputError"}


def test_the_ledger_only_replays_events() -> None:
    ours = {n for n in imports_of(PACKAGE / "ledger.py") if n.startswith("aoc23")}
    assert all(n.startswith("aoc23.events") for n in ours), ours


def test_the_proof_does_not_lean_on_what_it_shows() -> None:
    """fidelity compares the simulation with Zig; the renderers draw its verdict."""
    ours = {n for n in imports_of(PACKAGE / "fidelity.py") if n.startswith("aoc23")}
    assert not any(n.startswith("aoc23.render") for n in ours), ours
