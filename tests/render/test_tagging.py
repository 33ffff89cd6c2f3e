"""Tagged PDF/UA-1 (issue 21): every member-facing kind passes `pdfua check`, and its structure tree
says what a screen reader needs; render.tagging adds what WeasyPrint 70 leaves out."""

from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest
import weasyprint

from docgen.config import get_settings
from docgen.documents.pipeline import document_html, prepare, render
from docgen.errors import RenderError
from docgen.render import engine, tagging
from docgen.render.barcodes import qr_image
from tests.render.test_reading_order import KINDS as READING_KINDS
from tests.render.test_reading_order import MARGINS

JANE_MEMBER_ID = "779901618322-00"


def pdfua_reports(paths: list[Path]) -> Iterator[dict[str, object]]:
    """`pdfua check --format json` on the files, run as anyone runs it; one JSON object per file."""
    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1, 2, 3), done.stderr
    decoder, text, position = json.JSONDecoder(), done.stdout, 0
    while text[position:].strip():
        position += len(text[position:]) - len(text[position:].lstrip())
        report, position = decoder.raw_decode(text, position)
        assert isinstance(report, dict)
        yield report


def test_every_kind_passes_pdfua_check_without_error_or_warning(rendered: dict[str, Path]) -> None:
    assert set(rendered) >= {
        f"jane-example/{kind}.pdf"
        for kind in (
            "summary",
            "confirmation",
            "id-card-00",
            "id-card-sheet",
            "health-fsa-claim",
            "dependent-care-claim",
        )
    } | {"mary/tax-savings.pdf", "familia-es/confirmation.pdf", "lucia-es/tax-savings.pdf"}
    reports = list(pdfua_reports(list(rendered.values())))
    assert len(reports) == len(rendered)
    for report in reports:
        assert report["summary"] == report["summary"] | {"errors": 0, "warnings": 0}, report
        assert report["findings"] == [], report


