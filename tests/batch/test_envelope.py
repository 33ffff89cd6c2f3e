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

from docgen.batch import envelope as envelopes
from docgen.batch import imb
from docgen.batch.envelope import Rect
from docgen.batch.piece import PieceTask, check_record, render_piece
from docgen.batch.sample import lines
from docgen.documents.mailing import enrollment_addresses
from docgen.enrollment.model import parse_enrollment
from docgen.errors import InputError
from tests.batch.conftest import FinishedJob
from tests.conftest import load_jane

PT = 72
RECIPIENT = envelopes.DEFAULT_GEOMETRY.envelope.recipient
RETURN = envelopes.DEFAULT_GEOMETRY.envelope.returns


#: The stock and fold docs/batch.md tells the mailroom to set, stated here independently of envelopes.py:
#: #10 envelope 9-1/2 x 4-1/8 in, address window 4-1/2 x 1-1/8 in at 7/8 in from the left and
#: 1/2 in from the bottom, return window 3-1/2 x 1 in at 5/8 in and 2-1/2 in; Letter page 8-1/2 in
#: wide folded with a 3-7/8 in address panel.
ENVELOPE_W, ENVELOPE_H, INSERT_W, PANEL = 9.5, 4.125, 8.5, 3.875
WINDOWS = {"recipient": (4.5, 1.125, 7 / 8, 1 / 2), "return": (3.5, 1.0, 5 / 8, 2.5)}


def _window_on_page(name: str, slide: float, drop: float) -> Rect:
    """The page behind a window with the insert's left edge `slide` in from the envelope's and its top `drop` down."""
    width, height, left, bottom = WINDOWS[name]
    top = ENVELOPE_H - bottom - height
    return Rect(left - slide, top - drop, left + width - slide, top + height - drop)


#: The insert moved to its full limits in each direction (USPS Publication 25 section 3-9).
CORNERS = [(slide, drop) for slide in (0.0, ENVELOPE_W - INSERT_W) for drop in (0.0, ENVELOPE_H - PANEL)]


def test_documented_page_coordinates() -> None:
    # docs/batch.md, "The address page and the envelope": the numbers a printer sets up a proof against.
    shape = envelopes.DEFAULT_GEOMETRY
    assert (shape.sideways_play, shape.vertical_play) == (1.0, 0.25)
    assert astuple(shape.recipient_area) == pytest.approx((1.0, 2.625, 4.25, 3.25), abs=1e-4)
    assert astuple(shape.return_area) == pytest.approx((0.6875, 0.6875, 3.0625, 1.3125), abs=1e-4)
    assert astuple(shape.reach(RECIPIENT)) == pytest.approx((-0.125, 2.25, 5.375, 3.625), abs=1e-4)
    assert astuple(shape.reach(RETURN)) == pytest.approx((-0.375, 0.375, 4.125, 1.625), abs=1e-4)
    for slide, drop in CORNERS:
        assert _window_on_page("recipient", slide, drop).inset(envelopes.CLEARANCE_IN).contains(shape.recipient_area)
        assert _window_on_page("return", slide, drop).contains(shape.return_area)
    # A barcode and three lines fit under the barcode, four without it.
    assert (envelopes.recipient_capacity(shape, True), envelopes.recipient_capacity(shape, False)) == (3, 4)


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


def _records(job: FinishedJob) -> dict[str, str]:
    records = {}
    for line in job.input.read_text().splitlines():
        if line.endswith("}"):  # the generator's truncated (json-syntax) record is never printed
            records[json.loads(line)["participant"]["participant_id"]] = line
    return records


