"""Where pieces render: recycled local processes, and a real Dask LocalCluster giving the same manifest."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen.batch.executors import DaskExecutor, LocalExecutor
from tests.batch.conftest import SMALL_LIMIT, FinishedJob, run_job, take_rejections


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
