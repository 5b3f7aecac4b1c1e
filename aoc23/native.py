"""Which compiled parts run: each is optional, and ``AOC23_PURE_PYTHON`` turns them all off.

A compiled part is built at install time when a C compiler is there; each has a Python twin
that the tests hold it to. ``AOC23_PURE_PYTHON`` set to a true value (anything but empty,
0, no, false or off) runs the Python twins even where the compiled ones were built.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def wanted() -> bool:
    """False when ``AOC23_PURE_PYTHON`` asks for the Python twins."""
    chosen = os.environ.get("AOC23_PURE_PYTHON", "").strip().lower()
    return chosen in ("", "0", "no", "false", "off")


def compiled_part(module: str, name: str) -> Any:
    """``module.name`` from a compiled module, or None when it was not built or not wanted."""
    if not wanted():
        return None
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except ImportError:
        return None
