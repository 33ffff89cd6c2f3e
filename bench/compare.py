"""docgen against WeasyPrint alone and warm headless Chromium, on the same final HTML, in one run.

    .venv/bin/python bench/compare.py [--members 20] [--rounds 3] [--baseline REV] [--no-chromium]

For N generated members it renders the confirmation statement and the ID card with
(a) docgen in-process, (b) WeasyPrint alone on docgen's final HTML, (c) warm headless
Chromium (Debian `chromium`, driven by Playwright) printing the same HTML, and reports
documents per second and per CPU-second (Chromium's CPU counts its whole process tree),
then the ratios. `--baseline REV` checks REV out into a temporary folder and measures its
docgen the same way, in a subprocess, in this same run. Each engine is measured in every one
of `--rounds` rounds, the engines taking turns within a round, and keeps its least CPU: load
from other processes only ever adds time, so the minimum is the least disturbed figure. Needs the `bench` extra
(`pip install -e '.[bench]'`) and `apt-get install chromium`; not part of `make test`.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"confirmation": {}, "id-card": {"member": "00"}}
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


@dataclass
class Measure:
    engine: str
    kind: str
    documents: int
    wall_s: float
    cpu_s: float

    @property
    def per_second(self) -> float:
        return self.documents / self.wall_s

    @property
    def per_cpu_second(self) -> float:
        return self.documents / self.cpu_s


def members(count: int) -> list[bytes]:
    """`count` distinct valid enrollments derived from the portal example (names, IDs vary)."""
    base = json.loads((ROOT / "examples" / "jane-example.json").read_bytes())
    firsts = ["JANE", "MARIA", "CHEN", "OLUWASEUN", "ELIZABETH", "JOSE", "ANNA", "MOHAMMED", "SIOBHAN", "KAI"]
    inputs = []
    for index in range(count):
        data = copy.deepcopy(base)
        data["participant"]["participant_id"] = f"{779901600000 + index:012d}"
        data["participant"]["first_name"] = firsts[index % len(firsts)]
        data["participant"]["last_name"] = f"EXAMPLE{index:04d}"
        inputs.append(json.dumps(data).encode())
    return inputs


def cpu_of(pids: list[int]) -> float:
    import psutil  # noqa: PLC0415  (bench extra)

    total = 0.0
    for pid in pids:
        try:
            process = psutil.Process(pid)
            for member in [process, *process.children(recursive=True)]:
                times = member.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def timed(engine: str, kind: str, actions: list[Callable[[], object]], extra_cpu: Callable[[], float]) -> Measure:
    for action in actions[:2]:  # warm
        action()
    wall, cpu, other = time.perf_counter(), time.process_time(), extra_cpu()
    for action in actions:
        action()
    return Measure(engine, kind, len(actions), time.perf_counter() - wall,
                   time.process_time() - cpu + extra_cpu() - other)


def measure_docgen(count: int) -> list[Measure]:
    """docgen in-process and WeasyPrint alone on docgen's HTML (this checkout's, or DOCGEN_HOME's)."""
    import weasyprint  # noqa: PLC0415

    from docgen.config import SETTINGS  # noqa: PLC0415
    from docgen.documents import document_html, render_document  # noqa: PLC0415

    inputs = members(count)
    results = []
    for kind, options in KINDS.items():
        results.append(timed("docgen", kind, [
            (lambda data=data: render_document(kind, data, options or None)) for data in inputs
        ], lambda: 0.0))
        pages = [document_html(kind, data, options or None) for data in inputs]
        base_url = SETTINGS.home.as_uri() + "/"
        results.append(timed("weasyprint", kind, [
            (lambda html=html: weasyprint.HTML(string=html, base_url=base_url).write_pdf()) for html in pages
        ], lambda: 0.0))
    return results


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (bench extra)

    profile = tempfile.mkdtemp(prefix="docgen-chromium-")
    with sync_playwright() as driver:
        browser = driver.chromium.launch_persistent_context(
            profile, executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True, args=CHROMIUM_FLAGS,
        )
        try:
            yield browser
        finally:
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)


