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

Then it starts a second server with the default queue (2 x workers), as deployed, and sends
the same requests at concurrency 16: requests beyond the queue are refused with 503 and the
clients retry after the Retry-After the server sent. Issue 9 holds the API, at concurrency 16,
to p99 within 3x p50 and no errors other than 503 backpressure: for every concurrency-16 row of
both servers it prints a PASS or FAIL line for each, and exits 1 if any fails.

    .venv/bin/python bench/api.py --instances 2 [--requests N] [--workers W]

measures many instances instead (issue 24): a throwaway PostgreSQL cluster and nginx on
loopback (bench/services.py, which the tests start too; needs Debian's postgresql and nginx,
`make sysdeps-test`), then requests/s and p50/p99 through nginx for one instance and for N, each
with W render workers, on one database. It also times the store's two calls per request (the key
lookup and the audit row) on each engine, in this process, and gives their share of a request's
p50 at concurrency 1 on an instance using that engine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from starlette.datastructures import QueryParams

from docgen.api.kinds import parse_options
from docgen.api.worker import Action, RenderTask, handle
from docgen.config import Database, PostgresUrl, get_settings
from docgen.documents import KINDS, get_kind
from docgen.store import AuditEntry, Scope, Store, now
from docgen.store.database import open_engine
from docgen.store.schema import upgrade
from services import Nginx, Postgres, free_port

CASES = (("confirmation", ""), ("id-card", "format=png"))
CONCURRENCY = (1, 4, 16)
#: Issue 9, deliverable 4: at this concurrency p99 stays within MAX_TAIL x p50, and a 503
#: (backpressure, with Retry-After) is the only error a client may see.
CHECKED_CONCURRENCY = 16
MAX_TAIL = 3.0
#: Longest a client waits on a 503's Retry-After before trying again.
MAX_RETRY_AFTER_S = 5.0


def in_process_ms(kind: str, query: str, body: bytes, runs: int) -> float:
    """Median ms of the render the API's workers run, here in this process (warm)."""
    task = RenderTask(Action.RENDER, kind, body, parse_options(get_kind(kind), QueryParams(query)))
    handle(task)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        handle(task)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start_server(
    folder: Path, workers: int, queue: int | None, db: Database | None = None, name: str = "bench"
) -> tuple[subprocess.Popen[bytes], str, str]:
    """`docgen serve` on a free port; on `db` (default: a new SQLite file) with a new key `name`."""
    port = free_port()
    db = folder / f"bench-queue-{queue if queue is not None else 'default'}.db" if db is None else db
    store = Store(db)
    key = store.create_key(name, frozenset(Scope))
    store.close()
    docgen = Path(sys.executable).with_name("docgen")
    command = [str(docgen), "serve", "--port", str(port), "--workers", str(workers)]
    # A PostgreSQL URL holds its password: in the environment, never on the command line.
    env = {**os.environ, "DOCGEN_DB": db.url} if isinstance(db, PostgresUrl) else dict(os.environ)
    command += [] if isinstance(db, PostgresUrl) else ["--db", str(db)]
    command += ["--queue", str(queue)] if queue is not None else []
    command += ["--instance", name]
    folder.mkdir(parents=True, exist_ok=True)
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=folder, env=env)
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


@dataclass
class Outcome:
    """What `total` requests at one concurrency got back."""

    rate: float = 0.0
    #: Latencies (ms) of the answered requests (200 or another error), not of the refused tries.
    latencies: list[float] = field(default_factory=list)
    #: Latencies (ms) from a request's first try to its answer, refused tries and waits included:
    #: what a client that retries on 503 sees.
    end_to_end: list[float] = field(default_factory=list)
    #: 503 refusals (backpressure): each was retried after its Retry-After.
    refused: int = 0
    #: Every other failure, by HTTP status or transport error name.
    errors: Counter[str] = field(default_factory=Counter)


def run(url: str, key: str, kind: str, query: str, body: bytes, concurrency: int, total: int) -> Outcome:
    """`total` requests from `concurrency` threads; a 503 is retried after its Retry-After."""
    outcome = Outcome()
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
                first_try = time.perf_counter()
                while True:
                    started = time.perf_counter()
                    try:
                        answer = client.post(target, content=body)
                    except httpx.TransportError as exc:
                        with lock:
                            outcome.errors[type(exc).__name__] += 1
                        break
                    elapsed = (time.perf_counter() - started) * 1000
                    if answer.status_code == 503:
                        with lock:
                            outcome.refused += 1
                        time.sleep(min(float(answer.headers.get("Retry-After", "1")), MAX_RETRY_AFTER_S))
                        continue
                    with lock:
                        outcome.latencies.append(elapsed)
                        outcome.end_to_end.append((time.perf_counter() - first_try) * 1000)
                        if answer.status_code != 200:
                            outcome.errors[f"HTTP {answer.status_code}"] += 1
                    break

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as threads:
        for future in [threads.submit(client_loop) for _ in range(concurrency)]:
            future.result()
    outcome.rate = total / (time.perf_counter() - began)
    return outcome


