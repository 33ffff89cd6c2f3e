"""Member ID cards as members and scanners see them: size, text, type sizes, fit, and the PDF417 code."""

from __future__ import annotations

import io
import json
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
from docgen.config import SETTINGS
from docgen.documents import document_html, render_output
from docgen.documents.idcard import cardholders
from docgen.errors import InputError
from docgen.model import parse_enrollment
from docgen.raster import CARD_PIXELS
from docgen.render import ConfinedFetcher
from docgen.parsing import json_path
from tests.conftest import EXAMPLES, JANE, assert_nothing_clipped_or_overlapping, pdf_text, pdf_words

FEATURES = EXAMPLES / "card-features.json"
MM = 72 / 25.4


@cache
def card(member: str = "00", example: Path = JANE, **options: Any) -> bytes:
    return render_output("id-card", example.read_bytes(), {"member": member, **options}).content


def decode(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.PDF417]


def test_one_card_per_person_covered_by_medical(jane: dict[str, Any]) -> None:
    holders = cardholders(parse_enrollment(json.dumps(jane)))
    assert [(h.code, h.name) for h in holders] == [
        ("00", "JANE EXAMPLE"), ("01", "STEPHEN EXAMPLE"), ("02", "JENNIFER EXAMPLE")
    ]
    jane["elections"]["medical"]["covered_dependents"] = ["02"]
    jane["elections"]["dental"]["covered_dependents"] = ["02"]
    jane["elections"]["vision"]["covered_dependents"] = ["02"]
    assert [h.code for h in cardholders(parse_enrollment(json.dumps(jane)))] == ["00", "02"]


@pytest.mark.parametrize(("member", "name"), [("00", "JANE EXAMPLE"), ("01", "STEPHEN EXAMPLE"), ("02", "JENNIFER EXAMPLE")])
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


def test_pdf_has_a_front_and_a_back_at_card_size() -> None:
    reader = PdfReader(io.BytesIO(card()))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(85.6 * MM, abs=0.05)
        assert float(page.mediabox.height) == pytest.approx(53.98 * MM, abs=0.05)


def test_front_and_back_text() -> None:
    front, back = pdf_text(card("01"))
    for expected in ("Cigna PPO", "STEPHEN EXAMPLE", "779901618322-01", "0010675 · EXAMPLE EMPLOYER", "07/01/2016",
                     "RxBIN 012345", "RxPCN EXAMPLE", "RxGRP EXRX0675", "RxID 779901618322-01",
                     "Office Visit $25", "Emergency Room $150"):
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
    member_fields = ("RxBIN", "RxPCN", "RxGRP", "RxID", "012345", "EXAMPLE", "EXRX0675", "779901", "0010675", "07/01/2016")
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


def _block_rects(document: Any) -> list[dict[str, tuple[float, float, float, float]]]:
    pages = []
    for page in document.pages:
        rects: dict[str, tuple[float, float, float, float]] = {}
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None else []
            if "blk" in classes and box.element_tag != "tbody":
                name = next(c for c in classes if c in BLOCKS)
                if name not in rects:
                    x, y = box.border_box_x() * 0.75, box.border_box_y() * 0.75
                    rects[name] = (x, y, x + box.border_width() * 0.75, y + box.border_height() * 0.75)
        pages.append(rects)
    return pages


@pytest.mark.parametrize(
    ("example", "sheet"), [(JANE, False), (FEATURES, False), (EXAMPLES / "large-family.json", True)],
    ids=["jane", "card-features", "large-family-sheet"],
)
def test_every_character_lies_inside_the_card_and_its_own_block(example: Path, sheet: bool) -> None:
    html = document_html("id-card", example.read_bytes(), {"member": "00", "sheet": sheet})
    html = html.replace("</head>", f"<style>{COLOURING}</style></head>")
    fetcher = ConfinedFetcher((SETTINGS.assets_dir, SETTINGS.fonts_dir))
    document = weasyprint.HTML(string=html, base_url=SETTINGS.home.as_uri() + "/", url_fetcher=fetcher).render()
    rects = _block_rects(document)
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        for number, page in enumerate(pdf.pages):
            assert page.chars
            for char in page.chars:
                if char["non_stroking_color"] is None or char["non_stroking_color"][1:] != (0, 0):
                    continue  # sheet captions outside the cards
                assert 0 <= char["x0"] and char["x1"] <= page.width and 0 <= char["top"] and char["bottom"] <= page.height
                block = BLOCKS[round(char["non_stroking_color"][0] * 255) - 1]
                x0, top, x1, bottom = rects[number][block]
                assert x0 - 0.5 <= char["x0"] and char["x1"] <= x1 + 0.5, (block, char["text"])
                assert top - 0.5 <= char["top"] and char["bottom"] <= bottom + 0.5, (block, char["text"])
    assert all(set(page) & set(BLOCKS) for page in rects)


def test_blocks_do_not_overlap() -> None:
    html = document_html("id-card", FEATURES.read_bytes(), {"member": "00"})
    fetcher = ConfinedFetcher((SETTINGS.assets_dir, SETTINGS.fonts_dir))
    document = weasyprint.HTML(string=html, base_url=SETTINGS.home.as_uri() + "/", url_fetcher=fetcher).render()
    for rects in _block_rects(document):
        items = sorted(rects.items())
        for i, (first, a) in enumerate(items):
            for second, b in items[i + 1 :]:
                overlap = min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
                assert not overlap, (first, second)


