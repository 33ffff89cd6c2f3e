"""A batch run, from the start or from wherever a killed run stopped: scan, presort, render, assemble, report."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from docgen.batch import envelope as envelopes
from docgen.batch import imb
from docgen.batch.executors import dask_installed, make_executor
from docgen.batch.job import (
    DB_NAME,
    Job,
    JobSettings,
    PendingPiece,
    ScanRow,
    Totals,
    make_job_id,
    write_fault,
)
from docgen.batch.output import (
    atomic_binary,
    print_file_name,
    spool_name,
    unwritable,
    write_errors,
    write_manifest,
    write_print_file,
    write_summary,
    writing,
)
from docgen.batch.piece import PieceTask, check_record, render_piece
from docgen.batch.progress import reporter
from docgen.batch.source import Source
from docgen.documents import KINDS
from docgen.errors import BatchError, InputError, Problem
from docgen.files import remove_partial_files
from docgen.log import LOGGER

DEFAULT_PIECE_LIMIT = 500
SPOOL_DIR = ".spool"
LOCK_NAME = "batch.lock"
#: Records checked per scan transaction, and pieces fetched per query while rendering.
CHUNK = 200


@dataclass(frozen=True)
class BatchOptions:
    input: Path
    kind: str
    out: Path
    workers: int | None = None
    piece_limit: int = DEFAULT_PIECE_LIMIT
    mailer_id: str | None = None
    service_type: str = imb.DEFAULT_SERVICE_TYPE
    #: The window envelope stock (a name in envelopes.ENVELOPES) and the folder's address panel in inches.
    envelope: str = envelopes.DEFAULT_ENVELOPE
    fold_panel: float = envelopes.DEFAULT_FOLD_PANEL_IN
    scheduler: str | None = None
    #: Where progress goes (stderr by default): a bar on a terminal, plain lines otherwise.
    progress: TextIO | None = None
    #: Set (by a signal handler) to end the run early: the pieces in flight are finished and
    #: recorded, nothing new is started, and the same command later resumes from there.
    stop: threading.Event | None = None


@dataclass(frozen=True)
class BatchResult:
    job_id: str
    #: The job's totals so far: final unless `stopped`.
    totals: Totals
    out: Path
    #: The run ended early on `BatchOptions.stop`; the job is resumable, its reports unwritten.
    stopped: bool = False


def _settings(options: BatchOptions) -> tuple[JobSettings, imb.MailerId | None, envelopes.Geometry]:
    """Check the options; every problem at once, named after its flag."""
    problems: list[Problem] = []
    kind = KINDS.get(options.kind)
    mailable = sorted(name for name, k in KINDS.items() if k.mailable)
    if kind is None or not kind.mailable:
        problems.append(
            Problem("kind", "batch-kind-mailable", f"must be a kind with a mailing layout: {', '.join(mailable)}")
        )
    if options.scheduler is not None and not dask_installed():
        message = "needs Dask's distributed package: pip install 'docgen[dask]' (make run and make test install it)"
        problems.append(Problem("scheduler", "dask-installed", message))
    if options.piece_limit < 1:
        problems.append(Problem("piece_limit", "range", "must be at least 1"))
    if options.workers is not None and options.workers < 1:
        problems.append(Problem("workers", "range", "must be at least 1"))
    mailer = None
    try:
        mailer = imb.parse_mailer_id(options.mailer_id) if options.mailer_id is not None else None
    except InputError as exc:
        problems.extend(exc.problems)
    try:
        imb.parse_service_type(options.service_type)
    except InputError as exc:
        problems.extend(exc.problems)
    shape = envelopes.DEFAULT_GEOMETRY
    try:
        shape = envelopes.geometry(options.envelope, options.fold_panel)
    except InputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    settings = JobSettings(
        options.kind, options.piece_limit, options.mailer_id, options.service_type, options.envelope, options.fold_panel
    )
    return settings, mailer, shape


def _same_file(handle: TextIO, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    opened = os.fstat(handle.fileno())
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One run per output folder; the kernel drops the lock when a process dies, even by SIGKILL.

    The lock file is removed when the run ends, while it is still locked. A second process that
    opened it before then gets the lock only after the removal, on a file no longer in the
    folder: it sees that the path names another file (or none) and locks the one there now, so
    two runs never both believe they hold the folder.
    """
    path = folder / LOCK_NAME
    while True:
        handle = path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            # The same family as a folder holding another job (job.py): the --out folder is in use.
            message = f"another docgen batch is running in {folder}; wait for it to end or choose another --out folder"
            raise InputError([Problem("out", "batch-out-in-use", message)]) from None
        if _same_file(handle, path):
            break
        handle.close()  # locked the file a finishing run had just removed: lock the folder's own
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        handle.close()


