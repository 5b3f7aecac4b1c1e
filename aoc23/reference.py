"""The real-Zig reference program (``zig/day23.zig``): build it with the ``ziglang`` package,
run it, and read back what it printed and the buffer snapshots it dumped."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO

from aoc23.errors import Aoc23Error, shown_path

ZIG_VERSION = "0.11.0"
_OOM = re.compile(
    r"oom: round=(-?\d+) site=(.*) size=(\d+) align=(\d+) end_index=(\d+) buffer_len=(\d+)"
)


class ZigUnavailable(Aoc23Error):
    """The real-Zig side cannot run: the ``ziglang`` package is missing or another version,
    the cache directory is unusable, the build failed, or the reference could not run."""

    exit_code = 3


INSTALL_HINT = (
    f"pip install 'ziglang=={ZIG_VERSION}' (from a checkout: pip install '.[zig]', "
    "or make test, which installs it into .venv)"
)
PROGRAMS: dict[str, str] = {
    "0.11.0": "day23.zig",
    "0.12.1": "day23-v0.12.zig",
    "0.13.0": "day23-v0.12.zig",
    "0.14.1": "day23-v0.14.zig",
    "0.15.2": "day23-v0.15.zig",
    "0.16.0": "day23-v0.16.zig",
    "0.17.1": "day23-v0.16.zig",
}
"""The reference program each release builds: the 0.11.0 one, changed only where a
release's language or std forced it (one file per API epoch; in the checkout, zig/)."""


def source(release: str = ZIG_VERSION) -> bytes:
    return resources.files("aoc23").joinpath(f"data/{PROGRAMS[release]}").read_bytes()


def _zig_command(release: str = ZIG_VERSION) -> list[str]:
    try:
        from importlib.metadata import version

        installed = version("ziglang")
    except Exception:
        installed = None
    if installed != release:
        found = f"found {installed}" if installed else "not installed"
        hint = INSTALL_HINT if release == ZIG_VERSION else f"pip install 'ziglang=={release}'"
        raise ZigUnavailable(f"needs the real Zig compiler {release} ({found}): {hint}")
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
    release: str | None = None,
) -> Path:
    """Compile the reference (once per source and mode; later calls reuse the binary).

    By default: ``zig/day23.zig`` with the installed ``ziglang`` (which must be
    :data:`ZIG_VERSION`, even when a binary is cached: it is what the comparison claims).
    ``zig`` is another compiler's command (e.g. ``[python, "-m", "ziglang"]`` of another
    environment), ``source_path`` the program written for it and ``version`` its name in
    the cache (see ``bench/zig_latest.py``); ``name`` names the program (another one than
    the reference: ``bench/maxrss.zig``). ``release`` builds that release's reference
    program (:data:`PROGRAMS`), with ``zig`` or else the installed ``ziglang``, which must
    then be that release.

    Any number of processes may call this at once: one builds, under a lock, in a private
    directory that takes its final name only when complete; the others wait and reuse it.
    An unusable cache directory (``AOC23_CACHE`` a file, a read-only home) is a
    :class:`ZigUnavailable` that names it."""
    if release is not None:
        version = release
    command = _zig_command(version) if zig is None else list(zig)
    code = source(release or ZIG_VERSION) if source_path is None else source_path.read_bytes()
    digest = hashlib.sha256(code + optimize.encode()).hexdigest()[:16]
    root = cache_dir()
    out_dir = root / f"{name}-{version}-{optimize}-{digest}"
    binary = out_dir / name
    if binary.exists():
        return binary
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root / f".{out_dir.name}.lock"):
            if not binary.exists():
                _build_into(out_dir, name, code, optimize, command, root, version)
    except OSError as error:
        raise ZigUnavailable(
            f"cannot use the cache directory {shown_path(str(root))}: "
            f"{error.strerror or error} (set AOC23_CACHE to a writable directory)"
        ) from None
    return binary


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    with path.open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _build_into(
    out_dir: Path,
    name: str,
    code: bytes,
    optimize: str,
    command: list[str],
    root: Path,
    version: str,
) -> None:
    """Compile in a fresh directory next to ``out_dir``, then rename it to ``out_dir``."""
    import shutil
    import tempfile

    building = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=root))
    try:
        (building / f"{name}.zig").write_bytes(code)
        zig_cache = root / ("zig-cache" if version == ZIG_VERSION else f"zig-cache-{version}")
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
                f"-femit-bin={name}",
            ],
            cwd=building,
            capture_output=True,
            text=True,
            errors="replace",
        )
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()
            raise ZigUnavailable(
                f"building {name}.zig failed: {detail[0] if detail else result.returncode}"
            )
        if out_dir.exists():  # left by a build that crashed before its binary was there
            shutil.rmtree(out_dir)
        building.rename(out_dir)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)


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
    args = arguments(
        binary,
        input_path,
        strategy,
        buffer_size,
        rounds,
        temp_size,
        base_offset,
        dump_path,
        options,
    )
    result = subprocess.run(args, capture_output=True, text=True)
    return _parsed(result.stdout, result.stderr, result.returncode)


