"""The characters the bundled fonts draw, and the rule that printed text uses only those.

Issue 17: a name the fonts cannot draw (李 小龍, محمد, an emoji) printed as .notdef boxes with
exit status 0. Until fonts for other scripts are bundled, such text is an input problem naming
the path and the code points (never the characters: error bodies repeat no input).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from functools import cache

from fontTools.ttLib import TTFont
from pydantic import BaseModel

from docgen.config import SETTINGS
from docgen.errors import Problem

#: Code points listed in one problem; the rest are counted.
_LISTED = 5


@cache
def drawable() -> frozenset[int]:
    """Code points every bundled face (regular, bold, italics) has a glyph for."""
    cmaps = []
    for face in sorted(SETTINGS.fonts_dir.glob("*.ttf")):
        with TTFont(face, lazy=True) as font:
            cmaps.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*cmaps)) if cmaps else frozenset()


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
