"""A batch job's state in its output folder's SQLite file: records, pieces, print files, resume.

Every step commits in one transaction, so a process killed at any moment leaves a state the
next run continues from: a record is scanned or not, a piece rendered (its PDF spooled) or not,
a print file written and renamed or not.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from docgen import __version__
from docgen.batch.envelope import DEFAULT_ENVELOPE, DEFAULT_FOLD_PANEL_IN
from docgen.batch.piece import Checked, PieceResult
from docgen.batch.source import Locator
from docgen.errors import InputError, Problem

DB_NAME = "batch.sqlite"
#: SQLite primary result codes that mean the folder refused a write (sqlite.org/rescode.html).
WRITE_FAULTS = {
    sqlite3.SQLITE_FULL: "disk full",
    sqlite3.SQLITE_READONLY: "read-only",
    sqlite3.SQLITE_CANTOPEN: "cannot open",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_IOERR: "I/O error",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS job (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    job_id TEXT NOT NULL,
    settings TEXT NOT NULL,
    scan_line INTEGER NOT NULL DEFAULT 0,      -- last input line scanned
    scan_resume INTEGER NOT NULL DEFAULT 0,    -- where scanning continues (byte offset, file index)
    scanned INTEGER NOT NULL DEFAULT 0,
    assigned INTEGER NOT NULL DEFAULT 0,
    finished INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS records (
    line INTEGER PRIMARY KEY,
    byte_offset INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,
    file_name TEXT,
    sha256 TEXT,                               -- of the record's bytes at the scan, checked when read again
    participant_id TEXT,
    zip TEXT,
    errors TEXT                                -- JSON list of problems; NULL when printable
);
-- The ZIP presort reads this index in order instead of sorting records in memory.
CREATE INDEX IF NOT EXISTS records_presort ON records (zip, line) WHERE errors IS NULL;
CREATE TABLE IF NOT EXISTS pieces (
    piece INTEGER PRIMARY KEY,                 -- mail piece number, in ZIP order
    line INTEGER NOT NULL UNIQUE REFERENCES records (line),
    file INTEGER NOT NULL,                     -- print file number
    tracking TEXT,                             -- IMb tracking code
    pages INTEGER,
    sha256 TEXT,                               -- of the piece rendered alone; NULL until rendered
    failed INTEGER NOT NULL DEFAULT 0,
    first_page INTEGER,
    last_page INTEGER
);
CREATE INDEX IF NOT EXISTS pieces_by_file ON pieces (file, piece);
CREATE TABLE IF NOT EXISTS files (
    file INTEGER PRIMARY KEY,
    done INTEGER NOT NULL DEFAULT 0,
    pages INTEGER
);
"""


def write_fault(exc: sqlite3.Error) -> str | None:
    """Why SQLite could not write the job's file, or None when the folder is not the cause."""
    # The extended code's low byte is the primary code (SQLITE_IOERR_WRITE is an SQLITE_IOERR).
    return WRITE_FAULTS.get(exc.sqlite_errorcode & 0xFF) if isinstance(exc, sqlite3.OperationalError) else None


@dataclass(frozen=True)
class JobSettings:
    """The options that decide what is printed: with the input's content they make the job id."""

    kind: str
    piece_limit: int
    mailer_id: str | None
    service_type: str
    #: The envelope stock and the address panel's height (docgen.batch.envelope): a resumed job
    #: never mixes two folds, so they are part of the job id.
    envelope: str = DEFAULT_ENVELOPE
    fold_panel: float = DEFAULT_FOLD_PANEL_IN

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def make_job_id(fingerprint: str, settings: JobSettings) -> str:
    """12 hex digits naming the job; the docgen version is part of it (it decides the bytes)."""
    text = f"docgen-batch\0{__version__}\0{fingerprint}\0{settings.as_json()}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Totals:
    read: int
    printed: int
    rejected: int
    pages: int
    sheets: int
    files: int


@dataclass(frozen=True)
class PendingPiece:
    piece: int
    file: int
    locator: Locator
    tracking: str | None


@dataclass(frozen=True)
class ScanRow:
    line: int
    locator: Locator
    checked: Checked


def sheets(pages: int) -> int:
    """Duplex: two pages per sheet (pieces are padded to an even page count)."""
    return (pages + 1) // 2


