"""The address page against a #10 double-window envelope, checked from the PDF's character boxes."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import astuple
from typing import Any

import pdfplumber
import pytest
from pypdf import PdfReader, PdfWriter

from docgen.batch import layout
from docgen.batch.layout import RECIPIENT_WINDOW, RETURN_WINDOW, Rect
from docgen.batch.piece import PieceTask, check_record, render_piece
from docgen.batch.sample import lines
from docgen.model import parse_enrollment
from tests.batch.conftest import FinishedJob
from tests.conftest import load_jane

PT = 72


def test_documented_page_coordinates() -> None:
    # README, "Envelope windows on the page": the numbers a printer sets up a proof against.
    assert astuple(RECIPIENT_WINDOW.nominal) == pytest.approx((0.375, 2.0417, 4.875, 3.1667), abs=1e-4)
    assert astuple(RECIPIENT_WINDOW.address_area) == pytest.approx((1.0, 2.1667, 4.25, 3.0417), abs=1e-4)
    assert astuple(RETURN_WINDOW.nominal) == pytest.approx((0.125, 0.1667, 3.625, 1.1667), abs=1e-4)
    assert astuple(RETURN_WINDOW.address_area) == pytest.approx((0.75, 0.2917, 3.0, 1.0417), abs=1e-4)
    # 1/8 in (USPS Publication 25) inside the window wherever the insert slides sideways.
    for slide in (0.0, 0.5, 1.0):
        assert RECIPIENT_WINDOW.on_page(slide).inset(layout.CLEARANCE_IN).contains(RECIPIENT_WINDOW.address_area)
        assert RETURN_WINDOW.on_page(slide).inset(layout.CLEARANCE_IN).contains(RETURN_WINDOW.address_area)


def _box(char: dict[str, Any]) -> Rect:
    return Rect(char["x0"] / PT, char["top"] / PT, char["x1"] / PT, char["bottom"] / PT)


def _first_pages(job: FinishedJob, count: int) -> list[tuple[dict[str, str], Any]]:
    """(manifest row, pdfplumber page) of the first page of the first `count` pieces."""
    with (job.out / "manifest.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    writer = PdfWriter()
    for row in rows:
        writer.add_page(PdfReader(job.out / row["file"]).pages[int(row["first_page"]) - 1])
    buffer = io.BytesIO()
    writer.write(buffer)
    document = pdfplumber.open(io.BytesIO(buffer.getvalue()))
    return list(zip(rows, document.pages, strict=True))


def test_addresses_lie_inside_their_windows_with_clearance(job100: FinishedJob) -> None:
    records = {}
    for line in job100.input.read_text().splitlines():
        if line.endswith("}"):  # the generator's truncated (json-syntax) record is never printed
            records[json.loads(line)["participant"]["participant_id"]] = line
    for row, page in _first_pages(job100, 12):
        enrollment = parse_enrollment(records[row["participant_id"]])
        inked = [c for c in page.chars if c["text"].strip()]
        recipient = [c for c in inked if RECIPIENT_WINDOW.nominal.contains(_box(c))]
        returned = [c for c in inked if RETURN_WINDOW.nominal.contains(_box(c))]
        # The whole address block, and nothing else, shows through each window.
        assert "".join(c["text"] for c in recipient) == "".join(layout.recipient_lines(enrollment)).replace(" ", "")
        assert "".join(c["text"] for c in returned) == "".join(layout.return_lines(enrollment)).replace(" ", "")
        for char in recipient:
            assert RECIPIENT_WINDOW.address_area.contains(_box(char)), (row["piece"], char["text"])
        for char in returned:
            assert RETURN_WINDOW.address_area.contains(_box(char)), (row["piece"], char["text"])


def test_nothing_else_prints_where_a_sliding_window_can_show_it(job100: FinishedJob) -> None:
    for _, page in _first_pages(job100, 6):
        for window in (RECIPIENT_WINDOW, RETURN_WINDOW):
            reach = Rect(window.on_page(layout.SIDEWAYS_PLAY_IN).x0, window.nominal.top, window.on_page(0).x1, window.nominal.bottom)
            stray = [
                c["text"] for c in page.chars
                if c["text"].strip() and not window.address_area.contains(_box(c)) and _box(c).x0 < reach.x1 and _box(c).x1 > reach.x0
                and _box(c).top < reach.bottom and _box(c).bottom > reach.top
            ]
            assert stray == [], window.name


def test_an_address_line_too_wide_for_the_window_rejects_the_record() -> None:
    data = load_jane()
    data["participant"]["address"]["line1"] = "12345 NORTHWEST MOUNTAIN VIEW RANCH ROAD APT 1"
    checked = check_record("confirmation", json.dumps(data).encode(), with_imb=True)
    assert [(p.path, p.rule) for p in checked.problems] == [("participant.address.line1", "address-fits-window")]
    assert checked.participant_id == "779901618322"


def test_text_widths_agree_with_the_rendered_page(job100: FinishedJob) -> None:
    (row, page), = _first_pages(job100, 1)
    words = page.extract_words()
    line = max(
        (w for w in words if RECIPIENT_WINDOW.address_area.contains(_box(w))), key=lambda w: w["x1"] - w["x0"]
    )
    measured = layout.text_width_in(line["text"], layout.RECIPIENT_FONT_PT)
    assert measured == pytest.approx((line["x1"] - line["x0"]) / PT, abs=0.02)


def test_mailing_variant_keeps_every_section_of_the_statement() -> None:
    data = next(lines(1, seed=2)).encode()
    pdf = render_piece(PieceTask("00000000abcd", 1, "confirmation", data, None)).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    for heading in ("Enrollment Confirmation Statement", "PERSONAL INFORMATION", "HEALTH BENEFITS",
                    "FLEXIBLE", "SECTION 125", "QUESTIONS?"):
        assert heading in text, heading
