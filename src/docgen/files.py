"""Output files written whole or not at all: a temporary name in the same folder, then rename (POSIX rename(2))."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

#: The suffix of a file still being written; a killed run's leftovers carry it.
TEMP_SUFFIX = ".part"


@contextmanager
def _temporary(path: Path) -> Iterator[Path]:
    """A temporary name beside `path`, renamed to it when the block completes, removed otherwise."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_binary(path: Path) -> Iterator[BinaryIO]:
    """Write `path` whole or not at all, fsynced before the rename so a crash leaves the old file or the new."""
    with _temporary(path) as tmp, tmp.open("wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """atomic_binary for UTF-8 text, line endings as written."""
    with _temporary(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path`, creating its folder; a reader never sees a half-written file, even after a crash."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        # exist_ok still refuses a file in the folder's place, as "File exists" (EEXIST); POSIX
        # names that case ENOTDIR, as open() would for a path through a file.
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path.parent)) from exc
    with atomic_binary(path) as handle:
        handle.write(data)


def remove_partial_files(folder: Path) -> None:
    """Temporary files a killed run left behind (never complete, never referenced)."""
    for leftover in folder.glob(f".*{TEMP_SUFFIX}"):
        leftover.unlink(missing_ok=True)
