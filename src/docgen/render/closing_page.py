"""A closing page that many documents print alike, laid out once per process and grafted into each PDF.

The notice of language assistance (issue 23; 45 CFR 92.11) is a page of English and a state's 15
languages in up to ten scripts. Laid out in every statement it cost 1.34x a statement without
it, where issue 23 allows 1.15x: each of its ~70 lines of text is shaped, broken, painted and
compressed, and ten fonts are subset (docs/language-assistance.md has the measurements). Yet
every member of a state, a phone number and a language gets the same page.

So a template marks such a section `<section class="... closing-page">`, and the engine:

1. prints the document with the section replaced by an empty block that starts a page of its own,
   so that page gets the document's own running header, footer, page number and page mark;
2. lays out the section alone, once per process for the same HTML (`split` writes that HTML,
   engine._closing_page caches the page): the document's head (its stylesheets), a blank first
   page, then the section on a page of the same geometry as the document's later pages with no
   margin boxes; WeasyPrint tags it, render.tagging completes it, and `capture` keeps its content
   stream and fonts compressed once (`ClosingPage`);
3. grafts that page into the document's PDF (`ClosingPage.graft`, run in WeasyPrint's public
   `finisher` hook after render.tagging): its content stream goes before the page's own, inside
   q/Q, its fonts join the page resources under their own names, its structure elements close
   the document's structure tree, and the page's own marked content is renumbered after it.

The grafted page is drawn and tagged as when the section was laid out in the document: the same
structure, every word within 0.1 pt (font widths are rounded per font, and the page has its own;
tests/render/test_closing_page.py); and the PDF is the same bytes whether the page came from the
cache or was made for it. Only pydyf's documented
objects are used, as in render.tagging.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pydyf

from docgen.errors import RenderError

#: The section a template prints on a page of its own at the end of a document, alike for many documents.
_CLOSING_SECTION = re.compile(r'<section class="[^"]*\bclosing-page\b[^"]*"[^>]*>.*?</section>\s*', re.S)
#: What the document prints in its place: an empty block that starts the page (base.css).
PLACEHOLDER = '<div class="closing-page-placeholder"></div>\n'
_HTML_TAG = re.compile(r"<html(?=[\s>])[^>]*>")
_BODY_TAG = re.compile(r"<body(?=[\s>])[^>]*>")
#: The head's parts that style the page: the base URL stylesheets resolve against, stylesheet
#: links and style elements (the templates' own markup: input is escaped).
_HEAD_PARTS = re.compile(r'<base [^>]*>\s*|<link rel="stylesheet"[^>]*>\s*|<style>.*?</style>\s*', re.S)
#: The standalone document is never a reader's: its PDF is only taken apart for its page.
_TITLE = "closing page"
#: Margin boxes hold the page's furniture, which the document's own page prints (CSS Paged Media 3).
_MARGIN_BOXES = (
    "top-left-corner top-left top-center top-right top-right-corner right-top right-middle right-bottom "
    "bottom-right-corner bottom-right bottom-center bottom-left bottom-left-corner left-bottom left-middle left-top"
).split()
_NO_FURNITURE = (
    "<style>@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in _MARGIN_BOXES) + " }</style>"
)
_REFERENCE = re.compile(rb"(\d+) 0 R")


class NotGraftable(Exception):
    """A closing page in a shape the graft does not handle: the document lays the section out in its
    own flow instead (engine._closing_page logs why)."""


def split(html: str) -> tuple[str, str | None]:
    """The document's HTML with its closing page's section replaced by the placeholder, and the
    standalone HTML that lays that section out (None when the document has no closing page)."""
    sections = _CLOSING_SECTION.findall(html)
    if not sections:
        return html, None
    if len(sections) > 1 or not html[html.index(sections[0]) + len(sections[0]) :].lstrip().startswith("</body>"):
        raise RenderError("a closing-page section must be the document's one last block (render.closing_page)")
    section = sections[0]
    document = html.replace(section, PLACEHOLDER)
    # Only what lays the section out: the page's language, its base, stylesheets and style
    # elements, its body's class; never the document's title or metadata (the member's name),
    # so every member of a state, a phone and a language shares one standalone page.
    html_tag, body_tag = _HTML_TAG.search(html), _BODY_TAG.search(html)
    if html_tag is None or body_tag is None:
        raise RenderError("a document with a closing page must have <html> and <body> tags (render.closing_page)")
    head = "".join(_HEAD_PARTS.findall(html[: body_tag.start()]))
    standalone = (
        f'<!DOCTYPE html>\n{html_tag.group()}\n<head>\n<meta charset="utf-8">\n<title>{_TITLE}</title>\n{head}'
        f"{_NO_FURNITURE}\n</head>\n{body_tag.group()}\n{PLACEHOLDER}{section}</body>\n</html>\n"
    )
    return document, standalone


def _stream_bytes(stream: pydyf.Stream) -> bytes:
    """A stream's data as pydyf writes it uncompressed: its chunks joined by line breaks."""
    parts = []
    for chunk in stream.stream:
        if isinstance(chunk, bytes):
            parts.append(chunk)
        elif isinstance(chunk, str):
            parts.append(chunk.encode("ascii"))
        elif isinstance(chunk, pydyf.Object):
            parts.append(chunk.data)
        else:
            raise RenderError(f"an unexpected chunk in a content stream: {type(chunk).__name__}")
    return b"\n".join(parts)


