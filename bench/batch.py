"""Mailroom batch throughput: statements and pages per second, peak memory, bytes per piece, cost vs one render.

    .venv/bin/python bench/batch.py [--records 500 5000] [--workers 1 2] [--kind confirmation]

For each record count it writes a synthetic input (docgen.batch.sample: 1% invalid) and runs the
real `docgen batch` command once per worker count, timing wall clock and CPU (the command and
all its worker processes) and sampling the whole process tree's resident memory every 0.2 s
against the pieces done (read from the job's SQLite file), so it also prints how memory moves
through the run: peak RSS of the main process, of the largest worker and of all processes
during the scan and up to 10%, 25%, 50%, 75% and 100% of the pieces (the last band includes
the final print file and the reports). The single-render baseline is `docgen render` of one
statement: its CPU as a cold command, and docgen's warm in-process render, so the ratio shows
what batching costs or saves per statement. Not part of `make test`; one run of 500 records
takes minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from docgen.batch.job import DB_NAME
from docgen.batch.sample import lines, write_jsonl
from docgen.documents.pipeline import render_document, start_rendering

DOCGEN = Path(sys.executable).with_name("docgen")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: Progress points of the memory curve: fractions of the pieces done.
BANDS = (0.10, 0.25, 0.50, 0.75, 1.00)


def _pieces_done(db: Path) -> tuple[int, int] | None:
    """(pieces rendered or failed, pieces) from the job's SQLite file; None before the presort."""
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as connection:
            done, total = connection.execute(
                "SELECT count(*) FILTER (WHERE sha256 IS NOT NULL OR failed = 1), count(*) FROM pieces"
            ).fetchone()
    except sqlite3.Error:
        return None
    return (int(done), int(total)) if total else None


class TreeMemory:
    """Resident memory of a process and its descendants, sampled every 0.2 s against progress."""

    def __init__(self, pid: int, db: Path) -> None:
        self.peak_total = 0
        self.peak_main = 0
        #: (fraction of pieces done or -1 while scanning, main RSS, largest child RSS, all RSS, children)
        self.samples: list[tuple[float, int, int, int, int]] = []
        self._db = db
        self._root = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        tick = 0
        progress = -1.0
        while not self._stop.wait(0.2):
            if tick % 5 == 0:  # progress once a second: the query is cheap, but not free
                counts = _pieces_done(self._db)
                progress = counts[0] / counts[1] if counts else progress
            tick += 1
            try:
                main = self._root.memory_info().rss
                children = [c.memory_info().rss for c in self._root.children(recursive=True)]
            except psutil.Error:
                continue
            total = main + sum(children)
            self.peak_main = max(self.peak_main, main)
            self.peak_total = max(self.peak_total, total)
            self.samples.append((progress, main, max(children, default=0), total, len(children)))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def curve(self) -> str:
        """Peak RSS (MB) of the main process / the largest child / all processes, by band of progress."""
        peaks: dict[str, tuple[int, ...]] = {}
        for progress, *values in self.samples:
            band = "scan" if progress < 0 else f"<={next(b for b in BANDS if progress <= b):.0%}"
            peaks[band] = tuple(max(pair) for pair in zip(peaks.get(band, (0, 0, 0, 0)), values, strict=True))
        return "; ".join(
            f"{band} {main / 2**20:.0f}/{child / 2**20:.0f}/{total / 2**20:.0f} ({count} children)"
            for band, (main, child, total, count) in peaks.items()
        )


def run_batch(source: Path, out: Path, workers: int, kind: str) -> dict[str, Any]:
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            str(DOCGEN),
            "batch",
            str(source),
            "--kind",
            kind,
            "--out",
            str(out),
            "--workers",
            str(workers),
            "--mailer-id",
            "123456",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    memory = TreeMemory(process.pid, out / DB_NAME)
    status = process.wait()
    wall = time.perf_counter() - started
    memory.stop()
    if status != 0:
        raise SystemExit(f"docgen batch failed with status {status}")
    summary = json.loads((out / "summary.json").read_text())
    file_bytes = sum(p.stat().st_size for p in out.glob("print-*.pdf"))
    return {
        "wall_s": wall,
        "cpu_s": _children_cpu() - cpu_before,
        "printed": summary["printed"],
        "pages": summary["pages"],
        "statements_per_s": summary["printed"] / wall,
        "pages_per_s": summary["pages"] / wall,
        "bytes_per_piece": file_bytes / max(summary["printed"], 1),
        "peak_rss_total_mb": memory.peak_total / 2**20,
        "peak_rss_main_mb": memory.peak_main / 2**20,
        "curve": memory.curve(),
    }


def single_render_costs(kind: str, folder: Path) -> tuple[float, float]:
    """(CPU s of one cold `docgen render` command, warm in-process render CPU s), medians."""
    record = folder / "one.json"
    record.write_text(next(lines(1, seed=1)))
    cold = []
    for _ in range(3):
        before = _children_cpu()
        subprocess.run([str(DOCGEN), "render", kind, str(record), "-o", str(folder / "one.pdf")], check=True)
        cold.append(_children_cpu() - before)
    data = record.read_bytes()
    render_document(kind, data)
    warm = []
    for _ in range(5):
        before = time.process_time()
        render_document(kind, data)
        warm.append(time.process_time() - before)
    return statistics.median(cold), statistics.median(warm)


def main() -> None:
    start_rendering()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[500])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--kind", default="confirmation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-batch-") as tmp:
        folder = Path(tmp)
        cold, warm = single_render_costs(args.kind, folder)
        print(
            f"single render: {cold * 1000:.0f} ms CPU as a `docgen render` command,"
            f" {warm * 1000:.0f} ms warm in-process"
        )
        for count in args.records:
            source = write_jsonl(folder / f"input-{count}.jsonl", count, invalid=count // 100)
            for workers in args.workers:
                figures = run_batch(source, folder / f"out-{count}-{workers}", workers, args.kind)
                per_statement = figures["cpu_s"] / figures["printed"]
                print(
                    f"{count} records, {workers} worker(s): {figures['printed']:.0f} statements,"
                    f" {figures['pages']:.0f} pages"
                    f" in {figures['wall_s']:.1f} s = {figures['statements_per_s']:.2f} statements/s,"
                    f" {figures['pages_per_s']:.2f} pages/s;"
                    f" peak RSS {figures['peak_rss_total_mb']:.0f} MB all processes"
                    f" ({figures['peak_rss_main_mb']:.0f} MB main);"
                    f" {figures['bytes_per_piece'] / 1024:.1f} KiB per piece;"
                    f" {per_statement * 1000:.0f} ms CPU per statement = {per_statement / cold:.2f} x a `docgen render`"
                    f" command, {per_statement / warm:.2f} x a warm render",
                    flush=True,
                )
                print(f"  peak RSS MB main/largest worker/all by progress: {figures['curve']}", flush=True)


if __name__ == "__main__":
    main()
