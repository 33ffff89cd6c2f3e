"""A job's outputs: print files merged with pypdf, manifest.csv, summary.json and errors.jsonl.

Each file is written under a temporary name in the output folder and renamed when complete,
so a reader (or a re-run after a crash) never sees half of one.
"""

from __future__ import annotations

import csv
import errno
import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO, TextIO

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from docgen import files
from docgen.batch.fonts import share_fonts
from docgen.batch.job import Totals
from docgen.errors import BatchError, InputError, Problem

MANIFEST_COLUMNS = ("piece", "participant_id", "zip", "pages", "sheets", "file", "first_page", "last_page", "sha256")
#: Passes of compress_identical_objects: each drops the objects only dropped objects referred
#: to, and merges objects made identical by the pass before. A piece's replaced font is a chain
#: of four (Type0 font, CIDFont, descriptor, font program); one more pass finds nothing to do.
SWEEPS = 5


#: Failed writes that are the output folder's state, not a fault of docgen, by errno (POSIX <errno.h>).
WRITE_FAULTS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def unwritable(path: Path, reason: str) -> InputError:
    """The output folder refused a write: the operator frees space or fixes it, then re-runs to resume."""
    return InputError([Problem("out", "batch-out-writable", f"cannot write {path} ({reason})")])


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """An OSError of WRITE_FAULTS raised in the block becomes `unwritable(path)`."""
    try:
        yield
    except OSError as exc:
        reason = WRITE_FAULTS.get(exc.errno or 0)
        if reason is None:
            raise
        raise unwritable(path, reason) from exc


def print_file_name(file: int) -> str:
    return f"print-{file:04d}.pdf"


def spool_name(piece: int) -> str:
    return f"piece-{piece:06d}.pdf"


@contextmanager
def atomic_binary(path: Path) -> Iterator[BinaryIO]:
    """files.atomic_binary, a refused write naming `path` (a failed write(2) or fsync(2) names no file of its own)."""
    with writing(path), files.atomic_binary(path) as handle:
        yield handle


@contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    with writing(path), files.atomic_text(path) as handle:
        yield handle


def write_print_file(path: Path, pieces: Sequence[tuple[int, Path]], title: str) -> list[tuple[int, int, int]]:
    """Merge spooled pieces into one print file; returns (piece, first page, last page) for each."""
    try:
        return _merge(path, pieces, title)
    finally:
        # pypdf's objects point back at their reader or writer, so a print file's ~100,000
        # objects (100+ MB for 500 pieces) are garbage in cycles: left to the cycle collector's
        # own schedule they outlived the file and the main process held two files' worth at
        # once. Collected here, the main process's memory stays that of one print file.
        gc.collect()


def _merge(path: Path, pieces: Sequence[tuple[int, Path]], title: str) -> list[tuple[int, int, int]]:
    writer = PdfWriter()
    ranges = []
    page = 0
    for piece, spooled in pieces:
        try:
            reader = PdfReader(spooled)
            count = len(reader.pages)
            writer.append(reader, import_outline=False)
        except (PyPdfError, OSError) as exc:
            raise BatchError(f"piece {piece}: spooled PDF unreadable ({exc}); delete {spooled} and re-run") from exc
        ranges.append((piece, page + 1, page + count))
        page += count
    # Pieces were rendered apart, each with its own font subsets, colour spaces and graphics
    # states: each face gets one font for the whole file (the union of the pieces' subsets),
    # then identical objects are stored once and the pieces' own fonts dropped.
    share_fonts(writer)
    for _sweep in range(SWEEPS):
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.add_metadata({"/Title": title, "/Producer": "docgen"})
    with atomic_binary(path) as handle:
        writer.write(handle)
    return ranges


ManifestRow = tuple[int, str, str, int, int, int, int, int, str]


def write_manifest(path: Path, rows: Iterable[ManifestRow]) -> None:
    """piece,participant_id,zip,pages,sheets,file,first_page,last_page,sha256 (file as its name)."""
    with atomic_text(path) as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(MANIFEST_COLUMNS)
        for piece, participant, zip_code, pages, sheets, file, first, last, sha in rows:
            out.writerow((piece, participant, zip_code, pages, sheets, print_file_name(file), first, last, sha))


def write_errors(path: Path, rows: Iterable[tuple[int, str | None, list[dict[str, str]]]]) -> None:
    """One JSON object per rejected record: its line, participant ID (when known) and problems."""
    with atomic_text(path) as handle:
        for line, participant, errors in rows:
            handle.write(json.dumps({"line": line, "participant_id": participant, "errors": errors}) + "\n")


def write_summary(path: Path, job_id: str, totals: Totals) -> None:
    with atomic_text(path) as handle:
        json.dump({"job_id": job_id, **asdict(totals)}, handle, indent=2)
        handle.write("\n")
