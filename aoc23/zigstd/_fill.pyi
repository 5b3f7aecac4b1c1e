from collections.abc import Callable, Sequence

def filled(
    args: tuple[list[int], bytes, Sequence[int], list[int], list[int], Callable[[int], int]],
    echo: list[int] | None = None,
    /,
) -> list[int]: ...
