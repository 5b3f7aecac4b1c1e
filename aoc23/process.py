"""aoc23 as a process, without click: its standard streams, its signals, and how every way
of ending maps to one line on stderr (at most) and a documented exit status.

Both ways in use it: :mod:`aoc23.launch` for a plain ``aoc23 solve``, and :mod:`aoc23.cli`
for everything else.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from types import FrameType

from aoc23 import render
from aoc23.errors import Aoc23Error, OutOfMemory, OutputError, PuzzleInputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal
    from typing import IO, Any, NoReturn
else:
    # CPython's C module that signal re-exports: the same calls, without the enums of
    # every signal that signal builds when imported (with enum itself, ~3 ms a start).
    try:
        import _signal as signal
    except ImportError:  # not CPython
        import signal

EXIT_INTERNAL = 70
"""A bug: an exception nobody expected (as sysexits' EX_SOFTWARE)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C, as a shell reports a process ended by SIGINT."""
EXIT_BROKEN_PIPE = 141
"""The reader of stdout went away (e.g. ``| head``), as a shell reports SIGPIPE."""
EXIT_TERMINATED = 143
"""SIGTERM, as a shell reports it (after cleaning up: temporary files, the Zig child)."""


def run_program(body: Callable[[], int]) -> NoReturn:
    """Run ``body`` as the ``aoc23`` program and exit with the status it returns, or with
    the one its way of ending calls for: one line on stderr at most, after every line it
    printed on stdout."""
    occupy_closed_standard_fds()
    guard_standard_streams()
    stop_on(signal.SIGINT, EXIT_INTERRUPTED)
    stop_on(signal.SIGTERM, EXIT_TERMINATED)
    try:
        try:
            code = body()
        finally:
            flush_stdout()
    except Stopped as stop:
        sys.exit(stop.code)
    except BrokenPipeError:
        silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except Aoc23Error as error:
        fail(error_lines(error), error.exit_code)
    except Exception as error:
        internal_error(error)
    failure = swallowed_output_error()
    if failure is not None:
        fail([f"error: {failure}"], failure.exit_code)
    sys.exit(code)


class Stopped(BaseException):
    """Raised by the SIGINT and SIGTERM handlers. Not a KeyboardInterrupt, so that nothing
    between the signal and :func:`run_program` treats it as one; every ``finally`` still
    runs."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def stop_on(signum: int, code: int) -> None:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise Stopped(code)

    _handle_unless_ignored(signum, handler)


def end_at_once_on_signals() -> None:
    """From now on SIGINT and SIGTERM end the process at once with their status, raising
    nothing: for the steps before and after :func:`run_program`, which have nothing to
    clean up (the start, and the end of a plain solve)."""

    def end(signum: int, _frame: FrameType | None) -> None:
        os._exit(EXIT_INTERRUPTED if signum == signal.SIGINT else EXIT_TERMINATED)

    _handle_unless_ignored(signal.SIGINT, end)
    _handle_unless_ignored(signal.SIGTERM, end)


def _handle_unless_ignored(signum: int, handler: Callable[[int, FrameType | None], None]) -> None:
    """Handle ``signum`` with ``handler``, unless aoc23 was started with it ignored: a shell
    starts a background job with SIGINT ignored, so that a Ctrl-C meant for the foreground
    leaves it running (as ``nohup`` does with SIGHUP)."""
    if signal.getsignal(signum) != signal.SIG_IGN:
        signal.signal(signum, handler)


# -- stdout -----------------------------------------------------------------------------

FLUSH_INTERVAL = 0.1
"""Seconds a line written by :func:`emit` may wait in stdout's buffer while more follow."""
_next_flush = 0.0
"""When :func:`emit` flushes stdout next (``time.monotonic``)."""


def emit(line: str) -> None:
    """One line to stdout. A terminal shows it at once (the stream is line-buffered there);
    a pipe or a file gets the first line at once and the others at most
    :data:`FLUSH_INTERVAL` seconds late, and every line before the command ends and before
    anything it says on stderr (see :func:`flush_stdout`)."""
    global _next_flush
    try:
        out = stdout()
        out.write(line + "\n")
        now = time.monotonic()
        if now >= _next_flush:
            _next_flush = now + FLUSH_INTERVAL
            out.flush()
    except OSError as error:
        output_failed(error)


def flush_stdout() -> None:
    """Write out whatever stdout still holds (unless it is closed or already failed)."""
    out = sys.stdout
    if out is None or getattr(out, "closed_stream", False):
        return
    try:
        out.flush()
    except OSError as error:
        output_failed(error)


def stdout() -> IO[str]:
    if sys.stdout is None or getattr(sys.stdout, "closed_stream", False):
        raise OutputError("cannot write to standard output: it is closed")
    return sys.stdout


class GuardedStdout:
    """``sys.stdout`` for every writer (click, rich, :func:`emit`): a closed stdout
    (``>&-``) raises :class:`OutputError` at the first write instead of swallowing it, and
    a failed write (``>/dev/full``) raises it instead of an OSError, then again at every
    later write (and :func:`run_program` reports it even if a library swallowed it); a gone
    reader stays a BrokenPipeError (status 141)."""

    def __init__(self, stream: IO[str] | None) -> None:
        self._stream = stream
        self.closed_stream = stream is None
        self.failure: OutputError | None = None

    def write(self, text: str) -> int:
        if isinstance(text, str) and not text:
            return 0  # click probes with "" (and with b"", which must stay a TypeError)
        if self.failure is not None:
            raise self.failure
        stream = _stdout_or_fail(self._stream)
        try:
            return stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None

    def flush(self) -> None:
        if self._stream is not None and self.failure is None:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise
            except OSError as error:
                raise self._failed(error) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(_stdout_or_fail(self._stream), name)

    def _failed(self, error: OSError) -> OutputError:
        silence_stdout()
        self.failure = OutputError(f"cannot write to standard output: {error.strerror or error}")
        return self.failure


def _stdout_or_fail(stream: IO[str] | None) -> IO[str]:
    if stream is None:
        raise OutputError("cannot write to standard output: it is closed")
    return stream


def swallowed_output_error() -> OutputError | None:
    """A failed write to stdout that a library caught and ignored, if there was one."""
    failure = getattr(sys.stdout, "failure", None)
    return failure if isinstance(failure, OutputError) else None


def guard_standard_streams() -> None:
    """Install :class:`GuardedStdout`; characters the streams' encoding lacks (e.g.
    ``PYTHONIOENCODING=ascii``) are replaced, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace" if stream is sys.stderr else "replace")
    sys.stdout = GuardedStdout(sys.stdout)


def output_failed(error: OSError) -> NoReturn:
    """End quietly with status 141 when stdout's reader has gone (``| head``); any other
    failure to write stdout (a full disk) is an :class:`OutputError`."""
    silence_stdout()
    if isinstance(error, BrokenPipeError):
        sys.exit(EXIT_BROKEN_PIPE)
    raise OutputError(f"cannot write to standard output: {error.strerror or error}") from None


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
    finally:
        os.close(devnull)


def occupy_closed_standard_fds() -> None:
    """Open /dev/null on any of fds 0-2 the caller closed (``2>&-``), so that no file this
    process opens later lands there and receives what was meant for the closed stream.
    ``sys.stdin``/``sys.stdout``/``sys.stderr`` stay None: a closed stream stays closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


# -- stderr -----------------------------------------------------------------------------


def say(line: str) -> None:
    """One line on stderr, if there is a stderr that takes it."""
    if sys.stderr is None:
        return
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def fail(lines: list[str], code: int) -> NoReturn:
    for line in lines:
        say(line)
    sys.exit(code)


def error_lines(error: Aoc23Error) -> list[str]:
    """The one funnel from an expected error to what stderr says."""
    if isinstance(error, OutOfMemory):
        return render.out_of_memory_lines(error)
    if isinstance(error, PuzzleInputError):
        return [render.input_error_line(error, "-" if error.source is None else error.source)]
    return [f"error: {_one_line(str(error))}"]


def internal_error(error: Exception) -> NoReturn:
    """The safety net: one line, status 70; the traceback only with ``AOC23_DEBUG=1``."""
    if _debugging():
        import traceback
        from contextlib import suppress

        if sys.stderr is not None:
            with suppress(OSError, ValueError):
                traceback.print_exception(error, file=sys.stderr)
    hint = "" if _debugging() else " (AOC23_DEBUG=1 shows the traceback)"
    fail(
        [f"error: internal error: {_one_line(f'{type(error).__name__}: {error}')}{hint}"],
        EXIT_INTERNAL,
    )


def _debugging() -> bool:
    return os.environ.get("AOC23_DEBUG", "").strip().lower() not in ("", "0", "no", "false", "off")


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")).strip() or "(no message)"