class Job:
    """One job's state; the only writer of its SQLite file."""

    def __init__(self, connection: sqlite3.Connection, job_id: str) -> None:
        self._db = connection
        self.job_id = job_id

    @classmethod
    def open(cls, folder: Path, job_id: str, settings: JobSettings) -> Job:
        """Create the job's state in `folder`, or reopen it when the same job ran there before."""
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(folder / DB_NAME, isolation_level=None)
        # WAL with synchronous=NORMAL: a killed process loses nothing that was committed.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA)
        row = db.execute("SELECT job_id FROM job").fetchone()
        if row is None:
            db.execute("INSERT INTO job (singleton, job_id, settings) VALUES (1, ?, ?)", (job_id, settings.as_json()))
        elif row[0] != job_id:
            db.close()
            raise InputError(
                [
                    Problem(
                        "out",
                        "batch-out-in-use",
                        f"{folder} holds job {row[0]} (other input or options);"
                        " choose another --out folder or empty it",
                    )
                ]
            )
        return cls(db, job_id)

    def close(self) -> None:
        self._db.close()

    def _flag(self, column: str) -> int:
        value: int = self._db.execute(f"SELECT {column} FROM job").fetchone()[0]  # noqa: S608 (fixed names)
        return value

    # --- scan -------------------------------------------------------------------------------

    @property
    def scanned(self) -> bool:
        return bool(self._flag("scanned"))

    def scan_position(self) -> tuple[int, int]:
        """(last line scanned, position to resume reading at)."""
        line, resume = self._db.execute("SELECT scan_line, scan_resume FROM job").fetchone()
        return int(line), int(resume)

    def add_scanned(self, rows: Sequence[ScanRow], line: int, resume_at: int) -> None:
        """Store a chunk of checked records and the scan position after them, in one transaction."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO records"
                " (line, byte_offset, byte_length, file_name, sha256, participant_id, zip, errors)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        row.line,
                        row.locator.offset,
                        row.locator.length,
                        row.locator.name,
                        row.locator.sha256,
                        row.checked.participant_id,
                        row.checked.zip,
                        json.dumps([p.as_dict() for p in row.checked.problems]) if row.checked.problems else None,
                    )
                    for row in rows
                ],
            )
            self._db.execute("UPDATE job SET scan_line = ?, scan_resume = ?", (line, resume_at))

    def finish_scan(self) -> None:
        self._db.execute("UPDATE job SET scanned = 1")

    # --- presort ----------------------------------------------------------------------------

    @property
    def assigned(self) -> bool:
        return bool(self._flag("assigned"))

    def assign_pieces(self, piece_limit: int, tracking: Callable[[int, str], str | None]) -> int:
        """Number the printable records in ZIP order (ties by input order) and cut print files."""
        with self._db:
            self._db.execute("BEGIN")
            rows = self._db.execute("SELECT line, zip FROM records WHERE errors IS NULL ORDER BY zip, line")
            count = 0
            for piece, (line, zip_code) in enumerate(rows, start=1):
                file = (piece - 1) // piece_limit + 1
                self._db.execute(
                    "INSERT INTO pieces (piece, line, file, tracking) VALUES (?, ?, ?, ?)",
                    (piece, line, file, tracking(piece, zip_code)),
                )
                count = piece
            self._db.executemany(
                "INSERT INTO files (file) VALUES (?)",
                [(f,) for f in range(1, (count - 1) // piece_limit + 2)] if count else [],
            )
            self._db.execute("UPDATE job SET assigned = 1")
        return count

    # --- rendering --------------------------------------------------------------------------

    def reopen_files(self, present: Callable[[int], bool]) -> None:
        """Files marked written whose print file is gone are assembled again."""
        for (file,) in self._db.execute("SELECT file FROM files WHERE done = 1").fetchall():
            if not present(file):
                self._db.execute("UPDATE files SET done = 0 WHERE file = ?", (file,))

    def pending(self, spooled: Callable[[int], bool], after: int = 0, limit: int = 200) -> list[PendingPiece]:
        """Up to `limit` pieces after piece `after`, of unwritten print files, that have no
        rendered PDF on hand, in piece order."""
        query = (
            "SELECT p.piece, p.file, r.byte_offset, r.byte_length, r.file_name, r.sha256, p.tracking, p.sha256"
            " FROM pieces p JOIN files f ON f.file = p.file JOIN records r ON r.line = p.line"
            " WHERE f.done = 0 AND p.failed = 0 AND p.piece > ? ORDER BY p.piece"
        )
        found: list[PendingPiece] = []
        for piece, file, offset, length, name, record_sha, tracking, sha in self._db.execute(query, (after,)):
            if sha is None or not spooled(piece):
                found.append(PendingPiece(piece, file, Locator(offset, length, name, record_sha), tracking))
                if len(found) == limit:
                    break
        return found

    def record_result(self, result: PieceResult) -> int:
        """Store a rendered (or failed) piece; returns its print file number."""
        with self._db:
            self._db.execute("BEGIN")
            if result.problems:
                self._db.execute("UPDATE pieces SET failed = 1 WHERE piece = ?", (result.piece,))
                self._db.execute(
                    "UPDATE records SET errors = ? WHERE line = (SELECT line FROM pieces WHERE piece = ?)",
                    (json.dumps([p.as_dict() for p in result.problems]), result.piece),
                )
            else:
                self._db.execute(
                    "UPDATE pieces SET pages = ?, sha256 = ? WHERE piece = ?",
                    (result.pages, result.sha256, result.piece),
                )
            file: int = self._db.execute("SELECT file FROM pieces WHERE piece = ?", (result.piece,)).fetchone()[0]
        return file

    def file_complete(self, file: int) -> bool:
        missing = self._db.execute(
            "SELECT count(*) FROM pieces WHERE file = ? AND failed = 0 AND sha256 IS NULL", (file,)
        ).fetchone()[0]
        return bool(missing == 0)

    def unwritten_files(self) -> list[int]:
        return [row[0] for row in self._db.execute("SELECT file FROM files WHERE done = 0 ORDER BY file")]

    def file_pieces(self, file: int) -> list[tuple[int, int]]:
        """(piece, pages) of the printed pieces of a print file, in order."""
        return self._db.execute(
            "SELECT piece, pages FROM pieces WHERE file = ? AND failed = 0 ORDER BY piece", (file,)
        ).fetchall()

    def file_written(self, file: int, ranges: Sequence[tuple[int, int, int]]) -> None:
        """Record a print file renamed into place: each piece's (piece, first page, last page)."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "UPDATE pieces SET first_page = ?, last_page = ? WHERE piece = ?",
                [(first, last, piece) for piece, first, last in ranges],
            )
            pages = ranges[-1][2] if ranges else 0
            self._db.execute("UPDATE files SET done = 1, pages = ? WHERE file = ?", (pages, file))

    # --- reports ----------------------------------------------------------------------------

    def finish(self) -> None:
        self._db.execute("UPDATE job SET finished = 1")

    def totals(self) -> Totals:
        read, rejected = self._db.execute("SELECT count(*), count(errors) FROM records").fetchone()
        printed, pages, sheet_count = self._db.execute(
            "SELECT count(*), coalesce(sum(pages), 0), coalesce(sum((pages + 1) / 2), 0)"
            " FROM pieces WHERE failed = 0 AND sha256 IS NOT NULL"
        ).fetchone()
        files = self._db.execute("SELECT count(*) FROM files WHERE pages > 0").fetchone()[0]
        return Totals(read, printed, rejected, pages, sheet_count, files)

    def manifest_rows(self) -> Iterator[tuple[int, str, str, int, int, int, int, int, str]]:
        query = (
            "SELECT p.piece, r.participant_id, r.zip, p.pages, p.file, p.first_page, p.last_page, p.sha256"
            " FROM pieces p JOIN records r ON r.line = p.line WHERE p.failed = 0 ORDER BY p.piece"
        )
        for piece, participant, zip_code, pages, file, first, last, sha in self._db.execute(query):
            yield piece, participant, zip_code, pages, sheets(pages), file, first, last, sha

    def error_rows(self) -> Iterator[tuple[int, str | None, list[dict[str, str]]]]:
        query = "SELECT line, participant_id, errors FROM records WHERE errors IS NOT NULL ORDER BY line"
        for line, participant, errors in self._db.execute(query):
            yield line, participant, json.loads(errors)
