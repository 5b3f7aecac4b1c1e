"""The hash map's bulk fill: the compiled one (aoc23/zigstd/_fill.c) against the Python one.

``_fill_in_python`` is the reference; the compiled twin must leave the same slots for any
input, and refuse bad input with an exception rather than read or write out of bounds. The
compiled one works on flat arrays (slots ``array('i')``, hashes ``array('Q')``), the Python one
on lists and homes (it is faster so), or on arrays.
Without a C compiler at install time the twin is not built and these tests say so (skipped).
"""

from __future__ import annotations

import sys
from array import array
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

Fill = Callable[..., object]
OFFSETS = (0, -7, 7, -1, 1)
MASK64 = 2**64 - 1
Hash = Callable[[int], int]


def mixing_hash(key: int) -> int:
    return (key * 0x9E3779B97F4A7C15) & MASK64


def hashes_and_homes(
    known: dict[int, int], hash_key: Hash, keys: int, capacity: int
) -> tuple[array[int], list[int]]:
    """What each fill reads of the keys known to be hashed: the compiled one their full
    hashes (0: not known), the Python one their homes (-1: not known)."""
    hashes = array("Q", bytes(8 * keys))
    homes = [-1] * keys
    for key, home in known.items():
        hashes[key] = (hash_key(key) & MASK64 & ~(capacity - 1)) | home or capacity
        homes[key] = home
    return hashes, homes


def as_lists(args: tuple[object, ...], echo: object) -> tuple[tuple[object, ...], object]:
    """The same fill for the Python one: its slots in lists."""
    listed = tuple(list(a) if isinstance(a, array) and a.typecode == "i" else a for a in args)
    return listed, None if echo is None else list(echo)  # type: ignore[call-overload]


def run(fill: Fill, args: tuple[object, ...], echo: object) -> tuple[object, ...]:
    """What a fill gives back and leaves behind, or the kind of error it raised; slots as
    lists, whatever kind the fill works on."""
    args = tuple(a[:] if isinstance(a, (list, array)) else a for a in args)  # type: ignore[index]
    echo = None if echo is None else echo[:]  # type: ignore[index]
    try:
        result = fill(args, echo)
    except (IndexError, ValueError) as error:
        return (type(error),)
    return (
        list(result),  # type: ignore[call-overload]
        list(args[3]),  # type: ignore[call-overload]
        None if echo is None else list(echo),  # type: ignore[call-overload]
    )


def slots(*keys: int) -> array[int]:
    return array("i", keys)


@st.composite
def fills(draw: st.DrawFn) -> tuple[tuple[object, ...], array[int] | None]:
    """A table to fill from another one: keys 8..31, moved by 0..4 to keys 1..38, some of
    which have no hash known yet."""
    capacity = draw(st.sampled_from([1, 2, 8, 16, 64]))
    keys = draw(st.lists(st.integers(8, 31), unique=True, max_size=capacity))
    source = slots(*[0] * capacity)
    for key, slot in zip(keys, draw(st.permutations(range(capacity))), strict=False):
        source[slot] = key
    codes = bytes(draw(st.lists(st.integers(0, 4), min_size=40, max_size=40)))
    known = {key: draw(st.integers(0, capacity - 1)) for key in range(1, 40) if draw(st.booleans())}
    for key in keys:  # a key already in a table has been hashed
        known[key] = draw(st.integers(0, capacity - 1))
    hash_key = draw(st.sampled_from([mixing_hash, lambda key: -key, lambda key: 2**70 + key]))
    hashes, homes = hashes_and_homes(known, hash_key, 40, capacity)
    into = slots(*[0] * capacity)
    for slot in draw(st.lists(st.integers(0, capacity - 1), max_size=3)):
        into[slot] = 39
    echo = draw(st.one_of(st.none(), st.just(slots(*[0] * capacity))))
    return (source, codes, OFFSETS, into, homes, hashes, hash_key), echo


@needs_compiled
@given(fills())
def test_the_compiled_fill_leaves_what_the_python_fill_leaves(
    case: tuple[tuple[object, ...], array[int] | None],
) -> None:
    args, echo = case
    assert run(compiled, args, echo) == run(_fill_in_python, *as_lists(args, echo))


def test_the_python_fill_works_on_either_kind_of_slots() -> None:
    hashes, homes = hashes_and_homes({1: 3, 2: 3, 3: 3, 4: 0}, mixing_hash, 5, 4)
    args = (slots(0, 1, 2, 3, 4), bytes(5), OFFSETS, slots(0, 0, 0, 0), homes, hashes, mixing_hash)
    assert run(_fill_in_python, args, None) == run(_fill_in_python, *as_lists(args, None))


@needs_compiled
def test_a_key_whose_home_is_taken_goes_to_the_next_free_slot_wrapping_at_the_end() -> None:
    hashes, homes = hashes_and_homes({1: 3, 2: 3, 3: 3, 4: 0}, mixing_hash, 5, 4)
    args = (slots(0, 1, 2, 3, 4), bytes(5), OFFSETS, slots(0, 0, 0, 0), homes, hashes, mixing_hash)
    assert run(compiled, args, None)[0] == [2, 3, 4, 1]
    assert run(_fill_in_python, *as_lists(args, None))[0] == [2, 3, 4, 1]


