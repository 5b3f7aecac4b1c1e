"""Everything the user reads, built as text or renderables; nothing here prints."""

from __future__ import annotations

from aoc23.errors import OutOfMemory, PuzzleInputError, shown_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rich.table import Table

    from aoc23.fidelity import Comparison


def out_of_memory_lines(error: OutOfMemory) -> list[str]:
    """What the real program prints on stderr (its first line), then our one line of context."""
    return ["error: OutOfMemory", error.context()]


def input_error_line(error: PuzzleInputError, source: str) -> str:
    return f"error: {error.located(shown_path(source))}"


def _mark(equal: bool | None) -> str:
    return {True: "✓", False: "✗", None: "-"}[equal]


def verify_table(comparison: Comparison) -> Table:
    """Round by round: aoc23's memuse, real Zig's, and whether every buffer byte agreed."""
    from rich.table import Table

    table = Table(title="aoc23 vs real Zig 0.11.0", title_justify="left")
    table.add_column("round", justify="right")
    table.add_column("aoc23 memuse", justify="right")
    table.add_column("Zig memuse", justify="right")
    table.add_column("buffer bytes equal", justify="center")
    last = len(comparison.checks) - 1
    for check in comparison.checks:
        label = str(check.index) if check.zig is not None or check.index < last else "end"
        ours = "" if label == "end" else str(check.ours)
        zig = "" if check.zig is None else str(check.zig)
        table.add_row(label, ours, zig, _mark(check.bytes_equal))
    return table


def verify_verdict(comparison: Comparison) -> list[str]:
    problems = comparison.mismatches()
    if not problems:
        rounds = sum(1 for c in comparison.checks if c.zig is not None)
        calls = sum(1 for line in comparison.zig_trace if not line.startswith("Round "))
        verdict = [
            f"match: {rounds} rounds, every line, exit status and buffer byte agree, "
            f"and all {calls} allocator calls"
        ]
        oom = comparison.zig_oom
        if oom is not None:
            when = "while loading" if oom.round is None else f"in round {oom.round}"
            verdict.append(
                f"both ran out of memory {when}, allocating {oom.site}: {oom.size} bytes "
                f"at end_index {oom.end_index} of {oom.buffer_len}"
            )
        return verdict
    return [f"MISMATCH: {problem}" for problem in problems]
