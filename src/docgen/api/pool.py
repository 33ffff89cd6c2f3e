"""Render worker processes off the event loop: a bounded queue, a time limit, dead workers replaced."""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from docgen.api.worker import READY, RenderTask, Reply, serve
from docgen.errors import PoolFull, RenderTimeout, WorkerLost
from docgen.log import LOGGER

# Workers fork from a server process that has already imported docgen and WeasyPrint, so a
# replacement is ready in well under a second; and nothing forks the threaded HTTP process.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["docgen.api.worker"])

#: Seconds a new worker may take to import, warm up and say it is ready.
START_TIMEOUT = 60.0


class _Worker:
    """One worker process and the server's end of its pipe. Blocking calls: run them in threads."""

    def __init__(self) -> None:
        self.conn: Connection
        self.conn, child = _CONTEXT.Pipe(duplex=True)
        self.process: BaseProcess = _CONTEXT.Process(target=serve, args=(child,), name="docgen-render", daemon=True)
        self.process.start()
        # Only the worker may hold its end: then its death shows here as end-of-file.
        child.close()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def wait_ready(self, timeout: float) -> bool:
        try:
            return self.conn.poll(timeout) and self.conn.recv() == READY
        except (EOFError, OSError):
            return False

    def call(self, task: RenderTask, timeout: float) -> Reply:
        """Send a task and wait for its reply; kills the worker on timeout or a broken pipe."""
        try:
            self.conn.send(task)
            if not self.conn.poll(timeout):
                self.stop(kill=True)
                raise RenderTimeout(f"the render took longer than {timeout:g} s; its worker was replaced")
            reply: Reply = self.conn.recv()
        except (EOFError, OSError) as exc:
            code = self.process.exitcode
            self.stop(kill=True)
            raise WorkerLost(f"the render worker stopped (exit code {code}); it was replaced") from exc
        return reply

    def stop(self, kill: bool = False, grace: float = 5.0) -> None:
        """Close the pipe (the worker exits on end-of-file), or kill it; then reap it."""
        if kill:
            self.process.kill()
        self.conn.close()
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class RenderPool:
    """`workers` render processes; at most `workers + queue` requests admitted at once."""

    def __init__(self, workers: int, queue: int, render_timeout: float) -> None:
        self.size = workers
        self.capacity = workers + queue
        self.render_timeout = render_timeout
        self.admitted = 0
        self.busy = 0
        self.ready = 0
        self.rejected = 0
        self.replaced: Counter[str] = Counter()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._seconds_per_render = 1.0
        # One thread per render in flight and per worker starting; the event loop only awaits.
        self._threads = ThreadPoolExecutor(max_workers=2 * workers + 1, thread_name_prefix="docgen-pool")

    @property
    def waiting(self) -> int:
        """Requests admitted but not yet given a worker: the queue depth."""
        return self.admitted - self.busy

    def start(self) -> None:
        for _ in range(self.size):
            self._spawn()

    def _spawn(self) -> None:
        task = asyncio.get_running_loop().create_task(self._start_worker())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_worker(self) -> None:
        loop = asyncio.get_running_loop()
        delay = 0.5
        while not self._closing:
            worker = await loop.run_in_executor(self._threads, _Worker)
            self._workers.add(worker)
            if await loop.run_in_executor(self._threads, worker.wait_ready, START_TIMEOUT):
                if self._closing:
                    break
                self.ready += 1
                self._idle.put_nowait(worker)
                return
            LOGGER.error("render worker %s did not start; retrying in %.1f s", worker.pid, delay)
            self._discard(worker)
            await asyncio.sleep(delay)
            delay = min(2 * delay, 30.0)

    def _discard(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        if self._closing:
            worker.stop(kill=True)  # the threads may be gone; a kill and reap take milliseconds
        else:
            self._threads.submit(worker.stop, True)

    def retry_after(self) -> int:
        """Seconds until a slot is likely free: a full queue's worth of renders, shared by the workers."""
        return max(1, math.ceil(self._seconds_per_render * self.capacity / self.size))

    async def run(self, task: RenderTask) -> Reply:
        """Render or validate in a worker; PoolFull, RenderTimeout or WorkerLost otherwise."""
        if self._closing or self.admitted >= self.capacity:
            self.rejected += 1
            raise PoolFull("every render worker is busy and the queue is full", self.retry_after())
        self.admitted += 1
        try:
            worker = await self._acquire()
            self.busy += 1
            loop = asyncio.get_running_loop()
            started = time.perf_counter()
            future = loop.run_in_executor(self._threads, worker.call, task, self.render_timeout)
            future.add_done_callback(lambda done: self._release(worker, done, started))
            # shield: if the request is cancelled, the worker still finishes (or times out)
            # before it is handed to anyone else.
            return await asyncio.shield(future)
        finally:
            self.admitted -= 1

    async def _acquire(self) -> _Worker:
        deadline = time.monotonic() + self.render_timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                worker = await asyncio.wait_for(self._idle.get(), max(remaining, 0.0))
            except TimeoutError:
                self.rejected += 1
                raise PoolFull(
                    f"no render worker became free within {self.render_timeout:g} s", self.retry_after()
                ) from None
            if worker.process.is_alive():
                return worker
            LOGGER.error("render worker %s died while idle; replacing it", worker.pid)
            self._replace(worker, "died-idle")

    def _release(self, worker: _Worker, done: asyncio.Future[Reply] | Future[Reply], started: float) -> None:
        self.busy -= 1
        error = done.exception() if not done.cancelled() else None
        if isinstance(error, RenderTimeout):
            self._replace(worker, "timeout")
        elif isinstance(error, WorkerLost) or error is not None:
            self._replace(worker, "died")
        elif self._closing:
            self._discard(worker)
        else:
            elapsed = time.perf_counter() - started
            self._seconds_per_render = 0.8 * self._seconds_per_render + 0.2 * elapsed
            self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker, reason: str) -> None:
        self.ready -= 1
        self.replaced[reason] += 1
        self._discard(worker)
        if not self._closing:
            self._spawn()

    async def close(self) -> None:
        """Stop every worker (each exits when its pipe closes) and the threads."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._threads, worker.stop) for worker in list(self._workers)),
            return_exceptions=True,
        )
        self._workers.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