def _kids(element: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid


def _tree(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element reachable from the root, in reading order."""
    found: list[pikepdf.Dictionary] = []

    def walk(element: pikepdf.Dictionary) -> None:
        found.append(element)
        for kid in _kids(element):
            walk(kid)

    for top in _kids(pdf.Root.StructTreeRoot):
        walk(top)
    return found


def _attribute(element: pikepdf.Dictionary, name: str) -> object:
    attributes = element.get("/A")
    owned = attributes if isinstance(attributes, pikepdf.Array) else [attributes]
    for dictionary in owned:
        if isinstance(dictionary, pikepdf.Dictionary) and name in dictionary:
            return dictionary[name]
    return None


def test_the_structure_tree_says_what_a_screen_reader_needs(rendered: dict[str, Path]) -> None:
    for name, path in rendered.items():
        with pikepdf.open(path) as pdf:
            # The member's language (issue 22): the Spanish examples are es-US throughout.
            assert str(pdf.Root.Lang) == ("es-US" if name.split("/")[0].endswith("-es") else "en-US"), name
            assert pdf.Root.MarkInfo.Marked is True, name
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True, name
            assert pdf.open_metadata().get("pdfuaid:part") == "1", name
            elements = _tree(pdf)
            roles = [str(element.S) for element in elements]
            figures = [element for element in elements if element.S == "/Figure"]
            assert all(str(figure.get("/Alt", "")).strip() for figure in figures), name
            for header in (element for element in elements if element.S == "/TH"):
                assert _attribute(header, "/Scope") in (pikepdf.Name.Row, pikepdf.Name.Column), name
            # A table without a header cell only places blocks: it is not tagged as a table.
            for table in (element for element in elements if element.S == "/Table"):
                assert "/TH" in [str(element.S) for element in _below(table)], name
            headings = [int(role[2]) for role in roles if len(role) == 3 and role.startswith("/H")]
            # pdfua 0.1.3's empty-heading rule (UA-14-001) fails to run on pikepdf 10: checked here.
            for heading in (element for element in elements if str(element.S) in ("/H1", "/H2", "/H3", "/H4")):
                assert _holds_content(heading), name
            assert headings.count(1) == 1 and headings[0] == 1, (name, headings)
            assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(headings)), (name, headings)


def _holds_content(element: pikepdf.Dictionary) -> bool:
    """Whether marked content (an MCID) or a figure lies below the element."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and _holds_content(kid)):
            return True
    return False


def _below(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    for kid in _kids(element):
        yield kid
        yield from _below(kid)


def _mapped_content(pdf: pikepdf.Pdf) -> list[tuple[int, int, bool]]:
    """(page, MCID, whether its element is in the tree) for each MCID the parent tree maps."""
    reachable = {element.objgen for element in _tree(pdf)}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    mapped = []
    for index in range(0, len(nums), 2):
        if int(nums[index]) < len(pdf.pages) and isinstance(nums[index + 1], pikepdf.Array):
            for mcid, element in enumerate(nums[index + 1]):
                if isinstance(element, pikepdf.Dictionary):
                    mapped.append((int(nums[index]), mcid, element.objgen in reachable))
    return mapped


def _marked_content(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str, int | None]]:
    """(page, tag, MCID) for each marked-content sequence a page's content opens."""
    for number, page in enumerate(pdf.pages):
        for instruction in pikepdf.parse_content_stream(page):
            if str(instruction.operator) in ("BDC", "BMC"):
                operands = list(instruction.operands)
                properties = operands[1] if len(operands) > 1 else None
                mcid = (
                    int(properties.MCID)
                    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                    else None
                )
                yield number, str(operands[0]), mcid


def test_page_margins_are_artifacts_and_every_tagged_sequence_is_in_the_tree(rendered: dict[str, Path]) -> None:
    for name in ("jane-example/confirmation.pdf", "jane-example/health-fsa-claim.pdf", "mary/tax-savings.pdf"):
        with pikepdf.open(rendered[name]) as pdf:
            assert all(in_tree for _page, _mcid, in_tree in _mapped_content(pdf)), name
            mapped = {(page, mcid) for page, mcid, _in_tree in _mapped_content(pdf)}
            sequences = list(_marked_content(pdf))
            assert all((page, mcid) in mapped for page, tag, mcid in sequences if mcid is not None), name
            # The running header and footer and "Page i of n" are pagination artifacts on every page.
            pagination = {page for page, tag, mcid in sequences if tag == "/Artifact" and mcid is None}
            assert pagination == set(range(len(pdf.pages))), name


def _struct_text(path: Path) -> str:
    return subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True).stdout


def test_the_running_header_is_read_once_not_on_every_page(rendered: dict[str, Path]) -> None:
    text = _struct_text(rendered["jane-example/confirmation.pdf"])
    assert "Enrollment Confirmation Statement" in text
    # The footer's "Page 1 of 2" and the running header's participant line are artifacts.
    assert "Page 1 of" not in text and "JANE EXAMPLE · Participant ID" not in text


def test_the_pdf417_and_each_qr_code_say_what_they_hold(rendered: dict[str, Path]) -> None:
    with pikepdf.open(rendered["jane-example/id-card-00.pdf"]) as pdf:
        (barcode,) = (str(element.Alt) for element in _tree(pdf) if element.S == "/Figure")
    assert JANE_MEMBER_ID in barcode and barcode.startswith("Barcode (PDF417)")
    with pikepdf.open(rendered["jane-example/health-fsa-claim.pdf"]) as pdf:
        codes = [str(element.Alt) for element in _tree(pdf) if element.S == "/Figure"]
        pages = len(pdf.pages)
    assert codes == [
        "QR code filing this page when it is returned: Health FSA Reimbursement Request, "
        f"participant ID 779901618322, page {page} of {pages}"
        for page in range(1, pages + 1)
    ]


def test_the_chart_names_the_two_amounts_it_compares(rendered: dict[str, Path]) -> None:
    with pikepdf.open(rendered["mary/tax-savings.pdf"]) as pdf:
        (chart,) = (str(element.Alt) for element in _tree(pdf) if element.S == "/Figure")
    assert chart.count("$") == 3 and "without the plan, $" in chart and "with the plan, $" in chart


def test_a_margin_image_without_a_text_alternative_is_refused() -> None:
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title><style>@page { size: 3in 3in; margin: 1in;'
        f' @top-right {{ content: url("{qr_image("x").data_uri()}") }} }}</style></head><body><p>a</p></body></html>'
    )
    with pytest.raises(RenderError, match="page 1's margins has no text alternative"):
        engine.html_to_pdf(html)


def _weasyprint_alone(kind: str, completion: tagging.Completion | None = None) -> bytes:
    """The PDF as WeasyPrint writes it with pdf_variant="pdf/ua-1", with render.tagging's completion or without."""
    html = document_html(prepare(kind, (get_settings().home / "examples" / "jane-example.json").read_bytes()))
    document = engine._layout(html, get_settings())
    return bytes(document.write_pdf(pdf_variant=engine.PDF_VARIANT, finisher=completion))


def _gaps(pdf_bytes: bytes) -> dict[str, int]:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        elements = _tree(pdf)
        tables = [element for element in elements if element.S == "/Table"]
        return {
            "header cells without scope": sum(
                1 for element in elements if element.S == "/TH" and _attribute(element, "/Scope") is None
            ),
            "tables without a header cell": sum(
                1 for table in tables if "/TH" not in [str(element.S) for element in _below(table)]
            ),
            "margin content outside the tree": sum(1 for *_, in_tree in _mapped_content(pdf) if not in_tree),
            "figures": sum(1 for element in elements if element.S == "/Figure"),
            "elements with their own language": sum(1 for element in elements if "/Lang" in element),
        }


def test_what_tagging_adds_that_weasyprint_70_does_not() -> None:
    # Pinned: when WeasyPrint is upgraded, this shows what it now writes itself (and tagging.py
    # may shrink); tagging.WRITTEN_FOR moves with it.
    assert weasyprint.__version__ == tagging.WRITTEN_FOR == "70.0"
    before = _gaps(_weasyprint_alone("confirmation"))
    after = _gaps(_weasyprint_alone("confirmation", tagging.Completion()))
    assert before["header cells without scope"] > 0 and after["header cells without scope"] == 0
    assert before["tables without a header cell"] > 0 and after["tables without a header cell"] == 0
    assert before["margin content outside the tree"] > 0 and after["margin content outside the tree"] == 0
    # An element's own lang (the notice's taglines, issue 23) gives no /Lang; tagging adds it.
    html = document_html(prepare("confirmation", (get_settings().home / "examples" / "jane-example.json").read_bytes()))
    languages = tagging.closing_paragraphs(html)
    assert len(languages) == 16 and before["elements with their own language"] == 0
    assert _gaps(_weasyprint_alone("confirmation", tagging.Completion(closing=languages)))[
        "elements with their own language"
    ] == len(languages)
    # WeasyPrint leaves the margin's QR code out of the tree; tagging makes it a Figure (one per page).
    with pytest.raises(RenderError, match="no text alternative"):
        _weasyprint_alone("health-fsa-claim", tagging.Completion())
    pages = len(pypdf.PdfReader(io.BytesIO(_weasyprint_alone("health-fsa-claim"))).pages)
    completed = _weasyprint_alone(
        "health-fsa-claim", tagging.Completion({i: f"QR code, page {i + 1}" for i in range(pages)})
    )
    assert _gaps(_weasyprint_alone("health-fsa-claim"))["figures"] == 0 and _gaps(completed)["figures"] == pages


def test_the_same_document_is_completed_to_the_same_bytes() -> None:
    assert _weasyprint_alone("confirmation", tagging.Completion()) == _weasyprint_alone(
        "confirmation", tagging.Completion()
    )


def test_a_print_run_of_several_sheets_has_one_h1() -> None:
    # large-family: 13 cards on two sheets of fronts, each with the title at its head.
    data = (get_settings().home / "examples" / "large-family.json").read_bytes()
    with pikepdf.open(io.BytesIO(render(prepare("id-card", data, {"sheet": True})).content)) as pdf:
        roles = [str(element.S) for element in _tree(pdf)]
        pages = len(pdf.pages)
    assert pages == 4 and roles.count("/H1") == 1


def test_each_data_cell_names_the_header_cells_of_its_row_and_column(rendered: dict[str, Path]) -> None:
    # WeasyPrint 70 writes a cell's /Headers from the HTML: a <th> is a column header unless it has
    # scope="row" (its pdf/tags.py), so a row header without it heads no cell of its row.
    for name, path in rendered.items():
        with pikepdf.open(path) as pdf:
            for row in (element for element in _tree(pdf) if element.S == "/TR"):
                cells = list(_kids(row))
                row_headers = [
                    bytes(cell.ID)
                    for cell in cells
                    if cell.S == "/TH" and _attribute(cell, "/Scope") == pikepdf.Name.Row and "/ID" in cell
                ]
                for cell in (cell for cell in cells if cell.S == "/TD" and row_headers):
                    named = _attribute(cell, "/Headers")
                    headers = [bytes(header) for header in named] if isinstance(named, pikepdf.Array) else []
                    assert any(header in headers for header in row_headers), (name, row_headers, headers)


def test_the_cards_network_columns_have_header_cells(tmp_path: Path) -> None:
    # card-features: the cost-sharing rows under "In-Net" and "Out-of-Net" column heads.
    data = (get_settings().home / "examples" / "card-features.json").read_bytes()
    with pikepdf.open(io.BytesIO(render(prepare("id-card", data)).content)) as pdf:
        headers = [element for element in _tree(pdf) if element.S == "/TH"]
        column_heads = [_attribute(element, "/Scope") for element in headers if "/ID" in element]
    assert column_heads.count(pikepdf.Name.Column) >= 4  # Pharmacy, Copays, In-Net, Out-of-Net


def _artifact_chars(path: Path) -> list[tuple[int, float, float, str]]:
    """(page, top, bottom, text) of every character drawn inside an /Artifact sequence."""
    with pdfplumber.open(path) as document:
        return [
            (number, char["top"], char["bottom"], char["text"])
            for number, page in enumerate(document.pages)
            for char in page.chars
            if char.get("tag") == "Artifact"
        ]


@pytest.mark.parametrize("name", list(READING_KINDS))
def test_only_the_running_header_and_footer_are_artifacts(rendered: dict[str, Path], name: str) -> None:
    # Issue 21: only running heads and feet, page numbers, rules and backgrounds are artifacts;
    # text anywhere else on the page is content a screen reader must reach.
    path = rendered[name]
    top, bottom = MARGINS[READING_KINDS[name]]
    with pdfplumber.open(path) as document:
        heights = [float(page.height) for page in document.pages]
    artifacts = _artifact_chars(path)
    # The check reads something: every page but the card's has a running header or footer.
    assert bool(artifacts) == (READING_KINDS[name] != "card"), name
    for page, char_top, char_bottom, text in artifacts:
        assert char_bottom <= top or char_top >= heights[page] - bottom, (name, page, text)
    with pikepdf.open(path) as pdf:
        # Every MCID a page draws maps to an element reachable from the root, for every kind.
        assert all(in_tree for _page, _mcid, in_tree in _mapped_content(pdf)), name
        mapped = {(page, mcid) for page, mcid, _in_tree in _mapped_content(pdf)}
        assert all((page, mcid) in mapped for page, _tag, mcid in _marked_content(pdf) if mcid is not None), name
        # Every figure says what it holds: more than a word or a file name.
        for figure in (element for element in _tree(pdf) if element.S == "/Figure"):
            alt = str(figure.get("/Alt", ""))
            assert len(alt.split()) >= 3 and not alt.lower().endswith((".png", ".svg")), (name, alt)


def test_a_page_with_annotations_tabs_in_structure_order() -> None:
    # PDF/UA-1 7.18.3: a page with annotations (a link here, the claim forms' fields) has /Tabs /S.
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
        '<body><h1>Links</h1><p><a href="https://example.org/">example.org</a></p></body></html>'
    )
    with pikepdf.open(io.BytesIO(engine.html_to_pdf(html))) as pdf:
        (page,) = pdf.pages
        assert len(page.Annots) == 1 and page.Tabs == pikepdf.Name.S
