"""USPS Intelligent Mail barcode (USPS-B-3200): codes built and checked, ReportLab's encoder, bars drawn to the spec."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.graphics.barcode.usps4s import USPS_4State

from docgen.errors import InputError, Problem, RenderError

#: Barcode Identifier "00": no Optional Endorsement Line, the value for letters (USPS-B-3200 §2.1.3).
BARCODE_ID = "00"
#: Service Type Identifier used unless the mailroom passes its own: First-Class Mail, basic IMb,
#: no address correction requested. The mailer's STID comes from the USPS STID table.
DEFAULT_SERVICE_TYPE = "300"
#: Tracking code: Barcode ID 2, Service Type ID 3, Mailer ID + serial number 15 (USPS-B-3200 §2.1.3).
TRACKING_DIGITS = 20
#: Routing code: none, ZIP, ZIP+4 or ZIP+4 + delivery point (USPS-B-3200 §2.1.3).
ROUTING_LENGTHS = (0, 5, 9, 11)
# ASCII only, spelled out: Python's \d, str.isdigit() and int() also take other scripts' digits
# (Arabic-Indic, full-width), which ReportLab's encoder would silently read as 0-9.
_DIGITS = frozenset("0123456789")

# Bar geometry, USPS-B-3200 §2.3 (inches). Each value is the middle of the spec's range, so a
# printer's spread in either direction stays inside it.
#: 20 to 24 bars per inch: 22 bars per inch.
BAR_PITCH_IN = 1 / 22
#: Bar width 0.015 to 0.025 in.
BAR_WIDTH_IN = 0.020
#: Full bar 0.125 to 0.165 in.
FULL_BAR_IN = 0.145
#: Tracker (the middle part every bar has) 0.039 to 0.057 in.
TRACKER_IN = 0.048
#: Ascender and descender: tracker plus half of the rest of a full bar.
ASCENDER_IN = (FULL_BAR_IN + TRACKER_IN) / 2
#: Clear zones around the bars: 0.125 in left and right, 0.028 in above and below.
CLEAR_ZONE_X_IN = 0.125
CLEAR_ZONE_Y_IN = 0.028
BAR_COUNT = 65
#: Overall symbol length, first bar's left edge to last bar's right edge (spec: 2.667 to 3.225 in).
SYMBOL_LENGTH_IN = (BAR_COUNT - 1) * BAR_PITCH_IN + BAR_WIDTH_IN


@dataclass(frozen=True)
class MailerId:
    """A USPS Mailer ID: six digits (0-8 first) or nine digits (9 first); it fixes the serial length."""

    digits: str

    @property
    def serial_digits(self) -> int:
        # Mailer ID plus serial number is always 15 digits (USPS-B-3200 Table 2).
        return 15 - len(self.digits)


def parse_mailer_id(value: str, path: str = "mailer_id") -> MailerId:
    """Check a --mailer-id: USPS assigns 6-digit IDs starting 0-8 and 9-digit IDs starting with 9."""
    if re.fullmatch(r"[0-8][0-9]{5}|9[0-9]{8}", value) is None:
        raise InputError(
            [
                Problem(
                    path,
                    "mailer-id",
                    "must be a USPS Mailer ID: 6 digits not starting with 9, or 9 digits starting with 9",
                )
            ]
        )
    return MailerId(value)


def parse_service_type(value: str, path: str = "service_type") -> str:
    if re.fullmatch(r"[0-9]{3}", value) is None:
        raise InputError([Problem(path, "service-type", "must be a three-digit USPS Service Type ID")])
    return value


def _first_non_digit(value: str) -> int | None:
    """1-based position of the first character that is not an ASCII digit."""
    return next((index for index, char in enumerate(value, 1) if char not in _DIGITS), None)


def tracking_problems(tracking: str, path: str = "tracking") -> list[Problem]:
    """What makes `tracking` no IMb tracking code: 20 ASCII digits, the second 0-4 (USPS-B-3200 §2.1.3)."""
    # Messages give lengths and positions, never the value: a DocgenError's message may reach a response.
    problems = []
    if len(tracking) != TRACKING_DIGITS:
        problems.append(
            Problem(path, "imb-tracking-length", f"must be {TRACKING_DIGITS} digits, not {len(tracking)} characters")
        )
    if (bad := _first_non_digit(tracking)) is not None:
        problems.append(Problem(path, "imb-tracking-digits", f"must be ASCII digits 0-9 only (character {bad} is not)"))
    # Step 1 packs the Barcode Identifier's second digit in base 5 (USPS-B-3200 §2.2.1), so a
    # 5-9 would encode as another identifier: "05" gives the very bars of "10".
    if len(tracking) >= 2 and tracking[1] in "56789":
        problems.append(
            Problem(path, "imb-barcode-id", f"has a Barcode Identifier whose second digit is {tracking[1]}, not 0-4")
        )
    return problems


def routing_problems(routing: str, path: str = "routing") -> list[Problem]:
    """What makes `routing` no IMb routing code: 0, 5, 9 or 11 ASCII digits (USPS-B-3200 §2.1.3)."""
    problems = []
    if len(routing) not in ROUTING_LENGTHS:
        problems.append(
            Problem(path, "imb-routing-length", f"must be 0, 5, 9 or 11 digits, not {len(routing)} characters")
        )
    if (bad := _first_non_digit(routing)) is not None:
        problems.append(Problem(path, "imb-routing-digits", f"must be ASCII digits 0-9 only (character {bad} is not)"))
    return problems


def routing_code(zip_code: str, path: str = "participant.address.zip") -> str:
    """The routing field: ZIP or ZIP+4 digits (an 11-digit delivery point needs CASS data we lack)."""
    # Only the two written forms: dropping any hyphen would turn "1234-5" into a real ZIP.
    if re.fullmatch(r"[0-9]{5}(-[0-9]{4})?", zip_code) is None:
        raise InputError(
            [Problem(path, "imb-routing-zip", "must be a ZIP code, 12345 or 12345-6789, to route the IMb")]
        )
    return zip_code.replace("-", "")


def tracking_code(mailer: MailerId, serial: int, service_type: str = DEFAULT_SERVICE_TYPE) -> str:
    """The 20-digit tracking code: barcode ID, service type, mailer ID and the piece's serial number."""
    parse_mailer_id(mailer.digits)
    parse_service_type(service_type)
    width = mailer.serial_digits
    if not 0 <= serial < 10**width:
        raise InputError(
            [
                Problem(
                    "serial",
                    "imb-serial-range",
                    f"must be 0 to {10**width - 1}: a {len(mailer.digits)}-digit Mailer ID leaves {width} digits",
                )
            ]
        )
    return f"{BARCODE_ID}{service_type}{mailer.digits}{serial:0{width}d}"


