"""One embedded font per face in a print file: the subsets its pieces carry, merged into their union.

Each piece is rendered alone (its manifest sha256 is of those bytes), so WeasyPrint embeds in it
a subset of every face holding just the glyphs that piece uses; merged as they are, a print file
of 500 pieces would carry 500 subsets of each face (issue 9 measured 3x the bytes of one
document). WeasyPrint subsets with glyph ids retained (HarfBuzz RETAIN_GIDS) and encodes text
as Identity-H with CIDToGIDMap /Identity, so a CID is the glyph id in the original font and the
subsets of one face are interchangeable on every page. Here each face gets one font whose program
holds the union of the pieces' glyphs and whose widths (/W) and ToUnicode map are the unions of
theirs, and every page points at it: what WeasyPrint embeds when it writes one document. A face
in any other shape (another encoding, CFF outlines, widths that disagree) stays as the pieces have it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from fontTools.ttLib import TTFont, TTLibError
from fontTools.ttLib.tables._g_l_y_f import Glyph
from pypdf import PdfWriter
from pypdf.errors import PyPdfError
from pypdf.filters import decode_stream_data
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

#: WeasyPrint's ToUnicode CMap (weasyprint/pdf/fonts.py, build_fonts_dictionary), rewritten
#: in the same form with the union of the pieces' entries.
_CMAP_HEAD = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
    b"<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n"
    b"/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange"
)
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
_BFCHAR_BLOCK = re.compile(rb"\d+ beginbfchar(.*?)endbfchar", re.DOTALL)
_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")
#: PDF 32000-1:2008, table 123: FontDescriptor flag bit 1, FixedPitch.
_FIXED_PITCH = 1

Number = NumberObject | FloatObject
FaceKey = tuple[str, ...]


class _NotShareable(Exception):
    """A font that is not in the shape this module merges (left as it is)."""


@dataclass(frozen=True)
class _Subset:
    """One piece's embedded subset of a face: its PDF objects and what it maps."""

    ref: IndirectObject
    cid_font: DictionaryObject
    descriptor: DictionaryObject
    program: StreamObject
    to_unicode: StreamObject
    widths: dict[int, Number]
    texts: dict[int, bytes]


