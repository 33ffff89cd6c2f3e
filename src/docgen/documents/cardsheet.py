"""The ID cards' Letter print sheet: a family's cards eight to a sheet, fronts then backs for duplex.

Issue 18: `--sheet` printed one card per Letter page. Cards are ISO/IEC 7810 ID-1 (CR80,
85.60 x 53.98 mm), two columns by four rows on a Letter sheet (assets/css/idcard.css places
them). Each sheet is two pages, the fronts and then the backs, for two-sided printing flipped
on the long edge: the paper turns about its vertical centre line, so the back of the card in
column c prints in column COLUMNS - 1 - c of the same row, and the CSS places the columns
symmetrically about that line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from docgen.render.metadata import DocumentMetadata

COLUMNS = 2
ROWS = 4
PER_SHEET = COLUMNS * ROWS

C = TypeVar("C")


@dataclass(frozen=True)
class Slot(Generic[C]):
    """One card's place on a page: its row and column, counted from the top left."""

    card: C
    row: int
    column: int


@dataclass(frozen=True)
class SheetPage(Generic[C]):
    """One side of one sheet: the cards' fronts, or their backs in mirrored columns."""

    sheet: int
    back: bool
    slots: tuple[Slot[C], ...]


@dataclass(frozen=True)
class CardSheet(Generic[C]):
    """Display-ready print sheets: every page with its cards' places."""

    #: The template lays out sheets (idcard.CardView has False).
    sheet: ClassVar[bool] = True
    issuer_name: str
    card_count: int
    sheets: int
    pages: tuple[SheetPage[C], ...]
    metadata: DocumentMetadata


def mirrored(column: int) -> int:
    """The column a card's back prints in: a long-edge flip turns the sheet about its vertical centre."""
    return COLUMNS - 1 - column


def lay_out(cards: Sequence[C], issuer_name: str, metadata: DocumentMetadata) -> CardSheet[C]:
    """The cards in order, row by row, on as few sheets as hold them; each sheet's fronts page
    is followed by its backs page."""
    pages: list[SheetPage[C]] = []
    for sheet, start in enumerate(range(0, len(cards), PER_SHEET), start=1):
        fronts = tuple(
            Slot(card, index // COLUMNS, index % COLUMNS) for index, card in enumerate(cards[start : start + PER_SHEET])
        )
        backs = tuple(Slot(slot.card, slot.row, mirrored(slot.column)) for slot in fronts)
        pages += [SheetPage(sheet, False, fronts), SheetPage(sheet, True, backs)]
    return CardSheet(issuer_name, len(cards), len(pages) // 2, tuple(pages), metadata)
