"""Wyhash against the values printed by the real Zig 0.11.0 compiler (the spec's vectors)."""

import struct

import pytest

from aoc23.zigstd import wyhash

RAW_VECTORS = [
    (b"", 0x0409638EE2BDE459),
    (b"a", 0x28D2053309D28531),
    (b"abc", 0x02A4F1D7CB516C72),
    (bytes(8), 0xE6B7875D0487A132),
    (bytes.fromhex("0100000000000000"), 0xAC3608194DDC6751),
    (bytes.fromhex("0000000001000000"), 0x9D0CC521D77380A4),
    (b"\xff" * 8, 0x0E2146920409C1FC),
    (b"12345678", 0x493E74FE7F93F7E9),
    (b"0123456789abcdef", 0xC304E72C387CD229),
    (b"0123456789abcdefg", 0xB496F8F306600195),
    (
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        0x0369BCBE3F0F0C0D,
    ),
]


@pytest.mark.parametrize(("data", "expected"), RAW_VECTORS)
def test_hash_with_seed_zero_matches_zig(data: bytes, expected: int) -> None:
    assert wyhash.hash(0, data) == expected


def test_hash_with_other_seeds_matches_zig() -> None:
    assert wyhash.hash(1, b"a") == 0xA8412D091B5FE0A9
    assert wyhash.hash(6, b"1234567890" * 8) == 0xC39CAB13B115AAD3


POINT_VECTORS = [
    ((0, 0), 0xE6B7875D0487A132),
    ((1, 2), 0x2DE05EDD8408A029),
    ((-1, -1), 0x0E2146920409C1FC),
    ((69, 69), 0x85E95BDA0EA401FD),
    ((3, 7), 0xE1183D71954938D1),
    ((-5, 12), 0x57CB281DB01B4CE8),
    ((123456, -654321), 0xF858527E32B72F15),
    ((2147483647, -2147483648), 0xF8750CE5B8709D6E),
]


@pytest.mark.parametrize(("point", "expected"), POINT_VECTORS)
def test_point_hash_is_the_hash_of_the_keys_eight_bytes(
    point: tuple[int, int], expected: int
) -> None:
    assert wyhash.hash_point(*point) == expected
    assert wyhash.hash(0, struct.pack("<ii", *point)) == expected
