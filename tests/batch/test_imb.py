"""The Intelligent Mail barcode: USPS-B-3200's own examples, the printed bars measured, unique serials."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from functools import cache

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.graphics.barcode.usps4s import USPS_4State

from docgen.batch import imb, layout
from docgen.batch.job import DB_NAME
from docgen.batch.piece import PieceTask, render_piece
from docgen.batch.sample import lines
from docgen.errors import InputError
from tests.batch.conftest import MAILER_ID, FinishedJob

# USPS-B-3200 Appendix C: one tracking code (barcode ID 01, service type 234, mailer ID 567094,
# serial 987654321) with each length of routing code, and the 65 bars the spec prints for each.
SPEC_TRACKING = "01234567094987654321"
SPEC_EXAMPLES = [
    ("", "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT"),
    ("01234", "DTTAFADDTTFTDTFTFDTDDADADAFADFATDDFTAAAFDTTADFAAATDFDTDFADDDTDFFT"),
    ("012345678", "ADFTTAFDTTTTFATTADTAAATFTFTATDAAAFDDADATATDTDTTDFDTDATADADTDFFTFA"),
    ("01234567891", "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA"),
]


@pytest.mark.parametrize(("routing", "bars"), SPEC_EXAMPLES)
def test_encoder_reproduces_the_specification_examples(routing: str, bars: str) -> None:
    assert imb.bar_states(SPEC_TRACKING, routing) == bars


def test_tracking_code_fields_and_serial_width_follow_the_mailer_id() -> None:
    six = imb.parse_mailer_id("123456")
    nine = imb.parse_mailer_id("912345678")
    assert imb.tracking_code(six, 42) == "00" + "300" + "123456" + "000000042"
    assert imb.tracking_code(nine, 42, "270") == "00" + "270" + "912345678" + "000042"
    assert all(len(imb.tracking_code(m, 7)) == 20 for m in (six, nine))
    with pytest.raises(ValueError):
        imb.tracking_code(nine, 10**6)
    assert imb.routing_code("59901-1234") == "599011234"


@pytest.mark.parametrize("value", ["12345", "923456", "812345678", "12345a", "1234567"])
def test_malformed_mailer_ids_are_refused(value: str) -> None:
    with pytest.raises(InputError) as caught:
        imb.parse_mailer_id(value)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("mailer_id", "mailer-id")]


def test_drawn_dimensions_sit_inside_the_specification_ranges() -> None:
    # ReportLab's class carries USPS-B-3200's ranges (inches) for the same quantities.
    low, high = USPS_4State.dimensions["pitch"]
    assert low <= imb.BAR_PITCH_IN <= high
    assert USPS_4State.dimensions["width"][0] <= imb.BAR_WIDTH_IN <= USPS_4State.dimensions["width"][1]
    full = [top - bottom for top, bottom in zip(USPS_4State.tops["F"], USPS_4State.bottoms["F"], strict=True)]
    tracker = [top - bottom for top, bottom in zip(USPS_4State.tops["T"], USPS_4State.bottoms["T"], strict=True)]
    assert full[0] <= imb.FULL_BAR_IN <= full[1]
    assert tracker[0] <= imb.TRACKER_IN <= tracker[1]
    assert 2.667 <= imb.SYMBOL_LENGTH_IN <= 3.225


@cache
def _piece_with_barcode() -> tuple[bytes, str, str]:
    data = next(lines(1, seed=21))
    zip_code = json.loads(data)["participant"]["address"]["zip"]
    tracking = imb.tracking_code(imb.parse_mailer_id(MAILER_ID), 17)
    result = render_piece(PieceTask("00000000abcd", 17, "confirmation", data.encode(), tracking))
    return result.pdf, tracking, zip_code


def _bars_from_page(dpi: int = 600) -> list[tuple[int, int, int, int]]:
    """(left, right, top, bottom) pixel extents of each dark bar in the address area."""
    pdf, _, _ = _piece_with_barcode()
    area = layout.DEFAULT_GEOMETRY.recipient_area
    page = pdfium.PdfDocument(pdf)[0]
    width, height = page.get_size()
    crop = (area.x0 * 72 - 4, height - (area.top + 0.2) * 72, width - area.x1 * 72, area.top * 72 - 4)
    image = page.render(scale=dpi / 72, crop=crop).to_pil().convert("L")
    dark = [[image.getpixel((x, y)) < 128 for x in range(image.width)] for y in range(image.height)]
    columns = [any(row[x] for row in dark) for x in range(image.width)]
    bars = []
    x = 0
    while x < image.width:
        if not columns[x]:
            x += 1
            continue
        start = x
        while x < image.width and columns[x]:
            x += 1
        rows = [y for y in range(image.height) if any(dark[y][start:x])]
        bars.append((start, x, rows[0], rows[-1] + 1))
    return bars


def test_printed_bars_read_back_as_the_encoded_states_at_the_spec_pitch_and_heights() -> None:
    dpi = 600
    _, tracking, zip_code = _piece_with_barcode()
    bars = _bars_from_page(dpi)
    assert len(bars) == imb.BAR_COUNT
    pitches = [(b[0] - a[0]) / dpi for a, b in zip(bars, bars[1:])]
    assert all(abs(p - imb.BAR_PITCH_IN) < 1.5 / dpi for p in pitches)
    assert 20 <= (len(bars) - 1) / ((bars[-1][0] - bars[0][0]) / dpi) <= 24, "bars per inch"
    assert all(abs((right - left) / dpi - imb.BAR_WIDTH_IN) < 1.5 / dpi for left, right, _, _ in bars)
    top = min(b[2] for b in bars)
    bottom = max(b[3] for b in bars)
    assert abs((bottom - top) / dpi - imb.FULL_BAR_IN) < 1.5 / dpi
    states = ""
    for _, _, bar_top, bar_bottom in bars:
        ascends, descends = bar_top - top < 3, bottom - bar_bottom < 3
        states += {(True, True): "F", (True, False): "A", (False, True): "D", (False, False): "T"}[(ascends, descends)]
        if not ascends and not descends:
            assert abs((bar_bottom - bar_top) / dpi - imb.TRACKER_IN) < 1.5 / dpi
    assert states == imb.bar_states(tracking, imb.routing_code(zip_code))


def test_serial_numbers_are_unique_within_the_job(job100: FinishedJob) -> None:
    with sqlite3.connect(job100.out / DB_NAME) as db:
        trackings = [row[0] for row in db.execute("SELECT tracking FROM pieces ORDER BY piece")]
    assert len(trackings) == 95 and len(set(trackings)) == 95
    assert all(re.fullmatch(rf"00300{MAILER_ID}\d{{9}}", t) for t in trackings)
    assert [int(t[-9:]) for t in trackings] == list(range(1, 96))


def _rects_in_address_area(pdf: bytes) -> int:
    area = layout.DEFAULT_GEOMETRY.recipient_area
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        rects = document.pages[0].rects
    return sum(1 for r in rects if area.x0 * 72 <= r["x0"] and r["x1"] <= area.x1 * 72 and area.top * 72 <= r["top"] <= area.bottom * 72)


def test_without_a_mailer_id_no_barcode_is_drawn() -> None:
    data = next(lines(1, seed=21)).encode()
    plain = render_piece(PieceTask("00000000abcd", 17, "confirmation", data, None)).pdf
    assert _rects_in_address_area(plain) == 0
    assert _rects_in_address_area(_piece_with_barcode()[0]) == imb.BAR_COUNT
