"""The bundled script faces: which font draws which script, and the @font-face rules generated from their cmaps.

Liberation Sans ("Docgen Sans", assets/css/base.css) draws Latin, Greek, Cyrillic and Hebrew in
four faces. Every other script has a Noto Sans face of its own family ("Docgen Arabic", ...),
listed after "Docgen Sans" wherever a font-family is set, so Latin keeps Liberation's glyphs and
widths. Two rules of WeasyPrint 70 shape the stylesheet (docs/fonts.md):
- each script is its own family: faces sharing one family and weight collapse into one embedded
  PDF font (its key is pango_font_description_hash), and glyph ids of one face drawn with another
  face's outlines print garbage;
- `unicode-range` replaces the font's charset in fontconfig (text/fonts.py add_font_face), so a
  range claiming a code point the font lacks prints .notdef even when a later family has it:
  each range is the font's own cmap within its script's Unicode blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from docgen.config import get_settings
from docgen.files import write_atomic
from docgen.language_assistance import load_language_assistance

#: The Latin, Greek, Cyrillic and Hebrew faces (assets/css/base.css), in the order base.css declares them.
LATIN_FAMILY = "Docgen Sans"
LATIN_FILES = (
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSans-Italic.ttf",
    "LiberationSans-BoldItalic.ttf",
)
#: The generated stylesheet (base.css imports it), relative to the docgen home.
STYLESHEET = Path("assets/css/scripts.css")

Block = tuple[int, int]


@dataclass(frozen=True)
class ScriptFace:
    """One script's family: its Regular (and Bold) file and the Unicode blocks it is declared for."""

    script: str
    regular: str
    bold: str | None
    #: Unicode 15.0 Blocks.txt ranges of the script (inclusive).
    blocks: tuple[Block, ...]
    #: Combining marks of U+0300-036F the script writes with (Syriac's seyame U+0308, the tilde
    #: below of ܓ̰ and ܟ̰ U+0330). Declared for this face too, but Pango takes a mark from the first
    #: family that has it, "Docgen Sans", whose mark sits off the letter (and, right to left, under
    #: the next one); so a word holding one is set in this face first (render.marked_words).
    #: At most one face may have marks: its words are told apart by their letters.
    marks: tuple[Block, ...] = ()

    @property
    def family(self) -> str:
        return f"Docgen {self.script}"

    @property
    def files(self) -> tuple[str, ...]:
        return (self.regular,) if self.bold is None else (self.regular, self.bold)


#: The Unicode blocks of Chinese, Japanese and Korean text.
CJK_BLOCKS: tuple[Block, ...] = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK Radicals Supplement, Kangxi Radicals
    (0x2FF0, 0x31FF),  # Ideographic Description, CJK Symbols and Punctuation, kana, Bopomofo, Hangul Jamo
    (0x3200, 0x4DBF),  # Enclosed CJK, CJK Compatibility, Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),  # Hangul Syllables, Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x1B000, 0x1B16F),  # Kana Supplement, Extended-A, Small Kana Extension
    (0x20000, 0x2FA1F),  # Extensions B-F, Compatibility Ideographs Supplement
)


def _noto(script: str, *blocks: Block) -> ScriptFace:
    return ScriptFace(script, f"NotoSans{script}-Regular.ttf", f"NotoSans{script}-Bold.ttf", blocks)


