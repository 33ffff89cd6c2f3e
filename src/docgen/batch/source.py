"""Batch input read one record at a time: a JSON Lines file or a folder of JSON files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from docgen.errors import InputError, Problem

#: A record larger than this is rejected unread (an enrollment is a few kilobytes).
MAX_RECORD_BYTES = 1 << 20
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Locator:
    """Where a record sits in the input: a byte range of the JSON Lines file, or a file name."""

    offset: int = 0
    length: int = 0
    name: str | None = None


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
        self._names = sorted(p.name for p in path.glob("*.json") if p.is_file()) if self.is_folder else []

    def fingerprint(self) -> str:
        """SHA-256 of the input's content (file names included for a folder), read in chunks."""
        digest = hashlib.sha256(b"folder\0" if self.is_folder else b"jsonl\0")
        for file in ([self.path / name for name in self._names] if self.is_folder else [self.path]):
            if self.is_folder:
                digest.update(file.name.encode() + b"\0")
            with self._open(file) as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
            digest.update(b"\0")
        return digest.hexdigest()

    def records(self, line: int, resume_at: int) -> Iterator[RawRecord]:
        """Records after `line` (the last one already read), from position `resume_at`."""
        if self.is_folder:
            for index in range(resume_at, len(self._names)):
                name = self._names[index]
                file = self.path / name
                size = file.stat().st_size
                data = self._read(file, 0, size) if size <= MAX_RECORD_BYTES else None
                yield RawRecord(index + 1, Locator(name=name), data, index + 1)
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
                yield RawRecord(line, Locator(start, length), None if too_long else text, offset)

    def read(self, locator: Locator) -> bytes:
        """A record's bytes again, for rendering it (the scan did not keep them)."""
        if locator.name is not None:
            file = self.path / locator.name
            return self._read(file, 0, file.stat().st_size)
        return self._read(self.path, locator.offset, locator.length)

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
