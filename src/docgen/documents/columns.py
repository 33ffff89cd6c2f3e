"""Table columns sized to their contents, measured in the bundled fonts (issue 18).

A fixed split leaves a hyphenated surname broken across two lines while the Sex and Student?
columns stand half empty. WeasyPrint's automatic table layout does not help: it counts the break
after a hyphen as the name's narrowest width, so it shrinks that column first. Here each column
gets the width of its longest cell when all fit, and only when they cannot is the slack taken from
the columns with text that can wrap between words, never below their longest word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docgen import glyphs


@dataclass(frozen=True)
class Column:
    header: str
    cells: Sequence[str]


@dataclass(frozen=True)
class TableFont:
    """The sizes a table prints in: cells, header (bold) and the cell padding on both sides."""

    cell_pt: float
    header_pt: float
    padding_pt: float


def _longest_word(texts: Sequence[str], size_pt: float, font_file: str) -> float:
    return max(
        (glyphs.text_width_pt(word, size_pt, font_file) for text in texts for word in glyphs.css_words(text)),
        default=0.0,
    )


#: Room kept beside each measured width: the engine rounds widths and positions glyphs on its own
#: grid, and a column given exactly its word's width broke "Active" into "Activ" and "e".
_ROUNDING_PT = 1.0


def fit_widths(columns: Sequence[Column], table_width_pt: float, font: TableFont) -> tuple[float, ...]:
    """Each column's share of the table width in percent, summing to 100."""
    spare = font.padding_pt + _ROUNDING_PT
    narrowest = [
        max(
            _longest_word(column.cells, font.cell_pt, glyphs.FONT_REGULAR),
            _longest_word([column.header], font.header_pt, glyphs.FONT_BOLD),
        )
        + spare
        for column in columns
    ]
    natural = [
        max(
            narrow,
            max((glyphs.text_width_pt(cell, font.cell_pt) for cell in column.cells), default=0.0) + spare,
        )
        for column, narrow in zip(columns, narrowest, strict=True)
    ]
    excess = sum(natural) - table_width_pt
    if excess <= 0:
        # Everything fits on one line: share the slack in proportion, so no column looks cramped.
        widths = [width * table_width_pt / sum(natural) for width in natural]
    else:
        give = [wide - narrow for wide, narrow in zip(natural, narrowest, strict=True)]
        if sum(give) >= excess:
            # Wrap the long texts between words, each column in proportion to what it can give.
            widths = [wide - excess * g / sum(give) for wide, g in zip(natural, give, strict=True)]
        else:
            # Even the longest words do not fit side by side: cap the widest columns at one level,
            # so only their longest words break (overflow-wrap) and short columns stay whole.
            widths = _capped(narrowest, table_width_pt)
    return tuple(round(100 * width / table_width_pt, 3) for width in widths)


def _capped(widths: Sequence[float], total: float) -> list[float]:
    """`widths` with the largest lowered to one common cap, so that they sum to `total`."""
    remaining, count = total, len(widths)
    for index, width in enumerate(sorted(widths)):
        cap = remaining / (count - index)
        if width > cap:
            return [min(w, cap) for w in widths]
        remaining -= width
    return list(widths)