def test_print_sheet_is_one_letter_page_with_both_faces() -> None:
    pdf = card(sheet=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == (612, 792)
    (text,) = pdf_text(pdf)
    assert "RxBIN 012345" in text and "SEND CLAIMS TO" in text and "Cut along the guides" in text


def test_a_person_without_medical_gets_an_error(jane: dict[str, Any]) -> None:
    jane["elections"]["medical"]["covered_dependents"] = ["01"]
    jane["elections"]["dental"]["covered_dependents"] = ["01"]
    jane["elections"]["vision"]["covered_dependents"] = ["01"]
    with pytest.raises(InputError) as caught:
        render_output("id-card", json.dumps(jane), {"member": "02"})
    assert [(p.path, p.rule) for p in caught.value.problems] == [("member", "member-covered-by-medical")]


def test_png_sheet_and_bad_member_are_option_errors() -> None:
    with pytest.raises(InputError) as caught:
        render_output("id-card", JANE.read_bytes(), {"member": "1", "side": "top"})
    assert sorted(p.path for p in caught.value.problems) == ["member", "side"]
    with pytest.raises(InputError) as caught:
        render_output("id-card", JANE.read_bytes(), {"sheet": True, "format": "png"})
    assert [(p.path, p.rule) for p in caught.value.problems] == [("format", "sheet-is-pdf")]


def test_cli_png_from_extension_and_exit_2_for_uncovered(tmp_path: Path, jane: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
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
    assert "member: person 00 is not covered by medical" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_statements_take_no_card_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "summary", str(JANE), "-o", str(tmp_path / "s.pdf"), "--member", "01"]) == 2
    assert "member: is not an option of summary [unknown-option]" in capsys.readouterr().err


def test_png_is_deterministic() -> None:
    first = render_output("id-card", JANE.read_bytes(), {"format": "png"}).content
    assert first == render_output("id-card", JANE.read_bytes(), {"format": "png"}).content


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
        render_output("id-card", json.dumps(jane), {"member": "02"})


def test_a_name_too_wide_for_the_card_prints_its_middle_initial_and_the_barcode_all_of_it(
    jane: dict[str, Any],
) -> None:
    jane["participant"].update(first_name="JOSÉ MARÍA", middle_name="W" * 25, last_name="NÚÑEZ-ЖУКОВА")
    pdf = render_output("id-card", json.dumps(jane)).content
    assert "JOSÉ MARÍA W NÚÑEZ-ЖУКОВА" in pdf_text(pdf)[0]
    png = render_output("id-card", json.dumps(jane), {"format": "png", "side": "back"}).content
    (text,) = decode(png)
    assert f"NAM=NÚÑEZ-ЖУКОВА/JOSÉ MARÍA {'W' * 25}" in text


def test_an_accented_name_reads_back_exactly_from_the_card_with_its_eci(jane: dict[str, Any]) -> None:
    jane["participant"].update(first_name="JOSÉ", last_name="NÚÑEZ")
    png = render_output("id-card", json.dumps(jane), {"format": "png", "side": "back"}).content
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


@pytest.mark.parametrize("letters", ["W", "Mxwq Lopz "], ids=["widest", "words"])
@pytest.mark.parametrize(("path", "longest"), CARD_FIELDS, ids=[".".join(map(str, p)) for p, _ in CARD_FIELDS])
def test_every_card_field_at_its_longest_fits_or_is_refused_by_its_path(
    path: tuple[str | int, ...], longest: int, letters: str
) -> None:
    data = json.loads(FEATURES.read_text())  # every optional card field present: the fullest card
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = (letters * longest)[:longest].strip()
    try:
        pdf = render_output("id-card", json.dumps(data)).content
    except InputError as refused:
        assert {(p.path, p.rule) for p in refused.problems} == {(json_path(path), "id-card-fits")}
    else:
        assert_nothing_clipped_or_overlapping(pdf, margin=1.5)
        # Sideways, text keeps the card's 3.5 mm margin (9.9 pt; a little less for rounding).
        for words in pdf_words(pdf):
            assert all(9 <= word["x0"] and word["x1"] <= 85.6 * MM - 9 for word in words), words


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Found in review: the card's rule read these without declaring them, and crashed.
        (lambda d: d["group"].update(name="G" * 61), ("group.name", "max-length")),
        (lambda d: d["group"].pop("group_id"), ("group.group_id", "required")),
        (lambda d: (d["group"]["id_card"].update(customer_service_phone=""), d["administrator"].update(phone=5)),
         ("administrator.phone", "type-string")),
    ],
)
def test_a_field_the_card_reads_that_failed_is_reported_not_a_crash(
    jane: dict[str, Any], change: Any, expected: tuple[str, str]
) -> None:
    change(jane)
    with pytest.raises(InputError) as caught:
        render_output("id-card", json.dumps(jane))
    assert [(p.path, p.rule) for p in caught.value.problems] == [expected]