@needs_compiled
@pytest.mark.parametrize("taken", range(7))
@pytest.mark.parametrize("home", [0, 5, 11, 12, 13, 14, 15])
def test_a_key_takes_the_first_free_slot_however_many_are_taken_after_its_home(
    home: int, taken: int
) -> None:
    """The compiled fill looks at four slots from the home at once, then on one by one."""
    capacity = 16
    into = slots(*[0] * capacity)
    for step in range(taken):
        into[(home + step) % capacity] = 9
    hashes, homes = hashes_and_homes({1: home}, mixing_hash, 10, capacity)
    args = (slots(1), bytes(10), OFFSETS, into, homes, hashes, mixing_hash)
    expected = (home + taken) % capacity
    for fill in (compiled, _fill_in_python):
        result = (
            run(fill, *as_lists(args, None)) if fill is _fill_in_python else run(fill, args, None)
        )
        assert result[0][expected] == 1  # type: ignore[index]
        assert result[0].count(1) == 1  # type: ignore[union-attr]
        assert [slot for slot, key in enumerate(result[0]) if key == 9] == sorted(  # type: ignore[arg-type]
            (home + step) % capacity for step in range(taken)
        )


@needs_compiled
def test_an_unknown_hash_is_asked_for_and_its_low_bits_kept() -> None:
    asked: list[int] = []

    def hash_key(key: int) -> int:
        asked.append(key)
        return 0xFFFF_FFFF_FFFF_FFF0 | key

    hashes, homes = hashes_and_homes({2: 0}, hash_key, 4, 4)
    args = (slots(0, 2, 0, 0), bytes([0, 0, 3, 0]), OFFSETS, slots(0, 0, 0, 0))
    assert list(compiled((*args, homes, hashes, hash_key))) == [0, 1, 0, 0]
    assert asked == [2, 1]  # 2 by hashes_and_homes, 1 by the fill


@needs_compiled
def test_the_echo_gets_each_key_at_its_slot_and_keeps_the_rest() -> None:
    echo = slots(5, 0, 6, 0)
    hashes, homes = hashes_and_homes({2: 0, 3: 0}, mixing_hash, 4, 4)
    args = (slots(0, 2, 0, 3), bytes(4), OFFSETS, slots(0, 0, 0, 0), homes, hashes, mixing_hash)
    assert list(compiled(args, echo)) == [2, 3, 0, 0]
    assert list(echo) == [2, 3, 6, 0]


def bad(**changes: object) -> tuple[object, ...]:
    hashes, homes = hashes_and_homes({1: 1, 2: 2, 3: 3}, mixing_hash, 4, 4)
    parts: dict[str, object] = {
        "source": slots(0, 1, 2, 0),
        "codes": bytes(4),
        "offsets": OFFSETS,
        "slots": slots(0, 0, 0, 0),
        "homes": homes,
        "hashes": hashes,
        "hash_key": mixing_hash,
    }
    parts.update(changes)
    return tuple(parts.values())


UNKNOWN_1 = array("Q", [0, 0, 2, 3])


@needs_compiled
@pytest.mark.parametrize(
    ("args", "error"),
    [
        (bad(source=slots(0, 9, 0, 0)), IndexError),
        (bad(source=slots(0, -1, 0, 0)), IndexError),
        (bad(source=[0, 1, 0, 0]), TypeError),
        (bad(source=array("l", [0, 1, 0, 0])), TypeError),
        (bad(codes=bytes([0, 9, 0, 0])), IndexError),
        (bad(codes=bytes([0, 4, 0, 0]), hashes=array("Q", [1, 1])), IndexError),
        (bad(codes=bytes([0, 2, 0, 0]), offsets=[0, -1, -1, 0, 0]), IndexError),
        (bad(codes=bytes([0, 4, 0, 0]), offsets=[0, 0, 0, 0, sys.maxsize]), IndexError),
        (bad(codes=bytes([0, 4, 0, 0]), offsets=[0, 0, 0, 0, "1"]), TypeError),
        (bad(hashes=array("q", [1, 1, 1, 1])), TypeError),
        (bad(hashes=UNKNOWN_1, hash_key=lambda key: "x"), TypeError),
        (bad(hashes=UNKNOWN_1, hash_key=lambda key: 1 / 0), ZeroDivisionError),
        (bad(slots=slots(0, 0, 0)), ValueError),
        (bad(slots=slots(7, 7, 7, 7)), ValueError),
        (bad(slots=bytes(16)), BufferError),
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
        compiled(bad(), slots(0, 0))


@needs_compiled
def test_a_hash_asked_for_cannot_resize_what_the_fill_is_writing() -> None:
    into = slots(0, 0, 0, 0)

    def hash_key(key: int) -> int:
        into.append(0)
        return key

    with pytest.raises(BufferError):
        compiled(bad(slots=into, hashes=UNKNOWN_1, hash_key=hash_key))
    assert list(into) == [0, 0, 0, 0]


def test_the_python_fill_is_chosen_when_the_compiled_one_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AOC23_PURE_PYTHON", raising=False)
    monkeypatch.setitem(sys.modules, "aoc23.zigstd._fill", None)
    assert hash_map._compiled_fill() is None