#: Every script face, in font-family order. Hebrew has none: Liberation Sans draws its letters,
#: points and cantillation marks (U+0591-05F4) in all four faces, with the Latin text's metrics.
SCRIPT_FACES = (
    # Arabic, Supplement, Extended-B, Extended-A, Presentation Forms-A and -B (Persian, Urdu, Pashto letters too).
    _noto("Arabic", (0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    # Armenian and its ligatures in Alphabetic Presentation Forms (FB13-FB17).
    _noto("Armenian", (0x0530, 0x058F), (0xFB13, 0xFB17)),
    # Devanagari, Vedic Extensions, Devanagari Extended (the dandas U+0964-0965 serve Bengali and Gurmukhi too).
    _noto("Devanagari", (0x0900, 0x097F), (0x1CD0, 0x1CFF), (0xA8E0, 0xA8FF)),
    _noto("Bengali", (0x0980, 0x09FF)),
    _noto("Gurmukhi", (0x0A00, 0x0A7F)),
    _noto("Gujarati", (0x0A80, 0x0AFF)),
    _noto("Oriya", (0x0B00, 0x0B7F)),
    _noto("Tamil", (0x0B80, 0x0BFF), (0x11FC0, 0x11FFF)),
    _noto("Telugu", (0x0C00, 0x0C7F)),
    _noto("Kannada", (0x0C80, 0x0CFF)),
    _noto("Malayalam", (0x0D00, 0x0D7F)),
    _noto("Thai", (0x0E00, 0x0E7F)),
    _noto("Lao", (0x0E80, 0x0EFF)),
    # Myanmar, Extended-B and -A (S'gaw Karen's letters are in U+1060-1064 and U+AA60-AA7B).
    _noto("Myanmar", (0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)),
    # Georgian, Mtavruli, Supplement.
    _noto("Georgian", (0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F)),
    # Ethiopic, Supplement, Extended, Extended-A (Amharic, Tigrinya).
    _noto("Ethiopic", (0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)),
    _noto("Khmer", (0x1780, 0x17FF), (0x19E0, 0x19FF)),
    # Syriac and Syriac Supplement (Assyrian and Chaldean Neo-Aramaic, Turoyo). Noto Sans Syriac
    # has no Bold (Debian's fonts-noto-core 20201225: Thin, Regular, Black): a bold name prints
    # in Regular outlines, as CJK does.
    ScriptFace(
        "Syriac", "NotoSansSyriac-Regular.ttf", None, ((0x0700, 0x074F), (0x0860, 0x086F)), marks=((0x0300, 0x036F),)
    ),
    # The Cherokee syllabary and its lower-case letters (Cherokee Supplement).
    _noto("Cherokee", (0x13A0, 0x13FF), (0xAB70, 0xABBF)),
    # The notice's Chinese, Japanese and Korean taglines (issue 23) in a face of just their
    # characters, cut from the one below by `make fonts`: WeasyPrint subsets a face keeping its
    # glyph ids (HarfBuzz RETAIN_GIDS), so text drawn from the full face costs every document
    # a subset as long as its highest glyph id (~150 kB) and a third of its render. Its outlines
    # are TrueType, so that a mailroom print file shares one copy (batch/fonts.py merges glyf fonts).
    ScriptFace("CJK Notice", "NotoSansCJKsc-Notice.ttf", None, CJK_BLOCKS),
    # One face for Chinese, Japanese and Korean: Noto Sans CJK SC holds the Pan-CJK glyph set and
    # gives the regional forms through its `locl` feature when the text carries a lang. Regular
    # only (the budget: one CJK weight); a bold CJK name prints Regular outlines.
    ScriptFace(
        "CJK",
        "NotoSansCJKsc-Regular.otf",
        None,
        CJK_BLOCKS,
    ),
)

#: The faces whose script writes with combining marks of U+0300-036F.
MARKED_FACES = tuple(face for face in SCRIPT_FACES if face.marks)


def _cmap(font_file: str) -> frozenset[int]:
    with TTFont(get_settings().fonts_dir / font_file, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def latin_drawable() -> frozenset[int]:
    """Code points all four Liberation Sans faces draw (a name may print in any of them)."""
    return frozenset.intersection(*(_cmap(name) for name in LATIN_FILES))


@cache
def declared(face: ScriptFace) -> frozenset[int]:
    """The code points a script face is declared for: in its blocks, drawn by each of its files,
    and not declared for a face before it (the notice's CJK face is cut from the full one)."""
    drawn = frozenset.intersection(*(_cmap(name) for name in face.files))
    earlier = SCRIPT_FACES[: SCRIPT_FACES.index(face)]
    taken = frozenset().union(*(declared(other) for other in earlier))
    ranges = (*face.blocks, *face.marks)
    return frozenset(code for code in drawn if any(first <= code <= last for first, last in ranges)) - taken


def letters_and_marks(face: ScriptFace) -> tuple[frozenset[int], frozenset[int]]:
    """The code points a face is declared for in its script's blocks, and the combining marks (`marks`)."""
    marks = frozenset(code for code in declared(face) if any(first <= code <= last for first, last in face.marks))
    return declared(face) - marks, marks


def runs(codes: frozenset[int]) -> list[Block]:
    """Sorted code points as inclusive runs."""
    found: list[Block] = []
    for code in sorted(codes):
        if found and found[-1][1] == code - 1:
            found[-1] = (found[-1][0], code)
        else:
            found.append((code, code))
    return found


def families() -> tuple[str, ...]:
    """The families every document's text uses, in order: Latin first, then each script."""
    return (LATIN_FAMILY, *(face.family for face in SCRIPT_FACES))


def font_family(first: ScriptFace | None = None) -> str:
    """The CSS font-family value of every rule that sets one; with `first`, that face's family
    before the list (the words with combining marks of its script, `ScriptFace.marks`)."""
    named = families() if first is None else (first.family, *(name for name in families() if name != first.family))
    return ", ".join(f'"{name}"' for name in named)


def svg_font_family() -> str:
    """The same list for an SVG font-family attribute: WeasyPrint 70 splits it at commas and strips
    only quotes (svg/text.py), so no space may follow a comma; unquoted names are valid CSS."""
    return ",".join(families())


def _unicode_range(face: ScriptFace) -> str:
    parts = [f"U+{first:04X}" if first == last else f"U+{first:04X}-{last:04X}" for first, last in runs(declared(face))]
    lines, line = [], "  unicode-range:"
    for part in parts:
        if len(line) + len(part) + 2 > 118:
            lines.append(line)
            line = "   "
        line += f" {part},"
    lines.append(line[:-1] + ";")
    return "\n".join(lines)


def stylesheet() -> str:
    """assets/css/scripts.css: one @font-face per script file, its unicode-range from its own cmap."""
    out = [
        "/* Generated by `make fonts` from the fonts' cmaps (src/docgen/fontfaces.py, docs/fonts.md): do not edit.",
        "   One family per script, each declared only for the code points its files draw in its Unicode blocks;",
        f'   every font-family lists them after "{LATIN_FAMILY}" (docgen.fontfaces.font_family()). */',
    ]
    for face in SCRIPT_FACES:
        for weight, file in ((400, face.regular), (700, face.bold)):
            if file is not None:
                out.append(
                    f'@font-face {{\n  font-family: "{face.family}"; src: url("../../fonts/{file}");'
                    f" font-weight: {weight}; font-style: normal;\n{_unicode_range(face)}\n}}"
                )
    return "\n".join(out) + "\n"


def write_stylesheet(home: Path | None = None) -> Path:
    """Regenerate the committed stylesheet; returns its path."""
    path = (home or get_settings().home) / STYLESHEET
    write_atomic(path, stylesheet().encode())
    return path


NOTICE_CJK = next(face for face in SCRIPT_FACES if face.script == "CJK Notice")
FULL_CJK = next(face for face in SCRIPT_FACES if face.script == "CJK")


def notice_cjk_characters(home: Path | None = None) -> frozenset[int]:
    """The Chinese, Japanese and Korean characters of the notice's taglines (locales/notice/)."""
    data = load_language_assistance((home or get_settings().home) / "locales" / "notice")
    return frozenset(
        ord(char)
        for tagline in data.taglines.values()
        for char in tagline.text
        if any(first <= ord(char) <= last for first, last in CJK_BLOCKS)
    )


def notice_cjk_font(home: Path | None = None) -> bytes:
    """The notice's CJK face cut from the full one: its characters, with every layout feature
    (`locl` gives the Japanese, Korean and Traditional forms), the full face's names and dates,
    its cubic CFF outlines as quadratic TrueType ones (within 1 unit of the 1,000-unit em)."""
    folder = (home or get_settings().home) / "fonts"
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    # Printable ASCII too, though the face is declared for CJK only: Pango draws the space inside a
    # CJK run ("請致電 800-...") from the run's own face, and found none in the subset (.notdef).
    subsetter.populate(unicodes=sorted(notice_cjk_characters(home) | set(range(0x20, 0x7F))))
    with TTFont(folder / FULL_CJK.regular, recalcTimestamp=False) as font:
        subsetter.subset(font)
        _to_truetype(font)
        buffer = BytesIO()
        font.save(buffer)
    return buffer.getvalue()


def _to_truetype(font: TTFont) -> None:
    """CFF outlines to glyf, as fontTools' Snippets/otf2ttf.py does (cu2qu, reversed contours)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    metrics = font["hmtx"].metrics
    for name, glyph in glyphs.items():
        metrics[name] = (metrics[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: WeasyPrint and PDF readers map by cmap and ToUnicode
    font.sfntVersion = "\x00\x01\x00\x00"


def write_notice_cjk(home: Path | None = None) -> Path:
    """Regenerate the committed notice CJK face (`make fonts`); returns its path."""
    path = (home or get_settings().home) / "fonts" / NOTICE_CJK.regular
    write_atomic(path, notice_cjk_font(home))
    return path
