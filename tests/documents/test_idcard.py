"""Member ID cards as members and scanners see them: size, text, type sizes, fit, and the PDF417 code."""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import weasyprint
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from docgen.cli import main
from docgen.config import get_settings
from docgen.documents import cardfit
from docgen.documents.idcard import BARCODE_BOX_MM, CardOptions, cardholders
from docgen.documents.pipeline import document_html, prepare, render
from docgen.enrollment.model import parse_enrollment
from docgen.errors import InputError
from docgen.language import language_for
from docgen.parsing import json_path
from docgen.render.barcodes import PIXELS_PER_MODULE
from docgen.render.engine import ConfinedFetcher
from docgen.render.raster import CARD_PIXELS
from docgen.units import POINTS_PER_INCH
from tests.conftest import (
    EXAMPLES,
    JANE,
    assert_nothing_clipped_or_overlapping,
    pdf_text,
    pdf_words,
)

FEATURES = EXAMPLES / "card-features.json"
MM = 72 / 25.4


@cache
def card(member: str = "00", example: Path = JANE, **options: Any) -> bytes:
    return render(prepare("id-card", example.read_bytes(), {"member": member, **options})).content


def decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.PDF417]


def test_one_card_per_person_covered_by_medical(jane: dict[str, Any]) -> None:
    holders = cardholders(parse_enrollment(json.dumps(jane)))
    assert [(h.code, h.name) for h in holders] == [
        ("00", "JANE EXAMPLE"),
        ("01", "STEPHEN EXAMPLE"),
        ("02", "JENNIFER EXAMPLE"),
    ]
    jane["elections"]["medical"]["covered_dependents"] = ["02"]
    jane["elections"]["dental"]["covered_dependents"] = ["02"]
    jane["elections"]["vision"]["covered_dependents"] = ["02"]
    assert [h.code for h in cardholders(parse_enrollment(json.dumps(jane)))] == ["00", "02"]


@pytest.mark.parametrize(
    ("member", "name"), [("00", "JANE EXAMPLE"), ("01", "STEPHEN EXAMPLE"), ("02", "JENNIFER EXAMPLE")]
)
def test_each_card_png_is_exact_and_its_code_decodes_to_its_member(member: str, name: str) -> None:
    for side in ("front", "back"):
        image = Image.open(io.BytesIO(card(member, format="png", side=side)))
        assert image.size == CARD_PIXELS == (1011, 638)
        assert image.getpixel((0, 0))[3] == 0, "outside the rounded corner is transparent"
        assert image.getpixel((505, 319))[3] == 255
    (payload,) = decode(card(member, format="png", side="back"))
    last, first = name.split()[1], name.split()[0]
    assert payload.splitlines() == [
        "HIC1",
        "ISN=Allegiance Benefit Plan Management, Inc.",
        f"MID=779901618322-{member}",
        f"NAM={last}/{first}",
        "GRP=0010675",
        "RXB=012345",
        "RXP=EXAMPLE",
        "RXG=EXRX0675",
        f"RXI=779901618322-{member}",
    ]
    assert decode(card(member, format="png", side="front")) == []


def test_payload_carries_issuer_number_and_no_personal_data() -> None:
    (payload,) = decode(card("00", FEATURES, format="png", side="back"))
    assert "ISS=808409101003719" in payload.splitlines()
    data = json.loads(FEATURES.read_bytes())
    assert data["participant"]["date_of_birth"] not in payload
    assert "1954" not in payload and "SSN" not in payload


def test_the_barcode_is_drawn_in_its_box_unsmoothed() -> None:
    # Whole pixels a module (render.barcodes.symbol_image): smoothing would blur every bar's edge.
    with pdfplumber.open(io.BytesIO(card())) as document:
        front, back = document.pages
        assert front.images == []
        (code,) = back.images
    assert code["stream"]["Interpolate"] is False
    assert code["srcsize"][0] % PIXELS_PER_MODULE == 0 and code["srcsize"][1] % PIXELS_PER_MODULE == 0
    # object-fit: contain in the 78.6 x 11 mm box (BARCODE_BOX_MM): as wide as the box, or as tall.
    width_mm, height_mm = (code[side] / POINTS_PER_INCH * 25.4 for side in ("width", "height"))
    assert width_mm <= BARCODE_BOX_MM[0] + 0.01 and height_mm <= BARCODE_BOX_MM[1] + 0.01
    assert max(width_mm / BARCODE_BOX_MM[0], height_mm / BARCODE_BOX_MM[1]) == pytest.approx(1, abs=0.001)


