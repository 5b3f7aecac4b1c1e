"""Issue 15: the README's promises off the happy path, tried as a hostile user would, in
real processes (closed and full streams, signals, endless inputs, bounded memory)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOG = str(ROOT / "inputs" / "blog-70x70.txt")
EXAMPLE = str(ROOT / "inputs" / "example.txt")
AOC23 = [sys.executable, "-m", "aoc23"]
GIB = 1 << 30


def limit_memory(size: int = 1 * GIB) -> None:
    """Run in the child before it starts: at most ``size`` bytes of address space."""
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def aoc23(
    *args: str, shell: str = "", timeout: float = 60, **options: object
) -> subprocess.CompletedProcess[bytes]:
    """aoc23 ARGS in a fresh process; ``shell`` is a redirection such as ``2>&-`` applied to
    it by sh (the only way to hand it a closed descriptor)."""
    command = [*AOC23, *args]
    if shell:
        command = ["sh", "-c", f'exec "$@" {shell}', "sh", *command]
    options.setdefault("capture_output", True)
    return subprocess.run(command, timeout=timeout, check=False, **options)  # type: ignore[call-overload,no-any-return]


# 1. A closed stderr.


def test_a_closed_stderr_changes_nothing_for_a_good_run() -> None:
    done = aoc23("solve", BLOG, shell="2>&-")
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == b"part1: 3764"


def test_a_closed_stderr_keeps_the_exit_status_of_a_failure() -> None:
    assert aoc23("solve", "/nope", shell="2>&-").returncode == 3
    assert aoc23("solve", BLOG, "--buffer-size", "20000", shell="2>&-").returncode == 1


# 7. A closed stdin.


def test_a_closed_stdin_is_an_input_error() -> None:
    done = aoc23("solve", "-", shell="<&-")
    assert done.returncode == 3
    assert done.stderr == b"error: -: standard input is closed\n"


# 6. Output that cannot be written.


@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
@pytest.mark.parametrize(
    "args",
    [("solve", EXAMPLE), ("gen", "--width", "3", "--height", "2"), ("solve", "--help")],
    ids=["solve", "gen", "help"],
)
def test_an_unwritable_stdout_is_one_line_and_exit_74(redirect: str, args: tuple[str, ...]) -> None:
    done = aoc23(*args, shell=redirect)
    assert done.returncode == 74, done.stderr
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith("error: cannot write to standard output: ")


# Off a terminal stdout is written in batches (issue 17): all of it before stderr speaks.


@pytest.mark.parametrize(
    ("args", "last_line"),
    [
        (("solve", BLOG, "--part", "2"), b"Round 226 memuse: 8378552"),
        (("trace", BLOG, "--format", "csv", "--buffer-size", "200000"), b"4,189416,"),
    ],
    ids=["solve", "trace-csv"],
)
def test_every_line_printed_comes_before_the_out_of_memory_message(
    args: tuple[str, ...], last_line: bytes
) -> None:
    """Both streams on one pipe: they arrive in the order they were written."""
    done = aoc23(*args, capture_output=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[-3].startswith(last_line)
    assert lines[-2] == b"error: OutOfMemory" and lines[-1].startswith(b"in round ")


# 2. Endless and huge inputs.

OUT_OF_MEMORY_8MIB = (
    "while loading, allocating the input (readFileAlloc): 11669682 bytes (align 1) did not "
    "fit: end_index 7779783 of a 8388608-byte buffer (608825 bytes free)"
)


@pytest.mark.parametrize(
    ("args", "redirect"),
    [(("/dev/zero",), ""), (("/dev/urandom",), ""), (("-",), "</dev/zero")],
    ids=["zero", "urandom", "stdin"],
)
def test_an_endless_input_runs_out_of_memory_where_zig_does_in_bounded_memory(
    args: tuple[str, ...], redirect: str
) -> None:
    started = time.monotonic()
    done = aoc23("solve", *args, shell=redirect, preexec_fn=limit_memory, timeout=30)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == ["error: OutOfMemory", OUT_OF_MEMORY_8MIB]
    assert time.monotonic() - started < 20


def test_a_buffer_too_large_for_the_input_to_be_read_is_refused_with_the_limit() -> None:
    done = aoc23("solve", "/dev/zero", "--buffer-size", "128TiB", preexec_fn=limit_memory)
    assert done.returncode == 3
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith("error: /dev/zero: larger than 64MiB, the most aoc23 reads")


def test_the_page_allocator_never_runs_out_so_the_limit_applies() -> None:
    done = aoc23("solve", "/dev/zero", "--strategy", "page", preexec_fn=limit_memory)
    assert done.returncode == 3 and b"larger than 64MiB" in done.stderr


@pytest.mark.parametrize("output_format", ["rich", "json", "csv"])
def test_trace_reads_an_endless_input_in_bounded_memory(output_format: str) -> None:
    done = aoc23(
        "trace", "/dev/zero", "--no-compare", "--format", output_format, preexec_fn=limit_memory
    )
    assert done.returncode in (1, 3)
    assert b"Traceback" not in done.stderr


def test_a_regular_file_larger_than_the_buffer_is_not_read_at_all(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as file:
        file.truncate(1 << 40)  # a terabyte of holes: reading it would take hours
    done = aoc23("solve", str(sparse), preexec_fn=limit_memory, timeout=20)
    assert done.returncode == 1
    assert f"the input (readFileAlloc): {1 << 40} bytes" in done.stderr.decode()


# Signals.


def test_ctrl_c_ends_a_read_at_once_with_130_and_writes_nothing() -> None:
    process = subprocess.Popen(
        [*AOC23, "solve", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    process.stdin.write(b"#.#\n")
    process.stdin.flush()  # and then nothing more, never closed: the read waits
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    out, errors = process.communicate(timeout=5)
    process.stdin.close()
    assert process.returncode == 130
    assert (out, errors) == (b"", b"")


def test_sigterm_ends_with_143_quietly() -> None:
    process = subprocess.Popen(
        [*AOC23, "solve", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)
    process.terminate()
    out, errors = process.communicate(timeout=5)
    assert process.returncode == 143
    assert (out, errors) == (b"", b"")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_ignored_when_aoc23_starts_stays_ignored(signum: int) -> None:
    """A shell starts a background job with SIGINT ignored (nohup does so with SIGHUP): a
    Ctrl-C meant for the foreground must leave it running."""
    process = subprocess.Popen(
        [*AOC23, "solve", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signum, signal.SIG_IGN),
    )
    assert process.stdin is not None
    process.stdin.write(b"#.#\n")
    process.stdin.flush()
    time.sleep(1.0)  # started, and waiting for the rest of its input
    process.send_signal(signum)
    time.sleep(0.5)
    assert process.poll() is None
    out, errors = process.communicate(b"...\n.#.\n", timeout=10)
    assert process.returncode == 0
    assert out.decode().splitlines()[-1] == "part1: 6"
    assert errors == b""


SIGNAL_WHILE_STARTING = """
import os, signal, sys
import aoc23.solving