def _stopping(options: BatchOptions) -> bool:
    return options.stop is not None and options.stop.is_set()


def _commit_scanned(job: Job, source: Source, rows: list[ScanRow], line: int, resume_at: int) -> None:
    # Checked after the chunk was read and before it is kept: a chunk read while the input
    # changed is neither reported nor stored.
    source.verify(row.locator for row in rows)
    for row in rows:
        if row.checked.problems:
            rules = ", ".join(sorted({p.rule for p in row.checked.problems}))
            LOGGER.error("record at line %d rejected [%s]", row.line, rules)
    job.add_scanned(rows, line, resume_at)


def _scan(job: Job, source: Source, options: BatchOptions, with_imb: bool, shape: envelopes.Geometry) -> bool:
    """Check every record once, in order, committing a chunk at a time with the read position;
    False when stopped before the end."""
    if job.scanned:
        return True
    line, resume_at = job.scan_position()
    rows: list[ScanRow] = []
    for record in source.records(line, resume_at):
        rows.append(ScanRow(record.line, record.locator, check_record(options.kind, record.data, with_imb, shape)))
        line, resume_at = record.line, record.resume_at
        if len(rows) >= CHUNK or _stopping(options):
            _commit_scanned(job, source, rows, line, resume_at)
            rows = []
            if _stopping(options):
                return False
    _commit_scanned(job, source, rows, line, resume_at)
    job.finish_scan()
    LOGGER.info("job %s: input scanned through line %d", job.job_id, line)
    return True


def _presort(job: Job, settings: JobSettings, mailer: imb.MailerId | None) -> None:
    if job.assigned:
        return

    def tracking(piece: int, zip_code: str) -> str | None:
        if mailer is None:
            return None
        if piece >= 10**mailer.serial_digits:
            most = 10**mailer.serial_digits - 1
            raise InputError(
                [
                    Problem(
                        "mailer_id",
                        "imb-serial-range",
                        f"a {len(mailer.digits)}-digit Mailer ID numbers at most {most} pieces",
                    )
                ]
            )
        # Serial number = piece number: unique within the job (USPS-B-3200 leaves uniqueness to the mailer).
        return imb.tracking_code(mailer, piece, settings.service_type)

    count = job.assign_pieces(settings.piece_limit, tracking)
    LOGGER.info("job %s: %d pieces in ZIP order", job.job_id, count)


