"""A progress bar on stderr for long runs whose lines go elsewhere.

Shown only when stderr is a terminal and stdout is not (on a terminal the round lines are
progress enough, and a bar would tangle with them), and only after a second.
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from typing import Any

DELAY = 1.0
"""Seconds a run must last before the bar appears (short runs never show one)."""


def is_terminal(stream: Any) -> bool:
    """False for a closed stream too (``2>&-`` makes ``sys.stderr`` None)."""
    try:
        return stream is not None and bool(stream.isatty())
    except (OSError, ValueError):
        return False


class RoundProgress:
    """Call :meth:`round` for every round line and :meth:`close` at the end (or on error)."""

    def __init__(self, total: int | None, *, enabled: bool | None = None) -> None:
        self.total = total
        if enabled is None:
            enabled = is_terminal(sys.stderr) and not is_terminal(sys.stdout)
        self.enabled = enabled
        self.started = time.monotonic()
        self._live: Any = None
        self._task: Any = None

    def round(self, index: int, memuse: int) -> None:
        if not self.enabled:
            return
        if self._live is None:
            if time.monotonic() - self.started < DELAY:
                return
            self._start()
        self._live.update(self._task, completed=index + 1, memuse=memuse)

    def __enter__(self) -> RoundProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        goal = "rounds" if self.total is not None else "rounds (until no elf moves)"
        self._live = Progress(
            TextColumn("round {task.completed}"),
            BarColumn(),
            TextColumn(f"of {self.total or '?'} {goal}; memuse {{task.fields[memuse]}}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._live.add_task("aoc23", total=self.total, memuse=0)
        self._live.start()


class Waiting:
    """``with Waiting("building …"):`` shows a spinner with that message on stderr while the
    block runs, once it has lasted :data:`DELAY` seconds, and only when stderr is a
    terminal; it leaves no trace behind."""

    def __init__(self, message: str, *, enabled: bool | None = None) -> None:
        self.message = message
        self.enabled = is_terminal(sys.stderr) if enabled is None else enabled
        import threading  # only a command that waits loads it

        self._timer: threading.Timer | None = None
        self._status: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> Waiting:
        if self.enabled:
            from threading import Timer

            self._timer = Timer(DELAY, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._status is not None:
                self._status.stop()
            self._timer = self._status = None

    def _show(self) -> None:
        from rich.console import Console

        with self._lock:
            if self._timer is None:
                return
            self._status = Console(stderr=True).status(self.message)
            self._status.start()
