"""Batch fixtures: sample inputs and finished jobs, shared because each costs a real run."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from docgen.batch import imb
from docgen.batch.marks import (
    MARK_LEFT_IN,
    MARK_MODULE_IN,
    MARK_MODULES,
    Mark,
    parse_mark,
)
from docgen.batch.piece import PieceTask, mailing_html
from docgen.batch.run import BatchOptions, BatchResult, run_batch
from docgen.batch.sample import write_jsonl
from docgen.config import get_settings
from docgen.render.engine import PDF_VARIANT, _layout

DOCGEN = Path(sys.executable).with_name("docgen")
MAILER_ID = "123456"


@dataclass(frozen=True)
class FinishedJob:
    input: Path
    out: Path
    result: BatchResult
    piece_limit: int


def run_job(
    source: Path, out: Path, piece_limit: int, workers: int | None = None, scheduler: str | None = None
) -> BatchResult:
    return run_batch(
        BatchOptions(
            input=source,
            kind="confirmation",
            out=out,
            piece_limit=piece_limit,
            mailer_id=MAILER_ID,
            workers=workers,
            scheduler=scheduler,
            progress=io.StringIO(),
        )
    )


@pytest.fixture(scope="session")
def job100(tmp_path_factory: pytest.TempPathFactory) -> FinishedJob:
    """About a hundred records, five of them invalid, in print files of at most 40 pieces."""
    folder = tmp_path_factory.mktemp("job100")
    source = write_jsonl(folder / "input.jsonl", 100, invalid=5)
    result = run_job(source, folder / "out", piece_limit=40, workers=2)
    return FinishedJob(source, folder / "out", result, 40)


@pytest.fixture(scope="session")
def small_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """24 records, two invalid: the input of the kill-and-resume and cluster runs."""
    return write_jsonl(tmp_path_factory.mktemp("small") / "input.jsonl", 24, invalid=2, seed=11)


SMALL_LIMIT = 8


@pytest.fixture(scope="session")
def small_job(small_input: Path, tmp_path_factory: pytest.TempPathFactory) -> FinishedJob:
    """The uninterrupted local run every resumed or distributed run must reproduce."""
    out = tmp_path_factory.mktemp("small-local") / "out"
    return FinishedJob(small_input, out, run_job(small_input, out, SMALL_LIMIT, workers=2), SMALL_LIMIT)


def take_rejections(caplog: pytest.LogCaptureFixture) -> list[int]:
    """Line numbers of the records a run reported rejected (ERROR, by design); clears them."""
    lines = [int(r.args[0]) for r in caplog.records if r.name == "docgen" and r.msg.startswith("record at line")]  # type: ignore[index,arg-type]
    caplog.clear()
    return lines


def batch_command(source: Path, out: Path, piece_limit: int, *extra: str) -> list[str]:
    return [
        str(DOCGEN),
        "batch",
        str(source),
        "--kind",
        "confirmation",
        "--out",
        str(out),
        "--piece-limit",
        str(piece_limit),
        "--mailer-id",
        MAILER_ID,
        *extra,
    ]


def assert_same_job(out: Path, expected: FinishedJob) -> None:
    """`out` holds exactly what the uninterrupted run `expected` wrote, every piece once, no leftovers."""
    for name in ("manifest.csv", "summary.json", "errors.jsonl"):
        assert (out / name).read_bytes() == (expected.out / name).read_bytes(), name
    print_files = sorted(expected.out.glob("print-*.pdf"))
    assert sorted(p.name for p in out.glob("print-*.pdf")) == [p.name for p in print_files]
    pieces: list[int] = []
    for print_file in print_files:
        assert (out / print_file.name).read_bytes() == print_file.read_bytes(), print_file.name
        pieces += [mark.piece for mark in decode_marks(out / print_file.name) if mark.page == 1]
    assert pieces == list(range(1, expected.result.totals.printed + 1)), "every piece exactly once, in order"
    assert not (out / ".spool").exists() and not list(out.glob(".*.part"))


def spooled(out: Path, count: int) -> Callable[[], bool]:
    """True once `count` rendered pieces wait in the run's spool: the run is rendering."""
    return lambda: len(list((out / ".spool").glob("piece-*.pdf"))) >= count


@contextmanager
def process_group(command: list[str]) -> Iterator[subprocess.Popen[str]]:
    """A real process (`docgen batch`, a script) leading its own group; whatever of the group
    is left is killed after."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate(timeout=60)


def wait_for(process: subprocess.Popen[str], condition: Callable[[], bool], timeout_s: float = 120) -> None:
    """Poll `condition` while `process` runs; fail if it ends or times out first."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert process.poll() is None, f"the run ended (exit {process.returncode}) before the condition held"
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.005)


def group_members(leader: int) -> dict[int, str]:
    """Live (not zombie) processes of process group `leader`, pid -> command line, from Linux /proc."""
    members = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # exited meanwhile
        # Fields after "(comm)": state, ppid, pgrp, ... (proc(5)).
        state, _ppid, group = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(group) == leader and state != "Z":
            members[int(entry.name)] = command
    return members


def survivors(leader: int, grace_s: float = 2.0) -> dict[int, str]:
    """The members of process group `leader` still alive `grace_s` seconds from now, or none sooner."""
    deadline = time.monotonic() + grace_s
    while (members := group_members(leader)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return members


def decode_marks(pdf_path: Path, dpi: int = 300) -> list[Mark]:
    """The inserter mark of every page, decoded by zxing-cpp from the rasterized corner."""
    margin_pt = (MARK_LEFT_IN + (MARK_MODULES + 4) * MARK_MODULE_IN) * 72
    document = pdfium.PdfDocument(pdf_path)
    marks = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            corner = page.render(scale=dpi / 72, crop=(0, 0, width - margin_pt, height - margin_pt)).to_pil()
            found = zxingcpp.read_barcodes(corner, formats=zxingcpp.BarcodeFormat.DataMatrix)
            assert len(found) == 1, f"{pdf_path.name} page {index + 1}: {len(found)} marks decoded"
            marks.append(parse_mark(found[0].text))
            page.close()
    finally:
        document.close()
    return marks


def one_document(job: FinishedJob, file: str) -> bytes:
    """The statements of a print file (same records, same IMb) laid out and written as ONE
    WeasyPrint document: one font subset per face, the size issue 9 holds print files to. Tagged,
    as every statement is written since issue 21: the pieces' marked content is in both."""
    records: dict[str, bytes] = {}
    with job.input.open("rb") as handle:
        for line in handle:
            try:
                records[json.loads(line)["participant"]["participant_id"]] = line
            except (ValueError, KeyError):
                continue  # the invalid records: never printed
    mailer = imb.parse_mailer_id(MAILER_ID)
    documents = []
    with (job.out / "manifest.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["file"] == file:
                piece = int(row["piece"])
                tracking = imb.tracking_code(mailer, piece, imb.DEFAULT_SERVICE_TYPE)
                task = PieceTask(job.result.job_id, piece, "confirmation", records[row["participant_id"]], tracking)
                documents.append(_layout(mailing_html(task), get_settings()))
    pages = [page for document in documents for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