real = aoc23.solving.plain_solve

def read_then_signalled(args):
    os.kill(os.getpid(), signal.{name})
    return real(args)

aoc23.solving.plain_solve = read_then_signalled
sys.argv = ["aoc23", *sys.argv[1:]]
from aoc23.launch import entry
entry()
"""


@pytest.mark.parametrize(("name", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
@pytest.mark.parametrize("args", [["solve", EXAMPLE], ["trace", EXAMPLE]], ids=["solve", "trace"])
def test_a_signal_while_starting_ends_with_its_status_and_no_traceback(
    name: str, status: int, args: list[str]
) -> None:
    """Before the command runs (and its own handling of signals begins) there is nothing to
    clean up: a Ctrl-C there is 130 with nothing said, not a KeyboardInterrupt's traceback."""
    script = SIGNAL_WHILE_STARTING.format(name=name)
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (status, b"", b"")


INTERRUPTED_WHILE_LOADING = """
import sys

class Interrupted:
    def find_spec(self, name, path=None, target=None):
        if name == "aoc23.process":
            raise KeyboardInterrupt  # as Python raises it for a Ctrl-C in the middle

sys.meta_path.insert(0, Interrupted())
sys.argv = ["aoc23", "solve", sys.argv[1]]
from aoc23.launch import entry
entry()
"""


