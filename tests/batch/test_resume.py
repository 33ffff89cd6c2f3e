"""Exactly once: a real `docgen batch` process killed with SIGKILL, or stopped by a signal,
then re-run, equals an uninterrupted run."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen.batch.job import DB_NAME
from docgen.batch.output import print_file_name
from docgen.batch.run import LOCK_NAME
from tests.batch.conftest import (
    SMALL_LIMIT,
    FinishedJob,
    assert_same_job,
    batch_command,
    process_group,
    spooled,
    survivors,
    wait_for,
)

# Each kill point is a condition on the output folder the test polls while the process runs.
KILL_POINTS: dict[str, Callable[[Path], Callable[[], bool]]] = {
    # As soon as the job's state exists: during the scan or the presort.
    "scanning": lambda out: (out / DB_NAME).exists,
    # Pieces rendered and spooled, no print file yet.
    "rendering": lambda out: spooled(out, 3),
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
    assert_same_job(out, small_job)


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=lambda stop: stop.name)
def test_a_signal_finishes_the_pieces_in_flight_exits_128_plus_it_and_a_rerun_resumes(
    stop: signal.Signals, small_job: FinishedJob, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    command = batch_command(small_job.input, out, SMALL_LIMIT, "--workers", "2")
    with process_group(command) as process:
        wait_for(process, spooled(out, 3))
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 128 + stop, stderr
        # The resource tracker exits on its own once the run's end closes its pipe.
        assert survivors(process.pid) == {}, "the workers and the resource tracker end with the run"
    last = stderr.splitlines()[-1]
    assert re.fullmatch(
        rf"docgen: job \w+ stopped by {stop.name} \(\d+ pieces rendered so far\); re-run the same command to resume",
        last,
    )
    assert "Traceback" not in stderr
    assert not (out / "manifest.csv").exists() and not (out / LOCK_NAME).exists()
    with sqlite3.connect(out / DB_NAME) as db:
        (rendered,) = db.execute("SELECT count(*) FROM pieces WHERE sha256 IS NOT NULL").fetchone()
    # The pieces in flight at the signal were finished and recorded, not thrown away.
    assert rendered == int(last.split("(")[1].split()[0]) > 3

    rerun = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert_same_job(out, small_job)
