"""Each kind's outline, written by hand from the visible page, matches its structure tree (issue 21).

The outline is what a screen reader's heading and table navigation offers: every heading with its
level and text, and each data table with its header cells and their scope. tests/render/outlines/
holds one file per document, written from the page as printed (the golden PNGs); a template change
that drops a heading, skips a level or turns a header cell into a data cell fails here.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from tests.render.test_tagging import _attribute, _tree

OUTLINES = Path(__file__).parent / "outlines"
DOCUMENTS = (
    "jane-example/summary.pdf",
    "jane-example/confirmation.pdf",
    "jane-example/id-card-00.pdf",
    "jane-example/health-fsa-claim.pdf",
    "jane-example/dependent-care-claim.pdf",
    "mary/tax-savings.pdf",
)
_HEADINGS = frozenset({"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"})


def _page_text(path: Path) -> dict[tuple[int, int], str]:
    """(page index, MCID) -> the text drawn in that marked-content sequence."""
    found: dict[tuple[int, int], list[str]] = {}
    with pdfplumber.open(path) as document:
        for index, page in enumerate(document.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    found.setdefault((index, char["mcid"]), []).append(char["text"])
    return {key: "".join(chars) for key, chars in found.items()}


def _text(element: pikepdf.Dictionary, pages: dict[tuple[int, int], int], drawn: dict[tuple[int, int], str]) -> str:
    """The element's text: what its marked content draws, its kids' in order, spaces collapsed."""
    page = pages[element.Pg.objgen] if "/Pg" in element else -1
    kids = element.get("/K")
    parts = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            parts.append(drawn.get((page, int(kid)), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            parts.append(_text(kid, pages, drawn))
    return " ".join(" ".join(parts).split())


def outline(path: Path) -> list[str]:
    """Headings ("H2 Personal Information") and tables with their header cells ("  TH Column: SSN")."""
    drawn = _page_text(path)
    lines = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        for element in _tree(pdf):
            if element.S in _HEADINGS:
                lines.append(f"{str(element.S)[1:]} {_text(element, pages, drawn)}")
            elif element.S == "/Table":
                lines.append("Table")
            elif element.S == "/TH":
                scope = _attribute(element, "/Scope")
                named = str(scope)[1:] if scope is not None else "(no scope)"
                lines.append(f"  TH {named}: {_text(element, pages, drawn)}")
    return lines


def _expected(document: str) -> list[str]:
    text = (OUTLINES / (document.replace("/", "--").removesuffix(".pdf") + ".txt")).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_tree_has_the_outline_the_page_shows(rendered: dict[str, Path], document: str) -> None:
    assert outline(rendered[document]) == _expected(document)


def test_headings_start_at_one_h1_and_never_skip_a_level() -> None:
    for document in DOCUMENTS:
        levels = [int(line[1]) for line in _expected(document) if line.startswith("H")]
        assert levels[0] == 1 and levels.count(1) == 1, document
        assert all(later <= earlier + 1 for earlier, later in pairwise(levels)), document


def test_a_heading_turned_into_a_paragraph_is_caught(rendered: dict[str, Path], tmp_path: Path) -> None:
    # The comparison can fail: the confirmation with its first H2 retagged as a paragraph.
    broken = tmp_path / "confirmation.pdf"
    with pikepdf.open(rendered["jane-example/confirmation.pdf"]) as pdf:
        next(element for element in _tree(pdf) if element.S == "/H2").S = pikepdf.Name.P
        pdf.save(broken)
    assert outline(broken) != _expected("jane-example/confirmation.pdf")
