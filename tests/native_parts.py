"""The two ways aoc23 can work, for tests that run both in one process: with its compiled
parts (flat arrays, hashes made natively, the compiled fill and rules) or with their Python twins
(lists, hashes made when first asked for, the Python fill, the big-int rules), as
``AOC23_PURE_PYTHON=1`` runs.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

import pytest

from aoc23 import bitboard
from aoc23.native import compiled_part
from aoc23.zigstd import _keys, hash_map

COMPILED_FILL = compiled_part("aoc23.zigstd._fill", "filled")
COMPILED_HASH_WINDOW = compiled_part("aoc23.zigstd._fill", "hash_window")
COMPILED_RENAMED_CELLS = compiled_part("aoc23.zigstd._fill", "renamed_cells")
COMPILED_CELL_SPAN = compiled_part("aoc23.zigstd._fill", "cell_span")
COMPILED_RULES = compiled_part("aoc23._bitboard", "Grid")
COMPILED_BUILT = None not in (
    COMPILED_FILL,
    COMPILED_HASH_WINDOW,
    COMPILED_RENAMED_CELLS,
    COMPILED_CELL_SPAN,
    COMPILED_RULES,
)

KINDS = [
    pytest.param("python", id="python"),
    pytest.param(
        "compiled",
        id="compiled",
        marks=pytest.mark.skipif(not COMPILED_BUILT, reason="the compiled parts were not built"),
    ),
]
"""For ``pytest.mark.parametrize("kind", KINDS)``."""


@contextmanager
def working(kind: str) -> Iterator[None]:
    """aoc23 works the ``kind`` way ("python" or "compiled") inside the block."""
    compiled = kind == "compiled"
    patches = {
        (hash_map, "fill"): COMPILED_FILL if compiled else hash_map._fill_in_python,
        (hash_map, "_FREE_SLOT"): array("i", [0]) if compiled else [0],
        (_keys, "hash_window"): COMPILED_HASH_WINDOW if compiled else None,
        (_keys, "renamed_cells"): COMPILED_RENAMED_CELLS if compiled else None,
        (_keys, "cell_span"): COMPILED_CELL_SPAN if compiled else None,
        (bitboard, "rules"): COMPILED_RULES if compiled else bitboard.BigIntGrid,
    }
    with ExitStack() as stack:
        for (owner, name), value in patches.items():
            stack.enter_context(mock.patch.object(owner, name, value))
        yield