class _Run:
    """The render-and-assemble loop of one job in one output folder."""

    def __init__(self, job: Job, source: Source, options: BatchOptions, shape: envelopes.Geometry) -> None:
        self.job, self.source, self.options, self.shape = job, source, options, shape
        self.spool = options.out / SPOOL_DIR

    def spooled(self, piece: int) -> bool:
        return (self.spool / spool_name(piece)).exists()

    def pending(self) -> Iterator[PendingPiece]:
        # Fetched a chunk at a time: no query stays open while results are committed.
        last = 0
        while chunk := self.job.pending(self.spooled, after=last, limit=CHUNK):
            yield from chunk
            last = chunk[-1].piece

    def tasks(self) -> Iterator[PieceTask]:
        for pending in self.pending():
            if _stopping(self.options):
                return  # the executor still hands back the pieces in flight
            data = self.source.read(pending.locator)
            yield PieceTask(self.job.job_id, pending.piece, self.options.kind, data, pending.tracking, self.shape)

    def render(self) -> bool:
        """Render every pending piece, assembling each print file once complete; False when stopped."""
        total = sum(1 for _ in self.pending())
        if total == 0:
            return True
        executor = make_executor(self.options.workers, self.options.scheduler)
        progress = reporter(f"job {self.job.job_id} pieces", total, self.options.progress)
        try:
            for result in executor.map_unordered(render_piece, self.tasks()):
                if result.problems:
                    LOGGER.error(
                        "piece %d rejected [%s]", result.piece, ", ".join(sorted({p.rule for p in result.problems}))
                    )
                else:
                    with atomic_binary(self.spool / spool_name(result.piece)) as handle:
                        handle.write(result.pdf)
                file = self.job.record_result(result)
                progress.advance()
                if self.job.file_complete(file):
                    self.assemble(file)
        finally:
            progress.close()
            executor.close()
        return not _stopping(self.options)

    def assemble(self, file: int) -> None:
        """Merge a print file whose pieces are all rendered; then its spooled pieces can go."""
        pieces = self.job.file_pieces(file)
        target = self.options.out / print_file_name(file)
        if pieces:
            title = f"docgen batch {self.job.job_id}, print file {file:04d}"
            ranges = write_print_file(target, [(piece, self.spool / spool_name(piece)) for piece, _ in pieces], title)
        else:
            ranges = []
            target.unlink(missing_ok=True)
        self.job.file_written(file, ranges)
        for piece, _ in pieces:
            (self.spool / spool_name(piece)).unlink(missing_ok=True)
        LOGGER.info("job %s: wrote %s (%d pieces)", self.job.job_id, target.name, len(pieces))

    def finish(self) -> Totals | None:
        """Assemble what is left and write the reports; None when stopped first."""
        for file in self.job.unwritten_files():
            if _stopping(self.options):
                return None
            if not self.job.file_complete(file):
                raise BatchError(f"print file {file} still has unrendered pieces; re-run to resume")
            self.assemble(file)
        # The reports describe the input as scanned: it must still be that input.
        self.source.verify_all()
        totals = self.job.totals()
        if totals.read != totals.printed + totals.rejected:
            raise BatchError(f"totals do not reconcile: {totals}")
        out = self.options.out
        write_manifest(out / "manifest.csv", self.job.manifest_rows())
        write_errors(out / "errors.jsonl", self.job.error_rows())
        write_summary(out / "summary.json", self.job.job_id, totals)
        self.job.finish()
        shutil.rmtree(self.spool, ignore_errors=True)
        return totals


@contextmanager
def _out_faults(out: Path) -> Iterator[None]:
    """A write the output folder refused (full, read-only) as the problem it is, not a traceback;
    each step's state is committed or not, so a re-run once it is fixed resumes exactly."""
    try:
        with writing(out):
            yield
    except sqlite3.Error as exc:
        reason = write_fault(exc)
        if reason is None:
            raise
        raise unwritable(out / DB_NAME, reason) from exc


def _run(
    job: Job,
    source: Source,
    options: BatchOptions,
    settings: JobSettings,
    mailer: imb.MailerId | None,
    shape: envelopes.Geometry,
) -> Totals | None:
    """The job's steps from wherever it stopped; None when stopped before the end."""
    remove_partial_files(options.out)
    run = _Run(job, source, options, shape)
    run.spool.mkdir(exist_ok=True)
    remove_partial_files(run.spool)
    if not _scan(job, source, options, mailer is not None, shape):
        return None
    _presort(job, settings, mailer)
    job.reopen_files(lambda file: (options.out / print_file_name(file)).exists())
    if not run.render():
        return None
    return run.finish()


def run_batch(options: BatchOptions) -> BatchResult:
    """Print every record of the input once, or resume the same job where it stopped."""
    settings, mailer, shape = _settings(options)
    source = Source(options.input)
    job_id = make_job_id(source.fingerprint(), settings)
    with _out_faults(options.out):
        options.out.mkdir(parents=True, exist_ok=True)
        with _exclusive(options.out):
            job = Job.open(options.out, job_id, settings)
            try:
                totals = _run(job, source, options, settings, mailer, shape)
                stopped = totals is None
                if totals is None:
                    totals = job.totals()
            finally:
                job.close()
    LOGGER.info("job %s: %s%s", job_id, totals, " (stopped)" if stopped else "")
    return BatchResult(job_id, totals, options.out, stopped)
