"""Where a window envelope shows the folded first page, and the address blocks placed there.

Coordinates are inches on the US Letter page, measured from its top-left corner. The page is
folded so that its top panel, `fold_panel` inches tall, is the address panel facing the
envelope's front; the folded insert is that panel's height. Inside the envelope it can move
up and down by the envelope's height less the panel, and sideways by the envelope's width less
the page's. USPS Publication 25 section 3-9 (DMM 601.6.3) requires 1/8 in between the address,
barcode included, and every edge of the window "when the insert is moved to its full limits in
each direction": each block is placed inside what its window shows at all four corner
positions of the insert, 1/8 in clear of the window's edges there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from docgen.batch import imb
from docgen.documents.mailing import (
    Addresses,
    MailingView,
    Placement,
    delivery_line,
    is_secondary_unit,
    last_line,
    mail_name,
)
from docgen.errors import InputError, Problem
from docgen.glyphs import FONT_REGULAR, css_words, text_width_pt
from docgen.render.barcodes import svg_data_uri
from docgen.units import POINTS_PER_INCH

PAGE_WIDTH_IN = 8.5
PAGE_HEIGHT_IN = 11.0
#: USPS Publication 25 section 3-9: at least 1/8 in between the delivery address (and its
#: barcode) and every edge of the window, at the insert's full limits of movement.
CLEARANCE_IN = 1 / 8
#: The return address has no USPS clearance rule; 1/16 in keeps its glyphs off the window's edge.
RETURN_CLEARANCE_IN = 1 / 16
#: Folder-inserters want the envelope at least 1/4 in deeper than the folded insert (Pitney
#: Bowes FastPac DI900/DI950 envelope specification): the tallest address panel docgen allows.
INSERTER_DEPTH_IN = 1 / 4
#: The shortest address panel: with less, the rest of the page (two panels) would be taller
#: than it, so the folded insert would no longer be the address panel's height.
MIN_FOLD_PANEL_IN = PAGE_HEIGHT_IN / 3
#: 3-7/8 in: the tallest panel a #10 envelope (4-1/8 in) takes by the rule above. Its vertical
#: play is 1/4 in, where a 3-2/3 in letter fold's is 0.458 in, too much for a barcode and three
#: lines in a 1-1/8 in window.
DEFAULT_FOLD_PANEL_IN = 3.875

#: Page margins the mailing stylesheet gives the first page (assets/css/mailing.css
#: `@page :first`) and every page (statement.css): placements are relative to the page area.
FIRST_PAGE_MARGIN_TOP_IN = 0.25
MARGIN_LEFT_IN = 0.6

#: Type of the address blocks (assets/css/mailing.css): sizes and leading in points. 9.5 pt
#: capitals are 0.096 in tall, above Publication 25's 0.080 in minimum character height.
RECIPIENT_FONT_PT = 9.5
RECIPIENT_LEADING_PT = 10.5
RETURN_FONT_PT = 8.0
RETURN_LEADING_PT = 9.0
FONT_BOLD = "LiberationSans-Bold.ttf"


@dataclass(frozen=True)
class Rect:
    """A rectangle on the page: left, top, right, bottom in inches from the top-left corner."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def inset(self, margin: float) -> Rect:
        return Rect(self.x0 + margin, self.top + margin, self.x1 - margin, self.bottom - margin)

    def contains(self, other: Rect) -> bool:
        return self.x0 <= other.x0 and other.x1 <= self.x1 and self.top <= other.top and other.bottom <= self.bottom

    def shifted(self, dx: float, dy: float) -> Rect:
        return Rect(self.x0 + dx, self.top + dy, self.x1 + dx, self.bottom + dy)


@dataclass(frozen=True)
class Window:
    """An envelope window, specified as envelope makers do: size, then distance from left and bottom."""

    name: str
    width: float
    height: float
    left: float
    bottom: float


@dataclass(frozen=True)
class Envelope:
    """A window envelope stock: outer size and its two windows."""

    name: str
    width: float
    height: float
    recipient: Window
    returns: Window

    def on_envelope(self, window: Window) -> Rect:
        """The window in envelope coordinates: inches from the envelope's top-left corner."""
        return Rect(
            window.left,
            self.height - window.bottom - window.height,
            window.left + window.width,
            self.height - window.bottom,
        )


#: #10 double-window, 9-1/2 x 4-1/8 in. Recipient window: the standard #10 window, 4-1/2 x
#: 1-1/8 in, 7/8 in from the left, 1/2 in from the bottom. Return window: 3-1/2 x 1 in, 5/8 in
#: from the left, 2-1/2 in from the bottom (its top 5/8 in below the envelope's). Check your stock.
ENVELOPES = {
    envelope.name: envelope
    for envelope in (
        Envelope(
            "10-double-window",
            width=9.5,
            height=4.125,
            recipient=Window("recipient", width=4.5, height=1.125, left=7 / 8, bottom=1 / 2),
            returns=Window("return", width=3.5, height=1.0, left=5 / 8, bottom=2.5),
        ),
    )
}
DEFAULT_ENVELOPE = "10-double-window"