def check(label: str, outcome: Outcome) -> bool:
    """Issue 9's two conditions at CHECKED_CONCURRENCY, as PASS/FAIL lines; True when both hold."""
    if not outcome.latencies:
        print(f"FAIL {label}: no request was answered ({dict(outcome.errors)})")
        return False
    p50, p99 = statistics.median(outcome.latencies), percentile(outcome.latencies, 0.99)
    tail_ok = p99 <= MAX_TAIL * p50
    errors_ok = not outcome.errors
    print(
        f"{'PASS' if tail_ok else 'FAIL'} {label}: p99 {p99:.0f} ms <= {MAX_TAIL:g} x p50 {p50:.0f} ms"
        f" (ratio {p99 / p50:.2f})"
    )
    errors = ", ".join(f"{name}: {count}" for name, count in sorted(outcome.errors.items())) or "none"
    print(
        f"{'PASS' if errors_ok else 'FAIL'} {label}: errors other than 503 backpressure: {errors}"
        f" ({outcome.refused} refused with 503 and retried)"
    )
    if outcome.refused:
        # Not part of the bound (a 503 is an allowed answer), but what a retrying client waits.
        whole_p50, whole_p99 = statistics.median(outcome.end_to_end), percentile(outcome.end_to_end, 0.99)
        print(
            f"     {label}: from first try, retries included: p50 {whole_p50:.0f} ms, p99 {whole_p99:.0f} ms"
            f" (ratio {whole_p99 / whole_p50:.2f})"
        )
    return tail_ok and errors_ok


def table(
    url: str,
    key: str,
    cases: list[tuple[str, str]],
    body: bytes,
    levels: tuple[int, ...],
    requests: int,
    local: dict[str, float],
) -> list[tuple[str, Outcome]]:
    """Print one row per kind and concurrency; returns the rows at CHECKED_CONCURRENCY."""
    print(
        f"{'kind':<14}{'conc.':>6}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'503s':>6}"
        f"{'worker ms':>11}{'in-process ms':>15}{'p50 / in-process':>18}"
    )
    checked = []
    for kind, query in cases:
        run(url, key, kind, query, body, 1, 2)  # warm the workers
        for concurrency in levels:
            total = max(requests, 4 * concurrency)
            seconds, count = worker_render_totals(url, key, kind)
            outcome = run(url, key, kind, query, body, concurrency, total)
            seconds_after, count_after = worker_render_totals(url, key, kind)
            worker_ms = 1000 * (seconds_after - seconds) / max(count_after - count, 1)
            p50 = statistics.median(outcome.latencies or [float("nan")])
            label = f"{kind}{' png' if query else ''}"
            print(
                f"{label:<14}{concurrency:>6}{total:>10}{outcome.rate:>8.2f}{p50:>9.0f}"
                f"{percentile(outcome.latencies or [float('nan')], 0.99):>9.0f}{outcome.refused:>6}{worker_ms:>11.0f}"
                f"{local[kind]:>15.0f}{p50 / local[kind]:>17.2f}x"
            )
            if concurrency == CHECKED_CONCURRENCY:
                checked.append((label, outcome))
    return checked


def store_call_ms(db: Database, calls: int = 300) -> tuple[float, float]:
    """Mean ms of the store's two calls per request on `db`: the key lookup, the audit row."""
    store = Store(db)
    key = store.create_key("store-timing", frozenset(Scope))
    entry = AuditEntry(now(), "bench", "store-timing", "render", "confirmation", "0" * 64, "0" * 64, 1, 1.0, 200, "b")
    started = time.perf_counter()
    for _ in range(calls):
        store.authenticate(key)
    lookup = (time.perf_counter() - started) * 1000 / calls
    started = time.perf_counter()
    for _ in range(calls):
        store.record(entry)
    row = (time.perf_counter() - started) * 1000 / calls
    store.close()
    return lookup, row