def test_a_ctrl_c_while_aoc23_loads_its_signal_handling_is_130_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WHILE_LOADING, EXAMPLE], capture_output=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, b"", b"")


# The safety net.

BREAK_RUN = """
import sys
import aoc23.solving
from aoc23 import cli, launch

def broken(*args, **kwargs):
    raise RuntimeError("a bug\\nover two lines")

aoc23.solving.run = broken
sys.argv = ["aoc23", "solve", sys.argv[1]]
{entry}.entry()
"""


@pytest.mark.parametrize("entry", ["launch", "cli"], ids=["without-click", "through-click"])
@pytest.mark.parametrize("debug", ["", "0", "1"])
def test_an_unexpected_exception_is_one_line_and_exit_70(debug: str, entry: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", BREAK_RUN.format(entry=entry), EXAMPLE],
        capture_output=True,
        env={**os.environ, "AOC23_DEBUG": debug},
        check=False,
    )
    assert done.returncode == 70
    lines = done.stderr.decode().splitlines()
    assert lines[-1].startswith("error: internal error: RuntimeError: a bug over two lines")
    if debug == "1":
        assert lines[0] == "Traceback (most recent call last):"
    else:
        assert len(lines) == 1 and "AOC23_DEBUG=1" in lines[0]


# Smaller items.


def test_full_width_digits_are_not_a_size() -> None:
    done = aoc23("solve", EXAMPLE, "--buffer-size", "\uff11\uff12\uff13")  # full-width 123
    assert done.returncode == 2 and b"is not a size" in done.stderr


def test_an_empty_name_is_not_a_directory() -> None:
    done = aoc23("solve", "")
    assert (done.returncode, done.stderr) == (3, b"error: : an empty name is not a file\n")


