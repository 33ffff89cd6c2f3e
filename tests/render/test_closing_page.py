"""A closing page laid out once per process and grafted into each document (render.closing_page)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import ImageChops

from docgen.documents import pipeline
from docgen.errors import RenderError
from docgen.golden import page_images
from docgen.render import closing_page, engine
from tests.conftest import EXAMPLES
from tests.render.test_reading_order import tree_strings

#: The notice laid out in the document's own flow, on a page of its own as the closing page is.
IN_FLOW = '<section class="language-assistance" style="break-before: page; margin-top: 0">'


def _html(kind: str, example: str = "three-scripts", **participant: str) -> str:
    data = json.loads((EXAMPLES / f"{example}.json").read_bytes())
    data["participant"].update(participant)
    return pipeline.document_html(pipeline.prepare(kind, json.dumps(data).encode(), None))


def _notice(html: str) -> str:
    start = html.index('<section class="language-assistance')
    return html[start : html.index("</section>", start) + len("</section>")]


def _words(pdf: bytes) -> list[tuple[int, str, float, float]]:
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            found += [(number, word["text"], word["x0"], word["top"]) for word in page.extract_words()]
    return found


def _document(kind: str, example: str = "three-scripts") -> bytes:
    return pipeline.render_document(kind, (EXAMPLES / f"{example}.json").read_bytes(), None)


@pytest.mark.parametrize("kind", ["confirmation", "health-fsa-claim", "dependent-care-claim"])
def test_the_grafted_page_prints_and_reads_as_the_notice_laid_out_in_the_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    assert 'class="language-assistance closing-page"' in _html(kind)  # a state's full list: a page of its own
    grafted = _document(kind)
    with monkeypatch.context() as patched:  # the notice laid out in the document's flow, as before render.closing_page
        patched.setattr(closing_page, "split", lambda html: (html, None))
        in_flow = _document(kind)
    assert grafted != in_flow  # two ways of making it, not one path twice

    # Every word where it was, to a tenth of a point (font widths are rounded per font, in 1/1000 em).
    grafted_words, in_flow_words = _words(grafted), _words(in_flow)
    assert [word[:2] for word in grafted_words] == [word[:2] for word in in_flow_words]
    assert all(
        abs(a[2] - b[2]) < 0.1 and abs(a[3] - b[3]) < 0.1 for a, b in zip(grafted_words, in_flow_words, strict=True)
    )
    # The pages as pictures, and the structure tree a screen reader reads, in the same order.
    # A glyph lost or moved by a pixel differs by ~230 levels where it was; anti-aliasing of the
    # words' sub-point shifts (claim forms: up to 0.07 pt) by less.
    for a, b in zip(page_images(grafted, 100), page_images(in_flow, 100), strict=True):
        assert max(high for _low, high in ImageChops.difference(a, b).getextrema()) < 160
    (tmp_path / "grafted.pdf").write_bytes(grafted)
    (tmp_path / "in-flow.pdf").write_bytes(in_flow)
    assert tree_strings(tmp_path / "grafted.pdf") == tree_strings(tmp_path / "in-flow.pdf")


def test_members_of_a_state_share_one_page_and_each_pdf_is_the_same_bytes_from_the_cache() -> None:
    engine._closing_page.cache_clear()
    first = _html("confirmation", first_name="ANA")
    second = _html("confirmation", first_name="LEE")
    made = engine.html_to_pdf(first)
    assert engine._closing_page.cache_info().currsize == 1
    engine.html_to_pdf(second)
    assert engine._closing_page.cache_info().currsize == 1  # the second member's page came from the cache
    assert engine._closing_page.cache_info().hits == 1
    assert engine.html_to_pdf(first) == made  # from the cache, the same bytes as when it was made


def test_a_notice_longer_than_a_page_is_laid_out_in_the_document() -> None:
    html = _html("confirmation")
    notice = _notice(html)
    taglines = notice[notice.index("<p lang") : notice.index("</section>")]
    longer = html.replace(notice, notice.replace("</section>", taglines * 2 + "</section>"))  # each three times
    assert closing_page.split(longer)[1] is not None
    in_flow = longer.replace('<section class="language-assistance closing-page">', IN_FLOW)
    assert engine.html_to_pdf(longer) == engine.html_to_pdf(in_flow)


def test_a_closing_page_must_be_the_documents_last_block() -> None:
    html = _html("confirmation")
    section = _notice(html)
    moved = html.replace(section, "").replace('<div class="closing">', section + '<div class="closing">', 1)
    with pytest.raises(RenderError, match="last block"):
        closing_page.split(moved)


def test_a_document_without_one_is_left_as_it_is() -> None:
    html = _html("confirmation").replace(" closing-page", "")
    assert closing_page.split(html) == (html, None)


def _page_mcids(pdf: pikepdf.Pdf, page: pikepdf.Page) -> list[int]:
    return [
        int(operands[1].MCID)
        for operands, operator in pikepdf.parse_content_stream(page)
        if operator == pikepdf.Operator("BDC")
        and isinstance(operands[1], pikepdf.Dictionary)
        and "/MCID" in operands[1]
    ]


def _holds(element: pikepdf.Object, mcid: int) -> bool:
    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
    return any(
        (isinstance(kid, int) and int(kid) == mcid)
        or (isinstance(kid, pikepdf.Dictionary) and kid.get("/MCID") == mcid)
        for kid in kids
    )


@pytest.mark.parametrize("kind", ["confirmation", "health-fsa-claim"])
def test_each_marked_sequence_on_the_grafted_page_is_its_own_and_its_element_holds_it(kind: str) -> None:
    # A claim form's last page has its own tagged content (its QR page mark, a Figure), which the
    # graft renumbers after the closing page's.
    with pikepdf.open(io.BytesIO(_document(kind))) as pdf:
        page = pdf.pages[-1]
        mcids = _page_mcids(pdf, page)
        assert len(mcids) == len(set(mcids)) > 40
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        entries = next(nums[index + 1] for index in range(0, len(nums), 2) if nums[index] == page.obj.StructParents)
        assert all(_holds(entries[mcid], mcid) for mcid in mcids)
        # The page's running header and footer became artifacts (render.tagging): their entries are null.
        assert all(entries[index] is None for index in range(len(entries)) if index not in mcids)
        if kind != "confirmation":
            assert any(entries[mcid].S == "/Figure" for mcid in mcids)  # the page's own, renumbered


def test_no_two_fonts_share_a_subset_tag() -> None:
    # ISO 32000-1 9.6.4: the closing page's subset of a face is not the document's, so its tag is its own.
    with pikepdf.open(io.BytesIO(_document("health-fsa-claim"))) as pdf:
        fonts = {font.objgen: str(font.BaseFont) for page in pdf.pages for font in page.Resources.Font.values()}
    assert len(set(fonts.values())) == len(fonts)
    assert sum(name.endswith("+Docgen-Sans") for name in fonts.values()) == 2  # the document's and the page's


@pytest.mark.engine_logs_expected
def test_a_closing_page_the_graft_cannot_carry_is_laid_out_in_the_document(caplog: pytest.LogCaptureFixture) -> None:
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n'
        '<link rel="stylesheet" href="assets/css/base.css">\n</head>\n<body>\n<p>first</p>\n'
        '<section class="closing-page" style="break-before: page"><h2 id="top">Notice</h2>'
        '<p>See <a href="#top">the top</a> again.</p></section>\n</body>\n</html>\n'
    )
    pdf = engine.html_to_pdf(html)
    assert "links or form fields" in caplog.text
    assert [word[1] for word in _words(pdf)] == ["first", "Notice", "See", "the", "top", "again."]
    assert engine.html_to_pdf(html) == pdf
