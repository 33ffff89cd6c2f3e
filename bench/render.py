"""Warm render time per document kind, and docgen's overhead over WeasyPrint alone on the same HTML.

    .venv/bin/python bench/render.py [--runs N] [--input examples/jane-example.json]

Only the kinds of the input's shape are timed (examples/mary.json: tax-savings).

docgen's full render (parse, rules, view, Jinja, confined fetcher, PDF) is timed against
WeasyPrint rendering docgen's final HTML with its default settings; both in one process,
interleaved, so the ratio is measured under the same conditions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint

from docgen.config import get_settings
from docgen.documents import kinds_for
from docgen.documents.pipeline import document_html, prepare, render_document, start_rendering
from docgen.documents.shapes import shape_of


def interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], runs: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (wall ms, CPU ms) of each action, alternating them so drift hits both alike."""
    walls: tuple[list[float], list[float]] = ([], [])
    cpus: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for index, action in enumerate((first, second)):
            wall, cpu = time.perf_counter(), time.process_time()
            action()
            walls[index].append((time.perf_counter() - wall) * 1000)
            cpus[index].append((time.process_time() - cpu) * 1000)
    return (
        (statistics.median(walls[0]), statistics.median(cpus[0])),
        (statistics.median(walls[1]), statistics.median(cpus[1])),
    )


def main() -> None:
    start_rendering()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--input", type=Path, default=get_settings().examples_dir / "jane-example.json")
    args = parser.parse_args()
    data = args.input.read_bytes()
    base_url = get_settings().home.as_uri() + "/"

    print(f"input: {args.input.name}, {args.runs} warm runs each, median")
    print(
        f"{'kind':<22}{'docgen wall/cpu ms':>20}{'weasyprint wall/cpu ms':>24}"
        f"{'overhead (cpu)':>16}{'overhead (wall)':>17}"
    )
    shape = shape_of(json.loads(data))
    if shape is None:
        parser.error(f"{args.input} is not a docgen input shape")
    for kind in (k.name for k in kinds_for(shape)):
        html = document_html(prepare(kind, data))

        def full(kind: str = kind) -> bytes:
            return render_document(kind, data)

        def alone(html: str = html) -> bytes | None:
            return weasyprint.HTML(string=html, base_url=base_url).write_pdf()  # type: ignore[no-any-return]

        for _ in range(2):  # warm caches: fonts, templates, CSS parser
            full()
            alone()
        (docgen_wall, docgen_cpu), (weasy_wall, weasy_cpu) = interleaved_medians(full, alone, args.runs)
        print(
            f"{kind:<22}{docgen_wall:>11.1f} / {docgen_cpu:<6.1f}{weasy_wall:>15.1f} / {weasy_cpu:<6.1f}"
            f"{docgen_cpu / weasy_cpu:>15.2f}x{docgen_wall / weasy_wall:>16.2f}x"
        )


if __name__ == "__main__":
    main()