def _compressed(data: bytes) -> bytes:
    compressor = zlib.compressobj(level=9)  # as pydyf compresses
    return compressor.compress(data) + compressor.flush()


def _number(value: object) -> int | None:
    """The object number of an indirect reference as WeasyPrint stores it (b"12 0 R"), else None."""
    if isinstance(value, bytes) and (found := _REFERENCE.fullmatch(value)):
        return int(found.group(1))
    return None


def _referenced(value: object) -> int:
    if (number := _number(value)) is None:
        raise RenderError(f"a closing page's structure holds {value!r} where a reference belongs")
    return number


@dataclass(frozen=True)
class ClosingPage:
    """A laid-out closing page, ready to graft: its objects in the standalone PDF's numbering.

    `objects` maps each object number the page needs (fonts, font files, structure elements) to
    the object, streams already compressed; `fonts` and `states` are its resource names (already
    renamed apart from the document's) and references; `kids` are the structure elements that
    hang under the document's Document element; `marks` maps each of its MCIDs to the element
    holding it; `content` is its compressed content stream.
    """

    objects: dict[int, pydyf.Object]
    fonts: dict[str, int]
    states: dict[str, Any]
    kids: tuple[int, ...]
    marks: tuple[int, ...]
    content: bytes
    #: References in the standalone PDF that stand for the document's own objects: its page, its
    #: Document element.
    page: int
    document: int

    def graft(self, pdf: pydyf.PDF) -> None:
        """Print this page on the document's last page (the placeholder's) and tag it there."""
        get = _resolver(pdf)
        page_reference = pdf.page_references[-1]
        page = get(page_reference)
        root = get(pdf.catalog["StructTreeRoot"])
        document = get(next(kid for kid in _as_list(root["K"]) if _number(kid) is not None))
        copies = self._copy(pdf, page_reference, document.reference)

        # The page's own marked content (its furniture) is renumbered after the grafted page's.
        nums = get(root["ParentTree"])["Nums"]
        entries = get(nums[nums.index(page["StructParents"]) + 1])
        shift = len(self.marks)
        for chunk in get(page["Contents"]).stream:
            if chunk.__class__ is pydyf.Dictionary and "MCID" in chunk:
                chunk["MCID"] += shift
        holders = {entry: get(entry) for entry in entries if entry != "null"}
        for element in holders.values():
            element["K"] = _shifted(element, page_reference, shift)
        entries[:0] = [copies[mark] for mark in self.marks]

        content = pydyf.Stream([self.content], pydyf.Dictionary({"Filter": "/FlateDecode"}))
        pdf.add_object(content)
        page["Contents"] = pydyf.Array([content.reference, page["Contents"]])
        resources = get(page["Resources"])
        fonts = get(resources["Font"])
        for name, number in self.fonts.items():
            fonts[name] = copies[number]
        for name, state in self.states.items():
            resources["ExtGState"][name] = _copied(state, copies)
        # The placeholder's empty element gives its place in the tree to the page's elements.
        kids = _as_list(document["K"])
        empty = [index for index, kid in enumerate(kids) if _is_placeholder(get(kid), page_reference)]
        if len(empty) != 1:
            raise RenderError("the closing page's placeholder is not in the structure tree once")
        kids[empty[0] : empty[0] + 1] = [copies[kid] for kid in self.kids]
        document["K"] = pydyf.Array(kids)

    def _copy(self, pdf: pydyf.PDF, page: bytes, document: bytes) -> dict[int, bytes]:
        """Adds a copy of each object to the PDF; old number -> new reference (the page and the
        Document element map to the document's own)."""
        copies: dict[int, bytes] = {self.page: page, self.document: document}
        fresh: list[tuple[pydyf.Object, pydyf.Object]] = []
        for number, original in self.objects.items():
            copy = _shell(original)
            pdf.add_object(copy)
            copies[number] = copy.reference
            fresh.append((original, copy))
        for original, copy in fresh:
            _fill(original, copy, copies)
        return copies


