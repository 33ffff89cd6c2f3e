"""ID card benchmark: median warm ms per card as PDF and as PNG, and PNG throughput per core.

    .venv/bin/python bench/card.py [--runs 21] [--input examples/jane-example.json]

Throughput per core is PNG cards per CPU-second of this one process (rendering is CPU-bound
and single-threaded, so N cores give about N times this with N worker processes).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from docgen.config import get_settings
from docgen.documents.pipeline import prepare, render, start_rendering


def main() -> None:
    start_rendering()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--input", type=Path, default=get_settings().examples_dir / "jane-example.json")
    args = parser.parse_args()
    data = args.input.read_bytes()
    variants = {"pdf": {"member": "00"}, "png": {"member": "00", "format": "png", "side": "back"}}
    for options in variants.values():  # warm: fonts, templates, barcode encoder
        render(prepare("id-card", data, options))
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.runs):
        for name, options in variants.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            render(prepare("id-card", data, options))
            wall[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - cpu_started) * 1000)
    print(f"input: {args.input.name}, {args.runs} warm runs each, median")
    for name in variants:
        print(
            f"id-card {name}: {statistics.median(wall[name]):7.1f} ms wall, {statistics.median(cpu[name]):7.1f} ms CPU"
        )
    png_per_cpu_second = 1000 / statistics.median(cpu["png"])
    print(f"PNG throughput: {png_per_cpu_second:.2f} cards per CPU-second (per core)")
    print(f"PNG / PDF cost: {statistics.median(cpu['png']) / statistics.median(cpu['pdf']):.2f}x")


if __name__ == "__main__":
    main()
