"""ID card fields in their boxes: the type size each prints at, measured in the bundled fonts.

Issue 17: a 60-character name and a 70-character employer name ran off the card's edge, and a
long network name overran its band. Each field has a box (assets/css/idcard.css) and the
sizes it may step down to, never under the card's minimums (6 pt; 7 pt for member fields
and the NCPDP block); text that fits its box at none of them is an input problem naming
the field, so a card never prints clipped. The front's blocks, stacked, must fit its height
too (issue 18: six copays with the deductible rows ran off its foot).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from docgen.errors import Problem
from docgen.glyphs import FONT_BOLD, FONT_REGULAR, wrapped_lines
from docgen.units import POINTS_PER_MM

#: The CSS classes of a field's sizes, largest first (idcard.css gives each its size).
SIZE_CLASSES = ("normal", "long", "longest")


@dataclass(frozen=True)
class Box:
    """A field's room on the card: its width, the lines it may take, its sizes largest first."""

    width_mm: float
    sizes_pt: tuple[float, ...]
    lines: int = 1
    bold: bool = False

    def size_class(self, text: str) -> str | None:
        """The largest size class at which `text` fits, or None when it fits at none."""
        font = FONT_BOLD if self.bold else FONT_REGULAR
        for size_class, size in zip(SIZE_CLASSES, self.sizes_pt, strict=False):
            if wrapped_lines(text, self.width_mm * POINTS_PER_MM, size, font, breaks_words=False) <= self.lines:
                return size_class
        return None


# The boxes of idcard.css (content widths), with the sizes and lines it sets for each.
WORDMARK = Box(52.5, (9.0, 7.5, 6.5), lines=2, bold=True)
NETWORK = Box(26.1, (7.5, 6.5, 6.0), lines=2, bold=True)
MEMBER_NAME = Box(78.6, (9.5, 8.5, 7.5), bold=True)
GROUP_LINE = Box(59.6, (7.0, 6.5, 6.0))
#: The Subscriber line of a dependent's card: the ids table's value column, as the group line.
SUBSCRIBER = Box(59.6, (7.0, 6.5, 6.0))
RX_VALUE = Box(23.0, (7.0,))
COPAY_LABEL = Box(18.6, (6.5, 6.0))
CONTACT_VALUE = Box(40.0, (7.0,), bold=True)
#: The customer-service phone: larger, the number a provider's front desk calls first.
CUSTOMER_SERVICE = Box(40.0, (9.0, 7.0), bold=True)
BACK_WORDMARK = Box(50.0, (7.0, 6.0), lines=2, bold=True)
#: "Send claims to": the administrator and the address, wrapped, above the notice.
CLAIMS = Box(36.1, (6.5,), lines=6)
NOTICE = Box(78.6, (6.0,), lines=4)


# The front below its band (idcard.css .card-body) and its blocks' heights as idcard.css lays
# them out, in mm (tests/documents/test_idcard.py measures them in WeasyPrint's layout).
FRONT_BODY_MM = 43.98
MEMBER_BLOCK_MM = 6.394
IDS_FIRST_ROW_MM = 2.841
IDS_ROW_MM = 3.140
PHARMACY_BLOCK_MM = 14.506
#: The Copays heading band with the first row's top padding.
COPAYS_HEAD_MM = 3.640
COPAY_ROW_MM = 2.523
#: The In-Net/Out-of-Net heading band, with the white rule parting it from copays above.
COST_HEAD_MM = 3.139
COST_HEAD_AFTER_COPAYS_MM = 3.739
COST_ROW_MM = 2.329
#: The least room left for the front's four gaps (above, between and below its three blocks).
FRONT_GAPS_MM = 3.0


def front_height_mm(id_rows: int, copays: int, cost_rows: int) -> float:
    """The height of the front's blocks: the member, the ids table, and the taller of the
    Pharmacy block and the Copays block (copays, then the deductible rows)."""
    right = COPAYS_HEAD_MM + copays * COPAY_ROW_MM if copays else 0.0
    if cost_rows:
        right += (COST_HEAD_AFTER_COPAYS_MM if copays else COST_HEAD_MM) + cost_rows * COST_ROW_MM
    ids = IDS_FIRST_ROW_MM + (id_rows - 1) * IDS_ROW_MM
    return MEMBER_BLOCK_MM + ids + max(PHARMACY_BLOCK_MM, right)


def front_fits(id_rows: int, copays: int, cost_rows: int) -> bool:
    return front_height_mm(id_rows, copays, cost_rows) <= FRONT_BODY_MM - FRONT_GAPS_MM


@dataclass(frozen=True)
class Field:
    """One printed field: where it comes from in the input, its text, and its box."""

    path: str
    text: str
    box: Box


def refusals(fields: list[Field]) -> Iterator[Problem]:
    """A problem for each field that fits its box at none of its sizes."""
    for field in fields:
        if field.text and field.box.size_class(field.text) is None:
            yield Problem(
                field.path,
                "id-card-fits",
                f"is too long for its place on the ID card ({field.box.lines} line(s) of"
                f" {field.box.width_mm:g} mm at {min(field.box.sizes_pt):g} pt); shorten it",
            )


def block_refusal(fields: list[Field], box: Box) -> Problem | None:
    """A problem naming the longest line when a block's lines (a name and an address, each
    wrapped) need more lines than its box has."""
    font = FONT_BOLD if box.bold else FONT_REGULAR
    size, width = box.sizes_pt[-1], box.width_mm * POINTS_PER_MM
    if sum(wrapped_lines(f.text, width, size, font, breaks_words=False) for f in fields) <= box.lines:
        return None
    longest = max(fields, key=lambda field: len(field.text))
    return Problem(
        longest.path, "id-card-fits", f"makes its block too long for the ID card ({box.lines} lines); shorten it"
    )
