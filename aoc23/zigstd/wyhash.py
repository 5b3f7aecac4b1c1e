"""Zig 0.11.0 ``std.hash.Wyhash`` (``lib/std/hash/wyhash.zig``), one-shot form only.

Zig 0.11.0 ships wyhash "final v4.1". ``AutoHashMap`` hashes a key whose bytes are a
unique representation (``Point2D`` is two ``i32``) with one call: ``hash(0, key_bytes)``.
"""

from __future__ import annotations

MASK64 = (1 << 64) - 1
SECRET = (
    0xA0761D6478BD642F,
    0xE7037ED1A0B428DB,
    0x8EBC6AF09C88C6E3,
    0x589965CC75374CC3,
)


def _mum(a: int, b: int) -> tuple[int, int]:
    product = a * b
    return product & MASK64, product >> 64


def _mix(a: int, b: int) -> int:
    low, high = _mum(a, b)
    return low ^ high


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _u64(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 8], "little")


def _short_input(data: bytes) -> tuple[int, int]:
    n = len(data)
    if n >= 4:
        quarter = (n >> 3) << 2
        last = n - 4
        a = (_u32(data, 0) << 32) | _u32(data, quarter)
        b = (_u32(data, last) << 32) | _u32(data, last - quarter)
        return a, b
    if n > 0:
        return (data[0] << 16) | (data[n >> 1] << 8) | data[n - 1], 0
    return 0, 0


def _long_input(data: bytes, state: int) -> tuple[int, int, int]:
    n = len(data)
    lanes = [state, state, state]
    i = 0
    if n >= 48:
        while i + 48 < n:
            for lane in range(3):
                at = i + 16 * lane
                lanes[lane] = _mix(
                    _u64(data, at) ^ SECRET[lane + 1], _u64(data, at + 8) ^ lanes[lane]
                )
            i += 48
        lanes[0] ^= lanes[1] ^ lanes[2]
    state = lanes[0]
    while n - i > 16:
        state = _mix(_u64(data, i) ^ SECRET[1], _u64(data, i + 8) ^ state)
        i += 16
    return _u64(data, n - 16), _u64(data, n - 8), state


def hash(seed: int, data: bytes) -> int:
    """Wyhash of ``data`` with ``seed``, as Zig 0.11.0 computes it in one shot."""
    n = len(data)
    state = seed ^ _mix(seed ^ SECRET[0], SECRET[1])
    if n <= 16:
        a, b = _short_input(data)
    else:
        a, b, state = _long_input(data, state)
    a, b = _mum(a ^ SECRET[1], b ^ state)
    return _mix(a ^ SECRET[0] ^ n, b ^ SECRET[1])


_POINT_STATE = _mix(SECRET[0], SECRET[1])
_U32 = 0xFFFF_FFFF


def hash_point(x: int, y: int) -> int:
    """``hash(0, le32(x) ++ le32(y))``, specialised for an 8-byte key."""
    low, high = x & _U32, y & _U32
    product = (((low << 32) | high) ^ SECRET[1]) * (((high << 32) | low) ^ _POINT_STATE)
    a, b = product & MASK64, product >> 64
    product = (a ^ SECRET[0] ^ 8) * (b ^ SECRET[1])
    return (product & MASK64) ^ (product >> 64)
