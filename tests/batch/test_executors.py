"""Where pieces render: recycled local processes, and a real Dask LocalCluster giving the same manifest."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.batch import run as batch_run
from docgen.batch.executors import DaskExecutor, LocalExecutor
from docgen.cli import main
from tests.batch.conftest import (
    SMALL_LIMIT,
    FinishedJob,
    batch_command,
    group_members,
    process_group,
    run_job,
    spooled,
    take_rejections,
    wait_for,
)

#: Issue 16: after `kill -9` of `docgen batch`, none of its processes lives longer than this.
ORPHAN_GRACE_S = 2.0


def worker_pid(_: int) -> int:
    return os.getpid()


def test_local_workers_are_recycled_so_memory_stays_flat() -> None:
    executor = LocalExecutor(workers=2, recycle_after=3)
    try:
        pids = list(executor.map_unordered(worker_pid, range(12)))
    finally:
        executor.close()
    assert len(pids) == 12
    assert len(set(pids)) >= 4, "each process serves at most 3 pieces"
    assert os.getpid() not in pids


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads process groups from /proc")
def test_no_worker_or_resource_tracker_outlives_a_killed_batch(small_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with process_group(batch_command(small_input, out, SMALL_LIMIT, "--workers", "2")) as process:
        wait_for(process, spooled(out, 2))
        helpers = {pid: command for pid, command in group_members(process.pid).items() if pid != process.pid}
        assert sum("spawn_main" in command for command in helpers.values()) == 2, helpers
        assert any("resource_tracker" in command for command in helpers.values()), helpers
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        time.sleep(ORPHAN_GRACE_S)
        assert {pid: command for pid, command in group_members(process.pid).items() if pid in helpers} == {}


@pytest.mark.skipif(sys.platform != "linux", reason="reads process groups from /proc")
def test_a_worker_whose_parent_dies_exits_by_polling_where_prctl_is_missing(tmp_path: Path) -> None:
    # The fallback for systems without PR_SET_PDEATHSIG, run here on its own: a parent starts a
    # worker that watches it by polling, then the parent is killed.
    script = (
        "import multiprocessing, os, sys, time\n"
        "from docgen.batch.executors import watch_parent_by_polling\n"
        "def work(parent):\n"
        "    watch_parent_by_polling(parent, 0.1)\n"
        "    time.sleep(60)\n"
        "if __name__ == '__main__':\n"
        "    worker = multiprocessing.get_context('spawn').Process(target=work, args=(os.getpid(),))\n"
        "    worker.start()\n"
        "    print(worker.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    with process_group([sys.executable, "-c", script]) as parent:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert worker in group_members(parent.pid)
        parent.kill()
        parent.wait(timeout=10)
        time.sleep(ORPHAN_GRACE_S)
        assert worker not in group_members(parent.pid)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local.scheduler_address


def test_dask_executor_runs_tasks_on_the_cluster_processes(cluster: str) -> None:
    executor = DaskExecutor(cluster)
    try:
        pids = set(executor.map_unordered(worker_pid, range(8)))
    finally:
        executor.close()
    assert executor.workers == 2
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_a_job_on_a_local_cluster_gives_the_local_runs_manifest(
    cluster: str, small_job: FinishedJob, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "dask-out"
    result = run_job(small_job.input, out, SMALL_LIMIT, scheduler=cluster)
    assert take_rejections(caplog) == [12, 24]
    assert result.job_id == small_job.result.job_id
    assert result.totals == small_job.result.totals
    for name in ("manifest.csv", "summary.json", "errors.jsonl"):
        assert (out / name).read_bytes() == (small_job.out / name).read_bytes(), name
    for print_file in sorted(small_job.out.glob("print-*.pdf")):
        assert (out / print_file.name).read_bytes() == print_file.read_bytes(), print_file.name


def test_a_scheduler_without_dask_installed_is_one_clear_option_problem(
    small_input: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Dask is the optional extra docgen[dask]; without it --scheduler says so, before any work.
    monkeypatch.setattr(batch_run, "dask_installed", lambda: False)
    status = main(
        [
            "batch",
            str(small_input),
            "--kind",
            "confirmation",
            "--out",
            str(tmp_path / "out"),
            "--scheduler",
            "tcp://127.0.0.1:1",
        ]
    )
    assert status == 2
    assert "scheduler: needs Dask's distributed package: pip install 'docgen[dask]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
