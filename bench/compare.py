"""docgen against WeasyPrint alone and warm headless Chromium, on the same final HTML, in one run.

    .venv/bin/python bench/compare.py [--members 20] [--rounds 3] [--baseline REV] [--no-chromium]

For N generated members it renders the confirmation statement and the ID card with
(a) docgen called from Python (`render_document`), (b) WeasyPrint alone on docgen's final HTML, (c) warm headless
Chromium (Debian `chromium`, driven by Playwright) printing the same HTML, and reports
documents per second and per CPU-second (Chromium's CPU counts its browser process tree),
then the ratios. `--baseline REV` checks REV out into a temporary folder and measures its docgen
the same way, in this same run.

Every engine runs in a long-lived process of its own, as the API's and the batch's workers do:
docgen (this checkout's and the baseline's) and WeasyPrint alone each in a subprocess that
renders on request and times itself, Chromium in its browser processes; no engine shares a heap
or a cycle collector with another. Each engine first renders
`WARM` members untimed; then, `--rounds` times, every engine in turn renders all N members, the
order rotating from round to round. This VM's speed drifts by up to 1.5x in phases lasting
seconds, so each engine's figure is its total over all rounds, and the docgen/baseline ratio is
also printed round by round to show the spread. Needs the `bench` extra
(`pip install -e '.[bench]'`) and `apt-get install chromium`; not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
KINDS = {"confirmation": {}, "id-card": {"member": "00"}}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
#: Untimed renders per engine and kind before the turns start: a fresh process's first few
#: renders are slower (fonts, caches, interpreter warm-up).
WARM = 3


@dataclass
class Measure:
    engine: str
    kind: str
    documents: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    #: (wall, CPU) of each round, for the round-by-round ratios.
    rounds: list[tuple[float, float]] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.documents / self.wall_s

    @property
    def per_cpu_second(self) -> float:
        return self.documents / self.cpu_s


class Engine(Protocol):
    name: str

    def render(self, kind: str, index: int) -> tuple[float, float]:
        """Render member `index` as `kind`; returns its (wall, CPU) seconds."""
        ...


def members(count: int, language: str | None = None) -> list[bytes]:
    """`count` distinct valid enrollments derived from the portal example (names, IDs vary), in
    `language` when given (participant.language, issue 22)."""
    base = json.loads((ROOT / "examples" / "jane-example.json").read_bytes())
    firsts = ["JANE", "MARIA", "CHEN", "OLUWASEUN", "ELIZABETH", "JOSE", "ANNA", "MOHAMMED", "SIOBHAN", "KAI"]
    inputs = []
    for index in range(count):
        data = copy.deepcopy(base)
        data["participant"]["participant_id"] = f"{779901600000 + index:012d}"
        data["participant"]["first_name"] = firsts[index % len(firsts)]
        data["participant"]["last_name"] = f"EXAMPLE{index:04d}"
        if language:
            data["participant"]["language"] = language
        inputs.append(json.dumps(data).encode())
    return inputs


class InProcess:
    """An engine running in the calling process: CPU is that process's."""

    def __init__(self, name: str, actions: dict[str, list[Callable[[], object]]]) -> None:
        self.name = name
        self._actions = actions

    def render(self, kind: str, index: int) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        self._actions[kind][index]()
        return time.perf_counter() - wall, time.process_time() - cpu


def write_pdf(html: str, base_url: str) -> Any:
    import weasyprint  # noqa: PLC0415

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def checkout_home() -> Path:
    """The docgen home of the checkout on sys.path, a baseline's included (SETTINGS before issue 19)."""
    import docgen.config as config  # noqa: PLC0415  (this checkout's, or PYTHONPATH's)

    settings = config.get_settings() if hasattr(config, "get_settings") else config.SETTINGS
    return Path(settings.home)


def checkout_pipeline() -> Any:
    """The module with render_document and document_html: documents/pipeline.py since issue 19."""
    import docgen.documents  # noqa: PLC0415  (this checkout's, or PYTHONPATH's)

    has_pipeline = importlib.util.find_spec("docgen.documents.pipeline") is not None
    return importlib.import_module("docgen.documents.pipeline") if has_pipeline else docgen.documents


def checkout_collector() -> Any:
    """How the checkout's entry points hold the cycle collector per document (render.collector
    since issue 19); before it the engine held it inside each render, so nothing to add."""
    import docgen.render  # noqa: PLC0415  (this checkout's, or PYTHONPATH's)

    if hasattr(docgen.render, "__path__") and importlib.util.find_spec("docgen.render.collector") is not None:
        return importlib.import_module("docgen.render.collector").collector_held
    return contextlib.nullcontext