def _resolved(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _font_slots(writer: PdfWriter) -> Iterator[DictionaryObject]:
    """Every /Font resource dictionary reachable from the pages (form XObjects and patterns too)."""
    seen: set[int] = set()
    stack = [page.get("/Resources") for page in writer.pages]
    while stack:
        resources = _resolved(stack.pop())
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            continue
        seen.add(id(resources))
        fonts = _resolved(resources.get("/Font"))
        if isinstance(fonts, DictionaryObject):
            yield fonts
        for category in ("/XObject", "/Pattern"):
            children = _resolved(resources.get(category))
            if isinstance(children, DictionaryObject):
                for child in children.values():
                    child = _resolved(child)
                    if isinstance(child, DictionaryObject) and "/Resources" in child:
                        stack.append(child.get("/Resources"))


def _widths(array: ArrayObject) -> dict[int, Number]:
    """A /W array of WeasyPrint's form, `first [w1 w2 ...]` runs, as CID -> width."""
    widths: dict[int, Number] = {}
    items = list(array)
    if len(items) % 2:
        raise _NotShareable("odd /W array")
    for first, run in zip(items[::2], items[1::2], strict=True):
        run = run.get_object()
        if not isinstance(first, NumberObject) or not isinstance(run, ArrayObject):
            raise _NotShareable("/W range form")
        for offset, width in enumerate(run):
            if not isinstance(width, (NumberObject, FloatObject)):
                raise _NotShareable("/W width")
            widths[int(first) + offset] = width
    return widths


def _texts(cmap: bytes) -> dict[int, bytes]:
    if b"bfrange" in cmap or b"begincidrange" in cmap:
        raise _NotShareable("ToUnicode ranges")
    texts: dict[int, bytes] = {}
    for block in _BFCHAR_BLOCK.findall(cmap):
        for cid, text in _BFCHAR.findall(block):
            texts.setdefault(int(cid, 16), text.lower())
    return texts


def _stream(value: object) -> StreamObject:
    stream = _resolved(value)
    if not isinstance(stream, StreamObject) or stream.get("/Filter", "/FlateDecode") != "/FlateDecode":
        raise _NotShareable("stream filter")
    return stream


def _decoded(stream: StreamObject) -> bytes:
    """A stream's data, not cached on the object (get_data() would keep every piece's copy)."""
    return decode_stream_data(stream) if isinstance(stream, EncodedStreamObject) else stream.get_data()


def _face(program: bytes) -> TTFont:
    try:
        return TTFont(io.BytesIO(program), recalcTimestamp=False)
    # fontTools asserts on malformed tables while parsing: such a font is left unshared, not fatal.
    except (TTLibError, OSError, AssertionError, ValueError) as exc:
        raise _NotShareable(f"font program: {exc}") from exc


def _read(ref: IndirectObject) -> tuple[FaceKey, _Subset]:
    """The face a Type0 font embeds (its key) and the subset of it this font carries."""
    font = ref.get_object()
    if (
        not isinstance(font, DictionaryObject)
        or font.get("/Subtype") != "/Type0"
        or font.get("/Encoding") != "/Identity-H"
    ):
        raise _NotShareable("not an Identity-H Type0 font")
    descendants = font["/DescendantFonts"]
    cid_font = descendants[0].get_object() if isinstance(descendants, ArrayObject) and len(descendants) == 1 else None
    if not isinstance(cid_font, DictionaryObject) or cid_font.get("/Subtype") != "/CIDFontType2":
        raise _NotShareable("not a TrueType CIDFont")
    if cid_font.get("/CIDToGIDMap") != "/Identity":
        raise _NotShareable("CIDs are not glyph ids")
    descriptor = cid_font["/FontDescriptor"].get_object()
    if not isinstance(descriptor, DictionaryObject) or "/FontFile2" not in descriptor or "/CIDSet" in descriptor:
        raise _NotShareable("font descriptor")
    program = _stream(descriptor.raw_get("/FontFile2"))
    to_unicode = _stream(font.raw_get("/ToUnicode"))
    head = _face(_decoded(program))["head"]
    key = (
        # Without its subset tag (PDF 32000-1:2008, 9.6.4): the notice's page, laid out once per
        # process (render.closing_page), embeds the same face under another tag.
        str(font["/BaseFont"]).partition("+")[2] or str(font["/BaseFont"]),
        str(descriptor.get("/FontFamily")),
        *(str(descriptor.get(name)) for name in ("/ItalicAngle", "/Ascent", "/Descent", "/StemV")),
        *(str(getattr(head, name)) for name in ("unitsPerEm", "created", "modified", "fontRevision")),
    )
    subset = _Subset(
        ref,
        cid_font,
        descriptor,
        program,
        to_unicode,
        _widths(cast(ArrayObject, cid_font["/W"].get_object())),
        _texts(_decoded(to_unicode)),
    )
    return key, subset


def _copy_glyph(donor: TTFont, base: TTFont, gid: int) -> None:
    """Put the donor's glyph `gid` (and its components) into the base where the base has none."""
    donor_order, base_order = donor.getGlyphOrder(), base.getGlyphOrder()
    if gid >= len(donor_order) or gid >= len(base_order):
        raise _NotShareable("glyph id beyond the font")
    source, target = donor_order[gid], base_order[gid]
    donor_glyf, base_glyf = donor["glyf"], base["glyf"]
    if base_glyf[target].numberOfContours != 0:
        return  # the base has this glyph already (glyph ids are the original font's)
    glyph = donor_glyf[source]
    if glyph.isComposite():
        for component in glyph.getComponentNames(donor_glyf):
            _copy_glyph(donor, base, donor.getGlyphID(component))
    # A compiled glyph names its components by glyph id, which both subsets share.
    base_glyf[target] = Glyph(glyph.compile(donor_glyf))
    base["hmtx"][target] = donor["hmtx"][source]


def _union_program(subsets: list[_Subset]) -> bytes:
    """A font program holding every glyph any of the subsets holds, at its original glyph id."""
    # The subset reaching the highest glyph id has the longest glyph table: start from it.
    first = max(subsets, key=lambda subset: max(subset.widths, default=-1))
    base = _face(_decoded(first.program))
    if "glyf" not in base:
        raise _NotShareable("not TrueType outlines")
    covered = set(first.widths)
    for subset in subsets:
        missing = sorted(set(subset.widths) - covered)
        if not missing:
            continue
        donor = _face(_decoded(subset.program))
        for gid in missing:
            _copy_glyph(donor, base, gid)
        covered.update(missing)
    buffer = io.BytesIO()
    base.save(buffer)
    return buffer.getvalue()


def _w_array(widths: dict[int, Number]) -> ArrayObject:
    """CID -> width as /W runs of consecutive CIDs (weasyprint/pdf/fonts.py does the same)."""
    array = ArrayObject()
    run = ArrayObject()
    for cid in sorted(widths):
        if cid - 1 not in widths:
            run = ArrayObject()
            array.extend([NumberObject(cid), run])
        run.append(widths[cid])
    return array


def _cmap(texts: dict[int, bytes]) -> bytes:
    lines = [_CMAP_HEAD]
    items = sorted(texts.items())
    for start in range(0, len(items), 100):
        block = items[start : start + 100]
        lines.append(f"{len(block)} beginbfchar".encode())
        lines.extend(b"<%04x> <%s>" % (cid, text) for cid, text in block)
        lines.append(b"endbfchar")
    lines.append(_CMAP_TAIL)
    return b"\n".join(lines)


def _merge(subsets: list[_Subset]) -> IndirectObject:
    """Make the first subset's font the face's union; returns its reference."""
    widths: dict[int, Number] = {}
    texts: dict[int, bytes] = {}
    for subset in subsets:
        for cid, width in subset.widths.items():
            if float(widths.setdefault(cid, width)) != float(width):
                raise _NotShareable(f"glyph {cid} has two widths")
        for cid, text in subset.texts.items():
            texts.setdefault(cid, text)
    program = _union_program(subsets)
    font = subsets[0]
    font.program.set_data(program)
    font.program[NameObject("/Length1")] = NumberObject(len(program))
    font.to_unicode.set_data(_cmap(texts))
    font.cid_font[NameObject("/W")] = _w_array(widths)
    # The bounding box and pitch flag WeasyPrint derives from the widths it embeds.
    descriptor = font.descriptor
    box = cast(ArrayObject, descriptor["/FontBBox"].get_object())
    descriptor[NameObject("/FontBBox")] = ArrayObject([box[0], box[1], max(widths.values(), key=float), box[3]])
    flags = int(cast(NumberObject, descriptor["/Flags"].get_object())) & ~_FIXED_PITCH
    if len(widths) > 1 and len({float(width) for width in widths.values()}) == 1:
        flags |= _FIXED_PITCH
    descriptor[NameObject("/Flags")] = NumberObject(flags)
    return font.ref


def share_fonts(writer: PdfWriter) -> int:
    """Give each face one font across the writer's pages; returns how many faces were shared.

    The fonts no page uses any more are left for compress_identical_objects to drop.
    """
    slots = list(_font_slots(writer))
    faces: dict[FaceKey, list[_Subset]] = {}
    read: set[int] = set()
    for fonts in slots:
        for name in fonts:
            ref = fonts.raw_get(name)
            if not isinstance(ref, IndirectObject) or ref.idnum in read:
                continue
            read.add(ref.idnum)
            try:
                key, subset = _read(ref)
            except (_NotShareable, PyPdfError, KeyError):
                continue
            faces.setdefault(key, []).append(subset)
    shared: dict[int, IndirectObject] = {}
    for subsets in faces.values():
        if len(subsets) < 2:
            continue
        try:
            target = _merge(subsets)
        except _NotShareable:
            continue
        shared.update((subset.ref.idnum, target) for subset in subsets)
    for fonts in slots:
        for name in list(fonts):
            ref = fonts.raw_get(name)
            if isinstance(ref, IndirectObject) and ref.idnum in shared:
                fonts[NameObject(name)] = shared[ref.idnum]
    return len({target.idnum for target in shared.values()})
