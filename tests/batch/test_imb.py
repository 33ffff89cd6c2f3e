"""The Intelligent Mail barcode: USPS-B-3200's own examples, the printed bars measured, unique serials."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from functools import cache
from itertools import pairwise

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.graphics.barcode.usps4s import USPS_4State

from docgen.batch import envelope as envelopes
from docgen.batch import imb
from docgen.batch.job import DB_NAME
from docgen.batch.piece import PieceTask, render_piece
from docgen.batch.sample import lines
from docgen.errors import InputError, Problem
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


# A sample of USPS's "Intelligent Mail barcode Encoder Test Case Reference Set" (uspsIMbEncoderTestCases,
# (C) 2009 U.S. Postal Service, in uspsReferenceSetEncoder1.0.0.zip from ribbs.usps.gov/onecodesolution),
# as kept in zint's backend/tests/data/imail/usps/uspsIMbEncoderTestCases.csv; numbers are its case IDs.
# Valid cases: (case, tracking, routing, bars), each routing length at least twice.
USPS_VALID = [
    (12, "40120111574675115924", "", "FAAADFDDADFFDAFDFFTFDFFFFTADFADTTTATTTADDDAFTATADDTADDDATATFFTFDD"),
    (49, "94561236589741252214", "", "DATAAFTTTTATDTDFDDFTDATAFAATDFATDTDFAAFFFDAAAAAFADAFTTTFADTDFTAFA"),
    (20, "62789641258963214569", "42563", "DTTFAATAADFDFDTADDTFAFADAADTATDDTFATTTATDATDFDATDDDTATATAFADTDFAD"),
    (83, "23734897394738748374", "01020", "FFTFAFAADATDDTDFDTFTTTDDTDDADFDAATDATDDFATFTTAAFTFFFTFDFFTFADATDD"),
    (10, "40120111574675115924", "621766091", "ADFFTATTAFTTFTAADTFFATDTDFDDDTTAAFDTDDDFAAFATAFDFDTDTATDDATTADADA"),
    (69, "92301284092858039032", "039549329", "ADAFDTDATTFFDFAADDTFTFADFTFDFFFFTDADDAAFADADDTDFTDAATATFTTFATFFTA"),
    (1, "53379777234994544928", "51135759461", "DAFDTDAFFDFTDADTDDFTTFDTATATFFFDFTTFFFTFDDTDAAFATDFTFDFDTTTDTTFDA"),
    (98, "00637814673218466327", "28913729838", "AFTTADTADTDDDATDFDAFDAFADDTDDDTATADAATAFFADAATFDTTDDDDAFDTFFATFDA"),
    (131, "94999999999999999999", "99999999999", "TDFAADDFAFDFFTADFATDAADDFDFTAFATFAFTTATDTFDDFAAFTTFADAAFTFTADFTTD"),
    (132, "00000000000000000001", "99999999999", "FDFFFFDFTDDAAADFFATDTFFFDDTAAFFDTTFDTTTDAAADAFFFTTATFATATATTFFTFT"),
    (133, "44444444444444444444", "00000000000", "DFDFDDTAATDTTTDFADDAFDDFTADAFADFFTATFTATTDAFTTDTADTDDDATFDTAATFFT"),
]
# Refused cases: (case, tracking, routing, rules). USPS's encoder stops at the first fault; ours
# names every one (cases 48 and 73 have two).
USPS_INVALID = [
    (35, "58412598741256321456", "45879654123", ["imb-barcode-id"]),
    (44, "49547896541256321455", "", ["imb-barcode-id"]),
    (7, "4012X111574675115924", "62176609110", ["imb-tracking-digits"]),
    (48, "4258963*45&123654785", "57280157428095740957438957498", ["imb-tracking-digits", "imb-routing-length"]),
    (8, "82205455868913972", "54765515722", ["imb-tracking-length"]),
    (13, "401208746593847598346", "", ["imb-tracking-length"]),
    (14, "", "46589321479", ["imb-tracking-length"]),
    (39, "", "", ["imb-tracking-length"]),
    (6, "53055494689272602879", "137655B3689", ["imb-routing-digits"]),
    (45, "72135469874589632214", "TT459", ["imb-routing-digits"]),
    (2, "53055494689272602879", "53055494689272602879", ["imb-routing-length"]),
    (64, "90293048092348923084", "2", ["imb-routing-length"]),
    (22, "71256325897841258952", "13", ["imb-routing-length"]),
    (27, "44125632147896541236", "132589", ["imb-routing-length"]),
    (9, "40120111574675115924", "6217660911", ["imb-routing-length"]),
    (73, "12365412563214563214", "84907T", ["imb-routing-length", "imb-routing-digits"]),
]
# Not in USPS's set: digits of other scripts, which Python's \d, isdigit() and int() accept and
# ReportLab's encoder would read as 0-9 (the first two encoded as the spec example before this check).
OTHER_SCRIPTS = [
    ("0123456709498765432\u0661", "", ["imb-tracking-digits"]),  # ARABIC-INDIC DIGIT ONE
    (SPEC_TRACKING, "0123\u0664", ["imb-routing-digits"]),  # ARABIC-INDIC DIGIT FOUR
    ("\uff10\uff11234567094987654321", "", ["imb-tracking-digits"]),  # FULLWIDTH DIGIT ZERO, ONE
    (SPEC_TRACKING, "\u0660\u0661\u0662\u0663\u0664", ["imb-routing-digits"]),
    (SPEC_TRACKING, "01234-5678", ["imb-routing-length", "imb-routing-digits"]),  # a ZIP+4 as written
    (" 01234567094987654321", "", ["imb-tracking-length", "imb-tracking-digits"]),
]


@pytest.mark.parametrize(("case", "tracking", "routing", "bars"), USPS_VALID)
def test_encoder_reproduces_usps_encoder_test_cases(case: int, tracking: str, routing: str, bars: str) -> None:
    assert imb.bar_states(tracking, routing) == bars, f"USPS case {case}"


@pytest.mark.parametrize(("case", "tracking", "routing", "rules"), USPS_INVALID)
def test_usps_encoder_test_cases_that_must_fail_are_refused(
    case: int, tracking: str, routing: str, rules: list[str]
) -> None:
    with pytest.raises(InputError) as caught:
        imb.bar_states(tracking, routing)
    assert [p.rule for p in caught.value.problems] == rules, f"USPS case {case}"
    assert all(p.path == ("routing" if "routing" in p.rule else "tracking") for p in caught.value.problems)
    # The routing code is (part of) an address: messages name lengths and positions, never it.
    assert not routing or routing not in str(caught.value)


@pytest.mark.parametrize(("tracking", "routing", "rules"), OTHER_SCRIPTS)
def test_digits_of_other_scripts_are_refused(tracking: str, routing: str, rules: list[str]) -> None:
    with pytest.raises(InputError) as caught:
        imb.bar_states(tracking, routing)
    assert [p.rule for p in caught.value.problems] == rules


def test_refusals_say_what_is_wrong_and_where() -> None:
    with pytest.raises(InputError) as caught:
        imb.bar_states("0612345670949876543\u0661", "0123\u0664")
    assert caught.value.problems == [
        Problem("tracking", "imb-tracking-digits", "must be ASCII digits 0-9 only (character 20 is not)"),
        Problem("tracking", "imb-barcode-id", "has a Barcode Identifier whose second digit is 6, not 0-4"),
        Problem("routing", "imb-routing-digits", "must be ASCII digits 0-9 only (character 5 is not)"),
    ]
    with pytest.raises(InputError) as caught:
        imb.bar_states("0123", "1234567")
    assert str(caught.value) == (
        "tracking: must be 20 digits, not 4 characters [imb-tracking-length]\n"
        "routing: must be 0, 5, 9 or 11 digits, not 7 characters [imb-routing-length]"
    )


def test_a_piece_with_a_bad_tracking_code_is_reported_not_printed() -> None:
    data = next(lines(1, seed=21)).encode()
    result = render_piece(PieceTask("00000000abcd", 17, "confirmation", data, "05300123456000000017"))
    assert (result.pdf, [(p.path, p.rule) for p in result.problems]) == (b"", [("tracking", "imb-barcode-id")])


def test_tracking_code_fields_and_serial_width_follow_the_mailer_id() -> None:
    six = imb.parse_mailer_id("123456")
    nine = imb.parse_mailer_id("912345678")
    assert imb.tracking_code(six, 42) == "00" + "300" + "123456" + "000000042"
    assert imb.tracking_code(nine, 42, "270") == "00" + "270" + "912345678" + "000042"
    assert all(len(imb.tracking_code(m, 7)) == 20 for m in (six, nine))
    assert imb.routing_code("59901-1234") == "599011234"
    assert imb.routing_code("59901") == "59901"


@pytest.mark.parametrize(
    ("mailer", "serial", "service", "problem"),
    [
        ("912345678", 10**6, "300", ("serial", "imb-serial-range")),
        ("123456", -1, "300", ("serial", "imb-serial-range")),
        ("123456", 1, "3\u0660\u0660", ("service_type", "service-type")),
        ("12345\u0666", 1, "300", ("mailer_id", "mailer-id")),  # a MailerId built without parse_mailer_id
    ],
)
def test_tracking_code_refuses_parts_that_do_not_make_a_tracking_code(
    mailer: str, serial: int, service: str, problem: tuple[str, str]
) -> None:
    with pytest.raises(InputError) as caught:
        imb.tracking_code(imb.MailerId(mailer), serial, service)
    assert [(p.path, p.rule) for p in caught.value.problems] == [problem]


@pytest.mark.parametrize(
    "zip_code", ["1234-5", "123456789", "12345-678", "1234\u0665", "\uff11\uff12\uff13\uff14\uff15", ""]
)
def test_routing_code_takes_only_a_written_zip_or_zip4(zip_code: str) -> None:
    with pytest.raises(InputError) as caught:
        imb.routing_code(zip_code)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("participant.address.zip", "imb-routing-zip")]


@pytest.mark.parametrize(
    "value",
    [
        "12345",
        "923456",
        "812345678",
        "12345a",
        "1234567",
        "1\u0662\u0663\u0664\u0665\u0666",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
    ],
)
def test_malformed_mailer_ids_are_refused(value: str) -> None:
    with pytest.raises(InputError) as caught:
        imb.parse_mailer_id(value)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("mailer_id", "mailer-id")]


@pytest.mark.parametrize("value", ["30", "3000", "30a", "3\u0660\u0660", "\uff13\uff10\uff10"])
def test_malformed_service_types_are_refused(value: str) -> None:
    with pytest.raises(InputError) as caught:
        imb.parse_service_type(value)
    assert [(p.path, p.rule) for p in caught.value.problems] == [("service_type", "service-type")]


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
    area = envelopes.DEFAULT_GEOMETRY.recipient_area
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
    pitches = [(b[0] - a[0]) / dpi for a, b in pairwise(bars)]
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
    area = envelopes.DEFAULT_GEOMETRY.recipient_area
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        rects = document.pages[0].rects
    return sum(
        1
        for r in rects
        if area.x0 * 72 <= r["x0"] and r["x1"] <= area.x1 * 72 and area.top * 72 <= r["top"] <= area.bottom * 72
    )


def test_without_a_mailer_id_no_barcode_is_drawn() -> None:
    data = next(lines(1, seed=21)).encode()
    plain = render_piece(PieceTask("00000000abcd", 17, "confirmation", data, None)).pdf
    assert _rects_in_address_area(plain) == 0
    assert _rects_in_address_area(_piece_with_barcode()[0]) == imb.BAR_COUNT