@dataclass(frozen=True)
class Position:
    """Where the insert sits: its left edge `slide` in from the envelope's, its top edge `drop` below the envelope's."""

    slide: float
    drop: float


@dataclass(frozen=True)
class Geometry:
    """An envelope and the fold that puts the page's top panel behind its windows."""

    envelope: Envelope
    fold_panel: float

    @property
    def sideways_play(self) -> float:
        return self.envelope.width - PAGE_WIDTH_IN

    @property
    def vertical_play(self) -> float:
        return self.envelope.height - self.fold_panel

    @property
    def corners(self) -> tuple[Position, ...]:
        """The insert moved to its full limits in each direction (Publication 25 section 3-9)."""
        return tuple(Position(s, d) for d in (0.0, self.vertical_play) for s in (0.0, self.sideways_play))

    def on_page(self, window: Window, position: Position) -> Rect:
        """The page area behind `window` with the insert at `position`."""
        return self.envelope.on_envelope(window).shifted(-position.slide, -position.drop)

    def always_shown(self, window: Window) -> Rect:
        """The page area behind `window` at every position of the insert."""
        shown = [self.on_page(window, corner) for corner in self.corners]
        return Rect(
            max(r.x0 for r in shown), max(r.top for r in shown), min(r.x1 for r in shown), min(r.bottom for r in shown)
        )

    def reach(self, window: Window) -> Rect:
        """The page area behind `window` at some position of the insert."""
        shown = [self.on_page(window, corner) for corner in self.corners]
        return Rect(
            min(r.x0 for r in shown), min(r.top for r in shown), max(r.x1 for r in shown), max(r.bottom for r in shown)
        )

    @property
    def recipient_area(self) -> Rect:
        """Where the delivery address and barcode print: in the window at every position, 1/8 in clear."""
        return self.always_shown(self.envelope.recipient).inset(CLEARANCE_IN)

    @property
    def return_area(self) -> Rect:
        return self.always_shown(self.envelope.returns).inset(RETURN_CLEARANCE_IN)


def geometry(envelope: str = DEFAULT_ENVELOPE, fold_panel: float = DEFAULT_FOLD_PANEL_IN) -> Geometry:
    """Check the batch's --envelope and --fold-panel (the panel's range depends on the envelope)."""
    stock = ENVELOPES.get(envelope)
    if stock is None:
        raise InputError([Problem("envelope", "envelope-known", f"must be one of: {', '.join(sorted(ENVELOPES))}")])
    tallest = stock.height - INSERTER_DEPTH_IN
    if not (math.isfinite(fold_panel) and MIN_FOLD_PANEL_IN - 1e-9 <= fold_panel <= tallest + 1e-9):
        raise InputError(
            [
                Problem(
                    "fold_panel",
                    "fold-fits-envelope",
                    f"must be from {MIN_FOLD_PANEL_IN:.3f} in (a third of the page) to {tallest:.3f} in"
                    f" (the {stock.name} envelope less 1/4 in for the inserter)",
                )
            ]
        )
    return Geometry(stock, fold_panel)


DEFAULT_GEOMETRY = geometry()


def text_width_in(text: str, size_pt: float, font_file: str = FONT_REGULAR) -> float:
    """Advance width of a line in the bundled font (no kerning: never narrower than printed)."""
    return text_width_pt(text, size_pt, font_file) / POINTS_PER_INCH


def _wrap(text: str, width_in: float, size_pt: float, font_file: str) -> list[str]:
    lines: list[str] = []
    for word in css_words(text):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width_in(candidate, size_pt, font_file) <= width_in:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _recipient(addresses: Addresses, area: Rect) -> list[tuple[str, str]]:
    """(source field, line) of the delivery address in USPS Publication 28 form (docgen.documents.mailing):
    capitals, no punctuation, the last line CITY ST ZIP. A line left empty is dropped here and
    reported by mailing_problems."""
    parts = {
        "participant.first_name": addresses.first_name,
        "participant.middle_name": addresses.middle_name,
        "participant.last_name": addresses.last_name,
    }
    # A name too wide is named by its longest part: the one worth shortening.
    name_path = max(parts, key=lambda path: len(parts[path]))
    line1, line2 = delivery_line(addresses.line1), delivery_line(addresses.line2)
    delivery = [("participant.address.line1", line1)]
    if is_secondary_unit(line2):
        # Publication 28 section 213: the unit at the end of the delivery address line when it
        # fits there, else on the line immediately above it.
        joined = f"{line1} {line2}".strip()
        if text_width_in(joined, RECIPIENT_FONT_PT) <= area.width:
            delivery = [("participant.address.line1", joined)]
        else:
            delivery.insert(0, ("participant.address.line2", line2))
    elif line2:
        delivery.append(("participant.address.line2", line2))
    lines = [
        (name_path, mail_name(addresses.first_name, addresses.middle_name, addresses.last_name)),
        *delivery,
        ("participant.address.city", last_line(addresses.city, addresses.state, addresses.zip)),
    ]
    return [(path, line) for path, line in lines if line]