def test_address_and_barcode_show_with_clearance_at_each_corner_position(job100: FinishedJob) -> None:
    records = _records(job100)
    for row, page in _first_pages(job100, 12):
        enrollment = parse_enrollment(records[row["participant_id"]])
        # The barcode's bars: the narrow rectangles on the address panel (the inserter mark is at the page's foot).
        bars = [_box(r) for r in page.rects if r["x1"] - r["x0"] < 0.03 * PT and r["bottom"] < PANEL * PT]
        assert len(bars) == imb.BAR_COUNT
        for slide, drop in CORNERS:
            window = _window_on_page("recipient", slide, drop)
            clear = window.inset(envelopes.CLEARANCE_IN)
            shown = [c for c in page.chars if c["text"].strip() and window.contains(_box(c))]
            # The whole delivery address, and nothing else, is behind the window...
            assert "".join(c["text"] for c in shown) == "".join(
                envelopes.recipient_lines(enrollment_addresses(enrollment))
            ).replace(" ", "")
            # ... every character and every bar 1/8 in inside its edges.
            for box in [_box(c) for c in shown] + bars:
                assert clear.contains(box), (row["piece"], (slide, drop), box)
            returned = [
                c for c in page.chars if c["text"].strip() and _window_on_page("return", slide, drop).contains(_box(c))
            ]
            assert "".join(c["text"] for c in returned) == "".join(
                envelopes.return_lines(enrollment_addresses(enrollment))
            ).replace(" ", "")


def test_nothing_else_prints_where_a_moving_window_can_show_it(job100: FinishedJob) -> None:
    shape = envelopes.DEFAULT_GEOMETRY
    for _, page in _first_pages(job100, 6):
        for window, area in ((RECIPIENT, shape.recipient_area), (RETURN, shape.return_area)):
            reach = shape.reach(window)
            stray = [
                c["text"]
                for c in page.chars
                if c["text"].strip()
                and not area.contains(_box(c))
                and _box(c).x0 < reach.x1
                and _box(c).x1 > reach.x0
                and _box(c).top < reach.bottom
                and _box(c).bottom > reach.top
            ]
            assert stray == [], window.name


def test_an_address_line_too_wide_for_the_window_rejects_the_record() -> None:
    data = load_jane()
    data["participant"]["address"]["line1"] = "12345 NORTHWEST MOUNTAIN VIEW RANCH ROAD APT 1"
    checked = check_record("confirmation", json.dumps(data).encode(), with_imb=True)
    assert [(p.path, p.rule) for p in checked.problems] == [("participant.address.line1", "address-fits-window")]
    assert checked.participant_id == "779901618322"


def test_text_widths_agree_with_the_rendered_page(job100: FinishedJob) -> None:
    ((row, page),) = _first_pages(job100, 1)
    words = page.extract_words()
    line = max(
        (w for w in words if envelopes.DEFAULT_GEOMETRY.recipient_area.contains(_box(w))),
        key=lambda w: w["x1"] - w["x0"],
    )
    measured = envelopes.text_width_in(line["text"], envelopes.RECIPIENT_FONT_PT)
    assert measured == pytest.approx((line["x1"] - line["x0"]) / PT, abs=0.02)


def test_mailing_variant_keeps_every_section_of_the_statement() -> None:
    data = next(lines(1, seed=2)).encode()
    pdf = render_piece(PieceTask("00000000abcd", 1, "confirmation", data, None)).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    for heading in (
        "Enrollment Confirmation Statement",
        "PERSONAL INFORMATION",
        "HEALTH BENEFITS",
        "FLEXIBLE",
        "SECTION 125",
        "QUESTIONS?",
    ):
        assert heading in text, heading


def _problems(edit: dict[str, Any], with_imb: bool = True) -> list[tuple[str, str]]:
    data = load_jane()
    for path, value in edit.items():
        section, _, field = path.rpartition(".")
        target = data
        for key in section.split("."):
            target = target[key]
        target[field] = value
    checked = check_record("confirmation", json.dumps(data).encode(), with_imb=with_imb)
    return [(p.path, p.rule) for p in checked.problems]


def test_a_secondary_unit_goes_at_the_end_of_the_delivery_line() -> None:
    # USPS Publication 28 section 213: APT, STE, UNIT... at the end of the delivery address line.
    data = load_jane()
    data["participant"]["address"].update(line1="4187 RATTLESNAKE CREEK RD", line2="Unit 12b")
    assert envelopes.recipient_lines(enrollment_addresses(parse_enrollment(json.dumps(data)))) == (
        "JANE EXAMPLE",
        "4187 RATTLESNAKE CREEK RD UNIT 12B",
        "KALISPELL MT 59901",
    )
    # Too long to share the line: the unit goes on the line above it, and the block is then
    # one line too long for the window under a barcode; line2 is named. (ROAD is printed RD,
    # Publication 28 Appendix C1.)
    data["participant"]["address"].update(line1="4187 NORTHWEST RATTLESNAKE CREEK ROAD", line2="UNIT 12B")
    assert envelopes.recipient_lines(enrollment_addresses(parse_enrollment(json.dumps(data))))[1:3] == (
        "UNIT 12B",
        "4187 NORTHWEST RATTLESNAKE CREEK RD",
    )
    problems = _problems(
        {"participant.address.line1": "4187 NORTHWEST RATTLESNAKE CREEK ROAD", "participant.address.line2": "UNIT 12B"}
    )
    assert problems == [("participant.address.line2", "address-fits-window")]


