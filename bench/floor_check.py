"""Check bench/floor.c against aoc23 and against the real Zig program, on the final table.

The floor prints ``checksum: <hex>``: FNV-1a 64 over the final table's slots in order, each
slot giving its metadata byte (0x00 free, 0x80 | fingerprint used) and, when used, its key's
8 bytes (x then y, little-endian i32). This script computes the same checksum

* from aoc23's final table (naive strategy): once from its slots and key names (what the
  simulation keeps in Python), once from the bytes it writes into its simulated buffer;
* from the real Zig program's buffer dump: the main buffer's final snapshot, where the
  naive strategy's last table is the last allocation (its header is checked: capacity,
  keys and values pointers);

and checks that the answer lines agree too. Run for part 1 (10 rounds) and part 2 of the
blog input with a 64MiB buffer, naive strategy. Exit status 1 on any difference.

usage: python bench/floor_check.py [INPUT] [--floor FLOOR_BINARY]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

from aoc23 import reference
from aoc23.simulation import Answer, load, play
from aoc23.strategies import Settings
from aoc23.zigstd.hash_map import (
    HEADER_SIZE,
    KEY_SIZE,
    USED,
    AutoHashMap,
    block_size,
    capacity_for_size,
    keys_offset,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "bench" / "floor.c"
BLOG = ROOT / "inputs" / "blog-70x70.txt"
BUFFER_SIZE = 64 << 20
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = (1 << 64) - 1
_KEY = struct.Struct("<ii")


def build_floor(directory: Path) -> Path | None:
    """``bench/floor.c`` compiled with the system C compiler (``cc -O2``) into
    ``directory``; None when there is no ``cc``."""
    compiler = shutil.which("cc")
    if compiler is None:
        return None
    binary = directory / "floor"
    subprocess.run([compiler, "-O2", "-std=c11", "-o", str(binary), str(SOURCE)], check=True)
    return binary


def checksum(metadata: bytes, keys: bytes) -> int:
    """FNV-1a 64 over each slot's metadata byte, then its key's 8 bytes if the slot is used."""
    h = FNV_OFFSET
    for slot, meta in enumerate(metadata):
        data = bytes([meta])
        if meta & USED:
            data += keys[KEY_SIZE * slot : KEY_SIZE * (slot + 1)]
        for byte in data:
            h = ((h ^ byte) * FNV_PRIME) & MASK64
    return h


def table_checksum(table: bytes, capacity: int) -> int:
    """The checksum of a table's allocation as Zig lays it out (header, metadata, keys)."""
    metadata = table[HEADER_SIZE : HEADER_SIZE + capacity]
    start = keys_offset(capacity)
    return checksum(metadata, table[start : start + KEY_SIZE * capacity])


@dataclass(frozen=True)
class Result:
    lines: list[str]
    checksum: int


def of_floor(binary: Path, path: Path, rounds: int | None) -> Result:
    args = [str(binary), str(path), "part2" if rounds is None else str(rounds)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout.splitlines()
    head, _, value = out[-1].partition(": ")
    assert head == "checksum", out
    return Result(out[:-1], int(value, 16))


def of_aoc23(
    path: Path, rounds: int | None, buffer_size: int = BUFFER_SIZE
) -> tuple[Result, Result]:
    """From aoc23's final table: the checksum of its slots as Python keeps them, and that of
    the bytes in its simulated buffer."""
    program = load(path.read_bytes(), "naive", Settings(buffer_size=buffer_size))
    lines = [
        output.line()
        for output in play(program, rounds, rounds is None)
        if isinstance(output, Answer)
    ]
    cells: AutoHashMap = program.cells
    keys = cells.keys
    metadata = bytes(USED | keys.hash(key) >> 57 if key else 0 for key in cells._slots)
    key_bytes = b"".join(
        _KEY.pack(*keys.point(key)) if key else bytes(KEY_SIZE) for key in cells._slots
    )
    from_slots = Result(lines, checksum(metadata, key_bytes))
    block = cells.block
    assert block is not None and block.buffer is not None
    table = block.buffer.read(block.offset, block_size(cells.capacity()))
    return from_slots, Result(lines, table_checksum(table, cells.capacity()))


def of_zig(binary: Path, path: Path, rounds: int | None) -> Result:
    """The real Zig program (naive, ``BUFFER_SIZE``), its final table found in the dump of
    its main buffer: the last ``block_size(C)`` bytes below the high-water mark, since the
    naive step never gives a table back (the free of the old one is not the last block)."""
    capacity = capacity_for_size(path.read_bytes().count(b"#"))
    size = block_size(capacity)
    with tempfile.TemporaryDirectory(prefix="floor-check-") as scratch:
        fifo = Path(scratch) / "dump.fifo"
        os.mkfifo(fifo)
        args = reference.arguments(binary, path, "naive", BUFFER_SIZE, rounds, 0, 0, fifo, ())
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            base, table = _last_table(_Pipe(fifo, process), size)
        finally:
            stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the Zig program failed ({process.returncode}): {stderr.decode()}")
    offset = table[0]
    values, keys, stored = struct.unpack_from("<QQI", table[1])
    where = base + offset
    if (stored, keys, values) != (capacity, where + keys_offset(capacity), where + size):
        raise SystemExit(f"no table of {capacity} slots at the end of the Zig dump")
    lines = [line for line in stdout.decode().splitlines() if line.startswith("part")]
    return Result(lines, table_checksum(table[1], capacity))


class _Pipe:
    """The reading end of the dump's FIFO: the program may not have opened it yet, and it
    ends when the program does."""

    def __init__(self, fifo: Path, process: subprocess.Popen[bytes]) -> None:
        self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.process = process
        self.sink = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError):
            fcntl.fcntl(self.fd, fcntl.F_SETPIPE_SZ, 1 << 20)

    def close(self) -> None:
        os.close(self.fd)
        os.close(self.sink)

    def _wait(self) -> bool:
        """Wait for bytes; False when the program has ended and none are left."""
        while not self._available():
            if self.process.poll() is not None:
                return self._available()
            select.select([self.fd], [], [], 0.05)
            if not self._available():
                time.sleep(0.001)  # no writer yet (a FIFO without one reads as ready)
        return True

    def _available(self) -> int:
        count = fcntl.ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0")
        return int.from_bytes(count, sys.byteorder)

    def read(self, size: int) -> bytes | None:
        chunks, missing = [], size
        while missing:
            if not self._wait():
                return None
            chunk = os.read(self.fd, min(missing, 1 << 20))
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def skip(self, size: int) -> bool:
        """Throw ``size`` bytes away without bringing them into Python."""
        while size:
            if not self._wait():
                return False
            size -= os.splice(self.fd, self.sink, min(size, 1 << 24))
        return True


