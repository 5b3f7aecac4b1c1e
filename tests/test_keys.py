"""How the hash map names its keys: window cells, names past the window, cached hashes."""

from aoc23.grid import Window
from aoc23.zigstd import wyhash
from aoc23.zigstd.keys import UNKNOWN, KeySpace

WINDOW = Window(-2, -3, 5, 4)


def test_points_inside_the_window_are_named_by_their_cell() -> None:
    keys = KeySpace(WINDOW)
    assert keys.key((-2, -3)) == 1 and keys.key((2, 0)) == WINDOW.cells
    assert keys.key((0, -2)) - keys.key((0, -3)) == WINDOW.width
    assert keys.point(keys.key((1, -1))) == (1, -1)


def test_points_outside_get_names_past_the_window_in_order_of_first_use() -> None:
    keys = KeySpace(WINDOW)
    far, farther = (100, 100), (-(2**31), 2**31 - 1)
    assert keys.find(far) is None
    assert (keys.key(far), keys.key(farther), keys.key(far)) == (21, 22, 21)
    assert keys.point(22) == farther and keys.find(far) == 21


def test_hashes_are_wyhash_and_homes_follow_them_for_every_capacity() -> None:
    keys = KeySpace(WINDOW)
    homes = keys.homes(8)
    key = keys.key((1, 1))
    assert homes[key] == UNKNOWN
    assert keys.hash(key) == wyhash.hash_point(1, 1)
    assert homes[key] == wyhash.hash_point(1, 1) & 7
    assert keys.homes(64)[key] == wyhash.hash_point(1, 1) & 63


def test_a_wider_window_keeps_the_hashes_known() -> None:
    keys = KeySpace(WINDOW)
    keys.hash(keys.key((0, 0)))
    wider = keys.regrid(WINDOW.grown(3))
    assert wider.homes(8)[wider.key((0, 0))] == wyhash.hash_point(0, 0) & 7
    assert wider.homes(8)[wider.key((1, 0))] == UNKNOWN