def test_a_file_name_with_a_newline_or_bad_utf8_stays_one_line(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/a\nb\xff.txt"
    with open(name, "wb") as file:
        file.write(b"...\n")
    done = subprocess.run([*AOC23, "solve", name], capture_output=True, check=False)
    assert done.returncode == 3
    (line,) = done.stderr.decode().splitlines()
    assert line.endswith("/a\\nb\\xff.txt: no elves: the input has no '#'")


@pytest.mark.zig
@pytest.mark.parametrize("buffer_size", [1000, 5000, 100_000, 8 << 20])
@pytest.mark.parametrize("read", ["readfile", "exact"])
@pytest.mark.parametrize("strategy", ["naive", "arena"])
def test_an_endless_input_fails_as_the_real_zig_program_does(
    buffer_size: int, read: str, strategy: str
) -> None:
    """The reference reads /dev/zero itself (stat size 0): the same OutOfMemory, or for the
    exact read, the same empty input (under an arena: the same node refused)."""
    from aoc23 import reference

    options = ("--read=exact",) if read == "exact" else ()
    zig = reference.run(
        reference.build(), Path("/dev/zero"), strategy, buffer_size, 1, 40_000, options=options
    )
    ours = aoc23(
        "solve",
        "/dev/zero",
        "--buffer-size",
        str(buffer_size),
        "--read",
        read,
        "--strategy",
        strategy,
    )
    if zig.oom is None:  # nothing read: an empty input, which Zig's parse does not refuse
        assert read == "exact" and ours.returncode == 3 and b"no elves" in ours.stderr
        return
    assert (ours.returncode, zig.exit_code) == (1, 1)
    context = ours.stderr.decode().splitlines()[1]
    asked = f"{zig.oom.size} bytes" if strategy == "naive" else f"a {zig.oom.size}-byte arena node"
    assert context.startswith(f"while loading, allocating {zig.oom.site}: {asked}")
    assert f"end_index {zig.oom.end_index} of a {zig.oom.buffer_len}-byte" in context


# 3. gen loses no data.


def test_gen_into_a_reader_that_goes_away_exits_141() -> None:
    process = subprocess.Popen(
        [*AOC23, "gen", "--width", "2000", "--height", "2000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.readline()) == 2001
    process.stdout.close()
    assert process.wait(timeout=30) == 141
    assert process.stderr.read() == b""


def test_gen_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "grid.txt"
    target.write_bytes(b"precious\n")
    done = aoc23("gen", "-o", str(target))
    assert done.returncode == 74
    assert done.stderr.decode() == f"error: {target} exists: --force overwrites it\n"
    assert target.read_bytes() == b"precious\n"
    assert aoc23("gen", "-o", str(target), "--force").returncode == 0
    assert target.read_bytes() == aoc23("gen").stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grid.txt"]


def test_gen_replaces_a_symlink_instead_of_following_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me\n")
    link = tmp_path / "link.txt"
    link.symlink_to(victim)
    assert aoc23("gen", "-o", str(link)).returncode == 74
    assert aoc23("gen", "-o", str(link), "--force").returncode == 0
    assert not link.is_symlink() and victim.read_bytes() == b"keep me\n"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("missing/grid.txt", "No such file or directory"),
        ("", "an empty name is not a file"),
        (".", "it is a directory"),
        ("/dev/full", "not a regular file"),
        ("x" * 300, "File name too long"),
    ],
)
def test_gen_into_a_file_it_cannot_write_is_one_line_and_leaves_nothing(
    tmp_path: Path, target: str, reason: str
) -> None:
    done = aoc23("gen", "-o", target, "--force", cwd=tmp_path)
    assert done.returncode == 74
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith("error: cannot write ") and reason in line
    assert list(tmp_path.iterdir()) == []


def test_gen_density_must_be_a_number_between_0_and_1() -> None:
    for density in ("nan", "-0.1", "1.5"):
        done = aoc23("gen", "--density", density)
        assert done.returncode == 2 and b"is not a chance between 0 and 1" in done.stderr


def test_gen_help_lists_only_statuses_it_can_return() -> None:
    text = aoc23("gen", "--help").stdout.decode()
    statuses = [line.split()[0] for line in text.split("Exit status:")[1].splitlines()[1:]]
    assert statuses == ["0", "2", "74", "130", "143"]
    assert "141" in text and "OutOfMemory" not in text and "\\b" not in text


def test_no_help_shows_a_literal_backslash_b() -> None:
    for command in ("solve", "gen", "verify", "trace"):
        assert "\\b" not in aoc23(command, "--help").stdout.decode(), command


SMALL_TMPFS = """
mount -t tmpfs -o "$0" tmpfs "$1" || exit 99
directory=$1
shift
"$@"
status=$?
ls -A "$directory"
exit $status
"""


def in_small_tmpfs(
    directory: Path, options: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """aoc23 ARGS with a fresh tmpfs (mount ``options``) on ``directory``, in a private
    mount namespace (``unshare``: no root needed, nothing leaks to the machine); stdout
    ends with what is left in ``directory``."""
    if not Path("/usr/bin/unshare").exists() and not Path("/bin/unshare").exists():
        pytest.skip("unshare is not installed: no private tmpfs to fill")
    command = ["unshare", "-rm", "sh", "-c", SMALL_TMPFS, options, str(directory), *AOC23]
    done = subprocess.run([*command, *args], capture_output=True, check=False, timeout=120, env=env)
    if done.returncode == 99:
        pytest.skip(f"no private mounts here: {done.stderr.decode().strip()}")
    return done


def test_gen_on_a_full_file_system_fails_and_leaves_nothing(tmp_path: Path) -> None:
    grid = ["--width", "2000", "--height", "2000"]
    target = tmp_path / "grid.txt"
    done = in_small_tmpfs(tmp_path, "size=1m", "gen", *grid, "-o", str(target))
    assert done.returncode == 74
    assert done.stderr.decode() == f"error: cannot write {target}: No space left on device\n"
    assert done.stdout == b""  # neither the file nor a temporary one is left


def test_gen_on_a_read_only_file_system_fails_in_one_line(tmp_path: Path) -> None:
    target = tmp_path / "grid.txt"
    done = in_small_tmpfs(tmp_path, "ro,size=1m", "gen", "-o", str(target))
    assert done.returncode == 74
    assert done.stderr.decode() == f"error: cannot write {target}: Read-only file system\n"


# 4. verify blames aoc23 only for aoc23's differences.


@pytest.mark.parametrize(
    "option",
    [
        ("--buffer-size", "32GiB"),
        ("--buffer-size", "64GiB"),
        ("--buffer-size", "128TiB"),
        ("--temp-size", "128TiB"),
    ],
)
def test_verify_refuses_buffers_zig_would_have_to_fill_up_front(option: tuple[str, str]) -> None:
    done = aoc23("verify", EXAMPLE, *option)
    assert done.returncode == 2
    assert b"verify allows at most 1GiB" in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("--rounds", str(2**64)),
        ("--rounds", "3", "--part", "2"),
    ],
)
def test_verify_usage_errors(args: tuple[str, ...]) -> None:
    done = aoc23("verify", EXAMPLE, *args)
    assert done.returncode == 2 and done.stdout == b""


