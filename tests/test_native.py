"""Which compiled parts run: each is optional, and AOC23_PURE_PYTHON turns them all off."""

from __future__ import annotations

import sys

import pytest

from aoc23 import native


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