def test_pdf_has_a_front_and_a_back_at_card_size() -> None:
    reader = PdfReader(io.BytesIO(card()))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(85.6 * MM, abs=0.05)
        assert float(page.mediabox.height) == pytest.approx(53.98 * MM, abs=0.05)


def test_front_and_back_text() -> None:
    front, back = pdf_text(card("01"))
    for expected in (
        "Cigna PPO",
        "STEPHEN EXAMPLE",
        "779901618322-01",
        "0010675 · EXAMPLE EMPLOYER",
        "07/01/2016",
        "RxBIN 012345",
        "RxPCN EXAMPLE",
        "RxGRP EXRX0675",
        "RxID 779901618322-01",
        "Office Visit $25",
        "Emergency Room $150",
    ):
        assert expected in front, expected
    assert "80840" not in front and "Deductible" not in front  # no source, nothing shown
    for expected in ("1-877-720-7827", "www.askallegiance.com", "P.O. Box 3018", "Missoula, MT 59806-3018"):
        assert expected in back, expected
    assert "PHARMACY HELP" not in back


def test_optional_card_data_is_shown_when_given() -> None:
    front, back = pdf_text(card("00", FEATURES))
    assert "ISSUER (80840) 9101003719" in front
    assert "Deductible $1,500 $3,000" in front and "Out-of-Pocket Max $6,350 $12,700" in front
    assert "PHARMACY HELP" in back and "1-800-555-0134" in back and "www.askallegiance.com/cigna" in back
    assert "Possession of this card does not guarantee coverage." in back.replace("\n", " ")


def test_type_is_never_below_six_points_and_member_fields_seven() -> None:
    member_fields = (
        "RxBIN",
        "RxPCN",
        "RxGRP",
        "RxID",
        "012345",
        "EXAMPLE",
        "EXRX0675",
        "779901",
        "0010675",
        "07/01/2016",
    )
    for pdf in (card(), card("00", FEATURES)):
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            for page in document.pages:
                assert min(round(char["size"], 1) for char in page.chars) >= 6.0
            words = document.pages[0].extract_words(extra_attrs=["size"])
        checked = [word for word in words if word["text"].startswith(member_fields)]
        assert len(checked) >= 9
        for word in checked:
            assert round(word["size"], 1) >= 7.0, word


# Each block's text drawn in its own colour, so a character in the PDF tells which block it
# belongs to; the blocks' rectangles come from WeasyPrint's layout of the same HTML.
BLOCKS = ("band", "member", "ids", "rx", "copays", "back-band", "contacts", "claims", "notice", "code")
COLOURING = "".join(
    f".card .{name}, .card .{name} * {{ color: rgb({index + 1}, 0, 0) !important; }}"
    for index, name in enumerate(BLOCKS)
)


Rect = tuple[float, float, float, float]


def _block_rects(document: Any) -> list[dict[str, list[Rect]]]:
    """Each page's blocks by name, in points; a print sheet's page has one of each per card."""
    pages = []
    for page in document.pages:
        rects: dict[str, list[Rect]] = {}
        seen: set[int] = set()
        # Placeholders too: the blocks sit in the absolutely positioned .card-body.
        for box in page._page_box.descendants(placeholders=True):
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None else []
            # A table is a wrapper box and a table box of the same element: its first box counts.
            if "blk" in classes and box.element_tag != "tbody" and id(element) not in seen:
                seen.add(id(element))
                name = next(c for c in classes if c in BLOCKS)
                x, y = box.border_box_x() * 0.75, box.border_box_y() * 0.75
                rects.setdefault(name, []).append((x, y, x + box.border_width() * 0.75, y + box.border_height() * 0.75))
        pages.append(rects)
    return pages