def checkout_html(pipeline: Any) -> Callable[[str, bytes, Any], str]:
    """document_html as (kind, data, options): since issue 19 it takes the prepared document."""
    if hasattr(pipeline, "prepare"):
        return lambda kind, data, options: pipeline.document_html(pipeline.prepare(kind, data, options))
    return pipeline.document_html  # type: ignore[no-any-return]


def use_checkout_fonts() -> None:
    """Bundled fonts only: an explicit call since issue 19, done at import before it."""
    import docgen.render  # noqa: PLC0415  (this checkout's, or PYTHONPATH's)

    if hasattr(docgen.render, "__path__"):  # render/ is a package
        importlib.import_module("docgen.render.engine").use_bundled_fonts()
    elif hasattr(docgen.render, "use_bundled_fonts"):
        docgen.render.use_bundled_fonts()


def held_render(render: Callable[..., object], *args: object) -> object:
    """One document rendered as docgen's entry points render it (the collector held per document)."""
    with checkout_collector()():
        return render(*args)


def docgen_engines(count: int) -> list[InProcess]:
    """docgen in-process, and WeasyPrint alone on docgen's final HTML (this checkout's, or DOCGEN_HOME's)."""
    pipeline = checkout_pipeline()
    document_html, render_document = checkout_html(pipeline), pipeline.render_document

    use_checkout_fonts()
    inputs = members(count)
    base_url = checkout_home().as_uri() + "/"
    docgen: dict[str, list[Callable[[], object]]] = {}
    alone: dict[str, list[Callable[[], object]]] = {}
    for kind, options in KINDS.items():
        docgen[kind] = [partial(held_render, render_document, kind, data, options or None) for data in inputs]
        alone[kind] = [partial(write_pdf, document_html(kind, data, options or None), base_url) for data in inputs]
    return [InProcess("docgen", docgen), InProcess("weasyprint", alone)]


def tree_cpu(roots: list[int]) -> float:
    """User + system CPU of the processes `roots` and their descendants, each counted once.

    A process that has exited and been reaped counts in its parent's children_* times, so
    Chromium's short-lived helpers are not lost.
    """
    import psutil  # noqa: PLC0415  (bench extra)

    processes: dict[int, Any] = {}
    for pid in roots:
        try:
            root = psutil.Process(pid)
            for process in [root, *root.children(recursive=True)]:
                processes[process.pid] = process
        except psutil.NoSuchProcess:
            continue
    total = 0.0
    for process in processes.values():
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


class Chromium:
    """Warm headless Chromium printing docgen's final HTML.

    CPU is the browser's process tree (browser, zygotes, GPU, utility and renderer processes),
    each process counted once; Playwright's Node driver, which relays the commands, is not
    counted. Wall time is this script's, Playwright's messaging included.
    """

    name = "chromium"

    def __init__(self, count: int, stack: ExitStack) -> None:
        import psutil  # noqa: PLC0415

        document_html = checkout_pipeline().document_html

        browser = stack.enter_context(chromium())
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-")))
        self._page = browser.new_page()
        # The browser's root: a chromium process whose parent (Playwright's driver) is not one.
        ours = psutil.Process().children(recursive=True)
        self._browser = [
            process.pid
            for process in ours
            if process.name().startswith("chrom") and not process.parent().name().startswith("chrom")
        ]
        if not self._browser:
            raise RuntimeError("no chromium process found under Playwright's driver")
        self._files: dict[str, list[Path]] = {}
        inputs = members(count)
        for kind, options in KINDS.items():
            self._files[kind] = []
            for index, data in enumerate(inputs):
                path = folder / f"{kind}-{index}.html"
                path.write_text(document_html(kind, data, options or None))
                self._files[kind].append(path)

    def render(self, kind: str, index: int) -> tuple[float, float]:
        cpu = tree_cpu(self._browser)
        wall = time.perf_counter()  # after the /proc scan, which is not the browser's time
        self._page.goto(self._files[kind][index].as_uri(), wait_until="load")
        self._page.pdf(prefer_css_page_size=True, print_background=True)
        wall = time.perf_counter() - wall
        return wall, tree_cpu(self._browser) - cpu


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (bench extra)

    profile = tempfile.mkdtemp(prefix="docgen-chromium-")
    with sync_playwright() as driver:
        browser = driver.chromium.launch_persistent_context(
            profile,
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        try:
            yield browser
        finally:
            browser.close()
            shutil.rmtree(profile, ignore_errors=True)


def prepare_baseline(rev: str) -> Path:
    """Check REV out into a temporary folder (a detached git worktree)."""
    folder = Path(tempfile.mkdtemp(prefix="docgen-baseline-"))
    try:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), rev], check=True, capture_output=True
        )
    except subprocess.CalledProcessError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def remove_baseline(folder: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], capture_output=True)