@pytest.mark.parametrize(
    ("cache", "make"),
    [("a-file", "file"), ("/dev/null", None), ("a-file/below", "file")],
)
def test_verify_with_an_unusable_cache_is_one_line_and_exit_3(
    tmp_path: Path, cache: str, make: str | None
) -> None:
    if make == "file":
        (tmp_path / "a-file").write_text("not a directory\n")
    done = aoc23("verify", EXAMPLE, cwd=tmp_path, env={**os.environ, "AOC23_CACHE": cache})
    assert done.returncode == 3
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith(f"error: cannot use the cache directory {cache}: ")
    assert line.endswith("(set AOC23_CACHE to a writable directory)")


def test_verify_with_a_read_only_home_is_one_line_and_exit_3(tmp_path: Path) -> None:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("AOC23_CACHE", "XDG_CACHE_HOME")
    }
    done = in_small_tmpfs(
        tmp_path, "ro,size=64k", "verify", EXAMPLE, env={**environment, "HOME": str(tmp_path)}
    )
    assert done.returncode == 3
    assert done.stderr.decode() == (
        f"error: cannot use the cache directory {tmp_path}/.cache/aoc23: Read-only file "
        "system (set AOC23_CACHE to a writable directory)\n"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/proc/self/mem", "cannot read: Input/output error"),
        ("x" * 300, "cannot read: File name too long"),
        (".", "is a directory, not a puzzle input"),
        ("", "an empty name is not a file"),
    ],
)
def test_verify_with_an_unusable_input_is_one_line_and_exit_3(name: str, message: str) -> None:
    done = aoc23("verify", name)
    assert done.returncode == 3
    assert done.stderr.decode() == f"error: {name}: {message}\n"


NO_ZIGLANG = """
import importlib.metadata as metadata
import sys

real = metadata.version

def version(name):
    if name == "ziglang":
        raise metadata.PackageNotFoundError(name)
    return real(name)

metadata.version = version
from aoc23.cli import entry
sys.argv = ["aoc23", "verify", sys.argv[1]]
entry()
"""


@pytest.mark.zig
def test_verify_without_ziglang_says_so_even_with_a_cached_binary() -> None:
    from aoc23 import reference

    reference.build()  # the binary is cached: it must not be used silently
    done = subprocess.run(
        [sys.executable, "-c", NO_ZIGLANG, EXAMPLE], capture_output=True, check=False
    )
    assert done.returncode == 3 and done.stdout == b""
    assert done.stderr.decode() == (
        "error: needs the real Zig compiler 0.11.0 (not installed): pip install "
        "'ziglang==0.11.0' (from a checkout: pip install '.[zig]', or make test, which "
        "installs it into .venv)\n"
    )


@pytest.mark.zig
def test_verify_runs_at_once_on_an_empty_cache_build_once(tmp_path: Path) -> None:
    environment = {**os.environ, "AOC23_CACHE": str(tmp_path / "cache")}
    command = [*AOC23, "verify", EXAMPLE, "--rounds", "2"]
    runs = [
        subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], results
    built = sorted(p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith("day23"))
    assert len(built) == 1 and (tmp_path / "cache" / built[0] / "day23").exists()


