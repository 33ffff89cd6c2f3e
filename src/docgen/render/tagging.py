"""What WeasyPrint 70's tagged PDF/UA-1 output lacks, added to the written PDF with pikepdf.

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
  "no header" where /Scope now says which; they are dropped.

Everything here is pikepdf's public API; the output is a function of the input (objects are
visited in tree and page order, the file ID is derived from the content), so the same PDF gives
the same bytes. tests/render/test_tagging.py pins what WeasyPrint 70.0 leaves undone, so an
upgrade shows what it now writes itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping

import pikepdf

from docgen.errors import RenderError

#: The WeasyPrint release whose gaps this module closes (tests/render/test_tagging.py checks it).
WRITTEN_FOR = "70.0"

_TABLE_PARTS = frozenset({"/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD"})
_CELLS = frozenset({"/TH", "/TD"})


def _kids(element: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """The structure-element children of an element, in order (MCIDs and object references skipped)."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid


def _elements(root: pikepdf.Object) -> list[pikepdf.Dictionary]:
    """Every structure element below the root, depth first in reading order."""
    found: list[pikepdf.Dictionary] = []
    stack = list(reversed(list(_kids(root))))
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(reversed(list(_kids(element))))
    return found


def _table_cells(table: pikepdf.Dictionary) -> Iterator[tuple[pikepdf.Dictionary, pikepdf.Dictionary]]:
    """(row, cell) for each cell of a table, not those of tables nested in its cells."""
    for kid in _kids(table):
        if kid.S == "/TR":
            for cell in _kids(kid):
                if cell.S in _CELLS:
                    yield kid, cell
        elif kid.S in ("/THead", "/TBody", "/TFoot"):
            yield from _table_cells(kid)


def _attributes(cell: pikepdf.Dictionary) -> pikepdf.Dictionary:
    """The cell's Table attribute dictionary (WeasyPrint writes one; made when absent)."""
    attributes = cell.get("/A")
    if isinstance(attributes, pikepdf.Dictionary):
        return attributes
    if isinstance(attributes, pikepdf.Array):
        for owned in attributes:
            if isinstance(owned, pikepdf.Dictionary) and owned.get("/O") == pikepdf.Name.Table:
                return owned
    cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table)
    return cell.A  # type: ignore[no-any-return]


def _layout_table(element: pikepdf.Dictionary, top: bool = True) -> None:
    """Retag a table that only places blocks as nested Divs, down to (not into) any table nested in it."""
    if element.S == "/Table" and not top:
        return  # a nested table is completed on its own
    if element.S in _TABLE_PARTS:
        element.S = pikepdf.Name.Div
        if "/A" in element:
            del element["/A"]  # Table attributes (and WeasyPrint's empty /Headers) mean nothing on a Div
    for kid in _kids(element):
        _layout_table(kid, top=False)


def _complete_table(table: pikepdf.Dictionary) -> None:
    """Scope on each header cell; a table with none is layout."""
    cells = list(_table_cells(table))
    if not any(cell.S == "/TH" for _row, cell in cells):
        _layout_table(table)
        return
    rows_with_data = {row.objgen for row, cell in cells if cell.S == "/TD"}
    for row, cell in cells:
        attributes = _attributes(cell)
        if cell.S == "/TH":
            attributes.Scope = pikepdf.Name.Row if row.objgen in rows_with_data else pikepdf.Name.Column
        elif isinstance(attributes.get("/Headers"), pikepdf.Array) and len(attributes.Headers) == 0:
            del attributes["/Headers"]


def _orphans(pdf: pikepdf.Pdf, reachable: set[tuple[int, int]]) -> dict[int, set[int]]:
    """Per page index, the MCIDs whose structure element hangs outside the tree (page-margin content)."""
    orphans: dict[int, set[int]] = {}
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if key >= len(pdf.pages) or not isinstance(value, pikepdf.Array):
            continue  # an annotation's entry (links, form fields): not page content
        for mcid, element in enumerate(value):
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable:
                orphans.setdefault(key, set()).add(mcid)
    return orphans


# Page content is read by its tokens, not parsed: parsing every operator into Python objects
# (pikepdf.parse_content_stream) cost more than half of this module's time, and issue 21 holds
# tagging to 10% of a render. That is sound for what WeasyPrint writes: text as hex strings and
# no inline images, so no string or image data can hold these tokens; a page that has literal
# strings, inline images or marked content nested in its margins is refused, never misread.
_MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC(?=\s)")
_END = re.compile(rb"(?<=\s)EMC(?=\s|$)")
_NESTED = re.compile(rb"(?<=\s)(?:BDC|BMC)(?=\s|$)")
#: Operators that show text (PDF 1.7 9.4.3) and that paint (8.5.3, 8.8, 8.9.7).
_SHOWS_TEXT = re.compile(rb"[\s\]>]T[Jj](?=\s|$)")
_PAINTS = re.compile(rb"(?<=\s)(?:f\*?|F|B\*?|b\*?|S|s|Do|sh)(?=\s|$)")
_UNREAD = re.compile(rb"\sBI\s")
#: A pagination artifact (PDF 1.7 14.8.2.2.2): running heads and feet, page numbers.
_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"