def instances(args: argparse.Namespace, body: bytes) -> None:
    """One instance and args.instances instances on one PostgreSQL, through nginx; the store's share per engine."""
    kind, query = CASES[0]
    concurrency = 4 * args.instances
    total = max(args.requests, 4 * concurrency)
    postgres = Postgres()
    folder = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    try:
        print(f"input: {args.input.name}; {args.workers} render workers per instance; {os.cpu_count()} cores")
        print(f"{'engine':<12}{'key lookup ms':>14}{'audit row ms':>13}{'request p50 ms':>16}{'store share':>13}")
        for engine in ("sqlite", "postgresql"):
            db: Database = folder / f"{engine}.db" if engine == "sqlite" else postgres.database()
            if isinstance(db, PostgresUrl):
                opened = open_engine(db)
                upgrade(opened)
                opened.close()
            lookup, row = store_call_ms(db)
            process, url, key = start_server(folder / engine, args.workers, 64, db, f"{engine}-1")
            try:
                run(url, key, kind, query, body, 1, 2)  # warm
                p50 = statistics.median(run(url, key, kind, query, body, 1, max(args.requests, 12)).latencies)
            finally:
                process.terminate()
                process.wait(30)
            print(f"{engine:<12}{lookup:>14.2f}{row:>13.2f}{p50:>16.0f}{(lookup + row) / p50:>12.1%}")
        print(f"-- through nginx, PostgreSQL store, {kind}, concurrency {concurrency}, {total} requests")
        print(f"{'instances':<10}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'503s':>6}  audit rows per instance")
        for count in sorted({1, args.instances}):
            db = postgres.database()
            opened = open_engine(db)
            upgrade(opened)
            opened.close()
            servers = [
                start_server(folder / f"n{count}-{i}", args.workers, None, db, f"i{i}") for i in range(1, count + 1)
            ]
            nginx = Nginx(folder / f"nginx-{count}", [url.removeprefix("http://") for _, url, _ in servers])
            try:
                key = servers[0][2]
                run(nginx.url, key, kind, query, body, concurrency, concurrency)  # warm
                outcome = run(nginx.url, key, kind, query, body, concurrency, total)
                store = Store(db)
                spread = Counter(row.instance for row in store.audit_log(limit=10 * total))
                store.close()
            finally:
                nginx.stop()
                for process, _, _ in servers:
                    process.terminate()
                    process.wait(30)
            print(
                f"{count:<10}{outcome.rate:>8.2f}{statistics.median(outcome.latencies):>9.0f}"
                f"{percentile(outcome.latencies, 0.99):>9.0f}{outcome.refused:>6}  {dict(sorted(spread.items()))}"
            )
            if outcome.errors:
                print(f"   errors: {dict(outcome.errors)}")
    finally:
        postgres.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--requests", type=int, default=24, help="requests per concurrency level (at least 4 x concurrency)"
    )
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--runs", type=int, default=9, help="in-process renders timed per kind")
    parser.add_argument("--input", type=Path, default=get_settings().examples_dir / "jane-example.json")
    parser.add_argument(
        "--instances", type=int, metavar="N", help="instead: 1 and N instances on PostgreSQL behind nginx (issue 24)"
    )
    args = parser.parse_args()
    body = args.input.read_bytes()
    if args.instances:
        instances(args, body)
        return
    cases = [(kind, query) for kind, query in CASES if kind in KINDS]
    skipped = [kind for kind, _ in CASES if kind not in KINDS]

    local = {kind: in_process_ms(kind, query, body, args.runs) for kind, query in cases}
    print(f"input: {args.input.name}; {args.workers} render workers; {os.cpu_count()} cores")
    checked = []
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as folder:
        for queue, title in (
            (64, "queue 64: every request admitted, latency includes queueing"),
            (None, "default queue (2 x workers): beyond it, 503 and retry after Retry-After"),
        ):
            process, url, key = start_server(Path(folder), args.workers, queue)
            try:
                print(f"-- server with {title}")
                levels = CONCURRENCY if queue is not None else (CHECKED_CONCURRENCY,)
                rows = table(url, key, cases, body, levels, args.requests, local)
                checked += [
                    (
                        f"{label} at concurrency {CHECKED_CONCURRENCY}, {'queue 64' if queue else 'default queue'}",
                        outcome,
                    )
                    for label, outcome in rows
                ]
            finally:
                process.terminate()
                process.wait(30)
    if skipped:
        print(f"not served on this branch: {', '.join(skipped)}")
    print("p99 of a few dozen requests is close to their maximum; raise --requests for a finer tail.")
    results = [check(label, outcome) for label, outcome in checked]
    if not all(results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
