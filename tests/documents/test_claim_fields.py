"""The claim forms' fillable fields (issue 21, deliverable 4) as a viewer's form mode and a screen reader find them."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf
import pytest
from PIL import ImageChops

from docgen.documents.fsa_claims import MIN_BLANK_EXPENSE_LINES, ClaimFormView
from docgen.documents.pipeline import document_html, prepare, render_document
from docgen.money import format_money
from docgen.render.engine import html_to_pdf
from docgen.render.raster import page_images
from docgen.render.templating import with_stylesheet
from tests.conftest import JANE
from tests.documents.test_fsa_claims import (
    KINDS,
    LARGE,
    PLAN_YEAR_2025_2026,
    expense_values,
    field_values,
    rendered,
    twenty_claims,
)

COLUMNS = ("date", "person", "provider", "description", "amount")
EXAMPLES = [JANE, LARGE, PLAN_YEAR_2025_2026]


def _fields(pdf: bytes) -> list[dict[str, Any]]:
    """Each field's name, tooltip, value, page (from 0) and rectangle, in the AcroForm's order."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.obj.objgen: index for index, page in enumerate(document.pages)}
        return [
            {
                "name": str(field.T),
                "tooltip": str(field.get("/TU", "")),
                "value": str(field.get("/V", "")),
                "page": pages[field.P.objgen],
                "rect": [float(number) for number in field.Rect],
                "objgen": field.objgen,
            }
            for field in document.Root.AcroForm.Fields
        ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_blank_is_a_field_with_a_unique_name_and_a_tooltip(kind: str, example: Path) -> None:
    html = document_html(prepare(kind, example.read_bytes()))
    # No write-in line or box is left drawn without a field over it.
    assert 'class="fill' not in html.replace('<input class="fill', "") and '<span class="box"' not in html
    fields = _fields(rendered(kind, example))
    assert len(fields) == len(re.findall(r"<(?:input|textarea)\b", html))
    names = [field["name"] for field in fields]
    assert len(set(names)) == len(names)
    assert all(field["tooltip"] and field["tooltip"] != field["name"] for field in fields)
    expected = {"daytime-phone", "email", "total", "signature", "signature-date"}
    expected |= {f"expense-1-{column}" for column in COLUMNS}
    if kind == "dependent-care-claim":
        for provider in (1, 2):
            expected |= {
                f"provider-{provider}-{blank}"
                for blank in ("name", "taxpayer-id", "address", "persons", "dates", "type", "amount", "signature")
            }
            expected.add(f"provider-{provider}-signature-date")
    assert expected <= set(names), sorted(expected - set(names))
    checkboxes = [name for name in names if name.startswith("attached-")]
    assert len(checkboxes) == (3 if kind == "health-fsa-claim" else 2)


@pytest.mark.parametrize(
    ("kind", "name", "tooltip"),
    [
        ("health-fsa-claim", "expense-1-date", "Expense 1: date(s) of service (MM/DD/YYYY)"),
        ("health-fsa-claim", "expense-8-amount", "Expense 8: amount in dollars"),
        ("dependent-care-claim", "expense-2-person", "Expense 2: dependent who received care"),
        ("health-fsa-claim", "signature-date", "Signature date (MM/DD/YYYY)"),
        (
            "dependent-care-claim",
            "provider-2-taxpayer-id",
            "Care provider 2: taxpayer ID (EIN) or Social Security number",
        ),
        ("health-fsa-claim", "attached-eob", "Attached: the insurance Explanation of Benefits (EOB)"),
    ],
)
def test_tooltips_say_what_to_enter(kind: str, name: str, tooltip: str) -> None:
    assert {field["name"]: field["tooltip"] for field in _fields(rendered(kind))}[name] == tooltip


@pytest.mark.parametrize(
    ("kind", "example"),
    [(kind, LARGE) for kind in KINDS] + [("dependent-care-claim", PLAN_YEAR_2025_2026)],
    ids=lambda value: getattr(value, "stem", value),
)
def test_printed_values_prefill_their_fields_and_blank_lines_follow(kind: str, example: Path) -> None:
    view = prepare(kind, example.read_bytes()).view
    assert isinstance(view, ClaimFormView) and view.rows
    pdf = rendered(kind, example)
    values = field_values(pdf)
    assert values["daytime-phone"] == view.phone and values["email"] == view.email
    columns = {column: expense_values(pdf, column) for column in COLUMNS}
    for index, row in enumerate(view.rows):
        assert columns["person"][index] == row.person
        assert columns["provider"][index] == row.provider
        assert columns["description"][index] == row.description
        assert columns["amount"][index] == format_money(row.amount)
    blank = [index for index in range(len(columns["date"])) if not any(columns[c][index] for c in COLUMNS)]
    assert blank == list(range(len(view.rows), len(columns["date"])))
    assert len(blank) >= MIN_BLANK_EXPENSE_LINES
    # What the member fills in starts empty.
    assert values["total"] == values["signature"] == values["signature-date"] == ""


@pytest.mark.slow
def test_twenty_prefilled_lines_leave_three_empty_lines_to_fill(jane: dict[str, Any]) -> None:
    jane["claims"] = twenty_claims()  # the most an input may carry
    pdf = render_document("health-fsa-claim", json.dumps(jane))
    descriptions = expense_values(pdf, "description")
    assert descriptions[:20] == [line["description"] for line in jane["claims"]]
    assert len(descriptions) >= 20 + MIN_BLANK_EXPENSE_LINES and set(descriptions[20:]) == {""}
    assert set(expense_values(pdf, "amount")[20:]) == {""}


def _structure(node: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The structure tree's elements and object references, depth first, in reading order."""
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            if kid.get("/Type") != "/OBJR":
                yield from _structure(kid)


def _widgets_in_structure_order(pdf: bytes) -> list[tuple[int, int]]:
    """The widgets each Form structure element holds, in the tree's order (a screen reader's)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        found = []
        for element in _structure(document.Root.StructTreeRoot):
            if element.get("/S") == "/Form":
                references = [kid for kid in element.K if kid.get("/Type") == "/OBJR"]
                assert len(references) == 1
                found.append(references[0].Obj.objgen)
        return found


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_widget_is_a_form_element_of_the_structure_tree(kind: str, example: Path) -> None:
    pdf = rendered(kind, example)
    fields = _fields(pdf)
    assert _widgets_in_structure_order(pdf) == [field["objgen"] for field in fields]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        parents = document.Root.StructTreeRoot.ParentTree.Nums
        parent_of = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
        for page in document.pages:
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") == "/Widget":
                    assert parent_of[int(annotation.StructParent)].S == "/Form"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_tab_order_follows_the_page(kind: str, example: Path) -> None:
    pdf = rendered(kind, example)
    fields = _fields(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        annotations = [
            annotation.objgen
            for page in document.pages
            for annotation in page.get("/Annots", [])
            if annotation.get("/Subtype") == "/Widget"
        ]
        # Tab order is the structure order (/S), which the previous test holds to the fields'.
        assert {str(page.get("/Tabs")) for page in document.pages if "/Annots" in page} == {"/S"}
    assert annotations == [field["objgen"] for field in fields]
    # Page by page, top to bottom, and left to right along a line (tops within 1 pt).
    for before, after in zip(fields, fields[1:], strict=False):
        top, next_top = max(before["rect"][1::2]), max(after["rect"][1::2])
        if after["page"] == before["page"]:
            assert next_top < top - 1 or (abs(next_top - top) <= 1 and after["rect"][0] > before["rect"][0]), (
                before["name"],
                after["name"],
            )
        else:
            assert after["page"] > before["page"]


#: The fields turned off: the same page as WeasyPrint draws it without them.
WITHOUT_FIELDS = ".claim-form input, .claim-form textarea { appearance: none; }"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("example", [JANE, LARGE], ids=lambda p: p.stem)
def test_the_form_layer_changes_nothing_on_the_printed_page(kind: str, example: Path) -> None:
    # Issue 21: writing the controls as fields adds no border, background or shift: a renderer
    # without form support (PDFium, as for the goldens) prints the page the controls alone give
    # (that it is the page of before is the goldens' to hold). The one difference is glyph
    # anti-aliasing: a face a field uses is embedded whole (hinting kept), not subset.
    html = document_html(prepare(kind, example.read_bytes()))
    with_fields = page_images(rendered(kind, example), dpi=80)
    # Untagged: tagging has no bearing on the pixels, and html_to_pdf has no alt for the QR codes.
    without = page_images(html_to_pdf(with_stylesheet(html, WITHOUT_FIELDS), tagged=False), dpi=80)
    assert len(with_fields) == len(without)
    with pdfplumber.open(io.BytesIO(rendered(kind, example))) as pdf:
        characters = [len(page.chars) for page in pdf.pages]
    for page, (ours, theirs) in enumerate(zip(with_fields, without, strict=True), start=1):
        difference = ImageChops.difference(ours.convert("L"), theirs.convert("L")).histogram()
        # A moved, added or lost rule, border or line of text differs by more than half the range
        # at hundreds of pixels; anti-aliasing differs by at most ~45% at a few glyph edges per
        # hundred characters (the notice of language assistance, 4,200 small characters in
        # eighteen scripts: 240 pixels, one of them just over half the range).
        assert sum(difference[129:]) < 10, page
        assert sum(difference[65:]) < 0.1 * characters[page - 1], page


def test_viewers_draw_no_second_copy_of_a_prefilled_value() -> None:
    # render/fields.py: WeasyPrint 70 leaves text fields without an appearance and asks the viewer
    # to draw them (/NeedAppearances), which printed each prefilled value twice (poppler, PDFium
    # with forms). Each text field now has an empty appearance, a prefilled one a white ground.
    pdf_bytes = render_document("health-fsa-claim", LARGE.read_bytes())
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        assert pdf.Root.AcroForm.NeedAppearances is False
        texts = [field for field in pdf.Root.AcroForm.Fields if field.get("/FT") == pikepdf.Name.Tx]
        assert texts and all(field.AP.N.read_bytes() == b"" for field in texts)
        prefilled = [field for field in texts if str(field.get("/V", ""))]
        assert prefilled and all(list(field.MK.BG) == [1] for field in prefilled)
        assert all("/MK" not in field for field in texts if not str(field.get("/V", "")))
