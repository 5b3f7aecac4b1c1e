"""The hash map's bulk fill: the compiled one (aoc23/zigstd/_fill.c) against the Python one.

``_fill_in_python`` is the reference; the compiled twin must leave the same slots for any
input, and refuse bad input with an exception rather than read or write out of bounds.
Without a C compiler at install time the twin is not built and these tests say so (skipped).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoc23.zigstd import hash_map
from aoc23.zigstd.hash_map import _fill_in_python

try:
    from aoc23.zigstd._fill import filled as compiled
except ImportError:  # pragma: no cover - a machine without a C compiler
    compiled = None

needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled fill was not built")

Fill = Callable[..., list[int]]
OFFSETS = (0, -7, 7, -1, 1)


def mixing_hash(key: int) -> int:
    return (key * 0x9E3779B97F4A7C15) & (2**64 - 1)


def run(fill: Fill, args: tuple[object, ...], echo: list[int] | None) -> tuple[object, ...]:
    """What a fill gives back and leaves behind, or the kind of error it raised."""
    args = tuple(list(a) if isinstance(a, list) else a for a in args)
    echo = None if echo is None else list(echo)
    try:
        result = fill(args, echo)
    except (IndexError, ValueError) as error:
        return (type(error),)
    return result, args[3], echo


@st.composite
def fills(draw: st.DrawFn) -> tuple[tuple[object, ...], list[int] | None]:
    """A table to fill from another one: keys 8..31, moved by 0..4 to keys 1..38, some of
    which have no home known yet."""
    capacity = draw(st.sampled_from([1, 2, 8, 16, 64]))
    keys = draw(st.lists(st.integers(8, 31), unique=True, max_size=capacity))
    source = [0] * capacity
    for key, slot in zip(keys, draw(st.permutations(range(capacity))), strict=False):
        source[slot] = key
    codes = bytes(draw(st.lists(st.integers(0, 4), min_size=40, max_size=40)))
    homes = [draw(st.integers(-1, capacity - 1)) for _ in range(40)]
    for key in keys:  # a key already in a table has been hashed
        homes[key] = draw(st.integers(0, capacity - 1))
    slots = [0] * capacity
    for slot in draw(st.lists(st.integers(0, capacity - 1), max_size=3)):
        slots[slot] = 39
    hash_key = draw(st.sampled_from([mixing_hash, lambda key: -key, lambda key: 2**70 + key]))
    echo = draw(st.one_of(st.none(), st.just([0] * capacity)))
    return (source, codes, OFFSETS, slots, homes, hash_key), echo


@needs_compiled
@given(fills())
def test_the_compiled_fill_leaves_what_the_python_fill_leaves(
    case: tuple[tuple[object, ...], list[int] | None],
) -> None:
    args, echo = case
    assert run(compiled, args, echo) == run(_fill_in_python, args, echo)


@needs_compiled
def test_a_key_whose_home_is_taken_goes_to_the_next_free_slot_wrapping_at_the_end() -> None:
    def args() -> tuple[object, ...]:
        return ([0, 1, 2, 3, 4], bytes(5), OFFSETS, [0] * 4, [-1, 3, 3, 3, 0], mixing_hash)

    assert compiled(args()) == [2, 3, 4, 1] == _fill_in_python(args())


@needs_compiled
def test_an_unknown_home_asks_the_hash_and_keeps_its_low_bits() -> None:
    asked: list[int] = []

    def hash_key(key: int) -> int:
        asked.append(key)
        return 0xFFFF_FFFF_FFFF_FFF0 | key

    args = ([0, 2, 0, 0], bytes([0, 0, 3, 0]), OFFSETS, [0] * 4, [-1, -1, -1, -1], hash_key)
    assert compiled(args) == [0, 1, 0, 0]
    assert asked == [1]


@needs_compiled
def test_the_echo_gets_each_key_at_its_slot_and_keeps_the_rest() -> None:
    echo = [5, 0, 6, 0]
    args = ([0, 2, 0, 3], bytes(4), OFFSETS, [0] * 4, [0, 0, 0, 1], mixing_hash)
    assert compiled(args, echo) == [2, 3, 0, 0]
    assert echo == [2, 3, 6, 0]


def bad(**changes: object) -> tuple[object, ...]:
    parts: dict[str, object] = {
        "source": [0, 1, 2, 0],
        "codes": bytes(4),
        "offsets": OFFSETS,
        "slots": [0] * 4,
        "homes": [0, 1, 2, 3],
        "hash_key": mixing_hash,
    }
    parts.update(changes)
    return tuple(parts.values())


@needs_compiled
@pytest.mark.parametrize(
    ("args", "error"),
    [
        (bad(source=[0, 9, 0, 0]), IndexError),
        (bad(source=[0, -1, 0, 0]), IndexError),
        (bad(source=[0, "1", 0, 0]), TypeError),
        (bad(codes=bytes([0, 9, 0, 0])), IndexError),
        (bad(codes=bytes([0, 4, 0, 0]), homes=[0, 1]), IndexError),
        (bad(codes=bytes([0, 4, 0, 0]), offsets=[0, 0, 0, 0, sys.maxsize]), IndexError),
        (bad(homes=[0, 9, 2, 3]), IndexError),
        (bad(homes=[0, -1, 2, 3], hash_key=lambda key: "x"), TypeError),
        (bad(homes=[0, -1, 2, 3], hash_key=lambda key: 1 / 0), ZeroDivisionError),
        (bad(slots=[0] * 3), ValueError),
        (bad(slots=[7] * 4), ValueError),
        (bad(offsets=[0] * 300), ValueError),
        (bad(codes=[0, 0, 0, 0]), TypeError),
        ((1, 2), TypeError),
    ],
)
def test_the_compiled_fill_refuses_bad_input(args: tuple[object, ...], error: type) -> None:
    with pytest.raises(error):
        compiled(args)


@needs_compiled
def test_an_echo_shorter_than_the_slots_is_refused() -> None:
    with pytest.raises(ValueError, match="echo"):
        compiled(bad(), [0, 0])


@needs_compiled
@pytest.mark.parametrize(("value", "chosen"), [("", "filled"), ("1", "_fill_in_python")])
def test_the_tables_use_the_compiled_fill_unless_told_not_to(value: str, chosen: str) -> None:
    script = "from aoc23.zigstd import hash_map; print(hash_map.fill.__name__)"
    started = subprocess.run(
        [sys.executable, "-c", script],
        env={"AOC23_PURE_PYTHON": value},
        capture_output=True,
        text=True,
        check=True,
    )
    assert started.stdout.strip() == chosen


def test_the_python_fill_is_chosen_when_the_compiled_one_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AOC23_PURE_PYTHON", raising=False)
    monkeypatch.setitem(sys.modules, "aoc23.zigstd._fill", None)
    assert hash_map._compiled_fill() is None


@pytest.mark.parametrize(
    ("value", "python"),
    [("1", True), ("yes", True), ("0", False), ("", False), ("no", False), (" Off ", False)],
)
def test_the_python_fill_is_chosen_when_asked_for(
    monkeypatch: pytest.MonkeyPatch, value: str, python: bool
) -> None:
    monkeypatch.setenv("AOC23_PURE_PYTHON", value)
    assert (hash_map._compiled_fill() is None) is (python or compiled is None)


@needs_compiled
def test_the_compiled_fill_keeps_no_reference_it_does_not_hand_back() -> None:
    keys = [10**6 + n for n in range(6)]  # not among CPython's shared small ints
    before = [sys.getrefcount(key) for key in keys]
    source = [0, *keys, 0]
    codes = bytearray(10**6 + 10)
    codes[10**6 + 2] = 2  # one key moves (to 10**6 + 9), so a new int is made for it
    homes = [-1] * (10**6 + 10)
    for n in range(6):
        homes[10**6 + n] = n
    echo = [0] * 8
    slots = compiled((source, bytes(codes), OFFSETS, [0] * 8, homes, mixing_hash), echo)
    held = [sys.getrefcount(key) for key in keys]
    assert [h - b for h, b in zip(held, before, strict=True)] == [3, 3, 1, 3, 3, 3]
    del slots, echo
    assert [sys.getrefcount(key) for key in keys] == [b + 1 for b in before]  # source's


@needs_compiled
def test_a_fill_that_fails_half_way_keeps_no_reference_either() -> None:
    keys = [10**6 + n for n in range(4)]
    before = [sys.getrefcount(key) for key in keys]
    codes = bytearray(10**6 + 10)
    codes[10**6 + 2] = 2
    homes = [0] * (10**6 + 10)
    homes[10**6 + 9] = -1

    def hash_key(key: int) -> int:
        raise RuntimeError("no hash today")

    slots = [0] * 8
    with pytest.raises(RuntimeError):
        compiled(([*keys], bytes(codes), OFFSETS, slots, homes, hash_key))
    assert slots[:2] == keys[:2]
    del slots
    assert [sys.getrefcount(key) for key in keys] == before
