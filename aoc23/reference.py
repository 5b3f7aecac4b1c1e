"""The real-Zig reference program (``zig/day23.zig``): build it with the ``ziglang`` package,
run it, and read back what it printed and the buffer snapshots it dumped."""

from __future__ import annotations

import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
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
    except Exception:  # noqa: BLE001 - any lookup failure means "not installed"
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


def build(optimize: str = "ReleaseSafe") -> Path:
    """Compile the reference (once per source and mode; later calls reuse the binary)."""
    code = source()
    digest = hashlib.sha256(code + optimize.encode()).hexdigest()[:16]
    out_dir = cache_dir() / f"day23-{ZIG_VERSION}-{optimize}-{digest}"
    binary = out_dir / "day23"
    if binary.exists():
        return binary
    command = _zig_command()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "day23.zig").write_bytes(code)
    zig_cache = cache_dir() / "zig-cache"
    result = subprocess.run(
        [
            *command,
            "build-exe",
            "day23.zig",
            "-O",
            optimize,
            "--cache-dir",
            str(zig_cache / "local"),
            "--global-cache-dir",
            str(zig_cache / "global"),
            "-femit-bin=day23.tmp",
        ],
        cwd=out_dir,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"building the Zig reference failed:\n{result.stderr}")
    (out_dir / "day23.tmp").replace(binary)
    return binary


@dataclass(frozen=True)
class Snapshot:
    """Every fixed buffer at one moment: ``(address of byte 0, bytes)`` per buffer."""

    index: int
    buffers: tuple[tuple[int, bytes], ...]


@dataclass(frozen=True)
class OomReport:
    round: int | None
    site: str
    size: int
    alignment: int
    end_index: int
    buffer_len: int


@dataclass
class ReferenceRun:
    stdout_lines: list[str]
    exit_code: int
    oom: OomReport | None
    snapshots: list[Snapshot] = field(default_factory=list)
    stderr: str = ""


def run(
    binary: Path,
    input_path: Path,
    strategy: str,
    buffer_size: int,
    rounds: int | None,
    temp_size: int,
    *,
    dump: bool = True,
) -> ReferenceRun:
    """Run the reference; ``rounds=None`` means until no elf moves (part 2)."""
    with tempfile.TemporaryDirectory() as scratch:
        dump_path = Path(scratch) / "dump.bin"
        args = [str(binary), str(input_path), strategy, str(buffer_size)]
        args += ["part2" if rounds is None else str(rounds), str(temp_size)]
        if dump:
            args.append(str(dump_path))
        result = subprocess.run(args, capture_output=True, text=True)
        snapshots = read_snapshots(dump_path.read_bytes()) if dump_path.exists() else []
    match = _OOM.search(result.stderr)
    oom = None
    if match:
        round_index = int(match.group(1))
        oom = OomReport(
            None if round_index < 0 else round_index,
            match.group(2),
            *(int(match.group(i)) for i in range(3, 7)),
        )
    return ReferenceRun(result.stdout.splitlines(), result.returncode, oom, snapshots, result.stderr)


def read_snapshots(blob: bytes) -> list[Snapshot]:
    snapshots = []
    at = 0
    while at < len(blob):
        magic, index, count = struct.unpack_from("<4sII", blob, at)
        if magic != b"SNAP":
            raise ValueError(f"bad snapshot record at byte {at}")
        at += 12
        buffers = []
        for _ in range(count):
            base, length = struct.unpack_from("<QQ", blob, at)
            at += 16
            buffers.append((base, blob[at : at + length]))
            at += length
        snapshots.append(Snapshot(index, tuple(buffers)))
    return snapshots
