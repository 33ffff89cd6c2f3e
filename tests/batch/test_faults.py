"""A batch whose input changes under it: a clear error, then an exact resume."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.batch import run as batch_run
from docgen.batch.job import DB_NAME
from docgen.batch.piece import Checked
from docgen.errors import InputError
from tests.batch.conftest import (
    SMALL_LIMIT,
    FinishedJob,
    assert_same_job,
    batch_command,
    batch_process,
    run_job,
    spooled,
    take_rejections,
    wait_for,
)

LAST_NAME = re.compile(rb'"last_name": "([^"]*)"')


def _rename_everyone(data: bytes) -> bytes:
    """Every last name replaced by as many Qs: the same length, so every record keeps its offsets."""
    return LAST_NAME.sub(lambda m: b'"last_name": "' + b"Q" * len(m[1]) + b'"', data)


def _one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    return stderr.strip().splitlines()[-1]


@pytest.mark.slow
def test_an_input_edited_while_pieces_render_stops_the_run_and_prints_nothing_it_did_not_scan(
    small_job: FinishedJob, tmp_path: Path
) -> None:
    source = tmp_path / "input.jsonl"
    original = small_job.input.read_bytes()
    source.write_bytes(original)
    out = tmp_path / "out"
    command = batch_command(source, out, SMALL_LIMIT, "--workers", "2")
    with batch_process(command) as process:
        wait_for(process, spooled(out, 3))
        source.write_bytes(_rename_everyone(original))
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, stderr
    assert _one_error_line(stderr) == (
        f"input: {source} changed while the batch ran; nothing read after the change was printed:"
        " restore it and re-run the same command to resume, or give the new input another --out folder"
        " [batch-input-changed]"
    )
    assert not (out / "manifest.csv").exists()
    texts = [page.extract_text() for piece in (out / ".spool").glob("piece-*.pdf") for page in PdfReader(piece).pages]
    assert len(texts) >= 3 and any(name in text for text in texts for name in ("BROWN", "GARCIA", "DAVIS", "LOPEZ"))
    assert not any("QQQ" in text for text in texts), "a piece printed with data the scan never saw"

    source.write_bytes(original)
    rerun = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert_same_job(out, small_job)


def test_an_input_edited_during_the_scan_stops_before_a_record_of_it_is_kept(
    small_job: FinishedJob, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Issue 16: an edit 3 s into a run had ended it with exit 0, valid lines reported as json-syntax.
    source = tmp_path / "input.jsonl"
    original = small_job.input.read_bytes()
    source.write_bytes(original)
    real_check = batch_run.check_record
    checked: list[int] = []

    def check_then_edit(kind: str, data: bytes | None, with_imb: bool) -> Checked:
        checked.append(1)
        if len(checked) == 5:  # the editor saves while the scan is a few records in
            source.write_bytes(_rename_everyone(original))
        return real_check(kind, data, with_imb)

    monkeypatch.setattr(batch_run, "check_record", check_then_edit)
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        run_job(source, out, SMALL_LIMIT, workers=2)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("input", "batch-input-changed")]
    assert take_rejections(caplog) == []
    with sqlite3.connect(out / DB_NAME) as db:
        assert db.execute("SELECT count(*) FROM records").fetchone() == (0,)

    monkeypatch.setattr(batch_run, "check_record", real_check)
    source.write_bytes(original)
    result = run_job(source, out, SMALL_LIMIT, workers=2)
    assert take_rejections(caplog) == [12, 24]
    assert result.totals == small_job.result.totals
    assert_same_job(out, small_job)
