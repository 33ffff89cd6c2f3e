"""Batch input read one record at a time: a JSON Lines file or a folder of JSON files.

Records are read twice, at the scan and again to render them, by position. The input must not
change in between: each file's stat(2) stamp is taken when the input is opened and checked after
every read, and each record's SHA-256 from the scan is checked when it is read again, so an
edit during a run stops it instead of printing a record other than the one scanned.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from docgen.errors import InputError, Problem

#: A record larger than this is rejected unread (an enrollment is a few kilobytes).
MAX_RECORD_BYTES = 1 << 20
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Locator:
    """Where a record sits in the input (a byte range of the JSON Lines file, or a file name),
    and the SHA-256 of what the scan read there (None for a record too large to read)."""

    offset: int = 0
    length: int = 0
    name: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Stamp:
    """What stat(2) says of a file: a write changes its size or its times (st_ctime, unlike
    st_mtime, no one can set back), a replacement its inode. Where file times are kept by clock
    tick (coarse timestamps), a write in the same tick as the file's previous one keeps them:
    then only a record read again (its SHA-256) shows the change."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: Path) -> Stamp | None:
        """None when the file is gone."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def changed(path: Path) -> InputError:
    return InputError(
        [
            Problem(
                "input",
                "batch-input-changed",
                f"{path} changed while the batch ran; nothing read after the change was printed:"
                " restore it and re-run the same command to resume, or give the new input another --out folder",
            )
        ]
    )


@dataclass(frozen=True)
class RawRecord:
    #: 1-based line number in the JSON Lines file, or position in the folder's sorted file list.
    line: int
    locator: Locator
    #: The record's bytes; None when it is larger than MAX_RECORD_BYTES.
    data: bytes | None
    #: Where reading resumes after this record (byte offset, or index of the next file).
    resume_at: int


class Source:
    """The input of a batch, read in order and re-read by locator, never held whole in memory."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise InputError([Problem("input", "readable-file", f"{path} does not exist")])
        self.path = path
        self.is_folder = path.is_dir()
        self._names = self._list() if self.is_folder else []
        # The input as opened: every later read is checked against these stamps.
        files = [path / name for name in self._names] if self.is_folder else [path]
        self._stamps = {file: Stamp.of(file) for file in files}

    def fingerprint(self) -> str:
        """SHA-256 of the input's content (file names included for a folder), read in chunks."""
        digest = hashlib.sha256(b"folder\0" if self.is_folder else b"jsonl\0")
        for file in [self.path / name for name in self._names] if self.is_folder else [self.path]:
            if self.is_folder:
                digest.update(file.name.encode() + b"\0")
            with self._open(file) as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
            digest.update(b"\0")
            self._check(file)
        return digest.hexdigest()

    def verify(self, locators: Iterable[Locator]) -> None:
        """Raise if the files holding these records changed since the input was opened: called
        after reading them, it proves that what was read is the input as opened."""
        if not self.is_folder:
            self._check(self.path)
            return
        for locator in locators:
            self._check(self.path / str(locator.name))

    def verify_all(self) -> None:
        """Raise if any file of the input changed, or a folder gained or lost a record, since it was opened."""
        for file in self._stamps:
            self._check(file)
        # Listed again rather than stat'ed: the folder's own times also change for files that
        # are not records (an editor's swap file, an --out folder made inside it).
        if self.is_folder and self._list() != self._names:
            raise changed(self.path)

    def _list(self) -> list[str]:
        return sorted(p.name for p in self.path.glob("*.json") if p.is_file())

    def _check(self, file: Path) -> None:
        if Stamp.of(file) != self._stamps[file]:
            raise changed(file)

    def records(self, line: int, resume_at: int) -> Iterator[RawRecord]:
        """Records after `line` (the last one already read), from position `resume_at`."""
        if self.is_folder:
            for index in range(resume_at, len(self._names)):
                name = self._names[index]
                data: bytes | None = self._read(self.path / name, 0, MAX_RECORD_BYTES + 1)
                if data is not None and len(data) > MAX_RECORD_BYTES:
                    data = None
                yield RawRecord(index + 1, Locator(name=name, sha256=_sha256(data)), data, index + 1)
            return
        with self._open(self.path) as handle:
            handle.seek(resume_at)
            offset = resume_at
            while True:
                text = handle.readline(MAX_RECORD_BYTES + 1)
                if not text:
                    return
                line += 1
                length = len(text)
                too_long = length > MAX_RECORD_BYTES and not text.endswith(b"\n")
                while too_long and (rest := handle.readline(_CHUNK)):
                    length += len(rest)
                    if rest.endswith(b"\n"):
                        break
                start, offset = offset, offset + length
                if not too_long and not text.strip():
                    continue  # blank lines are not records
                data = None if too_long else text
                yield RawRecord(line, Locator(start, length, sha256=_sha256(data)), data, offset)

    def read(self, locator: Locator) -> bytes:
        """A record's bytes again, for rendering it (the scan did not keep them), exactly as scanned."""
        file = self.path if locator.name is None else self.path / locator.name
        offset, length = (locator.offset, locator.length) if locator.name is None else (0, MAX_RECORD_BYTES)
        try:
            data = self._read(file, offset, length)
        except InputError:
            raise changed(file) from None  # it was there when the input was opened
        self.verify([locator])
        if _sha256(data) != locator.sha256:
            raise changed(file)
        return data

    def _read(self, file: Path, offset: int, length: int) -> bytes:
        with self._open(file) as handle:
            handle.seek(offset)
            return handle.read(length)

    @staticmethod
    def _open(file: Path) -> BinaryIO:
        try:
            return file.open("rb")
        except OSError as exc:
            raise InputError([Problem("input", "readable-file", f"cannot read {file}: {exc.strerror}")]) from exc


def _sha256(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()
