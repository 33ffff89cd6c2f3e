"""Exactly once: a real `docgen batch` process killed with SIGKILL, then re-run, equals an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.batch.job import DB_NAME
from docgen.batch.output import print_file_name
from docgen.batch.run import SPOOL_DIR
from tests.batch.conftest import SMALL_LIMIT, FinishedJob, batch_command, decode_marks


def _spooled(out: Path, count: int) -> Callable[[], bool]:
    return lambda: len(list((out / SPOOL_DIR).glob("piece-*.pdf"))) >= count


# Each kill point is a condition on the output folder the test polls while the process runs.
KILL_POINTS: dict[str, Callable[[Path], Callable[[], bool]]] = {
    # As soon as the job's state exists: during the scan or the presort.
    "scanning": lambda out: (out / DB_NAME).exists,
    # Pieces rendered and spooled, no print file yet.
    "rendering": lambda out: _spooled(out, 3),
    # The first print file renamed into place, the rest not rendered.
    "assembling": lambda out: (out / print_file_name(1)).exists,
}


def _kill_when(command: list[str], condition: Callable[[], bool], timeout_s: float = 300) -> bool:
    """Run `command`, SIGKILL its main process once `condition` holds; False if it finished first."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout_s
    killed = False
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if condition():
                process.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.005)
        process.wait(timeout=60)
    finally:
        # Its worker processes, orphaned by the kill, are ours to end too.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return killed and process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_then_rerun_prints_every_record_once_with_the_same_manifest(
    point: str, small_job: FinishedJob, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    command = batch_command(small_job.input, out, SMALL_LIMIT, "--workers", "2")
    assert _kill_when(command, KILL_POINTS[point](out)), f"the run finished before the {point} kill point"
    assert not (out / "manifest.csv").exists()

    rerun = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    for name in ("manifest.csv", "summary.json", "errors.jsonl"):
        assert (out / name).read_bytes() == (small_job.out / name).read_bytes(), name
    print_files = sorted(small_job.out.glob("print-*.pdf"))
    assert sorted(p.name for p in out.glob("print-*.pdf")) == [p.name for p in print_files]
    pieces: list[int] = []
    for print_file in print_files:
        assert (out / print_file.name).read_bytes() == print_file.read_bytes(), print_file.name
        pieces += [mark.piece for mark in decode_marks(out / print_file.name) if mark.page == 1]
    assert pieces == list(range(1, small_job.result.totals.printed + 1)), "every piece exactly once, in order"
    assert not (out / SPOOL_DIR).exists() and not list(out.glob(".*.part"))