def _mark_margins(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> set[int]:
    """Rewrite the page's orphan marked content as pagination artifacts, except sequences that paint
    without showing text (the margin's image: a QR code is drawn as paths), which keep their MCID;
    returns those MCIDs."""
    if isinstance(page.obj.get("/Contents"), pikepdf.Array):
        page.contents_coalesce()
    content = page.Contents.read_bytes()
    if b"(" in content or _UNREAD.search(content):
        raise RenderError(f"page {page.index + 1}'s content has strings or inline images tagging does not read")
    pieces: list[bytes] = []
    images: set[int] = set()
    done = 0
    for match in _MARKED.finditer(content):
        mcid = int(match.group(1))
        if mcid not in orphans:
            continue
        end = _END.search(content, match.end())
        body = content[match.end() : end.start() if end else len(content)]
        if end is None or _NESTED.search(body):
            raise RenderError(f"page {page.index + 1}'s margin content {mcid} is not a flat marked sequence")
        if _PAINTS.search(body) and not _SHOWS_TEXT.search(body):
            images.add(mcid)
            continue
        pieces += [content[done : match.start()], _PAGINATION]
        done = match.end()
    page.Contents = pdf.make_stream(b"".join([*pieces, content[done:]]))
    return images


def _insert_figure(
    pdf: pikepdf.Pdf,
    pages: Mapping[tuple[int, int], int],
    document: pikepdf.Dictionary,
    page_index: int,
    mcid: int,
    alt: str,
) -> pikepdf.Dictionary:
    """A Figure holding the margin image's marked content, placed after the page's last top-level block."""
    page = pdf.pages[page_index].obj
    figure = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem,
            S=pikepdf.Name.Figure,
            P=document,
            Pg=page,
            K=mcid,
            Alt=pikepdf.String(alt),
        )
    )
    kids = document.K
    position = len(kids)
    for number, kid in enumerate(kids):
        first_page = kid.get("/Pg") if isinstance(kid, pikepdf.Dictionary) else None
        if first_page is not None and pages.get(first_page.objgen, 0) > page_index:
            position = number
            break
    kids.insert(position, figure)
    return figure


def complete(pdf_bytes: bytes, margin_figures: Mapping[int, str] | None = None) -> bytes:
    """The PDF with what WeasyPrint's tagging lacks added (see the module docstring); same input, same bytes.

    `margin_figures` gives, per page index, the text alternative of the image in that page's margins
    (a claim form's QR code); an image in the margins without one is refused.
    """
    try:
        pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    except pikepdf.PdfError as exc:
        raise RenderError(f"the written PDF cannot be read for tagging: {exc}") from exc
    with pdf:
        if "/StructTreeRoot" not in pdf.Root:
            raise RenderError("the written PDF has no structure tree to complete (written without pdf/ua-1?)")
        root = pdf.Root.StructTreeRoot
        elements = _elements(root)
        reachable = {element.objgen for element in elements}
        for table in [element for element in elements if element.S == "/Table"]:
            _complete_table(table)  # a layout table retags its own parts, never a table nested in it
        orphans = _orphans(pdf, reachable)
        figures: dict[int, dict[int, pikepdf.Dictionary]] = {}
        document = next(_kids(root))
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        for index, page in enumerate(pdf.pages):
            if index not in orphans:
                continue
            for mcid in sorted(_mark_margins(pdf, page, orphans[index])):
                alt = (margin_figures or {}).get(index)
                if not alt:
                    raise RenderError(f"the image in page {index + 1}'s margins has no text alternative")
                figures.setdefault(index, {})[mcid] = _insert_figure(pdf, pages, document, index, mcid, alt)
        nums = root.ParentTree.Nums
        for index in range(0, len(nums), 2):
            key = int(nums[index])
            entries = nums[index + 1]
            for mcid in sorted(orphans.get(key, ())):
                figure = figures.get(key, {}).get(mcid)
                entries[mcid] = figure if figure is not None else pikepdf.Object.parse(b"null")
        out = io.BytesIO()
        # Streams are kept as WeasyPrint compressed them; the rewritten page contents are compressed.
        pdf.save(
            out, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none, fix_metadata_version=False
        )
    return out.getvalue()
