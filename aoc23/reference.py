"""The real-Zig reference program (``zig/day23.zig``): build it with the ``ziglang`` package,
run it, and read back what it printed and the buffer snapshots it dumped."""

from __future__ import annotations

import hashlib
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aoc23.errors import Aoc23Error

ZIG_VERSION = "0.11.0"
_OOM = re.compile(
    r"oom: round=(-?\d+) site=(.*) size=(\d+) align=(\d+) end_index=(\d+) buffer_len=(\d+)"
)


class ZigUnavailable(Aoc23Error):
    """The ``ziglang`` package (the real compiler) is not installed, or is another version."""

    exit_code = 3


def source() -> bytes:
    return resources.files("aoc23").joinpath("data/day23.zig").read_bytes()


def _zig_command() -> list[str]:
    try:
        from importlib.metadata import version

        installed = version("ziglang")
    except Exception:
        installed = None
    if installed != ZIG_VERSION:
        found = f"found {installed}" if installed else "not installed"
        raise ZigUnavailable(
            f"needs the real Zig compiler {ZIG_VERSION} ({found}): "
            f"pip install 'ziglang=={ZIG_VERSION}'  (or: pip install 'aoc23[zig]')"
        )
    return [sys.executable, "-m", "ziglang"]


def cache_dir() -> Path:
    root = os.environ.get("AOC23_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "aoc23"
    )
    return Path(root)


def build(
    optimize: str = "ReleaseSafe",
    *,
    zig: Sequence[str] | None = None,
    source_path: Path | None = None,
    version: str = ZIG_VERSION,
    name: str = "day23",
) -> Path:
    """Compile the reference (once per source and mode; later calls reuse the binary).

    By default: ``zig/day23.zig`` with the installed ``ziglang`` (which must be
    :data:`ZIG_VERSION`). ``zig`` is another compiler's command (e.g. ``[python, "-m",
    "ziglang"]`` of another environment), ``source_path`` the program written for it and
    ``version`` its name in the cache (see ``bench/zig_latest.py``); ``name`` names the
    program (another one than the reference: ``bench/maxrss.zig``)."""
    code = source() if source_path is None else source_path.read_bytes()
    digest = hashlib.sha256(code + optimize.encode()).hexdigest()[:16]
    out_dir = cache_dir() / f"{name}-{version}-{optimize}-{digest}"
    binary = out_dir / name
    if binary.exists():
        return binary
    command = _zig_command() if zig is None else list(zig)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.zig").write_bytes(code)
    zig_cache = cache_dir() / ("zig-cache" if version == ZIG_VERSION else f"zig-cache-{version}")
    result = subprocess.run(
        [
            *command,
            "build-exe",
            f"{name}.zig",
            "-O",
            optimize,
            "--cache-dir",
            str(zig_cache / "local"),
            "--global-cache-dir",
            str(zig_cache / "global"),
            f"-femit-bin={name}.tmp",
        ],
        cwd=out_dir,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"building {name}.zig failed:\n{result.stderr}")
    (out_dir / f"{name}.tmp").replace(binary)
    return binary


@dataclass(frozen=True)
class DumpedBuffer:
    """One fixed buffer in a snapshot: its address, its length, and its bytes up to the
    highest end_index it ever reached (every byte past that is still the initial 0xAA)."""

    base: int
    length: int
    touched: bytes


@dataclass(frozen=True)
class Snapshot:
    index: int
    buffers: tuple[DumpedBuffer, ...]


@dataclass(frozen=True)
class OomReport:
    round: int | None
    site: str
    size: int
    alignment: int
    end_index: int
    buffer_len: int


@dataclass(frozen=True)
class ReferenceRun:
    stdout_lines: list[str]
    """What the program printed, its ``trace`` lines left out."""
    exit_code: int
    oom: OomReport | None
    stderr: str
    trace_lines: list[str]
    """Every ``trace …`` line (run with ``--trace``), in order, with the round lines among
    them so each call can be placed in its round."""


def run(
    binary: Path,
    input_path: Path,
    strategy: str,
    buffer_size: int,
    rounds: int | None,
    temp_size: int,
    base_offset: int = 0,
    dump_path: Path | None = None,
    options: tuple[str, ...] = (),
) -> ReferenceRun:
    """Run the reference; ``rounds=None`` means until no elf moves (part 2).

    Its fixed buffers start ``base_offset`` bytes past a page boundary. ``options`` are the
    program's own (``--trace``, ``--read=exact``, ``--parse=grow``, ``--free-input``)."""
    args = [str(binary), str(input_path), strategy, str(buffer_size)]
    args += ["part2" if rounds is None else str(rounds), str(temp_size), str(base_offset)]
    args += [str(dump_path) if dump_path is not None else "-", *options]
    result = subprocess.run(args, capture_output=True, text=True)
    match = _OOM.search(result.stderr)
    oom = None
    if match:
        round_index = int(match.group(1))
        oom = OomReport(
            None if round_index < 0 else round_index,
            match.group(2),
            *(int(match.group(i)) for i in range(3, 7)),
        )
    lines = result.stdout.splitlines()
    printed = [line for line in lines if not line.startswith("trace ")]
    traced = [line for line in lines if line.startswith(("trace ", "Round "))]
    return ReferenceRun(printed, result.returncode, oom, result.stderr, traced)


def read_addresses(path: Path) -> tuple[int, ...]:
    """The addresses of the main and the second fixed buffer (0: no such buffer)."""
    with path.open("rb") as dump:
        magic, count = struct.unpack("<4sI", dump.read(8))
        if magic != b"BUFS":
            raise ValueError(f"{path.name}: does not start with the buffer addresses")
        return struct.unpack(f"<{count}Q", dump.read(8 * count))


def iter_snapshots(path: Path) -> Iterator[Snapshot]:
    """Read the dump file one snapshot at a time (a long run's dump can be large)."""
    with path.open("rb") as dump:
        _, count = struct.unpack("<4sI", dump.read(8))
        dump.seek(8 + 8 * count)
        while header := dump.read(12):
            magic, index, count = struct.unpack("<4sII", header)
            if magic != b"SNAP":
                raise ValueError(f"{path.name}: not a snapshot record at snapshot {index}")
            buffers = []
            for _ in range(count):
                base, length, touched = struct.unpack("<QQQ", dump.read(24))
                buffers.append(DumpedBuffer(base, length, dump.read(touched)))
            yield Snapshot(index, tuple(buffers))
