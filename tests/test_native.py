"""Which compiled parts run: each is optional, and AOC23_PURE_PYTHON turns them all off."""

from __future__ import annotations

import subprocess
import sys

import pytest
from native_parts import COMPILED_BUILT

from aoc23 import native

PARTS = {
    "from aoc23 import bitboard as b; print(b.rules.__name__, b.RULES_KIND)": (
        "Grid compiled",
        "BigIntGrid Python",
    ),
    "from aoc23.zigstd import hash_map as h; print(h.fill.__name__, h.FILL_KIND)": (
        "filled compiled",
        "_fill_in_python Python",
    ),
    "from aoc23.zigstd import _keys; print(_keys.hash_window is not None)": ("True", "False"),
}


@pytest.mark.parametrize(
    ("value", "wanted"),
    [
        ("1", False),
        ("yes", False),
        ("TRUE", False),
        ("0", True),
        ("", True),
        ("no", True),
        (" Off ", True),
        ("false", True),
    ],
)
def test_the_compiled_parts_are_wanted_unless_pure_python_is_asked_for(
    monkeypatch: pytest.MonkeyPatch, value: str, wanted: bool
) -> None:
    monkeypatch.setenv("AOC23_PURE_PYTHON", value)
    assert native.wanted() is wanted
    assert (native.compiled_part("math", "floor") is not None) is wanted


def test_the_compiled_parts_are_wanted_when_nothing_is_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AOC23_PURE_PYTHON", raising=False)
    assert native.wanted()


def test_a_part_that_was_not_built_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AOC23_PURE_PYTHON", raising=False)
    monkeypatch.setitem(sys.modules, "aoc23.zigstd._fill", None)
    assert native.compiled_part("aoc23.zigstd._fill", "filled") is None
    assert native.compiled_part("aoc23.no_such_part", "anything") is None


@pytest.mark.skipif(not COMPILED_BUILT, reason="the compiled parts were not built")
@pytest.mark.parametrize("value", ["", "1"])
@pytest.mark.parametrize("script", list(PARTS))
def test_each_module_takes_its_compiled_part_unless_told_not_to(script: str, value: str) -> None:
    started = subprocess.run(
        [sys.executable, "-c", script],
        env={"AOC23_PURE_PYTHON": value},
        capture_output=True,
        text=True,
        check=True,
    )
    compiled, python = PARTS[script]
    assert started.stdout.strip() == (python if value else compiled)