def recipient_lines(addresses: Addresses, shape: Geometry = DEFAULT_GEOMETRY) -> tuple[str, ...]:
    return tuple(line for _, line in _recipient(addresses, shape.recipient_area))


def _returns(addresses: Addresses, area: Rect) -> list[tuple[str, str]]:
    return [
        *(("administrator.name", line) for line in _wrap(addresses.sender_name, area.width, RETURN_FONT_PT, FONT_BOLD)),
        *((f"administrator.address[{i}]", line) for i, line in enumerate(addresses.sender_address)),
    ]


def return_lines(addresses: Addresses, shape: Geometry = DEFAULT_GEOMETRY) -> tuple[str, ...]:
    return tuple(line for _, line in _returns(addresses, shape.return_area))


def _line_count(height_in: float, leading_pt: float) -> int:
    # Rounded to a thousandth of a point first: 5 lines of 9 pt fill 0.625 in exactly.
    return math.floor(round(height_in * POINTS_PER_INCH / leading_pt, 6))


def recipient_capacity(shape: Geometry, with_imb: bool) -> int:
    """How many address lines the recipient area holds, under the barcode when there is one."""
    area = shape.recipient_area
    # The symbol's bottom clear zone lies inside the first line's leading.
    reserved = imb.symbol_size_in()[1] - imb.CLEAR_ZONE_Y_IN if with_imb else 0.0
    return _line_count(area.height - reserved, RECIPIENT_LEADING_PT)


def mailing_problems(addresses: Addresses, with_imb: bool, shape: Geometry = DEFAULT_GEOMETRY) -> list[Problem]:
    """Why the address blocks would not fit their windows or would print a field as nothing (empty
    when they are fine), each naming its line."""
    problems = []
    for path, value in (
        ("participant.first_name", addresses.first_name),
        ("participant.last_name", addresses.last_name),
        ("participant.address.line1", addresses.line1),
        ("participant.address.city", addresses.city),
    ):
        # Publication 28 section 222 leaves punctuation out: nothing of such a field would print.
        if not any(char.isalnum() for char in value):
            problems.append(Problem(path, "address-has-words", "has no letter or digit to print in the address block"))
    area = shape.recipient_area
    recipient = _recipient(addresses, area)
    for path, line in recipient:
        if text_width_in(line, RECIPIENT_FONT_PT) > area.width:
            problems.append(
                Problem(
                    path,
                    "address-fits-window",
                    f"makes an address line wider than the envelope window shows ({area.width:.2f} in)",
                )
            )
    capacity = recipient_capacity(shape, with_imb)
    if len(recipient) > capacity:
        # Only a line2 on a line of its own makes a block longer than the name, delivery and last lines.
        paths = [path for path, _ in recipient]
        path = "participant.address.line2" if "participant.address.line2" in paths else paths[capacity]
        under = " under the barcode" if with_imb else ""
        problems.append(
            Problem(
                path,
                "address-fits-window",
                f"needs a line of its own and the envelope window shows {capacity} address lines{under}",
            )
        )
    returns = _returns(addresses, shape.return_area)
    width = shape.return_area.width
    for path, line in returns:
        if path != "administrator.name" and text_width_in(line, RETURN_FONT_PT) > width:
            problems.append(
                Problem(
                    path,
                    "return-address-fits-window",
                    f"is wider than the envelope's return-address window shows ({width:.2f} in)",
                )
            )
    fits = _line_count(shape.return_area.height, RETURN_LEADING_PT)
    if len(returns) > fits:
        problems.append(
            Problem(
                returns[fits][0],
                "return-address-fits-window",
                f"falls below the {fits} lines the envelope's return-address window shows",
            )
        )
    return problems


def _placement(area: Rect) -> Placement:
    return Placement(
        left=f"{area.x0 - MARGIN_LEFT_IN:.4f}in",
        top=f"{area.top - FIRST_PAGE_MARGIN_TOP_IN:.4f}in",
        width=f"{area.width:.4f}in",
        height=f"{area.height:.4f}in",
    )


def mailing_view(addresses: Addresses, tracking: str | None, shape: Geometry = DEFAULT_GEOMETRY) -> MailingView:
    """The first page's address blocks; `tracking` is the IMb tracking code, when one is printed."""
    problems = mailing_problems(addresses, tracking is not None, shape)
    if problems:
        raise InputError(problems)
    imb_uri = None
    if tracking is not None:
        bars = imb.bar_states(tracking, imb.routing_code(addresses.zip))
        imb_uri = svg_data_uri(imb.imb_svg(bars))
    return MailingView(
        return_box=_placement(shape.return_area),
        return_lines=return_lines(addresses, shape),
        recipient_box=_placement(shape.recipient_area),
        recipient_lines=recipient_lines(addresses, shape),
        imb_uri=imb_uri,
        # The statement's body starts at the fold, below everything a window can show.
        panel_height=f"{shape.fold_panel - FIRST_PAGE_MARGIN_TOP_IN:.4f}in",
    )
