"""Job state in a real SQLite file: job ids, refusal of a foreign job, ZIP presort, resumable scan."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from docgen.batch.job import Job, JobSettings, ScanRow, make_job_id, sheets, write_fault
from docgen.batch.piece import Checked, PieceResult
from docgen.batch.source import Locator
from docgen.errors import InputError, Problem

SETTINGS = JobSettings(kind="confirmation", piece_limit=2, mailer_id=None, service_type="300")


def row(line: int, zip_code: str | None, bad: bool = False) -> ScanRow:
    problems = (Problem("participant.address.zip", "zip", "must be a ZIP code"),) if bad else ()
    return ScanRow(line, Locator(line * 100, 100), Checked(f"{line:012d}", None if bad else zip_code, problems))


def test_job_id_follows_input_and_every_output_option() -> None:
    base = make_job_id("f" * 64, SETTINGS)
    assert base == make_job_id("f" * 64, JobSettings("confirmation", 2, None, "300")) and len(base) == 12
    assert make_job_id("e" * 64, SETTINGS) != base
    for changed in (
        JobSettings("summary", 2, None, "300"),
        JobSettings("confirmation", 3, None, "300"),
        JobSettings("confirmation", 2, "123456", "300"),
        JobSettings("confirmation", 2, None, "270"),
        JobSettings("confirmation", 2, None, "300", fold_panel=3.75),
        JobSettings("confirmation", 2, None, "300", envelope="10-single-window"),
    ):
        assert make_job_id("f" * 64, changed) != base


def test_a_folder_holding_another_job_is_refused(tmp_path: Path) -> None:
    Job.open(tmp_path, "aaaaaaaaaaaa", SETTINGS).close()
    Job.open(tmp_path, "aaaaaaaaaaaa", SETTINGS).close()  # the same job reopens
    with pytest.raises(InputError) as caught:
        Job.open(tmp_path, "bbbbbbbbbbbb", SETTINGS)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("out", "batch-out-in-use")]


def test_presort_orders_by_zip_then_input_line_and_cuts_files(tmp_path: Path) -> None:
    job = Job.open(tmp_path, "aaaaaaaaaaaa", SETTINGS)
    job.add_scanned(
        [row(1, "59901"), row(2, "10001"), row(3, "59901", bad=True), row(4, "02134"), row(5, "10001")], 5, 500
    )
    job.finish_scan()
    assert job.assign_pieces(2, lambda piece, zip_code: f"T{piece}-{zip_code}") == 4
    pending = job.pending(lambda piece: False)
    assert [(p.piece, p.file, p.locator.offset // 100, p.tracking) for p in pending] == [
        (1, 1, 4, "T1-02134"),
        (2, 1, 2, "T2-10001"),
        (3, 2, 5, "T3-10001"),
        (4, 2, 1, "T4-59901"),
    ]
    job.close()


def test_results_complete_files_and_totals_reconcile(tmp_path: Path) -> None:
    job = Job.open(tmp_path, "aaaaaaaaaaaa", SETTINGS)
    job.add_scanned([row(1, "1"), row(2, "2"), row(3, "3", bad=True)], 3, 300)
    job.assign_pieces(2, lambda piece, zip_code: None)
    assert job.record_result(PieceResult(1, b"%PDF", 2, "a" * 64)) == 1
    assert not job.file_complete(1)
    job.record_result(PieceResult(2, b"", 0, "", (Problem("$", "render-failed", "could not be rendered"),)))
    assert job.file_complete(1) and job.file_pieces(1) == [(1, 2)]
    job.file_written(1, [(1, 1, 2)])
    assert job.unwritten_files() == []
    totals = job.totals()
    assert (totals.read, totals.printed, totals.rejected, totals.pages, totals.sheets, totals.files) == (
        3,
        1,
        2,
        2,
        1,
        1,
    )
    assert [line for line, _, _ in job.error_rows()] == [2, 3]
    assert list(job.manifest_rows()) == [(1, "000000000001", "1", 2, 1, 1, 1, 2, "a" * 64)]
    job.close()


def test_scan_position_survives_reopening(tmp_path: Path) -> None:
    job = Job.open(tmp_path, "aaaaaaaaaaaa", SETTINGS)
    job.add_scanned([row(1, "1"), row(2, "2")], 2, 200)
    job.close()  # as if the process died here
    job = Job.open(tmp_path, "aaaaaaaaaaaa", SETTINGS)
    assert job.scan_position() == (2, 200) and not job.scanned
    job.close()


def test_sheets_are_half_the_pages_rounded_up() -> None:
    assert [sheets(n) for n in (0, 1, 2, 3, 4)] == [0, 1, 1, 2, 2]


def test_sqlite_errors_of_a_full_or_read_only_folder_are_told_from_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("PRAGMA max_page_count = 2")  # a file that cannot grow, as on a full disk
        with pytest.raises(sqlite3.OperationalError) as full:
            db.execute("INSERT INTO t VALUES (?)", (b"x" * 100_000,))
        with pytest.raises(sqlite3.OperationalError) as mistake:
            db.execute("SELECT nothing FROM t")
    db.close()
    read_only = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as refused:
        read_only.execute("INSERT INTO t VALUES (1)")
    read_only.close()
    assert (write_fault(full.value), write_fault(refused.value), write_fault(mistake.value)) == (
        "disk full",
        "read-only",
        None,
    )
