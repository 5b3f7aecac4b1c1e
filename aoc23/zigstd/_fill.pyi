from collections.abc import Callable, MutableSequence, Sequence

def filled(
    args: tuple[
        MutableSequence[int],
        bytes,
        Sequence[int],
        MutableSequence[int],
        list[int],
        Sequence[int],
        Callable[[int], int],
    ],
    echo: MutableSequence[int] | None = None,
    /,
) -> MutableSequence[int]: ...
def hash_window(hashes: MutableSequence[int], left: int, top: int, width: int, /) -> None: ...
def renamed_cells(
    names: MutableSequence[int], inside: int, width: int, shift: int, per_row: int, /
) -> list[int]: ...
