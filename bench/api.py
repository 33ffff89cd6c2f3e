"""Requests/s and p50/p99 latency of the HTTP API per kind at concurrency 1, 4 and 16, and its overhead.

    .venv/bin/python bench/api.py [--requests N] [--workers W] [--input examples/jane-example.json]

Starts `docgen serve` on a free loopback port with a temporary database and a queue deep
enough that no request is refused (so latency includes queueing), and times real HTTP
requests from client threads. Before the server starts, the same render runs in this process
(through the same adapter the workers call); the ratio of the API's p50 at concurrency 1 to
that in-process median is the cost of HTTP, the pool and the audit row; "worker ms" is the mean
render time the workers themselves reported during the same requests (from /metrics), so
p50 minus it is that cost measured under the same load. Kinds: `confirmation`
(PDF) and, when the server offers it, `id-card` as PNG (`?format=png`).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from starlette.datastructures import QueryParams

from docgen.api.kinds import ENDPOINTS, parse_options
from docgen.config import SETTINGS
from docgen.store import Scope, Store

CASES = (("confirmation", ""), ("id-card", "format=png"))
CONCURRENCY = (1, 4, 16)


def in_process_ms(kind: str, query: str, body: bytes, runs: int) -> float:
    """Median ms of the render the API's workers run, here in this process (warm)."""
    endpoint = ENDPOINTS[kind]
    options = parse_options(endpoint.adapter.options, QueryParams(query))
    endpoint.adapter.render(kind, body, options)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        endpoint.adapter.render(kind, body, options)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start_server(folder: Path, workers: int) -> tuple[subprocess.Popen[bytes], str, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = folder / "bench.db"
    store = Store(db)
    key = store.create_key("bench", frozenset(Scope))
    store.close()
    docgen = Path(sys.executable).with_name("docgen")
    command = [str(docgen), "serve", "--port", str(port), "--db", str(db), "--workers", str(workers),
               "--queue", "64"]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            ready = httpx.get(f"{url}/readyz", timeout=2)
            if ready.status_code == 200 and ready.json()["workers_ready"] == workers:
                return process, url, key
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server did not start; see {folder / 'server.log'}")


def worker_render_totals(url: str, key: str, kind: str) -> tuple[float, float]:
    """(sum of seconds, count) of renders the workers reported for `kind`, from /metrics."""
    answer = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    totals = {"sum": 0.0, "count": 0.0}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            if sample.name.startswith("docgen_render_seconds_") and sample.labels == {"action": "render", "kind": kind}:
                totals[sample.name.rsplit("_", 1)[1]] = sample.value
    return totals["sum"], totals["count"]


def run(url: str, key: str, kind: str, query: str, body: bytes, concurrency: int, total: int) -> tuple[float, list[float]]:
    """(requests per second, latencies in ms) of `total` requests from `concurrency` threads."""
    latencies: list[float] = []
    lock = threading.Lock()
    target = f"/v1/documents/{kind}" + (f"?{query}" if query else "")
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    counter = iter(range(total))

    def client_loop() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                started = time.perf_counter()
                answer = client.post(target, content=body)
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise SystemExit(f"{kind}: HTTP {answer.status_code}: {answer.text[:200]}")
                with lock:
                    latencies.append(elapsed)

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as threads:
        for future in [threads.submit(client_loop) for _ in range(concurrency)]:
            future.result()
    return total / (time.perf_counter() - began), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=24, help="requests per concurrency level (at least 4 x concurrency)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--runs", type=int, default=9, help="in-process renders timed per kind")
    parser.add_argument("--input", type=Path, default=SETTINGS.examples_dir / "jane-example.json")
    args = parser.parse_args()
    body = args.input.read_bytes()
    cases = [(kind, query) for kind, query in CASES if kind in ENDPOINTS]
    skipped = [kind for kind, _ in CASES if kind not in ENDPOINTS]

    local = {kind: in_process_ms(kind, query, body, args.runs) for kind, query in cases}
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as folder:
        process, url, key = start_server(Path(folder), args.workers)
        try:
            print(f"input: {args.input.name}; {args.workers} render workers; {os.cpu_count()} cores")
            print(f"{'kind':<14}{'conc.':>6}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
                  f"{'worker ms':>11}{'in-process ms':>15}{'p50 / in-process':>18}")
            for kind, query in cases:
                run(url, key, kind, query, body, 1, 2)  # warm the workers
                for concurrency in CONCURRENCY:
                    total = max(args.requests, 4 * concurrency)
                    seconds, count = worker_render_totals(url, key, kind)
                    rate, latencies = run(url, key, kind, query, body, concurrency, total)
                    seconds_after, count_after = worker_render_totals(url, key, kind)
                    worker_ms = 1000 * (seconds_after - seconds) / (count_after - count)
                    p50 = statistics.median(latencies)
                    label = f"{kind}{' png' if query else ''}"
                    print(f"{label:<14}{concurrency:>6}{total:>10}{rate:>8.2f}{p50:>9.0f}"
                          f"{percentile(latencies, 0.99):>9.0f}{worker_ms:>11.0f}{local[kind]:>15.0f}"
                          f"{p50 / local[kind]:>17.2f}x")
        finally:
            process.terminate()
            process.wait(30)
    if skipped:
        print(f"not served on this branch: {', '.join(skipped)}")
    print("p99 of a few dozen requests is close to their maximum; raise --requests for a finer tail.")


if __name__ == "__main__":
    main()