@pytest.mark.zig
def test_verify_reads_its_input_once(tmp_path: Path) -> None:
    """A FIFO can be read only once: both sides must be handed the bytes read from it."""
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [*AOC23, "verify", str(fifo), "--part", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with fifo.open("wb") as writer:
        writer.write(Path(EXAMPLE).read_bytes())
    out, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    assert out.decode().splitlines()[-1].startswith("match: 20 rounds")


@pytest.mark.zig
def test_verify_says_when_both_sides_ran_out_of_memory() -> None:
    done = aoc23("verify", EXAMPLE, "--buffer-size", "2000")
    assert done.returncode == 0
    assert done.stdout.decode().splitlines()[-1] == (
        "both ran out of memory while loading, allocating the input (readFileAlloc): "
        "4128 bytes at end_index 56 of 2000"
    )


@pytest.mark.zig
def test_verify_puts_no_buffer_dump_on_disk(tmp_path: Path) -> None:
    """300 rounds of dumps are some 15MB; the temporary directory here holds 1MiB."""
    from aoc23 import reference

    binary_ready = reference.build()
    assert binary_ready.exists()
    done = in_small_tmpfs(
        tmp_path,
        "size=1m",
        "verify",
        EXAMPLE,
        "--rounds",
        "300",
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines()[-1].startswith("match: 300 rounds")


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.zig
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_takes_the_zig_child_and_the_scratch_files_down(
    tmp_path: Path, signum: int, status: int
) -> None:
    from aoc23 import reference

    reference.build()
    process = subprocess.Popen(
        [*AOC23, "verify", EXAMPLE, "--rounds", str(10**9), "--strategy", "tempalloc"],
        env={**os.environ, "TMPDIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not (children := children_of(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children, "the Zig reference never started"
    time.sleep(0.5)
    process.send_signal(signum)
    out, errors = process.communicate(timeout=30)
    assert process.returncode == status
    assert errors == b"" and out == b""
    assert list(tmp_path.iterdir()) == []
    for child in children:
        assert (
            not Path(f"/proc/{child}").exists()
            or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]
        )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    "args",
    [("trace", EXAMPLE, "--rounds", "2", "--no-compare"), ("verify", EXAMPLE, "--rounds", "2")],
    ids=["trace", "verify"],
)
def test_a_narrow_output_encoding_is_no_traceback(encoding: str, args: tuple[str, ...]) -> None:
    done = aoc23(*args, env={**os.environ, "PYTHONIOENCODING": encoding})
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    done.stdout.decode(encoding)


@pytest.mark.parametrize(
    "args",
    [("trace", "--rounds", "2", "--no-compare"), ("trace", "--format", "json", "--rounds", "2")],
    ids=["rich", "json"],
)
@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_trace_into_an_unwritable_stdout_is_exit_74(args: tuple[str, ...], redirect: str) -> None:
    done = aoc23(*args, shell=redirect)
    assert done.returncode == 74
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith("error: cannot write to standard output: ")


@pytest.mark.zig
def test_verify_stops_a_reference_that_prints_without_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the reference prints is held in memory: past the limit it is stopped, and the
    simulation stops with it instead of running the remaining rounds."""
    from click.testing import CliRunner

    from aoc23 import reference
    from aoc23.cli import main

    monkeypatch.setattr(reference, "OUTPUT_LIMIT", 20_000)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["verify", EXAMPLE, "--rounds", str(10**9)])
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr == (
        "error: the Zig reference printed more than 20000 bytes and was stopped: "
        "compare fewer rounds\n"
    )
    assert time.monotonic() - started < 30


def test_gen_refuses_a_grid_too_large_to_read_back_before_making_it() -> None:
    done = aoc23(
        "gen", "--width", "100000", "--height", "100000", preexec_fn=limit_memory, timeout=20
    )
    assert done.returncode == 2 and done.stdout == b""
    assert b"a 100000x100000 grid is larger than 64MiB, the most aoc23 reads" in done.stderr