def arguments(
    binary: Path,
    input_path: Path,
    strategy: str,
    buffer_size: int,
    rounds: int | None,
    temp_size: int,
    base_offset: int,
    dump_path: Path | None,
    options: tuple[str, ...],
) -> list[str]:
    """The reference's command line (see :func:`run`)."""
    args = [str(binary), str(input_path), strategy, str(buffer_size)]
    args += ["part2" if rounds is None else str(rounds), str(temp_size), str(base_offset)]
    return [*args, str(dump_path) if dump_path is not None else "-", *options]


def _parsed(stdout: str, stderr: str, exit_code: int) -> ReferenceRun:
    match = _OOM.search(stderr)
    oom = None
    if match:
        round_index = int(match.group(1))
        oom = OomReport(
            None if round_index < 0 else round_index,
            match.group(2),
            *(int(match.group(i)) for i in range(3, 7)),
        )
    lines = stdout.splitlines()
    printed = [line for line in lines if not line.startswith("trace ")]
    traced = [line for line in lines if line.startswith(("trace ", "Round "))]
    return ReferenceRun(printed, exit_code, oom, stderr, traced)


OUTPUT_LIMIT = 64 << 20
"""The most the reference may print (its ``--trace`` lines grow with the rounds) before it
is stopped: what it printed is held in memory until the comparison ends."""


class Running:
    """The reference running in the background, its output drained by two threads into
    memory (at most :data:`OUTPUT_LIMIT` bytes) so it never blocks on a full pipe while
    its buffer snapshots are read as they come (:class:`DumpStream`)."""

    def __init__(self, args: list[str]) -> None:
        import threading

        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.too_much = False
        self._out: list[bytes] = []
        self._err: list[bytes] = []
        self._threads = [
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True)
            for stream, sink in ((self.process.stdout, self._out), (self.process.stderr, self._err))
        ]
        for thread in self._threads:
            thread.start()

    def _drain(self, stream: IO[bytes], sink: list[bytes]) -> None:
        total = 0
        while chunk := stream.read1(1 << 16):  # type: ignore[attr-defined]
            total += len(chunk)
            if total > OUTPUT_LIMIT:
                self.too_much = True
                self.process.kill()
                continue
            sink.append(chunk)

    def alive(self) -> bool:
        return self.process.poll() is None

    def finish(self) -> ReferenceRun:
        """Wait for the end; what it printed, parsed as :func:`run` parses it."""
        code = self.process.wait()
        for thread in self._threads:
            thread.join()
        if self.too_much:
            raise ZigUnavailable(
                f"the Zig reference printed more than {OUTPUT_LIMIT} bytes and was "
                "stopped: compare fewer rounds"
            )
        stderr = b"".join(self._err).decode(errors="replace")
        if code < 0:
            raise ZigUnavailable(
                f"the Zig reference was killed by {signal.Signals(-code).name}"
                + (" (out of memory?)" if code == -signal.SIGKILL else "")
                + (f": {stderr.strip().splitlines()[0]}" if stderr.strip() else "")
            )
        return _parsed(b"".join(self._out).decode(errors="replace"), stderr, code)

    def stop(self) -> None:
        """Kill it if it still runs (any way out of a comparison takes the child down)."""
        if self.alive():
            self.process.kill()
        self.process.wait()
        for thread in self._threads:
            thread.join()


@contextmanager
def started(args: list[str]) -> Iterator[Running]:
    running = Running(args)
    try:
        yield running
    finally:
        running.stop()


class DumpStream:
    """The reference's buffer dump read from a FIFO while it runs: nothing lands on disk,
    and the reference waits (a full pipe) whenever the comparison falls behind."""

    def __init__(self, path: Path, running: Running) -> None:
        self._fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self._running = running

    def close(self) -> None:
        os.close(self._fd)

    def addresses(self) -> tuple[int, ...] | None:
        """The main and second buffer's addresses; None if the reference wrote nothing."""
        head = self._read(8)
        if head is None:
            return None
        magic, count = struct.unpack("<4sI", head)
        if magic != b"BUFS":
            raise ValueError("the dump does not start with the buffer addresses")
        body = self._read(8 * count)
        return None if body is None else struct.unpack(f"<{count}Q", body)

    def snapshots(self) -> Iterator[Snapshot]:
        while (header := self._read(12)) is not None:
            magic, index, count = struct.unpack("<4sII", header)
            if magic != b"SNAP":
                raise ValueError(f"not a snapshot record at snapshot {index}")
            buffers = []
            for _ in range(count):
                fields = self._read(24)
                if fields is None:
                    return
                base, length, touched = struct.unpack("<QQQ", fields)
                data = self._read(touched)
                if data is None:
                    return
                buffers.append(DumpedBuffer(base, length, data))
            yield Snapshot(index, tuple(buffers))

    def _read(self, size: int) -> bytes | None:
        """Exactly ``size`` bytes, or None when the reference has ended before them."""
        import select
        import time

        chunks: list[bytes] = []
        missing = size
        while missing:
            select.select([self._fd], [], [], 0.1)
            try:
                chunk = os.read(self._fd, min(missing, 1 << 20))
            except BlockingIOError:
                chunk = b""
            if chunk:
                chunks.append(chunk)
                missing -= len(chunk)
            elif not self._running.alive():
                try:
                    chunk = os.read(self._fd, min(missing, 1 << 20))
                except BlockingIOError:
                    chunk = b""
                if not chunk:
                    return None
                chunks.append(chunk)
                missing -= len(chunk)
            else:
                time.sleep(0.002)  # no writer yet, or between two writes
        return b"".join(chunks)


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