def _layout(example: Path | str, options: dict[str, Any], css: str = "") -> Any:
    """WeasyPrint's layout of the card's HTML, with `css` added."""
    data = example.read_bytes() if isinstance(example, Path) else example
    html = document_html(prepare("id-card", data, options)).replace("</head>", f"<style>{css}</style></head>")
    fetcher = ConfinedFetcher((get_settings().assets_dir, get_settings().fonts_dir))
    return weasyprint.HTML(string=html, base_url=get_settings().home.as_uri() + "/", url_fetcher=fetcher).render()


@pytest.mark.parametrize(
    ("example", "options"),
    [
        (JANE, {"member": "00"}),
        (JANE, {"member": "01"}),
        (FEATURES, {"member": "00"}),
        (EXAMPLES / "large-family.json", {"sheet": True}),
    ],
    ids=["jane", "jane-dependent", "card-features", "large-family-sheet"],
)
def test_every_character_lies_inside_the_card_and_its_own_block(example: Path, options: dict[str, Any]) -> None:
    document = _layout(example, options, COLOURING)
    rects = _block_rects(document)
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        for number, page in enumerate(pdf.pages):
            assert page.chars
            for char in page.chars:
                if char["non_stroking_color"] is None or char["non_stroking_color"][1:] != (0, 0):
                    continue  # sheet captions outside the cards
                assert (
                    0 <= char["x0"] and char["x1"] <= page.width and 0 <= char["top"] and char["bottom"] <= page.height
                )
                block = BLOCKS[round(char["non_stroking_color"][0] * 255) - 1]
                assert any(
                    x0 - 0.5 <= char["x0"]
                    and char["x1"] <= x1 + 0.5
                    and top - 0.5 <= char["top"]
                    and char["bottom"] <= bottom + 0.5
                    for x0, top, x1, bottom in rects[number][block]
                ), (block, char["text"])
    assert all(set(page) & set(BLOCKS) for page in rects)


def test_blocks_do_not_overlap() -> None:
    for member in ("00", "01"):
        data = json.loads(JANE.read_bytes())
        data["group"]["id_card"] = json.loads(FEATURES.read_bytes())["group"]["id_card"]
        for page in _block_rects(_layout(json.dumps(data), {"member": member})):
            items = sorted((name, rect) for name, rects in page.items() for rect in rects)
            for i, (first, a) in enumerate(items):
                for second, b in items[i + 1 :]:
                    overlap = min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
                    assert not overlap, (first, second)


def test_print_sheet_of_one_member_is_a_letter_sheet_front_then_back() -> None:
    pdf = card("01", sheet=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages] == [(612, 792)] * 2
    front, back = pdf_text(pdf)
    assert "RxBIN 012345" in front and "crop marks" in front and "Sheet 1 of 1: fronts" in front
    assert "SEND CLAIMS TO" in back and "Sheet 1 of 1: backs" in back
    assert "779901618322-01" in back and "779901618322-00" not in front + back


def test_a_person_without_medical_gets_an_error(jane: dict[str, Any]) -> None:
    jane["elections"]["medical"]["covered_dependents"] = ["01"]
    jane["elections"]["dental"]["covered_dependents"] = ["01"]
    jane["elections"]["vision"]["covered_dependents"] = ["01"]
    with pytest.raises(InputError) as caught:
        render(prepare("id-card", json.dumps(jane), {"member": "02"}))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("member", "member-covered-by-medical")]


def test_png_sheet_and_bad_member_are_option_errors() -> None:
    with pytest.raises(InputError) as caught:
        render(prepare("id-card", JANE.read_bytes(), {"member": "1", "side": "top"}))
    assert sorted(p.path for p in caught.value.problems) == ["member", "side"]
    with pytest.raises(InputError) as caught:
        render(prepare("id-card", JANE.read_bytes(), {"sheet": True, "format": "png"}))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("format", "sheet-is-pdf")]


