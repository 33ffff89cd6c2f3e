"""A batch whose input changes under it, or whose output folder is read-only or fills up: a
clear error, then an exact resume."""

from __future__ import annotations

import re
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

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
    process_group,
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
    with process_group(command) as process:
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

    def check_then_edit(kind: str, data: bytes | None, with_imb: bool, *geometry: Any) -> Checked:
        checked.append(1)
        if len(checked) == 5:  # the editor saves while the scan is a few records in
            source.write_bytes(_rename_everyone(original))
        return real_check(kind, data, with_imb, *geometry)

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


def _namespaces() -> bool:
    """Whether this machine lets an unprivileged user namespace mount a tmpfs (Linux)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True, check=False
    )
    return probe.returncode == 0


needs_tmpfs = pytest.mark.skipif(not _namespaces(), reason="needs unshare -Urm to mount a small tmpfs")


def _in_own_mounts(tmp_path: Path, script: str) -> None:
    """Run a shell script in its own user and mount namespace, where it may mount a tmpfs on a
    folder of tmp_path: a real full or read-only file system that no one else sees."""
    done = subprocess.run(
        ["unshare", "-Urm", "sh", "-ec", script], capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr


@needs_tmpfs
def test_a_read_only_output_folder_is_one_line_naming_it(small_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    command = shlex.join(batch_command(small_input, out, SMALL_LIMIT, "--workers", "1"))
    _in_own_mounts(
        tmp_path,
        f"""
        mount -t tmpfs -o ro tmpfs {out}
        {command} 2>{tmp_path}/stderr || echo $? >{tmp_path}/status
    """,
    )
    assert (tmp_path / "status").read_text() == "2\n"
    stderr = (tmp_path / "stderr").read_text()
    assert stderr == f"out: cannot write {out} (read-only file system) [batch-out-writable]\n"


@pytest.mark.slow
@needs_tmpfs
@pytest.mark.parametrize("size", ["150k", "500k"])
def test_a_full_output_folder_is_one_line_and_a_rerun_with_space_is_exact(
    size: str, small_job: FinishedJob, tmp_path: Path
) -> None:
    # 150k fills up while pieces are spooled, 500k while the first print file is written.
    out, copy = tmp_path / "out", tmp_path / "copy"
    out.mkdir()
    command = shlex.join(batch_command(small_job.input, out, SMALL_LIMIT, "--workers", "2"))
    _in_own_mounts(
        tmp_path,
        f"""
        mount -t tmpfs -o size={size} tmpfs {out}
        {command} 2>{tmp_path}/stderr || echo $? >{tmp_path}/status
        mount -o remount,size=64m {out}
        {command} >/dev/null 2>{tmp_path}/stderr-rerun
        cp -a {out} {copy}
    """,
    )
    assert (tmp_path / "status").read_text() == "2\n"
    last = _one_error_line((tmp_path / "stderr").read_text())
    assert re.fullmatch(rf"out: cannot write {re.escape(str(out))}/\S+ \(disk full\) \[batch-out-writable\]", last), (
        last
    )
    assert_same_job(copy, small_job)
