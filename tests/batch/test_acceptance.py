"""Issue 7's acceptance run: 2,000 records, 20 invalid, through the real CLI (slow: minutes on 2 cores)."""

from __future__ import annotations

import csv
import json
import subprocess
import time
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.batch.sample import write_jsonl
from tests.batch.conftest import batch_command, decode_marks

RECORDS, INVALID = 2000, 20


@pytest.mark.slow
def test_two_thousand_records_with_twenty_invalid(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "input.jsonl", RECORDS, invalid=INVALID, seed=2000)
    out = tmp_path / "out"
    started = time.monotonic()
    done = subprocess.run(batch_command(source, out, 500), capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["read"], summary["printed"], summary["rejected"]) == (RECORDS, RECORDS - INVALID, INVALID)
    errors = (out / "errors.jsonl").read_text().splitlines()
    assert len(errors) == INVALID
    assert [json.loads(line)["line"] for line in errors] == [100 * n for n in range(1, INVALID + 1)]

    with (out / "manifest.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == RECORDS - INVALID
    by_file: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_file.setdefault(row["file"], []).append(row)
    assert sorted(by_file) == [p.name for p in sorted(out.glob("print-*.pdf"))] and summary["files"] == 4
    decoded = 0
    for name, pieces in by_file.items():
        pages = len(PdfReader(out / name).pages)
        assert int(pieces[0]["first_page"]) == 1 and int(pieces[-1]["last_page"]) == pages
        assert all(int(a["last_page"]) + 1 == int(b["first_page"]) for a, b in pairwise(pieces))
        marks = decode_marks(out / name)
        assert len(marks) == pages
        starts = {int(p["first_page"]): int(p["piece"]) for p in pieces}
        for page, mark in enumerate(marks, start=1):
            if mark.page == 1:
                assert starts.pop(page) == mark.piece
        assert starts == {}
        decoded += len(marks)
    assert decoded == summary["pages"]
    print(f"\n2,000-record acceptance run: {elapsed:.0f} s for the batch, {summary}")
