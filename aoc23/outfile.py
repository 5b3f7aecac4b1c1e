"""Writing an output file completely or not at all.

The bytes go to a temporary file in the target's directory, are flushed to the disk, and
only then take the target's name (a rename, which is atomic): a full disk, a signal or a
crash leaves the old file or none, never half a file. An existing target is kept unless
``force`` is given; with it, a symbolic link is replaced by the file, not followed. A
device or a pipe (``/dev/full``, ``/dev/stdout``) is refused: renaming onto it would
replace the node itself.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile

from aoc23.errors import OutputError, shown_path

_TEMPORARY_PREFIX = ".aoc23-"
_TEMPORARY_SUFFIX = ".tmp"


class OutputExists(OutputError):
    """The target exists and ``force`` was not given."""


def write_atomically(path: str, data: bytes | str, *, force: bool = False) -> None:
    """Write ``data`` (text is written as UTF-8) to ``path``, or raise :class:`OutputError`
    (exit status 74) with one line that names the file and says why, leaving nothing behind.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path == "":
        raise OutputError("cannot write '': an empty name is not a file")
    if os.path.isdir(path):
        raise OutputError(f"cannot write {shown_path(path)}: it is a directory")
    if os.path.exists(path) and not os.path.isfile(path):
        raise OutputError(
            f"cannot write {shown_path(path)}: not a regular file (a device or a pipe: "
            "redirect stdout to it instead)"
        )
    directory = os.path.dirname(path) or "."
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=_TEMPORARY_PREFIX, suffix=_TEMPORARY_SUFFIX, dir=directory
        )
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        try:
            _write_all(fd, payload)
            os.fchmod(fd, 0o666 & ~_umask())
            os.fsync(fd)
        finally:
            os.close(fd)
        _publish(temporary, path, force)
    except OSError as error:
        _remove(temporary)
        raise _cannot_write(path, error) from None
    except BaseException:
        _remove(temporary)
        raise
    _sync_directory(directory)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _publish(temporary: str, path: str, force: bool) -> None:
    """Give the written file its name: a hard link refuses an existing name atomically."""
    if force:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise OutputExists(f"{shown_path(path)} exists: --force overwrites it") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # A file system without hard links: check, then rename (not atomic against a race).
        if os.path.lexists(path):
            raise OutputExists(f"{shown_path(path)} exists: --force overwrites it") from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def _cannot_write(path: str, error: OSError) -> OutputError:
    return OutputError(f"cannot write {shown_path(path)}: {error.strerror or error}")


def _remove(temporary: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temporary)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (best effort: not every system can open a directory)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
