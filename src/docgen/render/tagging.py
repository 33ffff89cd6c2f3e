"""What WeasyPrint 70's tagged PDF/UA-1 output lacks, added before the PDF is written.

WeasyPrint writes the structure tree from the HTML (`pdf_variant="pdf/ua-1"`), but (its
pdf/tags.py; issues Kozea/WeasyPrint#1836, #2508):

- header cells carry no /Scope. PDF/UA-1 (ISO 14289-1 7.5, Matterhorn 15-003) wants it on every
  TH of a table not organized by /Headers and /IDs: a TH in a row of header cells heads its
  column, a TH beside data cells heads its row;
- every `<table>` is a Table, also those that only place blocks side by side (the letterhead, the
  card's rows); a table without a single header cell is layout, and is tagged as Div (ISO
  14289-1 7.5: tables are for data; PDF 1.7 14.8.4.3.4);
- page-margin content (running header and footer, page numbers) is marked with MCIDs of
  structure elements that hang outside the tree, so it is neither real content nor an artifact
  (ISO 14289-1 7.1, Matterhorn 01-003/01-004). It becomes pagination artifacts (PDF 1.7 14.8.2.2);
  the margin's image on a page (a claim form's QR code) becomes a Figure in the page's body, with
  the text alternative the caller gives (ISO 14289-1 7.3);
- empty /Headers arrays it writes on data cells of tables without column headers, which would say
  "no header" where /Scope now says which; they are dropped;
- pages with annotations (form fields, links) get no /Tabs; PDF/UA-1 7.18.3 (Matterhorn 28-012)
  wants /Tabs /S, so the tab order is the structure order;
- an element's own `lang` gives no /Lang: only the catalog's comes from `<html lang>`. PDF/UA-1
  7.2 wants a change of natural language declared where it happens. The notice of language
  assistance (issue 23), whose taglines are the document's last paragraphs, each in its own
  language, gets its paragraphs' /Lang from their `lang` (`closing_paragraphs`), and their text as
  /ActualText, which shaped scripts need (`Completion._declare_languages`).

It runs as WeasyPrint's public `finisher` hook (`Document.write_pdf(finisher=...)`), on the
pydyf objects WeasyPrint has built, before they are serialised: reading the written PDF back with
pikepdf and saving it again cost 7% of a statement's render by itself, and issue 21 holds all of
tagging to 10%. Only pydyf's documented objects are used (`PDF.objects`, `.catalog`, `.pages`,
Dictionary, Array, Stream.stream); the output is a function of the input (objects are visited in
tree and page order), so the same document gives the same bytes. tests/render/test_tagging.py pins
what WeasyPrint 70.0 leaves undone, so an upgrade shows what it now writes itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any

import pydyf

from docgen.errors import RenderError

#: The WeasyPrint release whose gaps this module closes (tests/render/test_tagging.py checks it).
WRITTEN_FOR = "70.0"

_TABLE_PARTS = frozenset({"/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD"})
_CELLS = frozenset({"/TH", "/TD"})
#: Operators that show text (PDF 1.7 9.4.3) and that paint (8.5.3, 8.8, 8.9.7), as the last
#: token of a content-stream chunk WeasyPrint appends (one operation per chunk).
_SHOWS_TEXT = frozenset({b"Tj", b"TJ", b"'", b'"'})
_PAINTS = frozenset({b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*", b"S", b"s", b"Do", b"sh"})


# Our own templates' markup (input is escaped, so it cannot write a tag): a paragraph, the lang
# attribute of its start tag, the tags inside it.
_PARAGRAPH = re.compile(r"<p(?=[\s>])([^>]*)>(.*?)</p>", re.S)
_LANG_ATTRIBUTE = re.compile(r'\slang="([^"]+)"')
_RIGHT_TO_LEFT = re.compile(r'\sdir="rtl"')
_TAG = re.compile(r"<[^>]+>")
#: Text whose glyph clusters are reordered or split when shaped: the Indic scripts (Devanagari to
#: Malayalam, Sinhala), Thai, Lao, Tibetan, Myanmar, Khmer; and combining marks with no precomposed
#: letter (Navajo's ǫ́), which pdftotext set apart from their letter.
_REORDERED = re.compile("[\u0300-\u036f\u0900-\u0dff\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\ua9e0-\ua9ff\uaa60-\uaa7f]")


@dataclass(frozen=True)
class ClosingParagraph:
    """A paragraph in its own language among those that close a document: its BCP 47 tag and text."""

    language: str
    text: str
    right_to_left: bool = False


def closing_paragraphs(html: str) -> tuple[ClosingParagraph, ...]:
    """The document's closing run of paragraphs that carry their own `lang`, in order.

    The structure tree gives no way back from an element to its HTML, but WeasyPrint tags every
    `<p>` as a P, in document order; so paragraphs with their own language must close the
    document (a paragraph kept whole by `break-inside: avoid`, as the notice's are, is one P), and
    the last P elements get their languages. One elsewhere would be tagged wrongly: refused.
    """
    found = [
        ClosingParagraph(
            language.group(1), " ".join(unescape(_TAG.sub("", body)).split()), bool(_RIGHT_TO_LEFT.search(attributes))
        )
        if (language := _LANG_ATTRIBUTE.search(attributes))
        else None
        for attributes, body in _PARAGRAPH.findall(html)
    ]
    closing: list[ClosingParagraph] = []
    while found and (last := found[-1]) is not None:
        closing.insert(0, last)
        found.pop()
    if any(paragraph is not None for paragraph in found):
        raise RenderError(
            "a paragraph in its own language must be among the document's last paragraphs (render.tagging)"
        )
    return tuple(closing)


class _Objects:
    """Resolves the indirect references ("12 0 R") WeasyPrint stores in its pydyf objects."""

    def __init__(self, pdf: pydyf.PDF) -> None:
        self.pdf = pdf

    def get(self, value: object) -> Any:
        if isinstance(value, bytes) and value.endswith(b" R"):
            return self.pdf.objects[int(value.split(b" ", 1)[0])]
        return value

    def kids(self, element: pydyf.Dictionary) -> Iterator[pydyf.Dictionary]:
        """The structure-element children of an element, in order (MCIDs and object references skipped)."""
        kids = element.get("K")
        for kid in kids if isinstance(kids, list) else [kids]:
            resolved = self.get(kid)
            if isinstance(resolved, pydyf.Dictionary) and "S" in resolved:
                yield resolved

    def elements(self, root: pydyf.Dictionary) -> list[pydyf.Dictionary]:
        """Every structure element below the root, depth first in reading order.

        Written out rather than through kids(): it visits every element of every document, and
        issue 21 holds all of tagging to 10% of a render."""
        objects = self.pdf.objects
        found: list[pydyf.Dictionary] = []
        stack: list[pydyf.Dictionary] = [root]
        while stack:
            element = stack.pop()
            if element is not root:
                found.append(element)
            kids = element["K"]
            for kid in reversed(kids) if isinstance(kids, list) else (kids,):
                if kid.__class__ is bytes:  # a reference; an int is an MCID
                    resolved = objects[int(kid[: kid.index(b" ")])]
                    if resolved.__class__ is pydyf.Dictionary and "S" in resolved:
                        stack.append(resolved)
        return found

    def table_cells(self, table: pydyf.Dictionary) -> Iterator[tuple[pydyf.Dictionary, pydyf.Dictionary]]:
        """(row, cell) for each cell of a table, not those of tables nested in its cells."""
        for kid in self.kids(table):
            if kid["S"] == "/TR":
                for cell in self.kids(kid):
                    if cell["S"] in _CELLS:
                        yield kid, cell
            elif kid["S"] in ("/THead", "/TBody", "/TFoot"):
                yield from self.table_cells(kid)


def _attributes(cell: pydyf.Dictionary) -> pydyf.Dictionary:
    """The cell's Table attribute dictionary (WeasyPrint writes one inline; made when absent)."""
    attributes = cell.get("A")
    if not isinstance(attributes, pydyf.Dictionary):
        attributes = cell["A"] = pydyf.Dictionary({"O": "/Table"})
    return attributes


def _layout_table(objects: _Objects, element: pydyf.Dictionary, top: bool = True) -> None:
    """Retag a table that only places blocks as nested Divs, down to (not into) any table nested in it."""
    if element["S"] == "/Table" and not top:
        return  # a nested table is completed on its own
    if element["S"] in _TABLE_PARTS:
        element["S"] = "/Div"
        element.pop("A", None)  # Table attributes (and WeasyPrint's empty /Headers) mean nothing on a Div
    for kid in objects.kids(element):
        _layout_table(objects, kid, top=False)


def _complete_table(objects: _Objects, table: pydyf.Dictionary) -> None:
    """Scope on each header cell; a table with none is layout."""
    cells = list(objects.table_cells(table))
    if not any(cell["S"] == "/TH" for _row, cell in cells):
        _layout_table(objects, table)
        return
    rows_with_data = {row.number for row, cell in cells if cell["S"] == "/TD"}
    for row, cell in cells:
        attributes = _attributes(cell)
        if cell["S"] == "/TH":
            attributes["Scope"] = "/Row" if row.number in rows_with_data else "/Column"
        elif attributes.get("Headers") == []:
            del attributes["Headers"]


def _operator(chunk: object) -> bytes:
    """The operator ending one content-stream chunk (WeasyPrint appends one operation per chunk)."""
    if isinstance(chunk, bytes):
        return chunk.rsplit(None, 1)[-1] if chunk.strip() else b""
    if isinstance(chunk, str):
        return chunk.rsplit(None, 1)[-1].encode() if chunk.strip() else b""
    return b""  # an operand object (a property list)


def _margin_sequences(stream: pydyf.Stream, orphans: set[int], page_number: int) -> Iterator[tuple[int, int, int]]:
    """(mcid, index of its tag chunk, index of its EMC) for each orphan marked-content sequence."""
    chunks = stream.stream
    # Property lists are the only dictionaries among the chunks: found in one pass of the list.
    marks = [index for index, chunk in enumerate(chunks) if chunk.__class__ is pydyf.Dictionary]
    for index in marks:
        mcid = chunks[index].get("MCID")
        if mcid not in orphans:
            continue
        if index == 0 or index + 1 >= len(chunks) or chunks[index + 1] != b"BDC":
            raise RenderError(f"page {page_number}'s margin content is not a marked sequence tagging can read")
        end = index + 2
        while end < len(chunks) and chunks[end] != b"EMC":
            if chunks[end] in (b"BDC", b"BMC"):
                raise RenderError(f"page {page_number}'s margin content {mcid} is not a flat marked sequence")
            end += 1
        yield mcid, index - 1, end


#: A pagination artifact (PDF 1.7 14.8.2.2.2): running heads and feet, page numbers.
def _pagination() -> pydyf.Dictionary:
    return pydyf.Dictionary({"Type": "/Pagination"})


def _mark_margins(stream: pydyf.Stream, orphans: set[int], page_number: int) -> set[int]:
    """Make the page's orphan marked content pagination artifacts, except sequences that paint without
    showing text (the margin's image: a claim form's QR code, drawn as an image `Do`), which keep their MCID;
    returns those."""
    images: set[int] = set()
    chunks = stream.stream
    for mcid, tag, end in list(_margin_sequences(stream, orphans, page_number)):
        operators = {_operator(chunk) for chunk in chunks[tag + 3 : end]}
        if operators & _PAINTS and not operators & _SHOWS_TEXT:
            images.add(mcid)
            continue
        chunks[tag], chunks[tag + 1] = "/Artifact", _pagination()
    return images


def _marked_content(objects: _Objects, element: pydyf.Dictionary) -> Iterator[int]:
    """The MCIDs below an element, in order."""
    for kid in element["K"]:
        if isinstance(kid, int):
            yield kid
        elif kid.__class__ is bytes:
            resolved = objects.get(kid)
            if resolved.__class__ is pydyf.Dictionary and "S" in resolved:
                yield from _marked_content(objects, resolved)


class Completion:
    """WeasyPrint's `finisher`: completes the tagging of the document it is handed (module docstring).

    `margin_figures` gives, per page index, the text alternative of the image in that page's margins
    (a claim form's QR code); an image in the margins without one is refused.
    """

    def __init__(
        self, margin_figures: Mapping[int, str] | None = None, closing: Sequence[ClosingParagraph] = ()
    ) -> None:
        self.margin_figures = dict(margin_figures or {})
        #: The document's last paragraphs that have a language of their own (closing_paragraphs).
        self.closing = tuple(closing)

    def __call__(self, document: object, pdf: pydyf.PDF) -> None:
        objects = _Objects(pdf)
        if "StructTreeRoot" not in pdf.catalog:
            raise RenderError("the PDF has no structure tree to complete (written without pdf/ua-1?)")
        root = objects.get(pdf.catalog["StructTreeRoot"])
        elements = objects.elements(root)
        reachable = {element.number for element in elements}
        for table in [element for element in elements if element["S"] == "/Table"]:
            _complete_table(objects, table)  # a layout table retags its own parts, never a table nested in it
        if self.closing:
            self._declare_languages(objects, elements)
        page_references = pdf.page_references
        pages = [objects.get(reference) for reference in page_references]
        document_element = next(objects.kids(root))
        nums = objects.get(root["ParentTree"])["Nums"]
        for position in range(0, len(nums), 2):
            page_index, entries = nums[position], objects.get(nums[position + 1])
            if page_index >= len(pages) or not isinstance(entries, list):
                continue  # an annotation's entry (links, form fields): not page content
            orphans = {mcid for mcid, entry in enumerate(entries) if objects.get(entry).number not in reachable}
            if not orphans:
                continue
            page = pages[page_index]
            images = _mark_margins(objects.get(page["Contents"]), orphans, page_index + 1)
            for mcid in sorted(orphans):
                entries[mcid] = "null"
            for mcid in sorted(images):
                alt = self.margin_figures.get(page_index)
                if not alt:
                    raise RenderError(f"the image in page {page_index + 1}'s margins has no text alternative")
                entries[mcid] = self._insert_figure(
                    objects, document_element, page_references, page_index, mcid, alt
                ).reference
        for page in pages:
            if page.get("Annots"):
                page["Tabs"] = "/S"  # PDF/UA-1 7.18.3: tab order is the structure order

    def _declare_languages(self, objects: _Objects, elements: list[pydyf.Dictionary]) -> None:
        """Each closing paragraph's P gets its /Lang; one in a script whose clusters are reordered also
        gets its text as /ActualText (PDF 1.7 14.9.4) on its marked content: the first line's
        sequence holds the paragraph's text, the others none.

        A font maps each glyph to one text (its ToUnicode), but those scripts draw one glyph in
        several clusters (a Khmer subscript, a Thai vowel, an Indic conjunct): without the actual
        text, a screen reader or pdftotext reads those taglines with letters lost or moved. Other
        scripts read right from their glyphs, and the text would cost each one ~1 kB per line
        (UTF-16 in hex) in every mailed piece. Never for right-to-left paragraphs: poppler
        reverses an actual text as if it were drawn in visual order (pdftotext 22.12 printed every
        Arabic word backwards), and their glyphs' own texts read right already."""
        paragraphs = [element for element in elements if element["S"] == "/P"]
        if len(paragraphs) < len(self.closing):
            raise RenderError("fewer paragraphs in the structure tree than in the HTML")
        properties: dict[tuple[bytes, int], pydyf.Dictionary] = {}
        for paragraph, closing in zip(paragraphs[-len(self.closing) :], self.closing, strict=True):
            paragraph["Lang"] = pydyf.String(closing.language)
            if closing.right_to_left or not _REORDERED.search(closing.text):
                continue
            page = paragraph["Pg"]
            if not any(key[0] == page for key in properties):
                stream = objects.get(objects.get(page)["Contents"])
                for chunk in stream.stream:
                    if chunk.__class__ is pydyf.Dictionary and "MCID" in chunk:
                        properties[page, chunk["MCID"]] = chunk
            for number, mcid in enumerate(_marked_content(objects, paragraph)):
                properties[page, mcid]["ActualText"] = pydyf.String(closing.text if number == 0 else "")

    @staticmethod
    def _insert_figure(
        objects: _Objects,
        document: pydyf.Dictionary,
        page_references: tuple[bytes, ...],
        page_index: int,
        mcid: int,
        alt: str,
    ) -> pydyf.Dictionary:
        """A Figure holding the margin image's marked content, placed after the page's last top-level block."""
        figure = pydyf.Dictionary(
            {
                "Type": "/StructElem",
                "S": "/Figure",
                "P": document.reference,
                "Pg": page_references[page_index],
                "K": mcid,
                "Alt": pydyf.String(alt),
            }
        )
        objects.pdf.add_object(figure)
        later = set(page_references[page_index + 1 :])
        kids = document["K"]
        position = len(kids)
        for number, kid in enumerate(kids):
            if objects.get(kid).get("Pg") in later:
                position = number
                break
        kids.insert(position, figure.reference)
        return figure
