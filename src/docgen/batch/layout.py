"""Where a #10 double-window envelope shows the first page, and the address blocks placed there.

Coordinates are inches on the US Letter page, measured from its top-left corner. The page is
letter-folded in thirds with the address panel (the top third, 3-2/3 in) facing the envelope's
front. Mail is sorted standing on its long edge, so the insert rests on the envelope's bottom
fold; sideways it may slide by the envelope's extra width (9-1/2 in - 8-1/2 in = 1 in).
Each address block is kept inside its window at every sideways position, 1/8 in clear of the
window's edges (USPS Publication 25, window envelopes).
"""

from __future__ import annotations

from dataclasses import dataclass


from docgen.barcodes import svg_data_uri
from docgen.batch import imb
from docgen.documents.mailing import MailingView, Placement
from docgen.documents.statements import person_name
from docgen.errors import InputError, Problem
from docgen.glyphs import FONT_REGULAR, text_width_pt
from docgen.model import Enrollment

PAGE_WIDTH_IN = 8.5
PAGE_HEIGHT_IN = 11.0
#: #10 envelope, 9-1/2 x 4-1/8 in.
ENVELOPE_WIDTH_IN = 9.5
ENVELOPE_HEIGHT_IN = 4.125
#: The address panel of a letter fold: the top third of the page.
ADDRESS_PANEL_IN = PAGE_HEIGHT_IN / 3
#: How far the folded insert can slide sideways inside the envelope.
SIDEWAYS_PLAY_IN = ENVELOPE_WIDTH_IN - PAGE_WIDTH_IN
#: USPS Publication 25: at least 1/8 in between the address and every edge of the window.
CLEARANCE_IN = 1 / 8

#: Page margins the mailing stylesheet gives the first page (assets/css/mailing.css
#: `@page :first`) and every page (statement.css): placements are relative to the page area.
FIRST_PAGE_MARGIN_TOP_IN = 0.25
MARGIN_LEFT_IN = 0.6

#: Type of the address blocks (assets/css/mailing.css): sizes and leading in points.
RECIPIENT_FONT_PT = 9.5
RECIPIENT_LEADING_PT = 11.0
RETURN_FONT_PT = 8.0
RETURN_LEADING_PT = 9.5
FONT_BOLD = "LiberationSans-Bold.ttf"
POINTS_PER_INCH = 72


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
        return (
            self.x0 <= other.x0 and other.x1 <= self.x1 and self.top <= other.top and other.bottom <= self.bottom
        )


@dataclass(frozen=True)
class Window:
    """An envelope window, specified as envelope makers do: size, then distance from left and bottom."""

    name: str
    width: float
    height: float
    left: float
    bottom: float

    def on_page(self, slide: float) -> Rect:
        """The page area behind the window when the insert's left edge is `slide` in from the envelope's."""
        top_of_insert = ADDRESS_PANEL_IN  # insert resting on the bottom fold
        return Rect(
            x0=self.left - slide,
            top=top_of_insert - (self.bottom + self.height),
            x1=self.left + self.width - slide,
            bottom=top_of_insert - self.bottom,
        )

    @property
    def nominal(self) -> Rect:
        """The page area behind the window with the insert centred sideways."""
        return self.on_page(SIDEWAYS_PLAY_IN / 2)

    @property
    def address_area(self) -> Rect:
        """Where a block may print: behind the window at every sideways slide, 1/8 in clear of it."""
        leftmost, rightmost = self.on_page(0.0), self.on_page(SIDEWAYS_PLAY_IN)
        always = Rect(leftmost.x0, leftmost.top, rightmost.x1, leftmost.bottom)
        return always.inset(CLEARANCE_IN)


#: The standard #10 window for the recipient: 4-1/2 x 1-1/8 in, 7/8 in from the left, 1/2 in from the bottom.
RECIPIENT_WINDOW = Window("recipient", width=4.5, height=1.125, left=7 / 8, bottom=1 / 2)
#: The return-address window of a #10 double-window envelope: 3-1/2 x 1 in, 5/8 in from the
#: left, 2-1/2 in from the bottom (its top edge 5/8 in below the envelope's). Check your stock.
RETURN_WINDOW = Window("return", width=3.5, height=1.0, left=5 / 8, bottom=2.5)