def _is_placeholder(element: object, page: bytes) -> bool:
    """The element WeasyPrint tags the placeholder's empty block with: a Div on the page holding nothing."""
    return (
        isinstance(element, pydyf.Dictionary)
        and element.get("S") == "/Div"
        and element.get("Pg") == page
        and (not element.get("K"))
    )


def _as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _shifted(element: pydyf.Dictionary, page: bytes, shift: int) -> object:
    """The element's kids with each MCID on `page` moved by `shift`, all at once (an MCID is an int
    kid when the element's /Pg is the page, else a marked-content reference naming the page)."""
    on_page = element.get("Pg") == page

    def moved(kid: object) -> object:
        if isinstance(kid, int) and not isinstance(kid, bool):
            return kid + shift if on_page else kid
        if isinstance(kid, pydyf.Dictionary) and "MCID" in kid and kid.get("Pg", element.get("Pg")) == page:
            return pydyf.Dictionary({**kid, "MCID": kid["MCID"] + shift})
        return kid

    kids = element["K"]
    return pydyf.Array([moved(kid) for kid in kids]) if isinstance(kids, list) else moved(kids)


def _shell(original: pydyf.Object) -> pydyf.Object:
    if isinstance(original, pydyf.Stream):
        return pydyf.Stream(list(original.stream), None, compress=False)
    if isinstance(original, pydyf.Dictionary):
        return pydyf.Dictionary()
    if isinstance(original, pydyf.Array):
        return pydyf.Array()
    raise RenderError(f"an unexpected object in a closing page: {type(original).__name__}")


def _copied(value: Any, copies: dict[int, bytes]) -> Any:
    """A value with each reference mapped to its copy; a reference outside the page is refused."""
    if (number := _number(value)) is not None:
        if number not in copies:
            raise RenderError(f"a closing page refers to object {number}, outside the page")
        return copies[number]
    if isinstance(value, pydyf.Dictionary):
        return pydyf.Dictionary({key: _copied(item, copies) for key, item in value.items()})
    if isinstance(value, pydyf.Array):
        return pydyf.Array([_copied(item, copies) for item in value])
    if isinstance(value, list):
        return pydyf.Array([_copied(item, copies) for item in value])
    return value


def _fill(original: pydyf.Object, copy: pydyf.Object, copies: dict[int, bytes]) -> None:
    if isinstance(original, pydyf.Stream):
        copy.extra = _copied(pydyf.Dictionary(original.extra), copies)
    elif isinstance(original, pydyf.Dictionary):
        copy.update({key: _copied(item, copies) for key, item in original.items()})
    else:
        copy.extend(_copied(item, copies) for item in original)


def _resolver(pdf: pydyf.PDF) -> Callable[[object], Any]:
    def get(value: object) -> Any:
        number = _number(value)
        return pdf.objects[number] if number is not None else value

    return get


def _reachable(pdf: pydyf.PDF, starts: Iterator[object], stop: set[int]) -> dict[int, pydyf.Object]:
    """Every object reachable from `starts` by references, not through those in `stop`."""
    found: dict[int, pydyf.Object] = {}
    pending = list(starts)
    while pending:
        value = pending.pop()
        number = _number(value)
        if number is not None:
            if number in stop or number in found:
                continue
            found[number] = pdf.objects[number]
            value = pdf.objects[number]
        if isinstance(value, pydyf.Stream):
            pending.extend(value.extra.values())
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return dict(sorted(found.items()))


_SUFFIX = "-closing"
#: The operators that select a font or a graphics state by resource name (PDF 1.7 9.3.1, 8.4.5).
_SELECTS = re.compile(rb"(?<=\s)(?:Tf|gs)(?=\s|$)")
#: Where a font's subset tag is (PDF 1.7 9.6.4, 9.8.1): its name, its descendant's, its descriptor's.
_FONT_NAMES = frozenset({"BaseFont", "FontName"})
_SUBSET_TAG = re.compile(rb"/([A-Z]{6})\+")