def test_a_fourth_address_line_fits_only_without_a_barcode() -> None:
    edit = {"participant.address.line2": "C/O MOUNTAIN WEST TRUST"}
    assert _problems(edit, with_imb=True) == [("participant.address.line2", "address-fits-window")]
    assert _problems(edit, with_imb=False) == []
    data = load_jane()
    data["participant"]["address"]["line2"] = "C/O MOUNTAIN WEST TRUST"
    assert envelopes.recipient_lines(enrollment_addresses(parse_enrollment(json.dumps(data))))[1:3] == (
        "PO BOX 100",
        "C/O MOUNTAIN WEST TRUST",
    )


def test_a_record_that_cannot_fit_is_rejected_naming_the_line() -> None:
    assert _problems({"participant.last_name": "Montgomery-Fitzwilliams-Abernathy-Worthington"}) == [
        ("participant.last_name", "address-fits-window")
    ]
    assert _problems({"participant.address.city": "Wawawawa Mmmmmmmmmm Wwwwwwwwww"}) == [
        ("participant.address.city", "address-fits-window")
    ]
    assert _problems(
        {"administrator.address": ["2806 S. Garfield St.", "P.O. Box 3018 Attention Claims Processing Center"]}
    ) == [("administrator.address[1]", "return-address-fits-window")]
    # The name on two lines, then the window holds three address lines of the four.
    four = ["Claims Department", "2806 S. Garfield St.", "P.O. Box 3018", "Missoula, MT 59806-3018"]
    assert _problems(
        {"administrator.name": "Allegiance Benefit Plan Management Services, Inc.", "administrator.address": four}
    ) == [("administrator.address[3]", "return-address-fits-window")]


def test_the_envelope_and_fold_are_checked_options() -> None:
    assert envelopes.geometry("10-double-window", 3.875) == envelopes.DEFAULT_GEOMETRY
    for envelope, panel, path, rule in (
        ("9-window", 3.875, "envelope", "envelope-known"),
        ("10-double-window", 11 / 3 - 0.01, "fold_panel", "fold-fits-envelope"),
        ("10-double-window", 3.9, "fold_panel", "fold-fits-envelope"),
        ("10-double-window", float("nan"), "fold_panel", "fold-fits-envelope"),
    ):
        with pytest.raises(InputError) as caught:
            envelopes.geometry(envelope, panel)
        assert [(p.path, p.rule) for p in caught.value.problems] == [(path, rule)]
    # A third of the page (the letter fold) is allowed, but its 0.458 in of vertical play leaves
    # no room for a barcode and three lines: every record would be rejected.
    letter = envelopes.geometry("10-double-window", 11 / 3)
    assert letter.recipient_area.height == pytest.approx(0.4167, abs=1e-4)
    assert envelopes.recipient_capacity(letter, True) < 3


def test_a_field_of_punctuation_alone_would_print_nothing_and_is_rejected() -> None:
    # Publication 28 section 222 leaves punctuation out of the block: a name or line of only
    # punctuation would leave a blank line in the window.
    assert _problems({"participant.last_name": "-", "participant.address.line1": "..."}) == [
        ("participant.last_name", "address-has-words"),
        ("participant.address.line1", "address-has-words"),
    ]
    # A line2 of punctuation is simply left out.
    data = load_jane()
    data["participant"]["address"]["line2"] = "--"
    assert envelopes.recipient_lines(enrollment_addresses(parse_enrollment(json.dumps(data)))) == (
        "JANE EXAMPLE",
        "PO BOX 100",
        "KALISPELL MT 59901",
    )