def measure_chromium(count: int) -> list[Measure]:
    import psutil  # noqa: PLC0415

    from docgen.documents import document_html  # noqa: PLC0415

    inputs = members(count)
    results = []
    with chromium() as browser, tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-") as folder:
        page = browser.new_page()
        me = psutil.Process()
        browser_pids = [child.pid for child in me.children(recursive=True)]
        for kind, options in KINDS.items():
            files = []
            for index, data in enumerate(inputs):
                path = Path(folder) / f"{kind}-{index}.html"
                path.write_text(document_html(kind, data, options or None))
                files.append(path)

            def print_pdf(path: Path) -> bytes:
                page.goto(path.as_uri(), wait_until="load")
                return page.pdf(prefer_css_page_size=True, print_background=True)

            results.append(timed("chromium", kind, [(lambda path=path: print_pdf(path)) for path in files],
                                 lambda: cpu_of(browser_pids)))
    return results


def prepare_baseline(rev: str) -> Path:
    """Check REV out into a temporary folder (a detached git worktree)."""
    folder = Path(tempfile.mkdtemp(prefix="docgen-baseline-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev],
                   check=True, capture_output=True)
    return folder


def remove_baseline(folder: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], capture_output=True)


def measure_baseline(folder: Path, count: int) -> list[Measure]:
    """Measure the checked-out baseline's docgen with this interpreter, in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(folder / "src"), "DOCGEN_HOME": str(folder)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--members", str(count), "--docgen-json"],
        env=env, cwd=folder, capture_output=True, text=True, check=True,
    )
    return [Measure(**row) for row in json.loads(done.stdout)]


def report(rows: list[Measure]) -> None:
    print(f"{'engine':<12}{'kind':<14}{'docs':>6}{'docs/s':>9}{'docs/CPU-s':>12}")
    for row in rows:
        print(f"{row.engine:<12}{row.kind:<14}{row.documents:>6}{row.per_second:>9.2f}{row.per_cpu_second:>12.2f}")
    by = {(row.engine, row.kind): row for row in rows}
    print("\nratios (per CPU-second; wall in brackets)")
    for kind in KINDS:
        docgen = by[("docgen", kind)]
        for other in ("weasyprint", "chromium", "baseline"):
            if (other, kind) in by:
                row = by[(other, kind)]
                print(f"  {kind:<13} docgen / {other:<10} {docgen.per_cpu_second / row.per_cpu_second:5.2f}x"
                      f"  [{docgen.per_second / row.per_second:5.2f}x]")
        weasy = by[("weasyprint", kind)]
        print(f"  {kind:<13} docgen overhead over WeasyPrint alone: {weasy.per_cpu_second / docgen.per_cpu_second:5.2f}x CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--baseline", metavar="REV", help="also measure this earlier commit's docgen")
    parser.add_argument("--rounds", type=int, default=3, help="measure every engine this many times, keep the least CPU")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--docgen-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.docgen_json:
        print(json.dumps([asdict(row) for row in measure_docgen(args.members)]))
        return
    rounds: list[list[Measure]] = []
    baseline = prepare_baseline(args.baseline) if args.baseline else None
    try:
        for _ in range(args.rounds):
            rows = measure_docgen(args.members)
            if baseline is not None:
                for row in measure_baseline(baseline, args.members):
                    if row.engine == "docgen":
                        rows.append(Measure("baseline", row.kind, row.documents, row.wall_s, row.cpu_s))
            if not args.no_chromium:
                rows += measure_chromium(args.members)
            rounds.append(rows)
    finally:
        if baseline is not None:
            remove_baseline(baseline)
    report(least_cpu(rounds))


def least_cpu(rounds: list[list[Measure]]) -> list[Measure]:
    """Each (engine, kind)'s round with the least CPU, in the first round's order."""
    best: dict[tuple[str, str], Measure] = {}
    for rows in rounds:
        for row in rows:
            key = (row.engine, row.kind)
            if key not in best or row.cpu_s < best[key].cpu_s:
                best[key] = row
    return [best[(row.engine, row.kind)] for row in rounds[0]]


if __name__ == "__main__":
    main()