def text_width_in(text: str, size_pt: float, font_file: str = FONT_REGULAR) -> float:
    """Advance width of a line in the bundled font (no kerning: never narrower than printed)."""
    return text_width_pt(text, size_pt, font_file) / POINTS_PER_INCH


def _wrap(text: str, width_in: float, size_pt: float, font_file: str) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width_in(candidate, size_pt, font_file) <= width_in:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _recipient(enrollment: Enrollment) -> list[tuple[str, str]]:
    """(source field, line) of the delivery address in USPS Publication 28 form: upper case,
    city, state and ZIP on the last line without punctuation."""
    person, address = enrollment.participant, enrollment.participant.address
    lines = [
        ("participant", person_name(person.first_name, person.middle_name, person.last_name)),
        ("participant.address.line1", address.line1),
        ("participant.address.line2", address.line2),
        ("participant.address.city", f"{address.city} {address.state} {address.zip}"),
    ]
    return [(path, line.upper()) for path, line in lines if line]


def recipient_lines(enrollment: Enrollment) -> tuple[str, ...]:
    return tuple(line for _, line in _recipient(enrollment))


def return_lines(enrollment: Enrollment) -> tuple[str, ...]:
    admin = enrollment.administrator
    area = RETURN_WINDOW.address_area
    return (*_wrap(admin.name, area.width, RETURN_FONT_PT, FONT_BOLD), *admin.address)


def _lines_fit(lines: tuple[str, ...], area: Rect, reserved_in: float, size_pt: float, leading_pt: float) -> bool:
    return len(lines) * leading_pt / POINTS_PER_INCH <= area.height - reserved_in


def mailing_problems(enrollment: Enrollment, with_imb: bool) -> list[Problem]:
    """Why the address blocks would not fit their windows (empty when they fit)."""
    problems = []
    area = RECIPIENT_WINDOW.address_area
    for path, line in _recipient(enrollment):
        if text_width_in(line, RECIPIENT_FONT_PT) > area.width:
            problems.append(Problem(
                path, "address-fits-window", f"makes an address line wider than the envelope window shows ({area.width:.2f} in)"
            ))
    lines = recipient_lines(enrollment)
    reserved = imb.symbol_size_in()[1] - imb.CLEAR_ZONE_Y_IN if with_imb else 0.0
    if not _lines_fit(lines, area, reserved, RECIPIENT_FONT_PT, RECIPIENT_LEADING_PT):
        problems.append(Problem("participant.address", "address-fits-window", "has more lines than the envelope window shows"))
    returns = return_lines(enrollment)
    wide = any(text_width_in(line, RETURN_FONT_PT) > RETURN_WINDOW.address_area.width for line in returns[1:])
    if wide or not _lines_fit(returns, RETURN_WINDOW.address_area, 0.0, RETURN_FONT_PT, RETURN_LEADING_PT):
        problems.append(Problem("administrator.address", "return-address-fits-window", "does not fit the envelope's return-address window"))
    return problems


def _placement(area: Rect) -> Placement:
    return Placement(
        left=f"{area.x0 - MARGIN_LEFT_IN:.4f}in",
        top=f"{area.top - FIRST_PAGE_MARGIN_TOP_IN:.4f}in",
        width=f"{area.width:.4f}in",
        height=f"{area.height:.4f}in",
    )


def mailing_view(enrollment: Enrollment, tracking: str | None) -> MailingView:
    """The first page's address blocks; `tracking` is the IMb tracking code, when one is printed."""
    problems = mailing_problems(enrollment, tracking is not None)
    if problems:
        raise InputError(problems)
    imb_uri = None
    if tracking is not None:
        bars = imb.bar_states(tracking, imb.routing_code(enrollment.participant.address.zip))
        imb_uri = svg_data_uri(imb.imb_svg(bars))
    return MailingView(
        return_box=_placement(RETURN_WINDOW.address_area),
        return_lines=return_lines(enrollment),
        recipient_box=_placement(RECIPIENT_WINDOW.address_area),
        recipient_lines=recipient_lines(enrollment),
        imb_uri=imb_uri,
    )
