"""Where pieces render: local worker processes, or a Dask distributed cluster; same results either way.

Both keep a bounded number of pieces in flight and hand results back as they complete, so the
main process (the only writer of the job's files) holds a few pieces at a time, never the batch.
"""

from __future__ import annotations

import ctypes
import importlib.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from docgen.config import default_workers
from docgen.errors import BatchError

T = TypeVar("T")
R = TypeVar("R")

#: A worker process is replaced after this many pieces, so a slow leak in the layout engine
#: (font caches, fragmented heaps) cannot grow memory over a long run.
RECYCLE_AFTER = 250
#: Pieces in flight per worker: enough to keep every worker busy, few enough to stay small.
IN_FLIGHT_PER_WORKER = 3
#: prctl(2) option: the signal a process gets when the thread that started it exits (Linux).
PR_SET_PDEATHSIG = 1
#: Where prctl is missing, how often a worker checks that the batch process is still its parent.
PARENT_CHECK_S = 0.5


class Executor(Protocol):
    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


def watch_parent_by_polling(parent: int, interval_s: float = PARENT_CHECK_S) -> None:
    """Exit as soon as `parent` is no longer this process's parent (POSIX reparents an orphan)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, name="docgen-parent-watch", daemon=True).start()


def tie_to_parent(parent: int) -> None:
    """Worker start-up: live no longer than the batch process `parent`, and leave stopping to it.

    A worker blocks on the pool's call queue, whose write end every worker holds too, so the
    death of the main process alone never wakes it: without this, `kill -9` of `docgen batch`
    left its workers, and the resource tracker they keep open, running for minutes.
    """
    # Ctrl-C at a terminal and `kill -TERM` of a service's process group reach every process;
    # the main process alone decides: it lets the pieces in flight finish, then exits resumable.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if sys.platform == "linux":
        # SIGKILL: a worker holds nothing to clean up (only the main process writes files). The
        # signal follows the thread that started the worker (prctl(2)): a recycled worker's
        # replacement is started by the pool's manager thread, which ends only after the workers.
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"prctl(PR_SET_PDEATHSIG): {os.strerror(code)}")
    else:
        watch_parent_by_polling(parent)
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was set up: nobody would deliver it


class LocalExecutor:
    """Worker processes on this machine, started fresh (spawn) and recycled every RECYCLE_AFTER pieces."""

    def __init__(self, workers: int, recycle_after: int = RECYCLE_AFTER) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=recycle_after,
            initializer=tie_to_parent,
            initargs=(os.getpid(),),
        )

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        queue = iter(tasks)
        in_flight: set[Future[R]] = set()

        def top_up() -> None:
            while len(in_flight) < self.workers * IN_FLIGHT_PER_WORKER:
                task = next(queue, None)
                if task is None:
                    return
                in_flight.add(self._pool.submit(fn, task))

        top_up()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight.discard(future)
                try:
                    yield future.result()
                except BrokenProcessPool as exc:
                    raise BatchError(f"a worker process died ({exc}); re-run the same command to resume") from exc
            top_up()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """A Dask distributed cluster: its workers need docgen installed (same version) and nothing else."""

    def __init__(self, address: str, timeout_s: float = 30.0) -> None:
        from distributed import Client  # noqa: PLC0415  (Dask loads only for --scheduler)

        try:
            self._client = Client(address, timeout=timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise BatchError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        threads = sum(self._client.nthreads().values())
        self.workers = max(threads, 1)

    def map_unordered(self, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        from distributed import KilledWorker, as_completed  # noqa: PLC0415

        queue = iter(tasks)
        first: list[Any] = []
        while len(first) < self.workers * IN_FLIGHT_PER_WORKER and (task := next(queue, None)) is not None:
            first.append(self._client.submit(fn, task, pure=False))
        if not first:
            return
        pending: Any = as_completed(first, loop=self._client.loop)
        for future in pending:
            try:
                result: R = future.result()
            except (OSError, TimeoutError, CancelledError, KilledWorker) as exc:
                raise BatchError(f"lost the Dask cluster ({exc}); re-run the same command to resume") from exc
            future.release()
            yield result
            task = next(queue, None)
            if task is not None:
                pending.add(self._client.submit(fn, task, pure=False))

    def close(self) -> None:
        self._client.close()


def dask_installed() -> bool:
    """Whether Dask's distributed package is here: an optional extra, `pip install 'docgen[dask]'`."""
    return importlib.util.find_spec("distributed") is not None


def make_executor(workers: int | None, scheduler: str | None) -> LocalExecutor | DaskExecutor:
    if scheduler is not None:
        return DaskExecutor(scheduler)
    return LocalExecutor(workers or default_workers())