class Served:
    """docgen (or WeasyPrint alone on its HTML) in a subprocess of its own, rendering on request.

    Every engine gets a process of its own, this checkout's as well as the baseline's, so none
    profits from another's warm caches. The subprocess times each render itself, so the
    pipe's cost is not counted.
    """

    def __init__(self, name: str, engine: str, home: Path, count: int, stack: ExitStack) -> None:
        self.name = name
        env = {**os.environ, "PYTHONPATH": str(home / "src"), "DOCGEN_HOME": str(home)}
        self._process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--members", str(count), "--serve", engine],
            env=env,
            cwd=home,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(self._stop)

    def render(self, kind: str, index: int) -> tuple[float, float]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(f"{kind} {index}\n")
        self._process.stdin.flush()
        reply = self._process.stdout.readline()
        if not reply:
            raise RuntimeError(f"{self.name} exited ({self._process.wait()})")
        wall, cpu = json.loads(reply)
        return wall, cpu

    def _stop(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def serve(engine_name: str, count: int) -> None:
    """A subprocess engine: render `kind index` lines, reply [wall, CPU] as JSON lines."""
    replies, sys.stdout = sys.stdout, sys.stderr  # nothing else may write into the replies
    (engine,) = (engine for engine in docgen_engines(count) if engine.name == engine_name)
    for line in sys.stdin:
        kind, index = line.split()
        print(json.dumps(engine.render(kind, int(index))), file=replies, flush=True)


def take_turns(engines: list[Engine], count: int, rounds: int) -> list[Measure]:
    """Each round, every engine in turn renders all `count` members; totals per engine and kind."""
    results: dict[tuple[str, str], Measure] = {}
    for kind in KINDS:
        for engine in engines:
            for index in range(min(WARM, count)):
                engine.render(kind, index)
            results[(engine.name, kind)] = Measure(engine.name, kind)
        for round_no in range(rounds):
            # Rounds go in pairs, forward then backward (ABCD DCBA), each pair rotated by one:
            # every engine goes early and late, and follows each of the others.
            shift = (round_no // 2) % len(engines)
            order = engines[shift:] + engines[:shift]
            for engine in order if round_no % 2 == 0 else order[::-1]:
                turn = [engine.render(kind, index) for index in range(count)]
                wall, cpu = sum(each[0] for each in turn), sum(each[1] for each in turn)
                row = results[(engine.name, kind)]
                row.documents += count
                row.wall_s += wall
                row.cpu_s += cpu
                row.rounds.append((wall, cpu))
    return list(results.values())


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
                print(
                    f"  {kind:<13} docgen / {other:<10} {docgen.per_cpu_second / row.per_cpu_second:5.2f}x"
                    f"  [{docgen.per_second / row.per_second:5.2f}x]"
                )
        weasy = by[("weasyprint", kind)]
        print(
            f"  {kind:<13} docgen overhead over WeasyPrint alone:"
            f" {weasy.per_cpu_second / docgen.per_cpu_second:5.2f}x CPU"
        )
        if ("baseline", kind) in by:
            each = [base[1] / own[1] for own, base in zip(docgen.rounds, by[("baseline", kind)].rounds, strict=True)]
            print(
                f"  {kind:<13} docgen / baseline per CPU-second, round by round: "
                + " ".join(f"{ratio:.2f}" for ratio in each)
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--baseline", metavar="REV", help="also measure this earlier commit's docgen")
    parser.add_argument("--rounds", type=int, default=3, help="render every member this many times per engine")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--serve", choices=["docgen", "weasyprint"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.members)
        return
    folder = prepare_baseline(args.baseline) if args.baseline else None
    try:
        with ExitStack() as stack:
            engines: list[Engine] = [
                Served("docgen", "docgen", ROOT, args.members, stack),
                Served("weasyprint", "weasyprint", ROOT, args.members, stack),
            ]
            if folder is not None:
                engines.append(Served("baseline", "docgen", folder, args.members, stack))
            if not args.no_chromium:
                engines.append(Chromium(args.members, stack))
            rows = take_turns(engines, args.members, args.rounds)
    finally:
        if folder is not None:
            remove_baseline(folder)
    report(rows)


if __name__ == "__main__":
    main()
