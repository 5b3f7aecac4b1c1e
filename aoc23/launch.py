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
    from aoc23.process import run_program
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


def _collect_from_now_on() -> None:
    """Collect garbage again, but never look at what starting made (``gc.freeze``): most
    of it lives until the end, and every full collection would go through all of it."""
    gc.freeze()
    gc.enable()


def _end_now(code: object) -> None:
    """Exit with ``code`` at once, without the interpreter's teardown of every module and
    object (a few million instructions, about a millisecond a run):
    :func:`~aoc23.process.run_program` has written and flushed all there is to say, and a
    plain solve leaves nothing to clean up (no temporary file, no child process). The last
    flush below has nothing left to write; should it fail all the same, or be stopped by a
    signal, the status says so rather than a traceback."""
    from aoc23.errors import OutputError
    from aoc23.process import Stopped

    status = code if isinstance(code, int) else 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Stopped as stop:
            status = stop.code
        except Exception:
            status = status or OutputError.exit_code
    os._exit(status)