def bar_states(tracking: str, routing: str) -> str:
    """The 65 bars as letters, T tracker, A ascender, D descender, F full (ReportLab's encoder)."""
    problems = tracking_problems(tracking) + routing_problems(routing)
    if problems:
        raise InputError(problems)
    # USPS_4State implements USPS-B-3200's steps 1-6 (binary conversion, CRC-11 frame check,
    # codewords, characters, bar mapping); tests hold it to the spec's own Appendix C examples
    # and to USPS's encoder test cases. Failing on checked codes is a fault of the encoder.
    try:
        bars: str = USPS_4State(tracking, routing).barcodes
    except (ValueError, AssertionError) as exc:
        raise RenderError(
            f"the IMb encoder failed on a checked tracking and routing code: {type(exc).__name__}"
        ) from exc
    if len(bars) != BAR_COUNT or set(bars) - set("TADF"):
        raise RenderError(f"the IMb encoder returned {len(bars)} bars, not {BAR_COUNT} of T, A, D, F")
    return bars


# SVG user units are thousandths of an inch, so every coordinate below is an exact spec value.
_MIL = 1000


def _bar_span(state: str) -> tuple[float, float]:
    """Top and bottom of a bar, measured down from the symbol's top edge, in inches."""
    top = 0.0 if state in "AF" else (FULL_BAR_IN - TRACKER_IN) / 2
    bottom = FULL_BAR_IN if state in "DF" else (FULL_BAR_IN + TRACKER_IN) / 2
    return top, bottom


def imb_svg(bars: str) -> str:
    """The bars as SVG, clear zones included; its width and height are in inches (print size)."""
    width_in = SYMBOL_LENGTH_IN + 2 * CLEAR_ZONE_X_IN
    height_in = FULL_BAR_IN + 2 * CLEAR_ZONE_Y_IN
    rects = []
    for index, state in enumerate(bars):
        top, bottom = _bar_span(state)
        x = CLEAR_ZONE_X_IN + index * BAR_PITCH_IN
        rects.append(
            f'<rect x="{x * _MIL:.3f}" y="{(CLEAR_ZONE_Y_IN + top) * _MIL:.3f}"'
            f' width="{BAR_WIDTH_IN * _MIL:.3f}" height="{(bottom - top) * _MIL:.3f}"/>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width_in * _MIL:.3f} {height_in * _MIL:.3f}"'
        f' width="{width_in}in" height="{height_in}in"><g fill="#000">{"".join(rects)}</g></svg>'
    )


def symbol_size_in() -> tuple[float, float]:
    """Width and height of the drawn symbol with its clear zones, in inches."""
    return SYMBOL_LENGTH_IN + 2 * CLEAR_ZONE_X_IN, FULL_BAR_IN + 2 * CLEAR_ZONE_Y_IN
