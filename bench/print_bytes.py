"""Print-file bytes of a batch against the same statements rendered as one WeasyPrint document.

    .venv/bin/python bench/print_bytes.py [--records 100 500] [--workers 2] [--kind confirmation]

For each record count it writes a synthetic input (docgen.batch.sample, all valid), runs the real
`docgen batch` command (default piece limit, 500) and then, in this process, lays out every
printed piece's mailing variant (same record, same IMb) and writes all their pages as ONE
document (`Document.copy(all_pages).write_pdf()`, tagged as every statement is: one font subset
per face). It prints the bytes of each print file, of the one document, and their ratio (issue 9:
at most 1.3). The print file also carries the inserter marks and blank backs the one document
lacks, and the one document the structure tree the print file drops. Not part of `make test`:
500 records take minutes on 2 cores and ~2 GB for the one-document layout.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from docgen.batch import imb
from docgen.batch.piece import PieceTask, mailing_html
from docgen.batch.sample import write_jsonl
from docgen.config import get_settings
from docgen.documents.pipeline import start_rendering
from docgen.render.engine import PDF_VARIANT, _layout

DOCGEN = Path(sys.executable).with_name("docgen")
MAILER_ID = "123456"


def run_batch(source: Path, out: Path, workers: int, kind: str) -> float:
    started = time.perf_counter()
    subprocess.run(
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
            MAILER_ID,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def one_document(source: Path, out: Path, kind: str) -> dict[str, bytes]:
    """Per print file: its statements (manifest order, same IMb) rendered as one document."""
    records = {}
    with source.open("rb") as handle:
        for line in handle:
            records[json.loads(line)["participant"]["participant_id"]] = line
    mailer = imb.parse_mailer_id(MAILER_ID)
    by_file: dict[str, list[Any]] = {}
    with (out / "manifest.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            piece = int(row["piece"])
            task = PieceTask(
                "0" * 12,
                piece,
                kind,
                records[row["participant_id"]],
                imb.tracking_code(mailer, piece, imb.DEFAULT_SERVICE_TYPE),
            )
            by_file.setdefault(row["file"], []).append(_layout(mailing_html(task), get_settings()))
    pdfs = {}
    for name, documents in by_file.items():
        pages = [page for document in documents for page in document.pages]
        pdfs[name] = documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)  # tagged, as every statement
    return pdfs


def main() -> None:
    start_rendering()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kind", default="confirmation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-bench-bytes-") as tmp:
        folder = Path(tmp)
        for count in args.records:
            source = write_jsonl(folder / f"input-{count}.jsonl", count)
            out = folder / f"out-{count}"
            wall = run_batch(source, out, args.workers, args.kind)
            started = time.perf_counter()
            one = one_document(source, out, args.kind)
            one_s = time.perf_counter() - started
            batch_bytes = one_bytes = 0
            for name, pdf in sorted(one.items()):
                size = (out / name).stat().st_size
                batch_bytes, one_bytes = batch_bytes + size, one_bytes + len(pdf)
                print(
                    f"{count} records, {name}: {size:,} bytes; one document {len(pdf):,} bytes;"
                    f" ratio {size / len(pdf):.3f}"
                )
            print(
                f"{count} records: print files {batch_bytes:,} bytes"
                f" ({batch_bytes / count / 1024:.1f} KiB per piece) vs one"
                f" document {one_bytes:,} bytes: ratio {batch_bytes / one_bytes:.3f} (batch {wall:.0f} s with"
                f" {args.workers} workers, one document {one_s:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