def test_cli_png_from_extension_and_exit_2_for_uncovered(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "stephen-back.png"
    assert main(["render", "id-card", str(JANE), "-o", str(out), "--member", "01", "--side", "back"]) == 0
    with Image.open(out) as image:
        assert image.size == (1011, 638)
    assert decode(out.read_bytes())[0].splitlines()[2] == "MID=779901618322-01"
    jane["elections"]["medical"] = {"elected": False}
    jane["elections"]["dental"] = {"elected": False}
    jane["elections"]["vision"] = {"elected": False}
    source = tmp_path / "declined.json"
    source.write_text(json.dumps(jane))
    assert main(["render", "id-card", str(source), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "elections.medical.elected: the participant declined medical" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_statements_take_no_card_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "summary", str(JANE), "-o", str(tmp_path / "s.pdf"), "--member", "01"]) == 2
    assert "member: is not an option of summary [unknown-option]" in capsys.readouterr().err


def test_png_is_deterministic() -> None:
    first = render(prepare("id-card", JANE.read_bytes(), {"format": "png"})).content
    assert first == render(prepare("id-card", JANE.read_bytes(), {"format": "png"})).content


def _validate(tmp_path: Path, data: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> list[str]:
    source = tmp_path / "input.json"
    source.write_text(json.dumps(data))
    assert main(["validate", "id-card", str(source)]) == 2
    return capsys.readouterr().err.splitlines()


def test_a_logo_that_is_not_in_assets_is_an_input_problem(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 16: any well-formed logo name passed validation and the render crashed (fetch refused).
    jane["group"]["id_card"]["logo"] = "acme.png"
    assert _validate(tmp_path, jane, capsys) == [
        "group.id_card.logo: no file acme.png in assets/logos/ [logo-file-exists]"
    ]


def test_a_name_the_barcode_cannot_hold_is_refused_by_path_for_every_cardholder(
    tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 16: long names crashed the encoder ("Generated bar code has 207 rows"). Accented
    # letters are two bytes each, so names at their longest with accented issuer and Rx data
    # need bars finer than a scanner reads (AAMVA's 0.170 mm minimum).
    jane["dependents"][1].update(first_name="É" * 35, middle_name="É" * 25, last_name="É" * 60)
    jane["administrator"]["name"] = "É" * 60
    jane["group"]["id_card"]["rx"].update(pcn="É" * 10, group="É" * 15)
    lines = _validate(tmp_path, jane, capsys)  # checked for dependent 02 though member 00 is asked
    capacity = [line for line in lines if line.endswith("[id-card-barcode-capacity]")]
    assert [line.split(":")[0] for line in capacity] == ["dependents[1].last_name"]
    with pytest.raises(InputError):
        render(prepare("id-card", json.dumps(jane), {"member": "02"}))


def test_a_name_too_wide_for_the_card_prints_its_middle_initial_and_the_barcode_all_of_it(
    jane: dict[str, Any],
) -> None:
    jane["participant"].update(first_name="JOSÉ MARÍA", middle_name="W" * 25, last_name="NÚÑEZ-ЖУКОВА")
    pdf = render(prepare("id-card", json.dumps(jane))).content
    assert "JOSÉ MARÍA W NÚÑEZ-ЖУКОВА" in pdf_text(pdf)[0]
    png = render(prepare("id-card", json.dumps(jane), {"format": "png", "side": "back"})).content
    (text,) = decode(png)
    assert f"NAM=NÚÑEZ-ЖУКОВА/JOSÉ MARÍA {'W' * 25}" in text


def test_an_accented_name_reads_back_exactly_from_the_card_with_its_eci(jane: dict[str, Any]) -> None:
    jane["participant"].update(first_name="JOSÉ", last_name="NÚÑEZ")
    png = render(prepare("id-card", json.dumps(jane), {"format": "png", "side": "back"})).content
    image = Image.open(io.BytesIO(png)).convert("RGB")
    (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417, text_mode=zxingcpp.TextMode.ECI)
    assert found.text.startswith("]L1\\000026HIC1\n") and "\nNAM=NÚÑEZ/JOSÉ\n" in found.text


# Every text field a card prints, with the longest the schema allows (issue 17: a 60-character
# name and a 70-character employer ran off the card, a long network overran its band).
CARD_FIELDS = [
    (("participant", "first_name"), 35),
    (("participant", "middle_name"), 25),
    (("participant", "last_name"), 60),
    (("administrator", "name"), 60),
    (("group", "id_card", "issuer_name"), 60),
    (("group", "id_card", "network"), 200),
    (("group", "name"), 60),
    (("group", "id_card", "rx", "pcn"), 10),
    (("group", "id_card", "rx", "group"), 15),
    (("group", "id_card", "copays", 3, "label"), 200),
    (("group", "id_card", "customer_service_phone"), 200),
    (("group", "id_card", "pharmacy_help_phone"), 200),
    (("group", "id_card", "website"), 200),
    (("group", "id_card", "claims_address", 0), 55),
    (("group", "id_card", "notice"), 300),
]


@pytest.mark.parametrize(
    ("letters", "tag"),
    [("W", "en-US"), ("Mxwq Lopz ", "en-US"), ("W", "es-US")],
    ids=["widest", "words", "widest in Spanish"],
)
@pytest.mark.parametrize(("path", "longest"), CARD_FIELDS, ids=[".".join(map(str, p)) for p, _ in CARD_FIELDS])
def test_every_card_field_at_its_longest_fits_or_is_refused_by_its_path(
    path: tuple[str | int, ...], longest: int, letters: str, tag: str
) -> None:
    data = json.loads(FEATURES.read_text())  # every optional card field present: the fullest card
    # Issue 22: the Spanish labels are longer; the layout and the fields' room stay the same.
    data["participant"]["language"] = tag
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = (letters * longest)[:longest].strip()
    try:
        pdf = render(prepare("id-card", json.dumps(data))).content
    except InputError as refused:
        assert {(p.path, p.rule) for p in refused.problems} == {(json_path(path), "id-card-fits")}
    else:
        assert_nothing_clipped_or_overlapping(pdf, margin=1.5)
        # Sideways, text keeps the card's 3.5 mm margin (9.9 pt; a little less for rounding).
        for words in pdf_words(pdf):
            assert all(9 <= word["x0"] and word["x1"] <= 85.6 * MM - 9 for word in words), words


def test_the_spanish_card_keeps_its_layout_and_the_standard_rx_labels() -> None:
    data = json.loads(FEATURES.read_text())
    data["participant"]["language"] = "es-MX"
    pdf = render(prepare("id-card", json.dumps(data))).content
    assert_nothing_clipped_or_overlapping(pdf, margin=1.5)
    front, back = pdf_text(pdf)
    _ = language_for("es-US").gettext
    for label in ("Member ID", "Effective", "Group", "In-Net", "Out-of-Net", "Deductible"):
        # The card's CSS capitalizes some labels: compared without case.
        assert _(label) != label and _(label).casefold() in " ".join(front.split()).casefold(), label
    # NCPDP's pharmacy labels are the same in every language.
    assert all(label in front for label in ("RxBIN", "RxPCN", "RxGRP", "RxID"))
    assert _("Send claims to").upper() in back and _("Customer Service").upper() in back


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Found in review: the card's rule read these without declaring them, and crashed.
        (lambda d: d["group"].update(name="G" * 61), ("group.name", "max-length")),
        (lambda d: d["group"].pop("group_id"), ("group.group_id", "required")),
        (
            lambda d: (d["group"]["id_card"].update(customer_service_phone=""), d["administrator"].update(phone=5)),
            ("administrator.phone", "type-string"),
        ),
    ],
)
def test_a_field_the_card_reads_that_failed_is_reported_not_a_crash(
    jane: dict[str, Any], change: Any, expected: tuple[str, str]
) -> None:
    change(jane)
    with pytest.raises(InputError) as caught:
        render(prepare("id-card", json.dumps(jane)))
    assert [(p.path, p.rule) for p in caught.value.problems] == [expected]


# Issue 18: with only the required data the back was 45% blank and the front ended in an
# empty band. A row is blank when it is one colour across the card (the front's background
# is a vertical gradient, so that colour is not always white); the columns under the rounded
# corners (3.18 mm, 38 px at 300 dpi) are left out.
CORNER_PX = 38


def tallest_blank_share(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    inside = image.crop((CORNER_PX, 0, image.width - CORNER_PX, image.height))
    tallest = run = 0
    for row in range(inside.height):
        low, high = zip(*inside.crop((0, row, inside.width, row + 1)).getextrema(), strict=True)
        run = run + 1 if max(high) - min(low) < 24 else 0
        tallest = max(tallest, run)
    return tallest / image.height


def minimal_card(data: dict[str, Any]) -> dict[str, Any]:
    """Only the card data the schema requires: no copays, no website, a one-line address."""
    card = data["group"]["id_card"]
    data["group"]["id_card"] = {
        "network": card["network"],
        "rx": card["rx"],
        "customer_service_phone": card["customer_service_phone"],
        "claims_address": card["claims_address"][-1:],
    }
    data["administrator"]["website"] = ""
    return data


@pytest.mark.parametrize("side", ["front", "back"])
@pytest.mark.parametrize(
    ("source", "member"),
    [("jane", "00"), ("jane", "01"), ("minimal", "00"), ("minimal", "01"), ("card-features", "00")],
)
def test_no_band_of_more_than_a_quarter_of_a_side_stands_empty(
    jane: dict[str, Any], source: str, member: str, side: str
) -> None:
    data = {"jane": jane, "minimal": minimal_card(jane), "card-features": json.loads(FEATURES.read_bytes())}[source]
    png = render(prepare("id-card", json.dumps(data), {"member": member, "format": "png", "side": side})).content
    assert tallest_blank_share(png) <= 0.25


TINT = (0.901961, 0.92549, 0.952941)  # #e6ecf3, the palette's header band (assets/css/base.css)


def test_rx_and_copay_blocks_open_with_a_heading_band_not_a_bare_rule() -> None:
    # Issue 18: a 0.6 pt rule above each block read as a line to write on.
    with pdfplumber.open(io.BytesIO(card("00", FEATURES))) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        bands = [r for r in page.rects if r["fill"] and r["non_stroking_color"] == TINT and r["height"] >= 2 * MM]
        for heading in ("PHARMACY", "COPAYS", "In-Net"):
            (word,) = [w for w in words if w["text"] == heading]
            assert any(
                b["x0"] <= word["x0"]
                and word["x1"] <= b["x1"]
                and b["top"] <= word["top"]
                and word["bottom"] <= b["bottom"]
                for b in bands
            ), heading
        # Every visible rule (not the white gap between two bands) is gone.
        rules = [
            o
            for o in page.lines + page.rects
            if o["height"] < 1
            and o["width"] > 5 * MM
            and (o.get("stroking_color") or (0,)) != (1, 1, 1)
            and (o.get("non_stroking_color") or (0,)) != (1, 1, 1)
        ]
        assert rules == []


def test_each_dependents_card_names_the_subscriber_and_the_subscribers_does_not() -> None:
    # WEDI's health ID card guide: a dependent's card names the subscriber, as payers' do.
    for member in ("01", "02"):
        assert "SUBSCRIBER JANE EXAMPLE" in pdf_text(card(member))[0]
    assert "SUBSCRIBER" not in pdf_text(card("00"))[0]


SUBSCRIBER_NAMES = [
    (("participant", field), longest) for field, longest in (("first_name", 35), ("middle_name", 25), ("last_name", 60))
]


@pytest.mark.parametrize("letters", ["W", "Mxwq Lopz "], ids=["widest", "words"])
@pytest.mark.parametrize(("path", "longest"), SUBSCRIBER_NAMES, ids=[".".join(p) for p, _ in SUBSCRIBER_NAMES])
def test_a_subscriber_name_at_its_longest_fits_the_dependents_cards_or_is_refused_by_its_path(
    jane: dict[str, Any], path: tuple[str, str], longest: int, letters: str
) -> None:
    jane[path[0]][path[1]] = (letters * longest)[:longest].strip()
    try:
        pdf = render(prepare("id-card", json.dumps(jane), {"member": "01"})).content
    except InputError as refused:
        assert {(p.path, p.rule) for p in refused.problems} == {(json_path(path), "id-card-fits")}
    else:
        assert "SUBSCRIBER" in pdf_text(pdf)[0]
        assert_nothing_clipped_or_overlapping(pdf, margin=1.5)
        for words in pdf_words(pdf):
            assert all(9 <= word["x0"] and word["x1"] <= 85.6 * MM - 9 for word in words), words


def _claims_column(pdf: bytes) -> list[str]:
    """The words of the back's right-hand column (Send claims to, from 46 mm)."""
    return [word["text"] for word in pdf_words(pdf)[1] if word["x0"] >= 45 * MM and word["top"] > 7 * MM]


@pytest.mark.parametrize(
    "first_line",
    [
        "Allegiance Benefit Plan Management, Inc., Claims",
        "ALLEGIANCE BENEFIT PLAN MANAGEMENT INC",
        "Allegiance Benefit Plan Management",
    ],
)
def test_send_claims_to_names_the_administrator_once(jane: dict[str, Any], first_line: str) -> None:
    # Issue 18: an address starting with the administrator's name printed the name twice.
    jane["group"]["id_card"]["claims_address"] = [first_line, "P.O. Box 3018", "Missoula, MT 59806-3018"]
    words = _claims_column(render(prepare("id-card", json.dumps(jane))).content)
    assert [w.casefold() for w in words].count("allegiance") == 1, words
    assert " ".join(words).startswith(f"SEND CLAIMS TO {first_line.split()[0]}")


def test_send_claims_to_starts_with_the_administrator_when_the_address_does_not() -> None:
    words = _claims_column(card())
    assert " ".join(words) == (
        "SEND CLAIMS TO Allegiance Benefit Plan Management, Inc. P.O. Box 3018 Missoula, MT 59806-3018"
    )


def _fullest(copays: int, issuer: bool = True, cost_rows: int = 2) -> dict[str, Any]:
    """Jane's family with card-features' optional card data and `copays` copays."""
    data: dict[str, Any] = json.loads(JANE.read_bytes())
    card_data = json.loads(FEATURES.read_bytes())["group"]["id_card"]
    card_data["copays"] = [{"label": f"Copay {index}", "amount": "1500.00"} for index in range(copays)]
    for name in ("out_of_pocket_max", "deductible")[: 2 - cost_rows]:
        del card_data[name]
    if not issuer:
        del card_data["issuer_number"]
    data["group"]["id_card"] = card_data
    return data


@pytest.mark.parametrize(
    ("copays", "issuer", "cost_rows", "member"),
    [
        (0, False, 0, "00"),
        (1, True, 1, "01"),
        (4, True, 2, "01"),
        (6, False, 0, "01"),
        (0, True, 2, "00"),
        (5, False, 2, "01"),
    ],
)
def test_the_front_height_rule_matches_the_layout(copays: int, issuer: bool, cost_rows: int, member: str) -> None:
    rects = _block_rects(_layout(json.dumps(_fullest(copays, issuer, cost_rows)), {"member": member}))[0]
    height = {
        name: (rects[name][0][3] - rects[name][0][1]) / MM
        for name in ("member", "ids", "rx", "copays")
        if name in rects
    }
    laid_out = height["member"] + height["ids"] + max(height["rx"], height.get("copays", 0))
    id_rows = 2 + issuer + (member != "00")
    assert cardfit.front_height_mm(id_rows, copays, cost_rows) == pytest.approx(laid_out, abs=0.05)


def test_copays_too_many_for_the_front_are_refused_and_the_most_that_fit_print_whole() -> None:
    # Issue 18: six copays with the deductible rows ran off the front's foot.
    with pytest.raises(InputError) as caught:
        render(prepare("id-card", json.dumps(_fullest(5))))
    (problem,) = caught.value.problems
    assert (problem.path, problem.rule) == ("group.id_card.copays", "id-card-fits")
    assert "at most 4 fit" in problem.message
    for member in ("00", "01"):
        pdf = render(prepare("id-card", json.dumps(_fullest(4)), {"member": member})).content
        assert_nothing_clipped_or_overlapping(pdf, margin=1.5)
    # Six copays fit on a card without the optional rows.
    render(prepare("id-card", json.dumps(_fullest(6, issuer=False, cost_rows=0)), {"member": "01"}))


LARGE_FAMILY = EXAMPLES / "large-family.json"


def _card_boxes(page: Any) -> dict[str, tuple[float, float, float, float]]:
    """Each card on a sheet page by the member ID printed on it: its box (x0, top, x1, bottom)."""
    boxes = [r for r in page.rects if abs(r["width"] - 85.6 * MM) < 0.1 and abs(r["height"] - 53.98 * MM) < 0.1]
    found = {}
    for box in boxes:
        inside = page.crop((box["x0"], box["top"], box["x1"], box["bottom"])).extract_words()
        (member,) = {w["text"] for w in inside if re.fullmatch(r"[0-9]{12}-[0-9]{2}", w["text"])}
        found[member] = (box["x0"], box["top"], box["x1"], box["bottom"])
    return found


def test_a_familys_cards_share_letter_sheets_eight_to_a_sheet_fronts_then_backs() -> None:
    # Issue 18: --sheet printed one card per Letter page. Large-family has 13 cards: two sheets.
    pdf = render(prepare("id-card", LARGE_FAMILY.read_bytes(), {"sheet": True})).content
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert [(page.width, page.height) for page in document.pages] == [(612, 792)] * 4
        codes = [sorted(_card_boxes(page)) for page in document.pages]
    ids = [f"779901620455-{code:02d}" for code in range(13)]
    assert codes == [ids[:8], ids[:8], ids[8:], ids[8:]]
    texts = pdf_text(pdf)
    assert (
        "Sheet 1 of 2: fronts" in texts[0] and "Sheet 1 of 2: backs" in texts[1] and "Sheet 2 of 2: backs" in texts[3]
    )


@pytest.mark.parametrize("example", [LARGE_FAMILY, JANE], ids=["large-family", "jane"])
def test_each_back_prints_behind_its_front_when_flipped_on_the_long_edge(example: Path) -> None:
    # Duplex, long-edge flip: the sheet turns about its vertical centre line, so each back's
    # box must be its front's box mirrored about that line, at the same height.
    pdf = render(prepare("id-card", example.read_bytes(), {"sheet": True})).content
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = document.pages
        for front_page, back_page in zip(pages[::2], pages[1::2], strict=True):
            fronts, backs = _card_boxes(front_page), _card_boxes(back_page)
            assert fronts.keys() == backs.keys() and fronts
            width = front_page.width
            for member, (x0, top, x1, bottom) in fronts.items():
                assert backs[member] == pytest.approx((width - x1, top, width - x0, bottom), abs=0.05), member
            # Two columns: a card in each half of a full row, so the mirror is not the identity.
            assert len({box[0] for box in fronts.values()}) == min(2, len(fronts))


def test_sheet_options_from_the_cli_and_the_api_name_the_file(tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    assert main(["render", "id-card", str(JANE), "-o", str(out), "--sheet"]) == 0
    assert len(PdfReader(out).pages) == 2
    front, _ = pdf_text(out.read_bytes())
    assert all(f"779901618322-{code}" in front for code in ("00", "01", "02"))
    assert render(prepare("id-card", JANE.read_bytes(), CardOptions(sheet=True))).file_name == "id-card-sheet.pdf"
    assert (
        render(prepare("id-card", JANE.read_bytes(), CardOptions(sheet=True, member="02"))).file_name
        == "id-card-02-sheet.pdf"
    )
    assert render(prepare("id-card", JANE.read_bytes(), CardOptions())).file_name == "id-card-00.pdf"


def test_a_member_who_declines_medical_has_no_card_and_is_told_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    declined = get_settings().examples_dir / "all-declined.json"
    with pytest.raises(InputError) as caught:
        render(prepare("id-card", declined.read_bytes()))
    assert [(p.path, p.rule) for p in caught.value.problems] == [("elections.medical.elected", "card-requires-medical")]
    # `make run` says why the example has no card instead of passing over it in silence.
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / declined.name).write_bytes(declined.read_bytes())
    assert main(["examples", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert "all-declined.json (id-card): skipped: elections.medical.elected" in capsys.readouterr().err
