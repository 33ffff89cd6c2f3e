"""The bundled fonts' glyphs: which characters they draw (and the rule that printed text uses
only those), and how wide a line of them is.

Issue 17: a name the fonts could not draw (李 小龍, محمد, an emoji) printed as .notdef boxes with
exit status 0. Issue 23 bundled a face for each script the product prints (docgen.fontfaces);
text any of them cannot draw (an emoji, say) is still an input problem naming the path and the
code points (never the characters: error bodies repeat no input).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from enum import Enum
from functools import cache

from fontTools.ttLib import TTFont
from pydantic import BaseModel

from docgen import fontfaces
from docgen.config import get_settings
from docgen.errors import Problem

#: Code points listed in one problem; the rest are counted.
_LISTED = 5
#: The body faces of every document (assets/css/base.css).
FONT_REGULAR = "LiberationSans-Regular.ttf"
FONT_BOLD = "LiberationSans-Bold.ttf"
_BOLD_FACES = (FONT_BOLD, "LiberationSans-BoldItalic.ttf")


@cache
def drawable() -> frozenset[int]:
    """Code points the documents' fonts print: what Liberation Sans's four faces all draw (a name
    may print in any of them), and what each script face draws within its declared unicode-range."""
    return fontfaces.latin_drawable().union(*(fontfaces.declared(face) for face in fontfaces.SCRIPT_FACES))


@cache
def _script_faces() -> dict[int, fontfaces.ScriptFace]:
    """The script face that draws each code point Liberation Sans does not (the script faces' ranges
    never overlap; Syriac's combining marks are Liberation's too, and zero-width in both)."""
    return {code: face for face in fontfaces.SCRIPT_FACES for code in fontfaces.declared(face)}


@cache
def _advances(font_file: str) -> tuple[dict[int, int], int]:
    with TTFont(get_settings().fonts_dir / font_file) as font:
        metrics = font["hmtx"].metrics
        units: int = font["head"].unitsPerEm
        return {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}, units


def _script_advance(code: int, font_file: str) -> float | None:
    """A character Liberation Sans lacks, in ems, from its script's face in the weight of
    `font_file` (CJK: 1 em); None when no bundled face draws it."""
    face = _script_faces().get(code)
    if face is None:
        return None
    bold = face.bold is not None and font_file in _BOLD_FACES
    advances, units = _advances(face.bold if bold and face.bold else face.regular)
    return advances[code] / units


def text_width_pt(text: str, size_pt: float, font_file: str = FONT_REGULAR) -> float:
    """Advance width of a line in points, each character measured in the bundled face that draws it:
    `font_file` (a Liberation Sans face), else its script's face. No kerning, so never narrower than
    printed Latin; script text is shaped when printed (ligatures, conjuncts), so there an estimate."""
    advances, units = _advances(font_file)
    fallback = advances.get(ord("W"), units)
    latin, script = 0, 0.0
    for char in text:
        code = ord(char)
        if code in advances:
            latin += advances[code]
        elif (ems := _script_advance(code, font_file)) is not None:
            script += ems
        else:  # undrawable, refused before any fit estimate: as wide as a W
            latin += fallback
    return latin / units * size_pt + script * size_pt


# CSS breaks lines only at its own white space (CSS Text 3, "document white space"): a no-break
# space (U+00A0, U+202F) holds its words together, though Python's str.split() breaks there.
_CSS_SPACE = re.compile(r"[ \t\n\r\f]+")
#: A line may also break after a hyphen inside a word (UAX #14 class HY, as Pango breaks):
#: "MÜLLER-" ends one line and the rest of the name starts the next.
_AFTER_HYPHEN = re.compile(r"(?<=[-\u2010])(?=.)")


def css_words(text: str) -> list[str]:
    """The words CSS may break a line between."""
    return [word for word in _CSS_SPACE.split(text) if word]


def wrapped_lines(
    text: str, width_pt: float, size_pt: float, font_file: str = FONT_REGULAR, *, breaks_words: bool = True
) -> int:
    """Lines `text` takes in a column `width_pt` wide, greedy by words. A word wider than the
    column is broken anywhere (CSS overflow-wrap: anywhere) when `breaks_words`, else it cannot
    fit at all: the answer is then larger than any column's lines. A line may break after a
    word's hyphen. An estimate: kerning and hyphenation are left out."""
    lines, used = 0, 0.0
    space = text_width_pt(" ", size_pt, font_file)
    for word in css_words(text):
        for number, piece in enumerate(_AFTER_HYPHEN.split(word)):
            gap = space if number == 0 else 0.0  # a word's pieces join without a space
            width = text_width_pt(piece, size_pt, font_file)
            if lines and used + gap + width <= width_pt:
                used += gap + width
                continue
            if width > width_pt and not breaks_words:
                return sys.maxsize
            whole, rest = divmod(width, width_pt)
            lines += int(whole) + (1 if rest else 0)
            used = rest if rest else width_pt
    return max(1, lines)


def undrawable(text: str) -> list[str]:
    """The code points of `text` no bundled face draws, as U+XXXX, in order of first use."""
    # White space is laid out, not drawn (a line break, a tab): no glyph is needed for it.
    missing = [char for char in dict.fromkeys(text) if ord(char) not in drawable() and not char.isspace()]
    return [f"U+{ord(char):04X}" for char in missing]


def check_printable(model: BaseModel) -> Iterator[Problem]:
    """Every text field of a (possibly partial) parsed input the fonts cannot draw."""
    yield from _walk(model, "")


def _walk(value: object, path: str) -> Iterator[Problem]:
    if isinstance(value, str) and not isinstance(value, Enum):
        missing = undrawable(value)
        if missing:
            more = f" and {len(missing) - _LISTED} more" if len(missing) > _LISTED else ""
            yield Problem(
                path,
                "printable-characters",
                f"has characters the documents' fonts cannot print: {', '.join(missing[:_LISTED])}{more}",
            )
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            # A partial parse leaves failed fields unset; their own problem is already reported.
            yield from _walk(getattr(value, name, None), f"{path}.{name}" if path else name)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    # Anything else (dates, amounts, an SSN, enums, None) is printed from docgen's own digits and words.