def _last_table(pipe: _Pipe, size: int) -> tuple[int, tuple[int, bytes]]:
    """The main buffer's address, and the offset and bytes of the last ``size`` bytes below
    its high-water mark in the dump's final snapshot (only those are read of each)."""
    try:
        head = pipe.read(8)
        if head is None:
            raise SystemExit("the Zig program wrote no dump")
        _, count = struct.unpack("<4sI", head)
        bases = struct.unpack(f"<{count}Q", pipe.read(8 * count) or b"")
        last: tuple[int, bytes] | None = None
        while (header := pipe.read(12)) is not None:
            magic, _, buffers = struct.unpack("<4sII", header)
            assert magic == b"SNAP" and buffers == 1, (magic, buffers)
            fields = pipe.read(24)
            assert fields is not None
            _, _, touched = struct.unpack("<QQQ", fields)
            if touched < size:
                assert pipe.skip(touched)
                continue
            assert pipe.skip(touched - size)
            data = pipe.read(size)
            assert data is not None
            last = (touched - size, data)
    finally:
        pipe.close()
    if last is None:
        raise SystemExit("the Zig dump holds no table")
    return bases[0], last


CASES: dict[str, int | None] = {"part 1": 10, "part 2": None}
"""The runs compared: 10 rounds, and until no elf moves."""


def check(floor: Path, zig: Path, path: Path = BLOG) -> dict[str, dict[str, Result]]:
    """Every case's results, by case and by source (the floor, aoc23's slots and simulated
    bytes, the Zig program's dump); :func:`agree` says whether they are equal."""
    found = {}
    for case, rounds in CASES.items():
        slots, simulated = of_aoc23(path, rounds)
        found[case] = {
            "floor": of_floor(floor, path, rounds),
            "aoc23 slots": slots,
            "aoc23 bytes": simulated,
            "zig dump": of_zig(zig, path, rounds),
        }
    return found


def agree(results: dict[str, Result]) -> bool:
    return len({(tuple(r.lines), r.checksum) for r in results.values()}) == 1


def report(found: dict[str, dict[str, Result]]) -> list[str]:
    lines = []
    for case, results in found.items():
        for source, result in results.items():
            answers = " ".join(result.lines)
            lines.append(f"{case}  {source:<12} {result.checksum:016x}  {answers}")
        if not agree(results):
            lines.append(f"{case}: MISMATCH")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("input", nargs="?", type=Path, default=BLOG)
    parser.add_argument("--floor", type=Path, help="a floor already built (default: build one)")
    args = parser.parse_args()
    zig = reference.build()
    with tempfile.TemporaryDirectory(prefix="floor-") as scratch:
        floor = args.floor or build_floor(Path(scratch))
        if floor is None:
            raise SystemExit("no C compiler (cc): the floor cannot be built")
        found = check(floor, zig, args.input)
    print("\n".join(report(found)))
    sys.exit(0 if all(agree(results) for results in found.values()) else 1)


if __name__ == "__main__":
    main()
