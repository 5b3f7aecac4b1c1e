"""How ``aoc23`` starts. ``aoc23 solve`` with plain arguments (:func:`aoc23.solving.plain_solve`)
runs at once, without loading click and the other commands; anything else, including every
argument click would refuse or explain, goes to :mod:`aoc23.cli`, which says it in its own
words.
"""

from __future__ import annotations

import gc
import os
import sys


def entry() -> None:
    """The ``aoc23`` program."""
    gc.disable()  # what starting makes lives as long as the process: no garbage to look for
    try:
        from aoc23.process import Stopped, end_at_once_on_signals, run_program
    except KeyboardInterrupt:  # Python's own Ctrl-C, before aoc23 has a say
        os._exit(130)  # process.EXIT_INTERRUPTED, which is what could not be loaded
    end_at_once_on_signals()  # nothing to clean up until run_program says otherwise
    from aoc23.solving import plain_solve, solve

    request = plain_solve(sys.argv[1:])
    if request is None:
        from aoc23.cli import entry as parsed_by_click

        _collect_from_now_on()
        parsed_by_click()
        return

    def solved() -> int:
        solve(*request)
        return 0

    _collect_from_now_on()
    try:
        run_program(solved)
    except SystemExit as done:
        _end_now(done.code)
    except Stopped as stop:  # a signal after run_program has made its report
        _end_now(stop.code)


def _collect_from_now_on() -> None:
    """Collect garbage again, but never look at what starting made (``gc.freeze``): most
    of it lives until the end, and every full collection would go through all of it."""
    gc.freeze()
    gc.enable()


def _end_now(code: object) -> None:
    """Exit with ``code`` at once, without the interpreter's teardown of every module and
    object (a few million instructions, about a millisecond a run):
    :func:`~aoc23.process.run_program` has written and flushed all there is to say, and a
    plain solve leaves nothing to clean up (no temporary file, no child process). A signal
    from here on ends the process with its own status. The last flush of stdout has nothing
    left to write; should it fail all the same, the status says so (stderr's failures are
    ignored, as everywhere)."""
    from aoc23.errors import OutputError
    from aoc23.process import EXIT_BROKEN_PIPE, end_at_once_on_signals

    end_at_once_on_signals()
    status = code if isinstance(code, int) else 0 if code is None else 1
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        status = status or EXIT_BROKEN_PIPE
    except Exception:
        status = status or OutputError.exit_code
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except Exception:
        pass
    os._exit(status)
