"""Names in Arabic, Cyrillic and Chinese (issue 23) on statements, cards and claim forms, in the bundled fonts only."""

from __future__ import annotations

import copy
import io
import json
import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import zxingcpp
from PIL import Image

from docgen.documents.pipeline import prepare, render
from tests.conftest import EXAMPLES

FAMILY = EXAMPLES / "three-scripts.json"
#: pdftotext wraps right-to-left runs in U+202B ... U+202C (RLE, PDF) and may add isolates.
_BIDI_MARKS = re.compile("[\u202a-\u202e\u2066-\u2069]")


@cache
def _family() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FAMILY.read_text(encoding="utf-8"))
    return data


def _render(kind: str, data: dict[str, Any] | None = None, **options: Any) -> bytes:
    return render(prepare(kind, json.dumps(data or _family()).encode(), options)).content


def _run(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _text(pdf: bytes, tmp_path: Path) -> str:
    return _BIDI_MARKS.sub("", _run("pdftotext", pdf, tmp_path))


def _fonts(pdf: bytes, tmp_path: Path) -> set[str]:
    """The embedded fonts' names, subset tags dropped (pdffonts takes no "-" for stdout)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].partition("+")[2] for line in listing.splitlines()[2:]}


def _letters(text: str) -> Counter[str]:
    # Extraction order of right-to-left runs may differ (research rtl.md §4): compare letters.
    return Counter(char for char in text if char.isalpha())


@pytest.mark.parametrize("kind", ["confirmation", "summary"])
def test_the_statement_prints_every_name_in_its_script(kind: str, tmp_path: Path) -> None:
    pdf = _render(kind)
    text = _text(pdf, tmp_path)
    assert "Юрий Хаддад" in text and "Ольга Хаддад" in text
    assert "小龍 李" in text  # the covered-dependents list: first name, then last
    assert re.search(r"XXX-XX-5529\s+李\s+小龍", _run("pdftotext", pdf, tmp_path, "-layout"))  # Last, First columns
    assert "محمد حداد" in text  # the participant: no ligature in these letters, so extraction keeps them
    # The header prints the participant in bold: Noto Sans Arabic Bold, not Regular drawn bold.
    # (The notice of language assistance adds the faces of its own scripts, issue 23.)
    assert {"Docgen-Sans", "Docgen-Sans-Bold", "Docgen-Arabic-Bold", "Docgen-CJK"} <= _fonts(pdf, tmp_path)
    assert all(name.startswith("Docgen-") for name in _fonts(pdf, tmp_path))


@pytest.mark.parametrize(
    ("first", "last", "font"),
    [
        ("محمد", "حداد", "Docgen-Arabic"),
        ("Юрий", "Хаддад", "Docgen-Sans"),
        ("小龍", "李", "Docgen-CJK"),
        # Assyrian names (Shimun Odisho) in Syriac, right to left and joined; Sequoyah in the Cherokee syllabary.
        ("ܫܡܥܘܢ", "ܐܘܕܝܫܘ", "Docgen-Syriac"),
        ("ᏍᏏᏉᏯ", "ᎦᏙᎯ", "Docgen-Cherokee"),
    ],
    ids=["arabic", "cyrillic", "cjk", "syriac", "cherokee"],
)
@pytest.mark.parametrize("kind", ["health-fsa-claim", "dependent-care-claim"])
def test_the_claim_forms_print_the_participant_in_any_script(
    kind: str, first: str, last: str, font: str, tmp_path: Path
) -> None:
    data = copy.deepcopy(_family())
    data["participant"].update(first_name=first, last_name=last)
    pdf = _render(kind, data)
    assert _letters(f"{first} {last}") <= _letters(_text(pdf, tmp_path))
    # Its own face, in the weight the form prints it (bold in "Your information").
    assert any(name.removesuffix("-Bold") == font for name in _fonts(pdf, tmp_path))
    assert all(name.startswith("Docgen-") for name in _fonts(pdf, tmp_path))


@pytest.mark.parametrize(
    ("member", "name", "font"),
    [
        ("00", "حداد/محمد", "Docgen-Arabic-Bold"),
        ("02", "Хаддад/Юрий", "Docgen-Sans-Bold"),
        ("03", "李/小龍", "Docgen-CJK"),
    ],
    ids=["arabic", "cyrillic", "cjk"],
)
def test_each_card_prints_its_member_and_its_barcode_decodes_the_name_exactly(
    member: str, name: str, font: str, tmp_path: Path
) -> None:
    pdf = _render("id-card", member=member)
    last, first = name.split("/")
    assert _letters(f"{first} {last}") <= _letters(_text(pdf, tmp_path))
    assert font in _fonts(pdf, tmp_path)
    assert all(font.startswith("Docgen-") for font in _fonts(pdf, tmp_path))
    back = Image.open(io.BytesIO(_render("id-card", member=member, format="png", side="back"))).convert("RGB")
    (found,) = zxingcpp.read_barcodes(back, formats=zxingcpp.BarcodeFormat.PDF417)
    assert f"\nNAM={name}\n" in found.text
    assert f"\nNAM={name}\n".encode() in found.bytes  # the very UTF-8 bytes, no normalisation
    front = Image.open(io.BytesIO(_render("id-card", member=member, format="png", side="front"))).convert("L")
    # The name's line is drawn (not blank, not boxes: a .notdef would have failed the test's log check).
    assert front.getextrema()[0] < 64


def _mark_faces(pdf: bytes) -> set[str]:
    """The faces that draw the combining marks of U+0300-036F, subset tags dropped."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return {
            char["fontname"].partition("+")[2]
            for page in document.pages
            for char in page.chars
            if char["text"] and "\u0300" <= char["text"][0] <= "\u036f"
        }


def test_a_syriac_name_s_marks_are_drawn_by_the_syriac_face_and_read_back_from_the_card() -> None:
    # ܓ̰ (gamal with the tilde below, U+0330) writes "j", ܟ̰ "ch": Liberation Sans drew the tilde,
    # under the next letter, until such words were set in the Syriac face (render.marked_words).
    data = copy.deepcopy(_family())
    data["participant"].update(first_name="ܓ̰ܘܢ", last_name="ܒܝܬ ܟ̰ܐܢ")
    data["dependents"][1].update(first_name="Zoë", last_name="Spın̈al")  # a Latin mark stays Latin
    assert _mark_faces(_render("confirmation", data)) == {"Docgen-Syriac", "Docgen-Sans"}
    pdf = _render("health-fsa-claim", data)
    assert _mark_faces(pdf) == {"Docgen-Syriac"}
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert sum(char["text"] == "\u0330" for char in document.pages[0].chars) == 2 + 2  # the header, step 1
    assert _mark_faces(_render("id-card", data, member="00")) == {"Docgen-Syriac"}
    back = Image.open(io.BytesIO(_render("id-card", data, member="00", format="png", side="back"))).convert("RGB")
    (found,) = zxingcpp.read_barcodes(back, formats=zxingcpp.BarcodeFormat.PDF417)
    assert "\nNAM=ܒܝܬ ܟ̰ܐܢ/ܓ̰ܘܢ\n".encode() in found.bytes