def _retagged(font: pydyf.Dictionary) -> pydyf.Dictionary:
    """A font dictionary whose subset tag is the closing page's own: a document must not hold two
    different subsets under one tag (ISO 32000-1 9.6.4), and a print file merges a face's subsets
    by name (batch.fonts). The tag is derived from WeasyPrint's, so it is the same in every document."""

    def tag(found: re.Match[bytes]) -> bytes:
        digest = hashlib.md5(b"closing page " + found.group(1), usedforsecurity=False).digest()
        return b"/" + bytes(65 + byte % 26 for byte in digest[:6]) + b"+"

    renamed = pydyf.Dictionary(font)
    for key in _FONT_NAMES & font.keys():
        value = font[key]
        name = value.encode() if isinstance(value, str) else value
        if not isinstance(name, bytes) or not _SUBSET_TAG.match(name):
            raise NotGraftable(f"a font's {key} has no subset tag")
        renamed[key] = _SUBSET_TAG.sub(tag, name, count=1)
    return renamed


#: A resource name where the content stream selects a font or a graphics state (PDF 1.7 9.3.1, 8.4.5).
_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)(?=\s+(?:[-\d.]+\s+Tf|gs)\b)")


def capture(pdf: pydyf.PDF) -> ClosingPage | None:
    """The standalone PDF's second page (the section's) as a ClosingPage, or None when the section
    does not fit on one page (the document then lays it out in its own flow); run as the
    standalone PDF's finisher, after render.tagging."""
    get = _resolver(pdf)
    if len(pdf.page_references) != 2:
        return None
    page_reference = pdf.page_references[1]
    page = get(page_reference)
    first = get(get(pdf.page_references[0])["Contents"])
    if any(chunk.__class__ is pydyf.Dictionary for chunk in first.stream):
        raise NotGraftable("its blank first page holds marked content")
    if page.get("Annots"):
        raise NotGraftable("it holds links or form fields")
    resources = get(page["Resources"])
    fonts = get(resources["Font"])
    for category in ("XObject", "Pattern", "Shading"):
        if get(resources[category]):
            raise NotGraftable(f"it holds {category} resources, not only text and rules")
    root = get(pdf.catalog["StructTreeRoot"])
    document = get(next(kid for kid in _as_list(root["K"]) if _number(kid) is not None))
    nums = get(root["ParentTree"])["Nums"]
    marks = tuple(get(nums[nums.index(page["StructParents"]) + 1]))
    if "null" in marks:
        raise NotGraftable("it holds marked content outside its structure")
    kids = tuple(kid for kid in _as_list(document["K"]) if not _is_placeholder(get(kid), pdf.page_references[0]))
    # Its other page and the page tree are the standalone PDF's own: reaching them is refused (_copied).
    stop = {_number(reference) for reference in pdf.page_references} | {document.number, pdf.pages.number}
    objects = _reachable(pdf, iter([*fonts.values(), *kids, *resources["ExtGState"].values()]), stop)  # type: ignore[arg-type]
    for number, original in objects.items():
        if isinstance(original, pydyf.Stream):
            compressed = pydyf.Stream(
                [_compressed(_stream_bytes(original))] if original.compress else list(original.stream),
                pydyf.Dictionary({**original.extra, **({"Filter": "/FlateDecode"} if original.compress else {})}),
            )
            objects[number] = compressed
        elif isinstance(original, pydyf.Dictionary) and _FONT_NAMES & original.keys():
            objects[number] = _retagged(original)

    # Its resources get names of their own, so they sit beside the document's in one dictionary.
    names = {name.encode() for name in (*fonts, *resources["ExtGState"])}
    drawn = _stream_bytes(get(page["Contents"]))
    content, renamed = _NAME.subn(
        lambda found: b"/" + found.group(1) + _SUFFIX.encode() if found.group(1) in names else found.group(0),
        drawn,
    )
    if renamed != len(_SELECTS.findall(drawn)) or renamed != content.count(_SUFFIX.encode()):
        raise NotGraftable("not every font or graphics state it selects could be renamed")
    return ClosingPage(
        objects=objects,
        fonts={name + _SUFFIX: _referenced(reference) for name, reference in fonts.items()},
        states={name + _SUFFIX: state for name, state in resources["ExtGState"].items()},
        kids=tuple(_referenced(kid) for kid in kids),
        marks=tuple(_referenced(mark) for mark in marks),
        content=_compressed(b"q\n" + content + b"\nQ\n"),
        page=_number(page_reference),  # type: ignore[arg-type]
        document=document.number,
    )
