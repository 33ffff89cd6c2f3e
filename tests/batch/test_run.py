"""A whole batch run as the mailroom sees it: print files, manifest, summary, errors, resume, CLI."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from docgen.batch import run as batch_run
from docgen.batch.job import DB_NAME
from docgen.batch.piece import PieceTask, render_piece
from docgen.batch.run import LOCK_NAME, BatchOptions, _exclusive, run_batch
from docgen.batch.sample import write_jsonl
from docgen.cli import main
from docgen.errors import InputError
from tests.batch.conftest import (
    FinishedJob,
    batch_command,
    decode_marks,
    run_job,
    take_rejections,
)
from tests.conftest import ROOT, break_in_every_layer


def manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_totals_reconcile_and_one_bad_record_never_stops_the_batch(job100: FinishedJob) -> None:
    summary = json.loads((job100.out / "summary.json").read_text())
    rows = manifest(job100.out)
    errors = [json.loads(line) for line in (job100.out / "errors.jsonl").read_text().splitlines()]
    assert summary["job_id"] == job100.result.job_id
    assert (summary["read"], summary["printed"], summary["rejected"]) == (100, 95, 5)
    assert summary["read"] == summary["printed"] + summary["rejected"]
    assert len(rows) == summary["printed"] and len(errors) == summary["rejected"]
    assert summary["pages"] == sum(int(r["pages"]) for r in rows) and summary["sheets"] * 2 == summary["pages"]
    assert summary["files"] == len(list(job100.out.glob("print-*.pdf"))) == 3


def test_errors_name_the_line_participant_and_rule(job100: FinishedJob) -> None:
    errors = [json.loads(line) for line in (job100.out / "errors.jsonl").read_text().splitlines()]
    assert [e["line"] for e in errors] == [20, 40, 60, 80, 100]
    assert [e["participant_id"] for e in errors] == ["100000000020", "100000000040", None, "100000000080", None]
    rules = [{problem["rule"] for problem in e["errors"]} for e in errors]
    assert rules == [
        {"dental-requires-medical", "vision-requires-medical"},
        {"zip"},
        {"json-syntax"},
        {"confirmation-number-required"},
        {"participant-id"},
    ]
    assert all(set(problem) == {"path", "rule", "message"} for e in errors for problem in e["errors"])


def test_pieces_are_in_zip_order_then_input_order(job100: FinishedJob) -> None:
    rows = manifest(job100.out)
    assert [int(r["piece"]) for r in rows] == list(range(1, 96))
    # Participant IDs were generated in input order, so they stand for it.
    keys = [(r["zip"], r["participant_id"]) for r in rows]
    assert keys == sorted(keys)
    assert len({r["zip"] for r in rows}) > 3


def test_manifest_page_ranges_match_the_print_files(job100: FinishedJob) -> None:
    rows = manifest(job100.out)
    for name in sorted({r["file"] for r in rows}):
        pieces = [r for r in rows if r["file"] == name]
        assert len(pieces) <= job100.piece_limit
        page_count = len(PdfReader(job100.out / name).pages)
        assert page_count % 2 == 0, "duplex: every print file has an even page count"
        expected_first = 1
        for row in pieces:
            first, last, pages = int(row["first_page"]), int(row["last_page"]), int(row["pages"])
            assert first == expected_first and last - first + 1 == pages
            assert pages % 2 == 0 and int(row["sheets"]) == pages // 2, "each piece starts on a front side"
            expected_first = last + 1
        assert expected_first - 1 == page_count


def test_every_page_carries_a_decodable_inserter_mark_and_each_piece_prints_once(job100: FinishedJob) -> None:
    rows = {int(r["piece"]): r for r in manifest(job100.out)}
    seen: dict[int, list[int]] = {}
    for name in sorted({r["file"] for r in rows.values()}):
        marks = decode_marks(job100.out / name)
        for page, mark in enumerate(marks, start=1):
            row = rows[mark.piece]
            assert mark.job_id == job100.result.job_id and row["file"] == name
            assert int(row["first_page"]) + mark.page - 1 == page
            assert mark.pages == int(row["pages"]) and mark.last == (mark.page == mark.pages)
            seen.setdefault(mark.piece, []).append(mark.page)
    assert seen == {piece: list(range(1, int(row["pages"]) + 1)) for piece, row in rows.items()}


def test_piece_hash_proves_a_reprint_identical(job100: FinishedJob) -> None:
    row = manifest(job100.out)[6]
    with sqlite3.connect(job100.out / DB_NAME) as db:
        (tracking,) = db.execute("SELECT tracking FROM pieces WHERE piece = ?", (int(row["piece"]),)).fetchone()
    line = next(
        text for text in job100.input.read_text().splitlines() if f'"participant_id": "{row["participant_id"]}"' in text
    )
    reprint = render_piece(PieceTask(job100.result.job_id, int(row["piece"]), "confirmation", line.encode(), tracking))
    assert reprint.sha256 == row["sha256"] == hashlib.sha256(reprint.pdf).hexdigest()
    assert reprint.pages == int(row["pages"])
    # Issue 21: the piece the hash proves is the tagged, accessible one (the print file may drop the tree).
    assert b"/StructTreeRoot" in reprint.pdf


def test_rerunning_a_finished_job_changes_nothing(job100: FinishedJob) -> None:
    before = {p.name: p.read_bytes() for p in job100.out.iterdir() if p.is_file() and p.suffix != ".sqlite"}
    again = run_job(job100.input, job100.out, job100.piece_limit, workers=1)
    assert again.job_id == job100.result.job_id and again.totals == job100.result.totals
    after = {p.name: p.read_bytes() for p in job100.out.iterdir() if p.is_file() and p.suffix != ".sqlite"}
    assert after == before
    assert not (job100.out / ".spool").exists()
    assert not list(job100.out.glob(".*.part"))


def test_a_finished_run_leaves_no_lock_file(job100: FinishedJob) -> None:
    assert (job100.out / DB_NAME).exists()
    assert not (job100.out / LOCK_NAME).exists()


def test_a_second_run_is_refused_while_one_holds_the_folder(tmp_path: Path) -> None:
    with _exclusive(tmp_path):
        assert (tmp_path / LOCK_NAME).exists()
        with pytest.raises(InputError) as caught, _exclusive(tmp_path):
            pass
        assert [(p.path, p.rule) for p in caught.value.problems] == [("out", "batch-out-in-use")]
        assert "another docgen batch is running" in caught.value.problems[0].message
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_run_that_opened_the_lock_before_its_removal_does_not_share_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run B opens the lock file while run A holds it, and gets to flock() only after A has
    # removed the file and let go; meanwhile run C has locked the folder's new lock file.
    opened, go_on = threading.Event(), threading.Event()
    real_flock = batch_run.fcntl.flock
    late = threading.local()

    def flock(handle: object, operation: int) -> None:
        if getattr(late, "first", True) and threading.current_thread().name == "B":
            late.first = False
            opened.set()
            go_on.wait(timeout=30)
        real_flock(handle, operation)

    monkeypatch.setattr(batch_run.fcntl, "flock", flock)
    outcome: list[str] = []

    def run_b() -> None:
        try:
            with _exclusive(tmp_path):
                outcome.append("B ran")
        except InputError:
            outcome.append("B refused")

    with _exclusive(tmp_path):  # A
        b = threading.Thread(target=run_b, name="B")
        b.start()
        assert opened.wait(timeout=30)
    with _exclusive(tmp_path):  # C, after A removed the file B holds open
        go_on.set()
        b.join(timeout=30)
        assert outcome == ["B refused"]


def test_another_job_in_the_same_folder_is_refused(job100: FinishedJob, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "batch",
            str(job100.input),
            "--kind",
            "confirmation",
            "--out",
            str(job100.out),
            "--piece-limit",
            "7",
        ]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("out: ") and "[batch-out-in-use]" in err


def test_a_resume_never_mixes_folds(job100: FinishedJob, capsys: pytest.CaptureFixture[str]) -> None:
    # The same input and options with another fold is another job: its folder is refused.
    status = main(
        [
            "batch",
            str(job100.input),
            "--kind",
            "confirmation",
            "--out",
            str(job100.out),
            "--piece-limit",
            str(job100.piece_limit),
            "--mailer-id",
            "123456",
            "--fold-panel",
            "3.75",
        ]
    )
    assert status == 2 and "[batch-out-in-use]" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (
            ["--kind", "id-card"],
            "kind: must be a kind with a mailing layout: confirmation, summary [batch-kind-mailable]",
        ),
        (["--kind", "summary", "--piece-limit", "0"], "piece_limit: must be at least 1 [range]"),
        (["--kind", "summary", "--mailer-id", "912345"], "[mailer-id]"),
        (["--kind", "summary", "--workers", "0"], "workers: must be at least 1 [range]"),
        (["--kind", "summary", "--envelope", "6x9"], "envelope: must be one of: 10-double-window [envelope-known]"),
        (
            ["--kind", "summary", "--fold-panel", "4"],
            "fold_panel: must be from 3.667 in (a third of the page) to 3.875 in",
        ),
    ],
)
def test_usage_problems_exit_2_with_path_message_rule(
    tmp_path: Path, flags: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 2)
    assert main(["batch", str(source), "--out", str(tmp_path / "out"), *flags]) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        run_batch(BatchOptions(input=tmp_path / "nope.jsonl", kind="summary", out=tmp_path / "out"))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("input", "readable-file")]


def test_cli_prints_the_totals_and_plain_progress_lines(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 3, invalid=1, seed=3)
    out = tmp_path / "out"
    done = subprocess.run(
        batch_command(source, out, 2, "--workers", "1", "--kind", "summary"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "3 read, 2 printed, 1 rejected" in done.stdout
    # Not a terminal: plain progress lines with a count and a rate, no control characters.
    assert "pieces: 2/2 (" in done.stderr and "/s" in done.stderr and "\x1b[" not in done.stderr
    assert (out / DB_NAME).exists() and json.loads((out / "summary.json").read_text())["files"] == 1


def test_folder_input_reads_each_json_file_as_a_record(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    lines = write_jsonl(tmp_path / "in.jsonl", 3, seed=5).read_text().splitlines()
    folder = tmp_path / "records"
    folder.mkdir()
    for index, line in enumerate(lines):
        (folder / f"member-{index}.json").write_text(line)
    (folder / "notes.txt").write_text("not a record")
    result = run_job(folder, tmp_path / "out", 10, workers=1)
    assert take_rejections(caplog) == []
    assert (result.totals.read, result.totals.printed, result.totals.rejected) == (3, 3, 0)


def test_errors_jsonl_lists_schema_and_rule_problems_of_a_record(
    tmp_path: Path, jane: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", 2, seed=5).read_text()
    expected = break_in_every_layer(jane)
    source = tmp_path / "in.jsonl"
    source.write_text(good + json.dumps(jane) + "\n")
    result = run_job(source, tmp_path / "out", 10, workers=1)
    assert take_rejections(caplog) == [3]
    assert (result.totals.printed, result.totals.rejected) == (2, 1)
    (error,) = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [(p["path"], p["rule"]) for p in error["errors"]] == expected


def test_an_illustration_among_the_records_is_one_input_shape_problem(
    tmp_path: Path, jane: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a-jane.json").write_text(json.dumps(jane))
    (folder / "b-mary.json").write_text((ROOT / "examples" / "mary.json").read_text())
    result = run_job(folder, tmp_path / "out", 10, workers=1)
    assert take_rejections(caplog) == [2]
    assert (result.totals.printed, result.totals.rejected) == (1, 1)
    (error,) = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert [(p["path"], p["rule"]) for p in error["errors"]] == [("$", "input-shape")]
