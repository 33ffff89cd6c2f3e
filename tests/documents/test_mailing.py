"""The mailed piece's address block in USPS Publication 28 form, as the envelope window shows it."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest

from docgen.batch import envelope
from docgen.batch.piece import PieceTask, render_piece
from docgen.documents.mailing import (
    delivery_line,
    enrollment_addresses,
    is_secondary_unit,
    last_line,
    mail_name,
)
from docgen.enrollment.model import parse_enrollment
from docgen.glyphs import undrawable
from tests.conftest import load_jane

PT = 72


def _window_lines(pdf: bytes) -> list[str]:
    """The text lines inside the recipient block's area on the first page, top to bottom."""
    area = envelope.DEFAULT_GEOMETRY.recipient_area
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        inside = page.crop((area.x0 * PT, area.top * PT, area.x1 * PT, area.bottom * PT), strict=False)
        return [line["text"] for line in inside.extract_text_lines()]


def _body_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def test_the_window_shows_capitals_without_punctuation_and_the_body_keeps_the_name_as_entered() -> None:
    data = load_jane()
    data["participant"].update(first_name="José", middle_name="M.", last_name="Núñez-García")
    data["participant"]["address"].update(
        line1="1234 N. Oak Street,", line2="Apt. #4", city="St. Ignatius", state="MT", zip="59865-1234"
    )
    result = render_piece(PieceTask("00000000abcd", 1, "confirmation", json.dumps(data).encode(), None))
    assert result.problems == ()
    expected = ["JOSÉ M NÚÑEZ-GARCÍA", "1234 N OAK ST APT 4", "ST IGNATIUS MT 59865-1234"]
    assert _window_lines(result.pdf) == expected
    assert envelope.recipient_lines(enrollment_addresses(parse_enrollment(json.dumps(data)))) == tuple(expected)
    # The statement's body is the member's own record: name and address as entered.
    body = _body_text(result.pdf)
    assert "José M. Núñez-García" in body
    assert "1234 N. Oak Street," in body and "St. Ignatius, MT 59865-1234" in body


@pytest.mark.parametrize(
    ("entered", "printed"),
    [
        # Section 222: periods and commas left out.
        ("2806 S. Garfield St.", "2806 S GARFIELD ST"),
        ("P.O. Box 3018", "PO BOX 3018"),
        ("123 Main St.,Apt. 4", "123 MAIN ST APT 4"),
        # Section 213 and Appendix C2: designators abbreviated; a "#" beside one repeats it.
        ("123 Main Street, Apt. #4", "123 MAIN ST APT 4"),
        ("Suite 200", "STE 200"),
        ("Building 5, Apartment 3", "BLDG 5 APT 3"),
        ("Basement", "BSMT"),
        # "#" alone is a designator and stays; a hyphen in a secondary number stays.
        ("#12", "#12"),
        ("Apt 3-b", "APT 3-B"),
        # Appendix D1: the hyphen of a primary range stays, spaces around it go (section 354).
        ("112 – 10 Bronx Rd.", "112-10 BRONX RD"),
        # Section 232: the slash of a fractional address; Appendix D2: a period inside a number.
        ("123 1/2 Oak Avenue", "123 1/2 OAK AVE"),
        ("c/o Mountain West Trust", "C/O MOUNTAIN WEST TRUST"),
        ("39.2 Rd.", "39.2 RD"),
        # Appendix C1 (common suffixes), section 234.2 (of two suffix words only the second), a
        # postdirectional after the suffix; a suffix word that is the street's name is not one.
        ("100 Park Avenue", "100 PARK AVE"),
        ("123 Main Street NW", "123 MAIN ST NW"),
        ("12 Suite Lane", "12 SUITE LN"),
        ("100 Avenue", "100 AVENUE"),
        # Section 232: a hyphen in a street name may be a space; apostrophes go; Unicode capitals.
        ("1 Wilkes-Barre Blvd", "1 WILKES BARRE BLVD"),
        ("O'Connor's Way", "OCONNORS WAY"),
        ("Hauptstraße 5", "HAUPTSTRASSE 5"),
        ("Calle Ñandú #5", "CALLE ÑANDÚ #5"),
    ],
)
def test_delivery_lines(entered: str, printed: str) -> None:
    assert delivery_line(entered) == printed


def test_names_and_last_lines() -> None:
    assert mail_name("Mary-Kate", "J.", "O'Neill, Jr.") == "MARY-KATE J ONEILL JR"
    assert mail_name("Jane", "", "Example") == "JANE EXAMPLE"
    # Decomposed accents (as some keyboards send them) are composed: one glyph each.
    assert mail_name("Nu\u0301n\u0303ez") == "NÚÑEZ"
    assert last_line("St. Louis", "MO", "63101-1234") == "ST LOUIS MO 63101-1234"
    assert last_line("Coeur d'Alene", "ID", "83814") == "COEUR DALENE ID 83814"


def test_a_capital_the_fonts_cannot_draw_is_left_as_entered() -> None:
    # U+0261 (script g) is in the bundled fonts, its capital U+A7AC is not: the line must still
    # pass the printable-characters check rather than print a .notdef box.
    assert undrawable("\u0261") == [] and undrawable("\u0261".upper()) == ["U+A7AC"]
    assert mail_name("Ma\u0261da") == "MA\u0261DA"
    assert undrawable(mail_name("Ma\u0261da")) == []


def test_only_units_are_secondary_units() -> None:
    assert all(
        is_secondary_unit(delivery_line(line)) for line in ("Apt. 4", "# 12", "Suite A", "Bldg 5 Apt 3-B", "Rear")
    )
    assert not any(
        is_secondary_unit(delivery_line(line)) for line in ("C/O Mountain West Trust", "Suite Lane", "", "PO Box 100")
    )
